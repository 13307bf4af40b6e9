import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'

test('[Simulator + Debug]: online debugging sets a property of a simulated device and invokes its sync service; the simulator answers both', async ({
  page,
  context,
}) => {
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_SimDbg'),
  })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('simdbg')
  await trpc(page.request, 'device.create', { productKey, deviceName })
  const topic = (suffix: string) => `/sys/${productKey}/${deviceName}/${suffix}`

  // QA's tab: the simulator holds the virtual device online while the page is open
  await page.goto(`/simulator?productKey=${productKey}&deviceName=${deviceName}`)
  await page.getByRole('button', { name: 'Start simulator' }).click()
  await expect(page.getByText('Simulator online')).toBeVisible()
  const simLog = page.getByTestId('simulator-log')

  // the operator's tab: online debugging of the same device
  const debug = await context.newPage()
  await debug.goto(`/debug?productKey=${productKey}&deviceName=${deviceName}`)
  await expect(debug.getByRole('tab', { name: 'Property debugging', selected: true })).toBeVisible()
  await expect(debug.getByText('Online', { exact: true }).first()).toBeVisible()

  // Set: the simulator receives the property set, applies it and reports the new value back
  const temperature = debug.getByRole('group', { name: 'Temperature' })
  await temperature.getByRole('spinbutton').fill('31')
  await temperature.getByRole('button', { name: 'Debug Temperature' }).click()
  await debug.getByRole('menuitem', { name: 'Set', exact: true }).click()
  await expect(temperature.getByRole('status')).toContainText('Sent to the device')
  await expect(simLog.getByText(topic('thing/service/property/set'), { exact: true }).first()).toBeVisible()
  await expect
    .poll(async () => {
      const d = await trpc<{ properties: { identifier: string; value: unknown }[] }>(
        page.request,
        'device.byName',
        { productKey, deviceName },
        'query',
      )
      return d.properties.find((p) => p.identifier === 'temperature')?.value
    })
    .toBe(31)
  // Get shows the value the simulator reported
  await temperature.getByRole('spinbutton').fill('')
  await temperature.getByRole('button', { name: 'Debug Temperature' }).click()
  await debug.getByRole('menuitem', { name: 'Get', exact: true }).click()
  await expect(temperature.getByRole('spinbutton')).toHaveValue('31')

  // a sync service (RRPC): the simulator answers with its configured reply, the page shows the output
  await debug.getByRole('tab', { name: 'Service invocation' }).click()
  await debug.getByLabel('Input parameters (JSON)').fill('{"delay": 2}')
  await debug.getByRole('button', { name: 'Send command' }).click()
  await expect(debug.getByText('The device replied')).toBeVisible()
  await expect(debug.getByTestId('debug-service-output')).toContainText('"ok"')
  await expect(simLog.getByText(/rrpc\/request\//).first()).toBeVisible()

  // QA leaves the simulator: after the lease's grace the device is offline, and the debugging page says so
  await page.goto('/')
  await expect(debug.getByText('The device is offline', { exact: true })).toBeVisible({ timeout: 30_000 })
})
