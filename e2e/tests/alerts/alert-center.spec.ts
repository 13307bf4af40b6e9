import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose, pickInMultiSelect } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

// The alert center end to end: an alert rule and a scene rule on a property threshold made in the console, a real
// device over MQTT, the node's scene engine, the notification outbox reaching a local webhook receiver, and the
// alert handled with a remark in the console.
test.use({ actionTimeout: 15_000 })

interface Hook {
  path: string
  body: Record<string, unknown>
}
const hooks: Hook[] = []
let receiver: http.Server
let receiverUrl = ''

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      hooks.push({
        path: new URL(req.url ?? '/', 'http://x').pathname,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
})
test.afterAll(async () => {
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
})

test('[Alert center]: a scene rule on a property threshold made in the console raises an alert, notifies a webhook, and is handled with a remark', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await signIn(page.request)
  const productName = uniq('E2E_Alert')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('hot')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  const group = uniq('alert_hook')
  await trpc(page.request, 'notify.groups.create', {
    name: group,
    webhookUrl: `${receiverUrl}/hook/${group}`,
    console: false,
  })

  // the alert rule, in the console
  const rule = uniq('temp_high').slice(0, 30)
  await page.goto('/alerts?tab=rules')
  await page.getByRole('button', { name: 'Create alert rule' }).click()
  const ruleDialog = page.getByRole('dialog', { name: 'Create an alert rule' })
  await ruleDialog.getByLabel('Alert rule name', { exact: true }).fill('bad name!')
  await ruleDialog.getByRole('button', { name: 'OK' }).click()
  await expect(ruleDialog.getByText('4–32 characters: letters, digits', { exact: false }).first()).toBeVisible()
  await ruleDialog.getByLabel('Alert rule name', { exact: true }).fill(rule)
  await choose(page, ruleDialog.getByLabel('Alert level', { exact: true }), 'Level 2')
  await ruleDialog.getByRole('checkbox', { name: 'Webhook' }).check()
  await pickInMultiSelect(page, ruleDialog, 'Contact groups', group)
  await ruleDialog.getByRole('button', { name: 'OK' }).click()
  await expect(ruleDialog).toBeHidden()
  const ruleRow = page.getByRole('row').filter({ hasText: rule })
  await expect(ruleRow).toContainText('Running')
  await expect(ruleRow).toContainText('Webhook')

  // the scene rule: temperature > 30 on any device of the product → raise the alert
  await page.getByRole('tab', { name: 'Scene rules', exact: true }).click()
  await page.getByRole('button', { name: 'Create scene rule' }).click()
  const sceneDialog = page.getByRole('dialog', { name: 'Create a scene rule' })
  const scene = uniq('too hot')
  await sceneDialog.getByLabel('Name', { exact: true }).fill(scene)
  const trigger = sceneDialog.getByTestId('triggers-0')
  await choose(page, trigger.getByLabel('Product', { exact: true }), productName, productName)
  await trigger.getByLabel('Identifier', { exact: true }).fill('temperature')
  await trigger.getByLabel('Value', { exact: true }).fill('30')
  const action = sceneDialog.getByTestId('actions-0')
  await choose(page, action.getByLabel('Alert rule', { exact: true }), rule)
  await sceneDialog.getByRole('button', { name: 'OK' }).click()
  await expect(sceneDialog).toBeHidden()
  const sceneRow = page.getByRole('row').filter({ hasText: scene })
  await expect(sceneRow).toContainText(`temperature > 30`)
  await expect(sceneRow).toContainText(`Raise alert: ${rule}`)

  // the device reports 35 °C
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${E2E_MQTT_PORT}`,
    productKey,
    deviceName,
    deviceSecret,
  })
  try {
    await device.postProperties({ temperature: 35 })
  } finally {
    await device.close()
  }

  // the alert appears in the alert center (pending), with the badge in the navigation
  await page.goto('/alerts')
  const alertRow = page.getByRole('row').filter({ hasText: rule }).filter({ hasText: deviceName })
  await expect(async () => {
    await page.reload()
    await expect(alertRow).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000, intervals: [1_000] })
  await expect(alertRow).toContainText(`${productKey}/${deviceName}`)
  await expect(alertRow).toContainText('Pending')
  await expect(page.getByRole('menuitem', { name: /Alert center/ })).toContainText('1')

  // the webhook receiver got the alert
  await expect
    .poll(() => hooks.find((h) => h.path === `/hook/${group}`)?.body, { timeout: 20_000 })
    .toMatchObject({
      source: 'alertCenter',
      alertRule: rule,
      alertLevel: 2,
      level: 'CRITICAL',
      productKey,
      deviceName,
      sceneRule: scene,
      trigger: { identifier: 'temperature', value: 35 },
    })

  // handle it with a remark: the alert becomes read-only
  await alertRow.getByRole('button', { name: 'Handle' }).click()
  const drawer = page.getByRole('dialog', { name: 'Alert details' })
  await expect(drawer).toContainText('"value": 35')
  await drawer.getByRole('button', { name: 'Handle' }).click()
  const handleDialog = page.getByRole('dialog', { name: 'Handle the alert' })
  await handleDialog.getByRole('button', { name: 'OK' }).click()
  await expect(handleDialog.getByText('Write a remark')).toBeVisible()
  await handleDialog.getByLabel('How it was handled', { exact: true }).fill('Fan restarted on site')
  await handleDialog.getByRole('button', { name: 'OK' }).click()
  await expect(handleDialog).toBeHidden()
  await expect(drawer).toContainText('This alert is closed and can only be viewed.')
  await expect(drawer).toContainText('Fan restarted on site')
  await expect(drawer.getByRole('button', { name: 'Handle' })).toHaveCount(0)
  await drawer.getByRole('button', { name: 'Close' }).click()
  await page.getByText('All', { exact: true }).click()
  await expect(page.getByRole('row').filter({ hasText: rule })).toContainText('Handled')
})
