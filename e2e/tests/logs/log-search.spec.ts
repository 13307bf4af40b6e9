import { describeCode } from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

test('[Logs]: the log service finds a refused property post by device, status and trace, explains its code, and filters device logs by level', async ({
  page,
}) => {
  await signIn(page.request)

  // seed: a product with a thing model and one device
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_Logs'),
  })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('log_dev')
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
  try {
    expect((await device.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await device.postProperties({ temperature: 999 })).code).toBe(6306)
    expect(
      (
        await device.postLogs([
          { logLevel: 'ERROR', module: 'sensor_drv', code: 'E42', logContent: 'e2e sensor read failed' },
          { logLevel: 'INFO', module: 'net_mgr', logContent: 'e2e network up' },
        ])
      ).code,
    ).toBe(200)
  } finally {
    await device.close()
  }

  const rows = page.locator('.ant-table-tbody tr.ant-table-row')
  const failed = rows.filter({ hasText: '6306' })

  // the cloud run log of the device shows the refused post
  await page.goto(`/logs?tab=run&productKey=${productKey}&deviceName=${deviceName}`)
  await expect(page.getByRole('tab', { name: 'Cloud run log', selected: true })).toBeVisible()
  await expect(failed.first()).toBeVisible()
  await expect(rows.filter({ hasText: /\b200\b/ }).first()).toBeVisible()

  // status: failure keeps it and drops the successes
  await page.getByText('Failure', { exact: true }).click()
  await expect(page).toHaveURL(/status=failure/)
  await expect(failed.first()).toBeVisible()
  await expect(page.locator('.ant-table-tbody .ant-tag').filter({ hasText: /^200$/ })).toHaveCount(0)

  // its drawer explains the code from the en-US catalogue
  const code = describeCode(6306, 'en-US')!
  await failed.first().locator('td').nth(4).click()
  const drawer = page.getByRole('dialog', { name: 'Log details' })
  await expect(drawer).toBeVisible()
  await expect(drawer.getByText(code.meaning).first()).toBeVisible()
  await expect(drawer.getByText(code.cause!)).toBeVisible()
  await expect(drawer.getByText(code.fix!)).toBeVisible()
  await drawer.getByRole('button', { name: 'Close' }).click()
  await expect(drawer).toBeHidden()

  // clicking its TraceId shows every row of that trace (all statuses)
  await page.getByText('All', { exact: true }).click()
  await expect(page).not.toHaveURL(/status=/)
  const traceId = (await failed.first().locator('td').nth(1).textContent())!.trim()
  expect(traceId).not.toBe('')
  await failed.first().locator('td').nth(1).getByText(traceId).click()
  await expect(page).toHaveURL(new RegExp(`traceId=${traceId}`))
  await expect(failed.first()).toBeVisible()
  await expect(rows.filter({ hasNotText: traceId })).toHaveCount(0)
  expect(await rows.count()).toBeGreaterThanOrEqual(2)

  // device local logs: only the ERROR entry at level ERROR
  await page.goto(`/logs?tab=device&productKey=${productKey}&deviceName=${deviceName}`)
  await expect(page.getByRole('tab', { name: 'Device local logs', selected: true })).toBeVisible()
  await expect(rows).toHaveCount(2)
  await choose(page, page.getByLabel('Level'), 'ERROR')
  await expect(page).toHaveURL(/level=ERROR/)
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('e2e sensor read failed')
  await expect(rows.first()).toContainText('sensor_drv')
  await expect(rows.filter({ hasText: 'net_mgr' })).toHaveCount(0)
})

test('[Logs]: live mode streams new run-log records of the filtered device without a refresh', async ({ page }) => {
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_Live'),
  })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('live_dev')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })

  const rows = page.locator('.ant-table-tbody tr.ant-table-row')
  await page.goto(`/logs?tab=run&productKey=${productKey}&deviceName=${deviceName}`)
  await expect(page.getByText('No log rows match these filters').first()).toBeVisible()
  await page.getByRole('switch', { name: 'Live' }).click()
  await expect(page.getByText('New records appear as they are stored')).toBeVisible()

  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    expect((await device.postProperties({ temperature: 999 })).code).toBe(6306)
    // the connect and the refused post arrive on their own
    await expect(rows.filter({ hasText: '6306' }).first()).toBeVisible()
    await expect(rows.filter({ hasText: 'online' }).first()).toBeVisible()
  } finally {
    await device.close()
  }
  await expect(rows.filter({ hasText: 'offline' }).first()).toBeVisible()
  // a record of another device does not show
  await expect(rows.filter({ hasNotText: deviceName })).toHaveCount(0)
})

test('[Logs]: live mode of device local logs streams new entries of the filtered device', async ({ page }) => {
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_LiveDl'),
  })
  const deviceName = uniq('live_dl')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  const rows = page.locator('.ant-table-tbody tr.ant-table-row')
  await page.goto(`/logs?tab=device&productKey=${productKey}&deviceName=${deviceName}`)
  await expect(page.getByText('No log rows match these filters').first()).toBeVisible()
  await page.getByRole('switch', { name: 'Live' }).click()
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    await device.postLogs([{ logLevel: 'WARN', module: 'fan', logContent: 'e2e live fan stalled' }])
    await expect(rows.filter({ hasText: 'e2e live fan stalled' })).toHaveCount(1)
    await expect(rows.first()).toContainText('WARN')
  } finally {
    await device.close()
  }
})
