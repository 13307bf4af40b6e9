import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Debug]: pick a device, set a property it receives, see the records live, invoke a sync service, and follow the device going offline', async ({
  page,
}) => {
  await signIn(page.request)

  // seed: the sensor thing model (temperature rw, humidity r, power; reboot is a sync service) and one device
  const productName = uniq('E2E_Debug')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  expect(SENSOR_TSL.services.find((s) => s.identifier === 'reboot')?.callType).toBe('sync')
  const deviceName = uniq('dbg_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })

  // the device: applies property sets (and reports the new values), answers reboot with its output
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  const sets: Record<string, unknown>[] = []
  const calls: { identifier: string; params: Record<string, unknown> }[] = []
  device.onPropertySet(async (params) => {
    sets.push(params)
    await device.postProperties(params)
    return { code: 200 }
  })
  device.onService((identifier, params) => {
    calls.push({ identifier, params })
    return { data: { ok: 1 } }
  })
  let closed = false
  try {
    expect((await device.postProperties({ humidity: 41.5 })).code).toBe(200)

    // pick the product and the device
    await page.goto('/debug')
    await expect(page.getByRole('heading', { name: 'Online debugging' })).toBeVisible()
    await choose(page, page.getByLabel('Select device'), productName, productName)
    await choose(page, page.getByLabel('Device', { exact: true }), deviceName, deviceName)
    await expect(page).toHaveURL(new RegExp(`deviceName=${deviceName}`))
    await expect(page.getByText('Online', { exact: true }).first()).toBeVisible()
    await expect(page.getByRole('tab', { name: 'Property debugging', selected: true })).toBeVisible()
    const log = page.getByRole('log', { name: 'Real-time log' })

    // an out-of-range value is refused before sending, with the thing model's code
    const temperature = page.getByRole('group', { name: 'Temperature' })
    await temperature.getByRole('spinbutton').fill('500')
    await temperature.getByRole('button', { name: 'Debug Temperature' }).click()
    await page.getByRole('menuitem', { name: 'Set', exact: true }).click()
    await expect(temperature.getByRole('alert')).toContainText('6306')
    await expect(temperature.getByRole('alert')).toContainText('temperature expects int in [-40, 120], got 500')

    // a valid value reaches the device, and the log panel shows the call and the downlink message of its trace
    await temperature.getByRole('spinbutton').fill('31')
    await temperature.getByRole('button', { name: 'Debug Temperature' }).click()
    await page.getByRole('menuitem', { name: 'Set', exact: true }).click()
    await expect(temperature.getByRole('status')).toContainText('Sent to the device')
    await expect.poll(() => sets).toEqual([{ temperature: 31 }])
    await expect(log.getByText('SetDeviceProperty').first()).toBeVisible()
    await expect(log.getByText(`/sys/${productKey}/${deviceName}/thing/service/property/set`).first()).toBeVisible()
    await expect(log.locator('a[href*="/logs?tab=run&traceId="]').first()).toBeVisible()

    // the device's own log lines show up too
    expect(
      (await device.postLogs([{ logLevel: 'ERROR', module: 'sensor_drv', logContent: 'e2e debug read failed' }])).code,
    ).toBe(200)
    await expect(log.getByText('e2e debug read failed').first()).toBeVisible()
    await expect(log.getByText('Device log · ERROR').first()).toBeVisible()

    // a read-only property cannot be set; Get fills it with the latest reported value
    const humidity = page.getByRole('group', { name: 'Humidity' })
    await humidity.getByRole('button', { name: 'Debug Humidity' }).click()
    await expect(page.getByRole('menuitem', { name: /^Set Read-only property/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    )
    await page.getByRole('menuitem', { name: 'Get', exact: true }).click()
    await expect(humidity.getByRole('spinbutton')).toHaveValue('41.5')

    // a sync service: the input starts from example values; the device's output is shown
    await page.getByRole('tab', { name: 'Service invocation' }).click()
    const input = page.getByLabel('Input parameters (JSON)')
    await expect(input).toHaveValue(/"delay": 0/)
    await input.fill('{"delay": 3}')
    await page.getByRole('button', { name: 'Send command' }).click()
    await expect(page.getByText('The device replied')).toBeVisible()
    await expect(page.getByTestId('debug-service-output')).toContainText('"ok": 1')
    expect(calls).toEqual([{ identifier: 'reboot', params: { delay: 3 } }])
    await expect(log.getByText('InvokeThingService').first()).toBeVisible()

    // the remote-login tab is there (remote login itself: e2e/tests/tunnels/remote-login.spec.ts)
    await page.getByRole('tab', { name: 'Remote login' }).click()
    await expect(page.getByText('Log in to the device’s shell over a secure tunnel')).toBeVisible()
    await page.getByRole('tab', { name: 'Service invocation' }).click()

    // the device goes offline: the page says so with the code, and commands are disabled
    await device.close()
    closed = true
    await expect(page.getByText('The device is offline', { exact: true })).toBeVisible()
    await expect(page.getByRole('alert').filter({ hasText: 'The device is offline' })).toContainText('9201')
    await expect(page.getByRole('button', { name: 'Send command' })).toBeDisabled()
    await expect(log.getByText('offline').first()).toBeVisible()
  } finally {
    if (!closed) await device.close()
  }
})
