import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Dashboard]: the ops dashboard counts the devices created, activated and online, and follows a device going offline', async ({
  page,
}) => {
  await signIn(page.request)

  // seed: a product with 5 devices, 3 of which connect
  const productName = uniq('E2E_Dash')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const triples: { deviceName: string; deviceSecret: string }[] = []
  for (let i = 0; i < 5; i++) {
    const deviceName = uniq(`dash_${i}`)
    const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
      productKey,
      deviceName,
    })
    triples.push({ deviceName, deviceSecret })
  }
  const url = `mqtt://127.0.0.1:${E2E_MQTT_PORT}`
  const online = []
  for (const t of triples.slice(0, 3)) online.push(await Device.connect({ url, productKey, ...t }))
  try {
    await online[0]!.postProperties({ temperature: 22 }, { qos: 1 })

    await page.goto('/dashboard')
    await expect(page.getByRole('heading', { name: 'Ops dashboard' })).toBeVisible()
    // the map and its shapes load on the page (no network beyond this origin)
    await expect(page.locator('canvas').first()).toBeVisible()

    // only this test's product
    await choose(page, page.getByRole('combobox').first(), productName, productName)

    await expect(page.getByTestId('dashboard-value-created')).toHaveText('5')
    await expect(page.getByTestId('dashboard-value-activated')).toHaveText('3')
    await expect(page.getByTestId('dashboard-value-online')).toHaveText('3')
    await expect(page.getByTestId('dashboard-online-rate')).toHaveText('60%')

    // a stat card switches the trend chart
    await page.getByTestId('dashboard-card-online').click()
    await expect(page.getByText('Devices online: last 30 days')).toBeVisible()

    // a device goes offline: the next refresh shows it
    await online.pop()!.close()
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(page.getByTestId('dashboard-value-online')).toHaveText('2')
    await expect(page.getByTestId('dashboard-value-activated')).toHaveText('3')
    await expect(page.getByTestId('dashboard-online-rate')).toHaveText('40%')

    // the city view of the map renders too
    await page.getByText('City', { exact: true }).click()
    await expect(page.getByText('Top 10 · City')).toBeVisible()
  } finally {
    for (const d of online) await d.close()
  }
})
