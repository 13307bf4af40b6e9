import { createHash } from 'node:crypto'
import { Device, type ReceivedConfig, RemoteConfig, RemoteConfigError } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Remote config]: save with the size counter and versions, restore, push to simulated devices, a device pulls and downloads it, switch off refuses with 6713', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: uniq('E2E_Cfg') })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const names = [uniq('cfg_sim'), uniq('cfg_sdk'), uniq('cfg_off')]
  const secrets: string[] = []
  for (const deviceName of names)
    secrets.push(
      (await trpc<{ deviceSecret: string }>(page.request, 'device.create', { productKey, deviceName })).deviceSecret,
    )
  const connect = async (i: number) => {
    const d = await Device.connect({
      url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
      productKey,
      deviceName: names[i]!,
      deviceSecret: secrets[i]!,
    })
    const received: ReceivedConfig[] = []
    d.on('config', (c: ReceivedConfig) => received.push(c))
    return { d, rc: await RemoteConfig.attach(d), received }
  }

  // device 0: a virtual device on the simulator page (kept open); device 1: an SDK device; device 2 stays offline
  await page.goto(`/simulator?productKey=${productKey}&deviceName=${names[0]}`)
  await page.getByRole('button', { name: 'Start simulator' }).click()
  await expect(page.getByText('Simulator online')).toBeVisible()
  const sdk = await connect(1)

  const cfg = await page.context().newPage()
  await cfg.goto(`/remote-config?product=${productKey}`)
  await expect(cfg.getByText('Remote configuration is off for this product')).toBeVisible()
  await cfg.getByRole('switch', { name: 'Remote configuration' }).click()
  await expect(cfg.getByText('Remote configuration is on', { exact: true })).toBeVisible()

  // the editor checks JSON as you type and counts UTF-8 bytes against 64 KB
  const editor = cfg.getByLabel('Configuration (JSON)')
  await editor.fill('{"mode": ')
  await expect(cfg.getByTestId('config-json-status')).toContainText('Invalid JSON at line 1, column 10.')
  await expect(cfg.getByRole('button', { name: 'Save' })).toBeDisabled()
  const v1 = '{\n  "mode": "eco",\n  "label": "温度"\n}'
  await editor.fill(v1)
  await expect(cfg.getByTestId('config-json-status')).toHaveText('Valid JSON')
  await expect(cfg.getByTestId('config-size')).toHaveText(`File size ${Buffer.byteLength(v1)} B (limit 64 KB)`)
  const save = async () => {
    await cfg.getByRole('button', { name: 'Save' }).click()
    await cfg.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
    await expect(cfg.getByText('Configuration saved')).toBeVisible()
    await expect(cfg.getByText('Configuration saved')).toBeHidden()
  }
  await save()
  await editor.fill('{\n  "mode": "turbo",\n  "interval": 5\n}')
  await save()
  const versions = cfg.locator('.ant-card').filter({ hasText: 'Version history (last 5)' }).locator('.ant-table-row')
  await expect(versions).toHaveCount(2)

  // view the first version, diff it with the editor, restore it and save it again
  await versions.nth(1).getByRole('button', { name: 'View' }).click()
  const dialog = cfg.getByRole('dialog')
  await expect(dialog.getByTestId('config-version-content')).toHaveText(v1)
  await dialog.getByRole('button', { name: 'Diff with editor' }).click()
  await expect(dialog.getByTestId('config-diff')).toContainText('-   "mode": "eco",')
  await expect(dialog.getByTestId('config-diff')).toContainText('+   "mode": "turbo",')
  await dialog.getByRole('button', { name: 'Restore to editor' }).click()
  await expect(editor).toHaveValue(v1)
  await save()
  await expect(versions).toHaveCount(3)

  // batch update, confirmed: both online devices receive it
  await cfg.getByRole('button', { name: 'Batch update' }).click()
  await cfg.getByRole('dialog').getByRole('button', { name: 'Push' }).click()
  await expect(cfg.getByText('Pushed to 2 of 3 devices')).toBeVisible()
  await expect.poll(() => sdk.received[0]?.text).toBe(v1)
  await expect(page.getByTestId('sim-received-config')).toContainText('"mode": "eco"')
  await expect(page.getByTestId('sim-received-config')).toContainText('Cloud push')
  await expect(cfg.getByTestId('config-push-hint')).toContainText('This configuration was pushed at')

  // the offline device comes online, pulls with get and downloads exactly the saved file
  const late = await connect(2)
  const info = await late.rc.requestInfo()
  expect(info).toMatchObject({ configSize: Buffer.byteLength(v1), signMethod: 'Sha256', getType: 'file' })
  const bytes = Buffer.from(await (await fetch(info.url)).arrayBuffer())
  expect(bytes.toString('utf8')).toBe(v1)
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(info.sign)
  // progress: all three received it and downloaded the file
  const progress = cfg.getByTestId('config-push-progress')
  await cfg.reload()
  await expect(progress).toContainText('Done')
  await expect(progress.locator('.ant-statistic').filter({ hasText: 'Downloaded' })).toContainText('3')

  // switch off (confirmed): device requests are refused with 6713
  await cfg.getByRole('switch', { name: 'Remote configuration' }).click()
  await cfg.getByRole('dialog').getByRole('button', { name: 'OK' }).click()
  await expect(cfg.getByText('Remote configuration is off', { exact: true })).toBeVisible()
  const refused = await late.rc.get().catch((e: RemoteConfigError) => e)
  expect(refused).toBeInstanceOf(RemoteConfigError)
  expect((refused as RemoteConfigError).code).toBe(6713)

  await page.getByRole('button', { name: 'Stop simulator' }).click()
  await Promise.all([sdk.d.close(true), late.d.close(true)])
})
