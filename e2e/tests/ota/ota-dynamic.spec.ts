import { Device, DeviceOta, type OtaUpgrade } from '@iotops/device-sdk'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { E2E_MQTT_PORT } from '../../playwright.config'

// The two device-driven batch cases of the OTA console: a dynamic batch that picks up a device when it reports a
// matching version later, and a static batch that waits for an offline device and upgrades it when it connects.
// The devices are device-sdk clients (real MQTT connections) that download the package from the node and flash it.

type Triple = { productKey: string; deviceName: string; deviceSecret: string }

const open: Device[] = []
test.afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close(true).catch(() => {})))
})

async function createDevice(request: APIRequestContext, productKey: string, deviceName: string): Promise<Triple> {
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(request, 'device.create', { productKey, deviceName })
  return { productKey, deviceName, deviceSecret }
}

/** Connects a device that upgrades (download, verify, flash, report the new version) on every notice. */
async function connect(t: Triple) {
  const d = await Device.connect({ url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`, ...t })
  open.push(d)
  const ota = await DeviceOta.attach(d)
  const notices: OtaUpgrade[] = []
  ota.on('upgrade', (u: OtaUpgrade) => {
    notices.push(u)
    void ota.upgrade(u).catch(() => {})
  })
  return { d, ota, notices }
}

const versions = async (request: APIRequestContext, productKey: string) =>
  (
    await trpc<{ version: string; devices: number }[]>(
      request,
      'ota.versions',
      { productKey, module: 'default' },
      'query',
    )
  ).map((v) => `${v.version}:${v.devices}`)

/** A package for `destVersion` whose file goes through the upload endpoints, as automation does. */
async function createPackage(request: APIRequestContext, productKey: string, name: string, destVersion: string) {
  const started = await request.post('/api/ota/uploads', {
    data: { fileName: 'app.bin', size: 2048 },
    headers: { 'x-iotops-csrf': '1' },
  })
  const { uploadId } = (await started.json()) as { uploadId: string }
  const put = await request.put(`/api/ota/uploads/${uploadId}?offset=0`, {
    data: Buffer.alloc(2048, 7),
    headers: { 'x-iotops-csrf': '1', 'content-type': 'application/octet-stream' },
  })
  expect(put.ok()).toBe(true)
  return trpc<{ id: string; name: string }>(request, 'ota.createFirmware', {
    name,
    productKey,
    destVersion,
    files: [{ uploadId }],
  })
}

/** Opens the batch upgrade wizard on the package page. */
async function openWizard(page: Page, fw: { id: string; name: string }) {
  await page.goto(`/ota/packages/${fw.id}`)
  await page.getByRole('button', { name: 'Batch upgrade' }).click()
  return page.getByRole('dialog', { name: `Batch upgrade: ${fw.name}` })
}

test('[OTA]: a dynamic batch upgrades a device that reports one of its source versions later', async ({ page }) => {
  await signIn(page.request)
  const productName = uniq('E2E_OtaDyn')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  const dn = uniq('dyn')
  const dev = await connect(await createDevice(page.request, productKey, dn))
  // the device starts on 1.0.0, which the batch does not upgrade
  await dev.ota.reportVersion('1.0.0')
  await expect.poll(() => versions(page.request, productKey), { timeout: 15_000 }).toEqual(['1.0.0:1'])
  const fw = await createPackage(page.request, productKey, `Dyn_${productName.slice(-8)}`, '2.0.0')

  // the wizard: dynamic, all devices, source version 1.5.0 (not reported by any device yet)
  const wizard = await openWizard(page, fw)
  await wizard.locator('label').filter({ hasText: 'Dynamic upgrade' }).click()
  await expect(wizard.getByText('Only devices that report a new version')).toBeVisible()
  // a dynamic batch on all devices needs a source version: the form says so before sending
  await wizard.getByRole('button', { name: 'Next' }).click()
  await expect(wizard.getByText('A dynamic batch on all devices needs at least one version to upgrade')).toBeVisible()
  await wizard.getByLabel('Versions to upgrade', { exact: true }).click()
  await page.keyboard.type('1.5.0')
  await page.keyboard.press('Enter')
  await wizard.getByText('Upgrade mode', { exact: true }).click()
  await expect(wizard.getByText('A dynamic batch on all devices needs at least one version to upgrade')).toBeHidden()
  await wizard.getByRole('button', { name: 'Next' }).click()
  await expect(wizard.getByLabel('Devices per minute')).toHaveValue('100')
  await wizard.getByRole('button', { name: 'Start the batch' }).click()
  await expect(wizard.getByText('The batch was created')).toBeVisible()
  await wizard.getByRole('link', { name: 'View the batch' }).click()

  // no device matches yet: the batch runs with none
  await expect(page.getByRole('heading', { name: /^Batch / })).toBeVisible()
  await expect(page.getByText('Dynamic upgrade', { exact: true })).toBeVisible()
  await expect(page.getByText('Upgrading', { exact: true })).toBeVisible()
  await expect(page.getByText('All (0)')).toBeVisible()
  await page.getByRole('tab', { name: 'Batch information' }).click()
  await expect(page.getByRole('cell', { name: '1.5.0', exact: true })).toBeVisible()
  await page.getByRole('tab', { name: 'Devices' }).click()
  expect(dev.notices).toHaveLength(0)

  // the device now reports 1.5.0: it is told of 2.0.0, downloads it, flashes it and reports 2.0.0
  await dev.ota.reportVersion('1.5.0')
  await expect(page.getByText('Succeeded (1)')).toBeVisible({ timeout: 30_000 })
  const row = page.getByRole('row').filter({ hasText: dn })
  await expect(row.getByText('1.5.0 → 2.0.0')).toBeVisible()
  await expect(row.getByText('Succeeded', { exact: true })).toBeVisible()
  expect(dev.notices.map((u) => u.version)).toEqual(['2.0.0'])
  // a dynamic batch keeps running for devices that match later
  await expect(page.getByText('Upgrading', { exact: true })).toBeVisible()
  await expect.poll(() => versions(page.request, productKey)).toEqual(['2.0.0:1'])
})

test('[OTA]: an offline device in a static batch waits as "pending push (device offline)" and is upgraded when it connects', async ({
  page,
}) => {
  await signIn(page.request)
  const productName = uniq('E2E_OtaOff')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  const dn = uniq('off')
  const triple = await createDevice(page.request, productKey, dn)
  // the device reported 1.0.0, then went offline
  const first = await connect(triple)
  await first.ota.reportVersion('1.0.0')
  await expect.poll(() => versions(page.request, productKey), { timeout: 15_000 }).toEqual(['1.0.0:1'])
  await first.d.close()
  await expect
    .poll(
      async () =>
        (await trpc<{ status: string }>(page.request, 'device.byName', { productKey, deviceName: dn }, 'query')).status,
      { timeout: 15_000 },
    )
    .toBe('OFFLINE')
  const fw = await createPackage(page.request, productKey, `Off_${productName.slice(-8)}`, '2.0.0')

  // a static batch on all devices (the wizard's defaults)
  const wizard = await openWizard(page, fw)
  await expect(wizard.getByText('All devices')).toBeVisible()
  await wizard.getByRole('button', { name: 'Next' }).click()
  await wizard.getByRole('button', { name: 'Start the batch' }).click()
  await wizard.getByRole('link', { name: 'View the batch' }).click()

  // the device is in the batch, waiting for it to come online
  await expect(page.getByRole('heading', { name: /^Batch / })).toBeVisible()
  await expect(page.getByText('Pending push (1)')).toBeVisible()
  const row = page.getByRole('row').filter({ hasText: dn })
  await expect(row.getByText('Pending push (device offline)')).toBeVisible()
  await expect(row.getByText('1.0.0 → 2.0.0')).toBeVisible()
  await expect(page.getByText('Pending push (device offline): 1')).toBeVisible()
  expect(first.notices).toHaveLength(0)

  // it connects (and reports its version, as devices do): it is pushed the upgrade and succeeds
  const again = await connect(triple)
  await again.ota.reportVersion('1.0.0')
  await expect(page.getByText('Succeeded (1)')).toBeVisible({ timeout: 30_000 })
  await expect(row.getByText('Succeeded', { exact: true })).toBeVisible()
  await expect(page.getByText('Completed', { exact: true })).toBeVisible()
  expect(again.notices.map((u) => u.version)).toContain('2.0.0')
  await expect.poll(() => versions(page.request, productKey)).toEqual(['2.0.0:1'])
})
