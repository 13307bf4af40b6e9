import { Device } from '@iotops/device-sdk'
import { expect, type Page, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

const card = (page: Page, name: string) => page.getByRole('region', { name, exact: true })

test('[Monitoring]: the board starts with the default cards, takes a basic and a thing-model metric that charts real device data, and keeps a hidden card hidden', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await signIn(page.request)

  // seed: the sensor thing model and one device that reports temperatures
  const productName = uniq('E2E_Monitor')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('mon_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  // boards are personal: a user of its own starts with a fresh board, whatever other tests did to theirs
  const user = { email: `${uniq('board').toLowerCase()}@example.com`, password: 'board-password-1' }
  await trpc(page.request, 'user.create', { ...user, name: 'Board tester', role: 'OPERATOR' })
  await trpc(page.request, 'auth.login', user)
  try {
    for (const temperature of [21, 26, 31]) expect((await device.postProperties({ temperature })).code).toBe(200)

    // a first visit: the four default cards
    await page.goto('/monitoring')
    await expect(page.getByRole('heading', { name: 'Real-time monitoring' })).toBeVisible()
    await expect(page.getByRole('tab', { name: 'Board', selected: true })).toBeVisible()
    for (const name of [
      'Online devices (MQTT)',
      'Messages to the platform (MQTT)',
      'Messages from the platform (MQTT)',
      'Rule-engine forwarded messages',
    ])
      await expect(card(page, name)).toBeVisible()
    await expect(card(page, 'Online devices (MQTT)')).toContainText('All products · Count')

    // a basic metric from the catalogue: the metrics already on the board are marked
    await page.getByRole('button', { name: 'Add basic metric' }).click()
    const addBasic = page.getByRole('dialog', { name: 'Add basic metric' })
    await expect(addBasic.getByRole('checkbox', { name: /Online devices \(MQTT\)\s*On the board/ })).toBeVisible()
    await addBasic.getByRole('checkbox', { name: /^New online devices/ }).check()
    await expect(addBasic.getByText('1 selected')).toBeVisible()
    await addBasic.getByRole('button', { name: 'OK' }).click()
    await expect(addBasic).toBeHidden()
    await expect(card(page, 'New online devices')).toBeVisible()

    // a thing-model metric: the device's temperature, average and maximum per minute
    const metricName = uniq('temp').slice(0, 32)
    await page.getByRole('button', { name: 'Add thing-model metric' }).click()
    const addProperty = page.getByRole('dialog', { name: 'Add thing-model metric' })
    await addProperty.getByLabel('Metric name', { exact: true }).fill(metricName)
    await choose(page, addProperty.getByLabel('Product', { exact: true }), productName, productName)
    await addProperty.getByLabel('Property', { exact: true }).click()
    // only numeric properties are offered: temperature and humidity, not the bool power switch
    await expect(page.locator('.ant-select-item-option').filter({ hasText: 'Humidity (humidity)' })).toBeVisible()
    await expect(page.locator('.ant-select-item-option').filter({ hasText: '(power)' })).toHaveCount(0)
    await choose(page, addProperty.getByLabel('Property', { exact: true }), 'Temperature (temperature)')
    await addProperty.getByRole('checkbox', { name: 'Maximum' }).check()
    await addProperty.getByRole('button', { name: 'OK' }).click()
    await expect(addProperty).toBeHidden()
    const tempCard = card(page, metricName)
    await expect(tempCard).toContainText(`${productName} / All devices · `)
    await expect(tempCard).toContainText(/Maximum · Average|Average · Maximum/)

    // the device's values reach the chart (metrics are written every few seconds): no "no data", a drawn canvas
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click()
      await expect(tempCard.getByText('No data in this range')).toHaveCount(0, { timeout: 1_000 })
      await expect(tempCard.locator('canvas')).toBeVisible({ timeout: 1_000 })
    }).toPass({ timeout: 30_000 })
    // and the same figures through the API the board reads: max 31, average 26 in one minute
    const cards = await trpc<{ id: string; name: string }[]>(page.request, 'monitor.cards', undefined, 'query')
    const id = cards.find((c) => c.name === metricName)!.id
    // area points travel as `[[ts…], [value…]]` text
    const [data] = await trpc<{ series: { aggregation: string; points: string }[] }[]>(
      page.request,
      'monitor.data',
      { range: { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, ids: [id] },
      'query',
    )
    const values = Object.fromEntries(
      data!.series.map((s) => [s.aggregation, (JSON.parse(s.points) as [number[], number[]])[1]]),
    )
    expect(Math.max(...values.max!)).toBe(31)
    expect(values.avg!.some((v) => v > 20 && v < 31)).toBe(true)

    // fullscreen view of the card
    await tempCard.getByRole('button', { name: `Card actions for ${metricName}` }).click()
    await page.getByRole('menuitem', { name: 'Full screen' }).click()
    const big = page.getByRole('dialog').filter({ hasText: metricName })
    await expect(big.locator('canvas')).toBeVisible()
    await big.getByRole('button', { name: 'Close' }).click()
    await expect(big).toBeHidden()

    // edit panel: hide "New online devices", save; it stays hidden after a reload
    await page.getByRole('button', { name: 'Edit panel' }).click()
    await page.getByRole('switch', { name: 'Show New online devices' }).click()
    await expect(page.getByRole('switch', { name: 'Show New online devices' })).not.toBeChecked()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByText('Panel saved')).toBeVisible()
    await expect(card(page, 'New online devices')).toHaveCount(0)
    await page.reload()
    await expect(card(page, metricName)).toBeVisible()
    await expect(card(page, 'New online devices')).toHaveCount(0)
    await page.getByRole('button', { name: 'Edit panel' }).click()
    await expect(page.getByRole('switch', { name: 'Show New online devices' })).not.toBeChecked()
    await expect(page.getByRole('switch', { name: `Show ${metricName}` })).toBeChecked()
    await page.getByRole('button', { name: 'Cancel' }).click()

    // the old version tab keeps its place in the address
    await page.getByRole('tab', { name: 'Old version' }).click()
    await expect(page).toHaveURL(/tab=legacy/)
    await expect(page.getByRole('region', { name: 'Messages sent to the platform' }).locator('canvas')).toBeVisible()
  } finally {
    await device.close()
  }
})
