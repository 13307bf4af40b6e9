import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose } from '../../fixtures/ui'

test('[Simulator]: save a fleet scenario, run it, watch the live counters, and stop it: its devices go online and offline', async ({
  page,
}) => {
  await signIn(page.request)
  const productName = uniq('E2E_Fleet')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })

  await page.goto('/simulator?mode=fleet')
  await expect(page.getByRole('tab', { name: 'Fleet simulation', selected: true })).toBeVisible()
  await choose(page, page.getByRole('combobox').first(), productName, productName)

  // a new scenario: 3 devices, one message a second; temperature starts from its range, whole numbers
  await page.getByRole('button', { name: 'New scenario' }).click()
  const editor = page.getByRole('dialog', { name: 'New scenario' })
  await editor.getByLabel('Name', { exact: true }).fill(`${productName} smoke`)
  await editor.getByLabel('Devices', { exact: true }).fill('3')
  await editor.getByLabel('Message interval').fill('1')
  // the JSON document shows what will run
  await editor.getByRole('tab', { name: 'JSON document' }).click()
  await expect(editor.getByRole('textbox', { name: 'JSON document' })).toHaveValue(/"count": 3/)
  await expect(editor.getByRole('textbox', { name: 'JSON document' })).toHaveValue(
    /"temperature": \{\s+"kind": "random",\s+"min": -40,\s+"max": 120,\s+"decimals": 0/,
  )
  await editor.getByRole('tab', { name: 'Settings' }).click()
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Scenario saved')).toBeVisible()
  await expect(page.getByText(/3 devices \(sim_00001…\), one message every 1 s/)).toBeVisible()

  await page.getByRole('button', { name: 'Start fleet' }).click()
  await expect(page.getByText('Fleet started; 3 devices were created for it')).toBeVisible()
  const run = page
    .locator('.ant-card')
    .filter({ hasText: `${productName} smoke` })
    .filter({ hasText: 'Running' })
  await expect(run).toBeVisible()
  // live counters: all connected, replies 200 counting up
  await expect(run.locator('.ant-statistic').filter({ hasText: 'Connected' })).toContainText(/3\s*\/\s*3/)
  await expect
    .poll(
      async () =>
        Number(
          (
            await run
              .locator('.ant-statistic')
              .filter({ hasText: 'Replies 200' })
              .locator('.ant-statistic-content-value')
              .textContent()
          )?.replace(/\D/g, ''),
        ),
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(6)
  const list = await trpc<{ items: { deviceName: string; status: string }[] }>(
    page.request,
    'device.list',
    { productKey, page: 1, pageSize: 20 },
    'query',
  )
  expect(list.items.map((d) => d.status)).toEqual(['ONLINE', 'ONLINE', 'ONLINE'])

  await run.getByRole('button', { name: 'Stop' }).click()
  await expect(page.getByText('Fleet stopped; its devices are offline')).toBeVisible()
  await expect(
    page
      .locator('.ant-card')
      .filter({ hasText: `${productName} smoke` })
      .getByText('Finished'),
  ).toBeVisible()
  await expect
    .poll(async () =>
      (
        await trpc<{ items: { status: string }[] }>(
          page.request,
          'device.list',
          { productKey, page: 1, pageSize: 20 },
          'query',
        )
      ).items.every((d) => d.status === 'OFFLINE'),
    )
    .toBe(true)
})
