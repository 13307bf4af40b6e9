import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Device } from '@iotops/device-sdk'
import { expect, type Page, test } from '@playwright/test'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { choose, pickInMultiSelect } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

// Alarms end to end in real time: a rule made in the console, real devices over MQTT, the node's own alarm engine
// on real minute boundaries, and the notifications reaching a real SMTP server (the node's SMTP_URL points at the
// port below, see fixtures/server.mjs) and a local webhook receiver.
// a locator that never appears fails the step, not the whole 7-minute budget
test.use({ actionTimeout: 20_000 })

const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 18825)
const MQTT_URL = `mqtt://127.0.0.1:${E2E_MQTT_PORT}`

interface Hook {
  path: string
  body: Record<string, unknown>
}
const mails: ParsedMail[] = []
const hooks: Hook[] = []
let smtp: SMTPServer
let receiver: http.Server
let receiverUrl = ''

test.beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m)
          cb()
        })
        .catch(cb)
    },
  })
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject)
    smtp.listen(SMTP_PORT, '127.0.0.1', () => resolve())
  })
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
  await new Promise<void>((r) => smtp?.close(() => r()))
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
})

/** Creates a contact with an e-mail and a contact group with it and a webhook, in the console's contacts tab. */
async function contactGroupInUi(page: Page, name: string, email: string) {
  await page.goto('/monitoring?tab=contacts')
  await page.getByRole('tab', { name: 'Contacts', exact: true }).click()
  await page.getByRole('button', { name: 'Add contact' }).click()
  const contactDialog = page.getByRole('dialog', { name: 'Add a contact' })
  await contactDialog.getByLabel('Name', { exact: true }).fill(`${name}_ops`)
  await contactDialog.getByLabel('E-mail', { exact: true }).fill(email)
  await contactDialog.getByRole('button', { name: 'Create' }).click()
  await expect(contactDialog).toBeHidden()

  await page.getByRole('tab', { name: 'Contact groups', exact: true }).click()
  await page.getByRole('button', { name: 'Add contact group' }).click()
  const groupDialog = page.getByRole('dialog', { name: 'Add a contact group' })
  await groupDialog.getByLabel('Name', { exact: true }).fill(name)
  await pickInMultiSelect(page, groupDialog, 'Members', `${name}_ops`)
  await groupDialog.getByLabel('Webhook URL', { exact: true }).fill(`${receiverUrl}/hook/${name}`)
  await groupDialog.getByRole('button', { name: 'Create' }).click()
  await expect(groupDialog).toBeHidden()
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Webhook')
}

/** Opens the alarm history and refreshes it until a row of `rule` with `status` shows. */
async function historyRow(page: Page, rule: string, status: string, timeout: number) {
  await page.getByRole('tab', { name: 'Alarm history', exact: true }).click()
  const row = page.getByRole('row').filter({ hasText: rule }).filter({ hasText: status })
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(row.first()).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout, intervals: [3_000] })
  return row.first()
}

async function waitFor<T>(what: () => T | undefined | false, timeout: number): Promise<T> {
  const until = Date.now() + timeout
  for (;;) {
    const v = what()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

test('[Alarms]: a threshold rule made in the console alarms when 2 devices are online, mails and calls the webhook, and recovers', async ({
  page,
}) => {
  // periods close on real minute boundaries: the alarm needs up to ~2.5 min, the recovery as long again
  test.setTimeout(420_000)
  await signIn(page.request)
  const productName = uniq('E2E_Alarm')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  const names = [uniq('al_a'), uniq('al_b')]
  const secrets: string[] = []
  for (const deviceName of names) {
    const d = await trpc<{ deviceSecret: string }>(page.request, 'device.create', { productKey, deviceName })
    secrets.push(d.deviceSecret)
  }
  const group = uniq('oncall')
  const email = `${group}@example.com`
  await contactGroupInUi(page, group, email)

  // the rule, in the two-step form
  const rule = uniq('two_online')
  await page.goto('/monitoring?tab=alarms')
  await page.getByRole('button', { name: 'Create threshold rule' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create threshold rule' })
  await choose(page, dialog.getByLabel('Metric', { exact: true }), 'Online devices (MQTT)', 'Online devices (MQTT)')
  await expect(dialog.getByText('Each product is evaluated on its own')).toBeVisible()
  await dialog.getByText('One product', { exact: true }).click()
  await choose(page, dialog.getByLabel('Product', { exact: true }), productName, productName)
  // a bad name is refused in the form before anything is sent
  await dialog.getByLabel('Rule name', { exact: true }).fill('two online!')
  await dialog.getByRole('button', { name: 'Next' }).click()
  await expect(dialog.getByText('Use 1–64 letters, digits, _ or -.')).toBeVisible()
  await dialog.getByLabel('Rule name', { exact: true }).fill(rule)
  await dialog.getByLabel('Threshold', { exact: true }).fill('2')
  await choose(page, dialog.getByLabel('Consecutive periods'), /^1$/)
  await expect(dialog.getByText('count >= 2 for 1 period of 1 min')).toBeVisible()
  await dialog.getByRole('button', { name: 'Next' }).click()
  // the second step: no group chosen yet is refused
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog.getByText('Choose at least one contact group.')).toBeVisible()
  await pickInMultiSelect(page, dialog, 'Contact groups', group)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  const ruleRow = page.getByRole('row').filter({ hasText: rule })
  await expect(ruleRow).toContainText('count >= 2 for 1 period of 1 min')
  await expect(ruleRow).toContainText(productName)
  await expect(ruleRow).toContainText('OnlineDevicesCount_MQTT')
  await expect(ruleRow.getByRole('switch')).toBeChecked()

  // two devices of the product come online
  const devices = await Promise.all(
    names.map((deviceName, i) => Device.connect({ url: MQTT_URL, productKey, deviceName, deviceSecret: secrets[i]! })),
  )
  try {
    const alarmMail = await waitFor(
      () => mails.find((m) => m.subject?.includes(rule) && m.subject.includes('ALARM')),
      180_000,
    )
    expect(alarmMail.to && 'text' in alarmMail.to && alarmMail.to.text).toBe(email)
    expect(alarmMail.text).toContain(`productKey=${productKey}, instanceId=iot-ops, regionId=local`)
    expect(alarmMail.text).toContain('OnlineDevicesCount_MQTT alarm at')
    expect(alarmMail.text).toContain('value 2')
    expect(alarmMail.text).toContain(`alarm rule ${rule}, OnlineDevicesCount_MQTT 1-minute statistic`)
    expect(alarmMail.text).toContain('1 consecutive period(s) meeting: count >= 2')
    const alarmHook = await waitFor(
      () => hooks.find((h) => h.path === `/hook/${group}` && h.body.status === 'ALARM'),
      30_000,
    )
    expect(alarmHook.body).toMatchObject({
      status: 'ALARM',
      level: 'WARNING',
      metric: 'OnlineDevicesCount_MQTT',
      productKey,
      value: 2,
      instanceId: 'iot-ops',
      regionId: 'local',
    })

    // the list shows the product alarming, the history the alarm with its message
    await page.reload()
    await expect(page.getByRole('row').filter({ hasText: rule })).toContainText('1 alarming')
    const alarmRow = await historyRow(page, rule, 'Alarm', 30_000)
    await expect(alarmRow).toContainText('Online devices (MQTT)')
    await expect(alarmRow).toContainText(productKey)
    await alarmRow.getByText('View', { exact: true }).click()
    await expect(page.getByTestId('alarm-message')).toContainText(`productKey=${productKey}, instanceId=iot-ops`)
    await expect(page.getByTestId('alarm-details')).toContainText('"status": "ALARM"')
    await page.locator('.ant-drawer-close').click()

    // one device leaves: the next closed period recovers
    await devices[1]!.close()
    const recoveredMail = await waitFor(
      () => mails.find((m) => m.subject?.includes(rule) && m.subject.includes('RECOVERED')),
      180_000,
    )
    expect(recoveredMail.text).toContain('OnlineDevicesCount_MQTT recovered at')
    expect(recoveredMail.text).toContain('value 1')
    const recoveredHook = await waitFor(
      () => hooks.find((h) => h.path === `/hook/${group}` && h.body.status === 'RECOVERED'),
      30_000,
    )
    expect(recoveredHook.body).toMatchObject({ metric: 'OnlineDevicesCount_MQTT', productKey, value: 1 })
    await historyRow(page, rule, 'Recovered', 30_000)
  } finally {
    await Promise.all(devices.map((d) => d.close().catch(() => {})))
  }
})

test('[Alarms]: an event rule made in the console turns a connect storm into a Device_Connect_QPM_Limit alarm', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await signIn(page.request)
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', {
    name: uniq('E2E_Storm'),
  })
  const deviceName = uniq('storm')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  const group = uniq('events')
  await contactGroupInUi(page, group, `${group}@example.com`)

  const rule = uniq('connect_storm')
  await page.goto('/monitoring?tab=alarms')
  await page.getByRole('button', { name: 'Create event rule' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create event rule' })
  await dialog.getByLabel('Rule name', { exact: true }).fill(rule)
  await dialog.getByRole('checkbox', { name: /Device_Connect_QPM_Limit/ }).check()
  await pickInMultiSelect(page, dialog, 'Contact groups', group)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  const ruleRow = page.getByRole('row').filter({ hasText: rule })
  await expect(ruleRow).toContainText('System event')
  await expect(ruleRow).toContainText('Device_Connect_QPM_Limit')

  // 5 connects a minute are allowed; the 6th is refused and raises the event
  const creds = { url: MQTT_URL, productKey, deviceName, deviceSecret }
  for (let i = 0; i < 5; i++) await (await Device.connect(creds)).close()
  await expect(Device.connect(creds)).rejects.toThrow()

  const resource = `acs:iot:local::instance/iot-ops/product/${productKey}/device/${deviceName}`
  const row = await historyRow(page, rule, 'Alarm', 60_000)
  await expect(row).toContainText('Device_Connect_QPM_Limit')
  await expect(row).toContainText(resource)
  await row.getByText('View', { exact: true }).click()
  await expect(page.getByTestId('alarm-message')).toContainText('Status: Fail')
  await expect(page.getByTestId('alarm-message')).toContainText(`resourceId:${resource}`)

  const hook = await waitFor(() => hooks.find((h) => h.path === `/hook/${group}`), 30_000)
  expect(hook.body).toMatchObject({
    event: 'Device_Connect_QPM_Limit',
    eventLevel: 'WARN',
    status: 'Fail',
    resourceId: resource,
    details: { productKey, deviceName, instanceId: 'iot-ops', regionId: 'local' },
  })
})
