import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'

/** Starts virtual devices (the fleet engine, real MQTT clients) that report `version` and take upgrades. */
async function startDevices(
  request: Parameters<typeof trpc>[0],
  productKey: string,
  prefix: string,
  count: number,
  version: string,
  successRatio: number,
) {
  await trpc(request, 'fleet.start', {
    productKey,
    config: {
      count,
      deviceNamePrefix: prefix,
      intervalMs: 60_000,
      ota: { enabled: true, version, successRatio, failStep: -2, steps: 3, stepDelayMs: 500 },
    },
  })
}

test('[OTA]: upload a package with a progress bar, roll it out in a static batch to simulated devices, and watch them succeed or fail', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await signIn(page.request)
  const productName = uniq('E2E_Ota')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  // 3 devices on 1.0.0 whose upgrades succeed, 2 on 1.1.0 whose downloads fail (progress -2)
  await startDevices(page.request, productKey, 'ok_', 3, '1.0.0', 1)
  await startDevices(page.request, productKey, 'bad_', 2, '1.1.0', 0)
  await expect
    .poll(
      async () =>
        (
          await trpc<{ version: string; devices: number }[]>(
            page.request,
            'ota.versions',
            { productKey, module: 'default' },
            'query',
          )
        ).map((v) => `${v.version}:${v.devices}`),
      { timeout: 20_000 },
    )
    .toEqual(['1.0.0:3', '1.1.0:2'])

  // add a package: its file goes up in chunks with a progress bar
  await page.goto('/ota')
  await page.getByRole('button', { name: 'Add package' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add an upgrade package' })
  const packageName = `Pkg_${productName.slice(-8)}`
  await dialog.getByLabel('Package name', { exact: true }).fill(packageName)
  await dialog.getByLabel('Product', { exact: true }).click()
  await page.keyboard.type(productName)
  await page.locator('.ant-select-item-option').filter({ hasText: productName }).click()
  await dialog.getByLabel('Version', { exact: true }).fill('2.0.0')
  // 20 MB: three chunks, so the bar moves
  await dialog.locator('input[type=file]').setInputFiles({
    name: 'firmware.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(20 * 1024 * 1024, 1),
  })
  const bar = dialog.getByRole('progressbar', { name: 'Upload progress of firmware.bin' })
  await expect(bar).toBeVisible()
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 })
  await expect(dialog.getByText('20.00 MB', { exact: true })).toBeVisible()
  await dialog.getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText(`Package ${packageName} added`)).toBeVisible()

  // batch upgrade: all devices, a constant rate
  const row = page.getByRole('row').filter({ hasText: packageName })
  await expect(row.getByText('No verification needed')).toBeVisible()
  await row.getByText('Batch upgrade').click()
  const wizard = page.getByRole('dialog', { name: `Batch upgrade: ${packageName}` })
  await expect(wizard.getByText('All devices')).toBeVisible()
  // the region scope offers the provinces and cities devices report (these report none), not free text
  await wizard.getByLabel('Scope', { exact: true }).click()
  await page.locator('.ant-select-item-option').filter({ hasText: 'Region' }).click()
  await wizard.getByLabel('Region', { exact: true }).click()
  await expect(page.getByText('No device of this product reports a location yet')).toBeVisible()
  await page.keyboard.press('Escape')
  await wizard.getByLabel('Scope', { exact: true }).click()
  await page.locator('.ant-select-item-option').filter({ hasText: 'All devices' }).click()
  await wizard.getByRole('button', { name: 'Next' }).click()
  await expect(wizard.getByLabel('Devices per minute')).toHaveValue('100')
  await expect(wizard.getByText(/100 devices are notified every minute/)).toBeVisible()
  await wizard.getByRole('button', { name: 'Start the batch' }).click()
  await expect(wizard.getByText('The batch was created')).toBeVisible()
  await wizard.getByRole('link', { name: 'View the batch' }).click()

  // the batch page follows the devices until they finish
  await expect(page.getByRole('heading', { name: /^Batch / })).toBeVisible()
  await expect(page.getByText('Succeeded (3)')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByText('Failed (2)')).toBeVisible({ timeout: 15_000 })
  const failed = page.getByRole('row').filter({ hasText: 'bad_00001' })
  await expect(failed.getByText('Download failed (-2)')).toBeVisible()
  await expect(failed.getByText('1.1.0 → 2.0.0')).toBeVisible()
  await expect(page.getByRole('row').filter({ hasText: 'ok_00001' }).getByText('Succeeded')).toBeVisible()
  await expect(page.getByText('Completed', { exact: true })).toBeVisible()

  // analysis: 3 of 5 succeeded
  await page.getByRole('tab', { name: 'Analysis' }).click()
  await expect(page.getByRole('img', { name: 'Success rate 60%: 3 succeeded, 2 failed' })).toBeVisible()

  // the package's device list spans its batches: filter by state, export what the filter shows
  await page.goto('/ota')
  await page.getByRole('link', { name: packageName, exact: true }).click()
  await page.getByRole('tab', { name: 'Devices' }).click()
  await expect(page.getByLabel('Show the devices of')).toBeVisible()
  await expect(page.getByText('All batches')).toBeVisible()
  await expect(page.getByText('All (5)')).toBeVisible()
  await page.getByText('Failed (2)').click()
  await expect(page.getByRole('row').filter({ hasText: 'bad_' })).toHaveCount(2)
  await expect(page.getByRole('row').filter({ hasText: 'ok_' })).toHaveCount(0)
  const exportLink = page.getByRole('link', { name: 'Export CSV' })
  const csv = await (await page.request.get((await exportLink.getAttribute('href'))!)).text()
  const lines = csv.trim().split('\n')
  expect(lines).toHaveLength(3)
  expect(lines.slice(1).every((l) => l.startsWith('bad_') && l.includes(',FAILED,'))).toBe(true)

  // the devices now report 2.0.0 (succeeded) and 1.1.0 (failed): the distribution shows it
  await page.goto(`/ota?tab=analysis&productKey=${productKey}`)
  const share = page.locator('.ant-card').filter({ hasText: 'Versions (5 devices)' })
  await expect(share.getByRole('row').filter({ hasText: '2.0.0' })).toContainText('60%')
  await expect(share.getByRole('row').filter({ hasText: '1.1.0' })).toContainText('40%')
})

test('[OTA]: a package that needs verification is verified on a simulated test device before it can be rolled out', async ({
  page,
}) => {
  await signIn(page.request)
  const productName = uniq('E2E_OtaVerify')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await startDevices(page.request, productKey, 'tv_', 2, '1.0.0', 1)
  // the package's file through the upload endpoints, as automation does
  const started = await page.request.post('/api/ota/uploads', {
    data: { fileName: 'app.bin', size: 4096 },
    headers: { 'x-iotops-csrf': '1' },
  })
  const { uploadId } = (await started.json()) as { uploadId: string }
  const put = await page.request.put(`/api/ota/uploads/${uploadId}?offset=0`, {
    data: Buffer.alloc(4096, 2),
    headers: { 'x-iotops-csrf': '1', 'content-type': 'application/octet-stream' },
  })
  expect(put.ok()).toBe(true)
  const fw = await trpc<{ id: string; name: string }>(page.request, 'ota.createFirmware', {
    name: `Verify_${productName.slice(-8)}`,
    productKey,
    destVersion: '1.1.0',
    needVerify: true,
    files: [{ uploadId }],
  })

  await page.goto(`/ota/packages/${fw.id}`)
  await expect(page.getByText('Not verified', { exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Batch upgrade' })).toBeDisabled()
  await page.getByRole('button', { name: 'Verify', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Verify the package' })
  // no test device: the form says so before anything is sent
  await dialog.getByRole('button', { name: 'OK' }).click()
  await expect(dialog.getByText('Pick 1–10 test devices')).toBeVisible()
  await dialog.getByLabel('Test devices', { exact: true }).click()
  await page.keyboard.type('tv_00001')
  await page.locator('.ant-select-item-option').filter({ hasText: 'tv_00001' }).click()
  await page.keyboard.press('Escape')
  await dialog.getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText('Verification started')).toBeVisible()
  const batch = page.getByRole('row').filter({ hasText: 'Verification' })
  await expect(batch.getByText('Completed')).toBeVisible({ timeout: 30_000 })
  await expect(batch.getByText('Succeeded 1')).toBeVisible()
  await expect(page.getByText('Verified', { exact: true })).toBeVisible({ timeout: 15_000 })
  await expect(page.getByRole('button', { name: 'Batch upgrade' })).toBeEnabled()
})

test('[OTA]: a batch with an abort threshold stops when failures cross it, and says so', async ({ page }) => {
  await signIn(page.request)
  const productName = uniq('E2E_OtaAbort')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  // every upgrade fails its download
  await startDevices(page.request, productKey, 'ab_', 4, '1.0.0', 0)
  const started = await page.request.post('/api/ota/uploads', {
    data: { fileName: 'app.bin', size: 1024 },
    headers: { 'x-iotops-csrf': '1' },
  })
  const { uploadId } = (await started.json()) as { uploadId: string }
  await page.request.put(`/api/ota/uploads/${uploadId}?offset=0`, {
    data: Buffer.alloc(1024, 4),
    headers: { 'x-iotops-csrf': '1', 'content-type': 'application/octet-stream' },
  })
  const fw = await trpc<{ id: string; name: string }>(page.request, 'ota.createFirmware', {
    name: `Abort_${productName.slice(-8)}`,
    productKey,
    destVersion: '2.0.0',
    files: [{ uploadId }],
  })
  await expect
    .poll(async () => (await trpc<unknown[]>(page.request, 'ota.versions', { productKey }, 'query')).length, {
      timeout: 20_000,
    })
    .toBe(1)

  await page.goto(`/ota/packages/${fw.id}`)
  await page.getByRole('button', { name: 'Batch upgrade' }).click()
  const wizard = page.getByRole('dialog', { name: `Batch upgrade: ${fw.name}` })
  await wizard.getByRole('button', { name: 'Next' }).click()
  // multi-module and overwrite cannot both be on: the form refuses before sending
  const setting = (label: string) => wizard.locator('.ant-form-item').filter({ hasText: label })
  await setting('Devices upgrade several modules at once').getByText('Yes').click()
  await setting('Replace earlier upgrade tasks of the device').getByText('Yes').click()
  await wizard.getByRole('button', { name: 'Start the batch' }).click()
  await expect(wizard.getByText('Several modules at once and replacing earlier tasks cannot both be Yes')).toBeVisible()
  await setting('Replace earlier upgrade tasks of the device').getByText('No').click()
  // abort once half of at least 2 finished devices failed
  await wizard.getByRole('switch', { name: 'Abort threshold' }).click()
  await wizard.getByLabel('Failures reach').fill('50')
  await wizard.getByLabel('After at least (devices)').fill('2')
  await wizard.getByRole('button', { name: 'Start the batch' }).click()
  await wizard.getByRole('link', { name: 'View the batch' }).click()

  await expect(page.getByText('Aborted', { exact: true })).toBeVisible({ timeout: 30_000 })
  await expect(page.getByText('The rollout was aborted: the failure threshold was reached.')).toBeVisible()
  await page.getByRole('tab', { name: 'Batch information' }).click()
  await expect(page.getByText('Abort when failures reach 50% after 2 finished devices (Any reason)')).toBeVisible()
})
