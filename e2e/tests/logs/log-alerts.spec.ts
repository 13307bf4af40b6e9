import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Device } from '@iotops/device-sdk'
import { expect, test } from '@playwright/test'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { signIn, trpc, uniq } from '../../fixtures/api'
import { SENSOR_TSL } from '../../fixtures/tsl'
import { choose, pickInMultiSelect } from '../../fixtures/ui'
import { E2E_MQTT_PORT } from '../../playwright.config'

// Log alerts and report subscriptions in the console, in real time: a log alert made from a saved query fires on
// real device traffic through the node's own alarm engine (the next minute boundary), reaching a real SMTP server
// (the node's SMTP_URL points at E2E_SMTP_PORT, see fixtures/server.mjs) and a local webhook receiver; a report
// subscription made in the console is mailed on "Send now" with the device's real figures.
test.use({ actionTimeout: 20_000 })

const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 18825)
const MQTT_URL = `mqtt://127.0.0.1:${E2E_MQTT_PORT}`
const mails: ParsedMail[] = []
const hooks: { path: string; body: Record<string, unknown> }[] = []
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

async function waitFor<T>(what: () => T | undefined | false, timeout: number): Promise<T> {
  const until = Date.now() + timeout
  for (;;) {
    const v = what()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

test('[Logs]: a log alert made from a saved query fires on real failures (mail, webhook, history); a report subscription mails real figures on "Send now"', async ({
  page,
}) => {
  // the alarm waits for the next minute boundary (+8 s): up to ~70 s
  test.setTimeout(150_000)
  await signIn(page.request)
  const productName = uniq('E2E_LogAlert')
  const { productKey } = await trpc<{ productKey: string }>(page.request, 'product.create', { name: productName })
  await trpc(page.request, 'product.importTsl', { productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const deviceName = uniq('la')
  const { deviceSecret } = await trpc<{ deviceSecret: string }>(page.request, 'device.create', {
    productKey,
    deviceName,
  })
  const group = uniq('logops')
  const email = `${group}@example.com`
  const contact = await trpc<{ id: string }>(page.request, 'notify.contacts.create', { name: `${group}_c`, email })
  await trpc(page.request, 'notify.groups.create', {
    name: group,
    contactIds: [contact.id],
    webhookUrl: `${receiverUrl}/hook/${group}`,
  })
  const queryName = uniq('tsl_failures')
  await trpc(page.request, 'logAnalysis.save', {
    name: queryName,
    sql: `SELECT count(*) AS failures FROM run_log WHERE ts >= {{from}} AND ts < {{to}} AND product_key = '${productKey}' AND code <> 200`,
    chart: { type: 'table' },
  })

  // the log alert, in the console
  const rule = uniq('log_alert')
  await page.goto('/monitoring?tab=alarms')
  await page.getByRole('button', { name: 'Create log alert' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create log alert' })
  await dialog.getByLabel('Rule name', { exact: true }).fill(rule)
  await choose(page, dialog.getByLabel('Saved query', { exact: true }), queryName, queryName)
  await expect(dialog.getByTestId('log-rule-sql')).toContainText(`product_key = '${productKey}'`)
  await dialog.getByLabel('Threshold', { exact: true }).fill('1')
  await choose(page, dialog.getByLabel('Period', { exact: true }), /^1 min$/)
  // no group yet: refused in the form
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog.getByText('Choose at least one contact group.')).toBeVisible()
  await pickInMultiSelect(page, dialog, 'Contact groups', group)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  const ruleRow = page.getByRole('row').filter({ hasText: rule })
  await expect(ruleRow).toContainText('Log alert')
  await expect(ruleRow).toContainText(queryName)
  await expect(ruleRow).toContainText('value >= 1 for 1 period(s) of 1 min')

  // real device traffic: 40 posts the thing model accepts (enough to rank among the busiest devices of the report)
  // and two it refuses (6306)
  const dev = await Device.connect({ url: MQTT_URL, productKey, deviceName, deviceSecret })
  try {
    for (let i = 0; i < 40; i++) {
      expect((await dev.postProperties({ temperature: 20 + (i % 10) })).code).toBe(200)
      // the device's uplink limit is 30 messages/s
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1000))
    }
    expect((await dev.postProperties({ temperature: 999 })).code).toBe(6306)
    expect((await dev.postProperties({ temperature: 998 })).code).toBe(6306)
  } finally {
    await dev.close()
  }

  // the report subscription, while the alarm's period runs out
  const sub = uniq('Daily ops')
  await page.goto('/logs?tab=subscriptions')
  await page.getByRole('button', { name: 'Create subscription' }).click()
  const subDialog = page.getByRole('dialog', { name: 'Create report subscription' })
  await subDialog.getByLabel('Name', { exact: true }).fill(sub)
  await subDialog.getByRole('checkbox', { name: 'Top 20 devices by messages up' }).check()
  await subDialog.getByRole('checkbox', { name: 'Thing-model check errors by code' }).check()
  await choose(page, subDialog.getByLabel('Each mail covers', { exact: true }), 'Last hour')
  await pickInMultiSelect(page, subDialog, 'Contact groups', group)
  // this product only, mailed in Japanese
  await choose(page, subDialog.getByLabel('Product', { exact: true }), productName, productName)
  await choose(page, subDialog.getByLabel('Mail language', { exact: true }), '日本語')
  await subDialog.getByRole('button', { name: 'Create' }).click()
  await expect(subDialog).toBeHidden()
  const subRow = page.getByRole('row').filter({ hasText: sub })
  await expect(subRow).toContainText('Daily at 09:00')
  await expect(subRow).toContainText(group)
  await expect(subRow).toContainText(`${productKey} · 日本語`)
  await subRow.getByRole('button', { name: 'Send now' }).click()
  await expect(page.getByText('Report queued for 1 contact group(s)')).toBeVisible()
  const report = await waitFor(() => mails.find((m) => m.subject?.includes(`ログレポート「${sub}」`)), 30_000)
  expect(report.to && 'text' in report.to && report.to.text).toBe(email)
  const html = String(report.html)
  expect(html).toContain('<svg')
  expect(html).toContain(`製品：${productKey}`)
  // the device's 42 posts up and the refused ones by code
  expect(html).toMatch(new RegExp(`<td[^>]*>${deviceName}</td><td[^>]*><div[^>]*></div></td><td[^>]*>42</td>`))
  expect(html).toMatch(/<td[^>]*>6306<\/td><td[^>]*><div[^>]*><\/div><\/td><td[^>]*>\d+<\/td>/)

  // the alarm: mail, webhook and history
  const alarmMail = await waitFor(
    () => mails.find((m) => m.subject?.includes(rule) && m.subject.includes('ALARM')),
    100_000,
  )
  expect(alarmMail.to && 'text' in alarmMail.to && alarmMail.to.text).toBe(email)
  expect(alarmMail.text).toContain(`Log alert on saved query "${queryName}" — alarm: the query returned 2`)
  const hook = await waitFor(() => hooks.find((h) => h.path === `/hook/${group}` && h.body.status === 'ALARM'), 20_000)
  expect(hook.body).toMatchObject({ kind: 'log', query: queryName, value: 2, status: 'ALARM' })

  await page.goto('/monitoring?tab=alarms')
  await page.getByRole('tab', { name: 'Alarm history', exact: true }).click()
  const row = page.getByRole('row').filter({ hasText: rule }).filter({ hasText: 'Alarm' })
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(row.first()).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000, intervals: [2_000] })
  await expect(row.first()).toContainText('Log alert')
  await expect(row.first()).toContainText(queryName)
})
