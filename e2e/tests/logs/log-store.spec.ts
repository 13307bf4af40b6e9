import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Logs]: long-term storage keeps a product’s run log, analysis charts and saves a query, reports show TSL errors', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await signIn(page.request)
  const productName = uniq('E2E_Store')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('store_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })

  // turn on long-term storage of the product's cloud run logs, kept 30 days
  await page.goto('/logs?tab=storage')
  await expect(page.getByRole('tab', { name: 'Long-term storage', selected: true })).toBeVisible()
  await page.getByPlaceholder('Search products').fill(productName)
  await page.getByPlaceholder('Search products').press('Enter')
  const row = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: productKey })
  await expect(row).toHaveCount(1)
  await expect(row.getByText('Off')).toHaveCount(2)
  await row.getByRole('button', { name: `Edit ${productName}` }).click()
  const modal = page.getByRole('dialog', { name: `Long-term storage of ${productName}` })
  await modal.getByRole('switch', { name: 'Cloud run logs' }).click()
  await modal.getByLabel('Retention Cloud run logs').fill('30')
  await modal.getByRole('button', { name: 'OK' }).click()
  await expect(modal).toBeHidden()
  await expect(row.locator('td').nth(1)).toContainText('On')
  await expect(row.locator('td').nth(1)).toContainText('30 days')
  await expect(row.locator('td').nth(2)).toContainText('Off')
  expect(
    (await trpc<{ runLogDump: boolean; runLogDays: number }>(page.request, 'logStore.get', { productKey }, 'query'))
      .runLogDays,
  ).toBe(30)

  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    expect((await device.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await device.postProperties({ temperature: 999 })).code).toBe(6306)
  } finally {
    await device.close()
  }

  // the long-term store needs a product, and finds the product's records
  const rows = page.locator('.ant-table-tbody tr.ant-table-row')
  await page.goto('/logs?tab=run&store=dump')
  await expect(page.getByText('Long-term storage is kept per product: choose a product to search it.')).toBeVisible()
  await page.goto(`/logs?tab=run&store=dump&productKey=${productKey}`)
  await expect(page.getByRole('radio', { name: 'Long-term' })).toBeChecked()
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(rows.filter({ hasText: '6306' }).first()).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000 })
  await expect(
    rows
      .filter({ hasText: deviceName })
      .filter({ hasText: /\b200\b/ })
      .first(),
  ).toBeVisible()

  // analysis: codes of the last hour as a pie, saved, reopened after a reload
  await page.goto('/logs?tab=analysis')
  const editor = page.getByLabel('SQL query', { exact: true })
  await editor.fill('SELECT code, count(*) AS n FROM run_log WHERE ts >= {{from}} AND ts < {{to}} GROUP BY code')
  await page.getByRole('button', { name: /\bRun$/ }).click()
  await expect(page.getByTestId('analysis-stats')).toContainText(/\d+ rows in \d+ ms/)
  await expect(page.locator('.ant-table-tbody tr').filter({ hasText: '6306' }).first()).toBeVisible()
  await page.getByText('Pie', { exact: true }).click()
  await expect(page.getByTestId('analysis-chart').locator('canvas')).toBeVisible()
  const name = uniq('codes pie')
  await page.getByRole('button', { name: 'Save as…' }).click()
  const save = page.getByRole('dialog', { name: 'Save the query' })
  await save.getByLabel('Name', { exact: true }).fill(name)
  await save.getByRole('button', { name: 'Save' }).click()
  await expect(save).toBeHidden()
  await expect(page.getByText(`Open: ${name}`)).toBeVisible()

  await page.reload()
  await expect(page.getByTestId('analysis-chart')).toHaveCount(0)
  const item = page.locator('.ant-list-item').filter({ hasText: name })
  await expect(item).toContainText('Pie')
  await item.getByRole('button', { name: 'Open' }).click()
  await expect(page.getByText(`Open: ${name}`)).toBeVisible()
  await expect(editor).toHaveValue(/GROUP BY code/)
  await expect(page.getByRole('radio', { name: 'Pie' })).toBeChecked()
  await expect(page.getByTestId('analysis-chart').locator('canvas')).toBeVisible()

  // a write is refused with the server's reason, and nothing is shown as a result
  await editor.fill('DELETE FROM run_log')
  await page.getByRole('button', { name: /\bRun$/ }).click()
  const error = page.getByTestId('analysis-error')
  await expect(error).toContainText('The query was refused')
  await expect(error).toContainText(/only SELECT/)
  await expect(page.getByTestId('analysis-chart')).toHaveCount(0)

  // reports: the refused post's thing-model check code
  await page.goto('/logs?tab=reports')
  await expect(page.getByRole('tab', { name: 'Reports', selected: true })).toBeVisible()
  await expect(page.getByTestId('report-tsl-codes')).toContainText('6306')
  await expect(page.getByTestId('report-tsl-codes').locator('canvas')).toBeVisible()
})
