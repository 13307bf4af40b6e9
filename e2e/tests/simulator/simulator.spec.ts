import { expect, type Page, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'

interface DeviceState {
  status: string
}

async function seedDevice(page: Page, prefix: string) {
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: uniq(prefix) })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('sim_dev')
  await trpc(page.request, 'device.create', { productKey, deviceName })
  return { productKey, deviceName }
}

const deviceStatus = async (page: Page, ref: { productKey: string; deviceName: string }) =>
  (await trpc<DeviceState>(page.request, 'device.byName', ref, 'query')).status

async function startSimulator(page: Page, ref: { productKey: string; deviceName: string }) {
  await page.goto(`/simulator?productKey=${ref.productKey}&deviceName=${ref.deviceName}`)
  await page.getByRole('button', { name: 'Start simulator' }).click()
  await expect(page.getByText('Simulator online')).toBeVisible()
  await expect.poll(() => deviceStatus(page, ref)).toBe('ONLINE')
  // the device-side log shows the connection
  const log = page.getByTestId('simulator-log')
  await expect(log.getByText('Connected (CONNACK: accepted)')).toBeVisible()
  return log
}

test('[Simulator]: a virtual device reports a property and an event that the device detail and the run log show', async ({
  page,
}) => {
  const ref = await seedDevice(page, 'E2E_Sim')
  const log = await startSimulator(page, ref)

  // upstream › property report: typed input, send now
  await expect(page.getByRole('tab', { name: 'Property report', selected: true })).toBeVisible()
  await page.getByLabel(/^Temperature/).fill('23')
  await page.getByRole('button', { name: 'Send command' }).first().click()
  await expect(page.getByText('Reported; the platform accepted it (200)')).toBeVisible()
  await expect(
    log.getByText(`/sys/${ref.productKey}/${ref.deviceName}/thing/event/property/post`, { exact: true }),
  ).toBeVisible()

  // an out-of-range value is refused before anything is sent, with the thing model's code
  await page.getByLabel(/^Temperature/).fill('')
  await page.getByLabel(/^Temperature/).pressSequentially('500')
  await page.getByLabel(/^Temperature/).blur()
  await expect(page.getByLabel(/^Temperature/)).not.toHaveValue('500') // the input keeps it within −40…120

  // upstream › event report: JSON checked against the event's definition
  await page.getByRole('tab', { name: 'Event report' }).click()
  const params = page.getByLabel('Event parameters (JSON)')
  await params.fill('{"level": 99}')
  await page.getByRole('button', { name: 'Send command' }).first().click()
  await expect(page.getByText(/6306/).first()).toBeVisible()
  await params.fill('{"level": 7}')
  await page.getByRole('button', { name: 'Send command' }).first().click()
  await expect(page.getByText('Reported; the platform accepted it (200)').first()).toBeVisible()
  await expect(
    log.getByText(`/sys/${ref.productKey}/${ref.deviceName}/thing/event/overheat/post`, { exact: true }),
  ).toBeVisible()

  // the device detail shows the reported value and the event
  await page.goto(`/devices/${ref.productKey}/${ref.deviceName}`)
  await page.getByRole('tab', { name: 'Thing model data' }).click()
  const temperature = page.locator('.ant-card').filter({ hasText: 'Temperature' }).first()
  await expect(temperature).toContainText('23')
  await page.getByRole('tab', { name: 'Events' }).click()
  await expect(page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: 'Overheat' }).first()).toContainText(
    '7',
  )

  // the cloud run log has the posts and their checks
  await page.goto(`/logs?tab=run&productKey=${ref.productKey}&deviceName=${ref.deviceName}`)
  const rows = page.locator('.ant-table-tbody tr.ant-table-row')
  await expect(rows.filter({ hasText: 'thing/event/property/post' }).first()).toBeVisible()
  await expect(rows.filter({ hasText: 'thing/event/overheat/post' }).first()).toBeVisible()
})

test('[Simulator]: a continuous push sends at its interval, and leaving the page takes the device offline', async ({
  page,
}) => {
  const ref = await seedDevice(page, 'E2E_SimPush')
  const log = await startSimulator(page, ref)

  await page.getByLabel(/^Temperature/).fill('31')
  await page.getByRole('button', { name: 'Strategy push' }).first().click()
  const modal = page.getByRole('dialog', { name: 'Strategy push' })
  await expect(modal.getByText('Continuous push')).toBeVisible()
  await modal.getByLabel('Interval').fill('2')
  await modal.getByRole('button', { name: 'Set strategy' }).click()
  await expect(page.getByText('Push strategy set').first()).toBeVisible()
  const card = page.getByTestId('simulator-strategy')
  await expect(card).toContainText('Scheduled')
  await expect(card).toContainText('every 2 s')
  await expect(page.getByTestId('simulator-next-fire')).toBeVisible()

  // about 4 posts in 7 s, 2 s apart (the first fires at once)
  await page.waitForTimeout(7000)
  const history = await trpc<{ ts: string }[]>(
    page.request,
    'device.propertyHistory',
    { ...ref, identifier: 'temperature', limit: 50 },
    'query',
  )
  expect(history.length).toBeGreaterThanOrEqual(3)
  expect(history.length).toBeLessThanOrEqual(5)
  const times = history.map((h) => new Date(h.ts).getTime()).sort((a, b) => a - b)
  for (let i = 1; i < times.length; i++) expect(Math.abs(times[i]! - times[i - 1]! - 2000)).toBeLessThan(500)
  await expect(log.getByText(/Strategy push \d+\/\d+/).first()).toBeVisible()
  await expect(page.getByTestId('simulator-sent')).toContainText(/^[3-5] of /)

  // leaving the page ends the lease: offline within the grace period (12 s)
  await page.goto('/devices')
  await expect.poll(() => deviceStatus(page, ref), { timeout: 25_000, intervals: [1000] }).toBe('OFFLINE')
})
