import { Device } from '@iotops/device-sdk'
import { logAnalysis, notify, reportSubscriptions } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'
import { startReceiver, startSmtp } from './testing-receivers'

// The rest of the log service end to end: log alerts (a saved query over each closed period, through the alarm
// engine, to a real SMTP server and a webhook receiver), report subscriptions (mailed with the real figures, "send
// now", missed runs sent once), and the OTLP/HTTP export of run logs to a local receiver.
let node: RunningNode
let api: HttpSession
let receiver: Awaited<ReturnType<typeof startReceiver>>
let smtp: Awaited<ReturnType<typeof startSmtp>>
beforeAll(async () => {
  receiver = await startReceiver()
  smtp = await startSmtp()
  node = await startTestNode({
    SMTP_URL: `smtp://mailer:smtp-pass-9@127.0.0.1:${smtp.port}`,
    INSTANCE_ID: 'iot-test',
    REGION_ID: 'lab-1',
    OTLP_LOGS_URL: `${receiver.url}/v1/logs`,
    OTLP_HEADERS: 'authorization=Bearer%20otlp-token,x-scope=iot',
  })
  // the tests drive the alarm engine and the report scheduler themselves
  await node.alarmEngine.stop()
  await node.reports.stop()
  api = await signInHttp(node)
})
afterAll(async () => {
  await node?.close()
  await receiver?.close()
  await smtp?.close()
})

const MINUTE = 60_000
const LAG = 8000
const trpc = async <T>(proc: string, input: unknown, kind?: 'query' | 'mutation') => {
  const r = await api.call<T>(proc, input, kind)
  if (r.error) throw new Error(`${proc}: ${r.error.message}`)
  return r.data as T
}
interface History {
  status: string
  kind: string
  value: number | null
  metric: string
  message: string
}
const history = async (ruleId: string) =>
  (
    await trpc<{ items: History[] }>('alarm.history', {
      ruleId,
      from: new Date(Date.now() - 86_400_000),
      to: new Date(Date.now() + 86_400_000),
      pageSize: 100,
    })
  ).items.reverse()

async function group(name: string) {
  const c = await notify.createContact(node.db, TEST_ACTOR, { name: `${name}_ops`, email: `${name}@example.com` })
  const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
    name,
    contactIds: [c.id],
    webhookUrl: `${receiver.url}/hook/${name}`,
  })
  return g.id
}

/** Waits until at least `s` seconds remain in the current minute, so a burst of traffic lands in one period. */
async function awayFromMinuteEnd(s = 8) {
  const left = MINUTE - (Date.now() % MINUTE)
  if (left < s * 1000) await new Promise((r) => setTimeout(r, left + 100))
}

const logRule = (name: string, queryId: string, groupId: string) => ({
  kind: 'log',
  name,
  queryId,
  operator: '>=',
  threshold: 3,
  periods: 1,
  granularity: 1,
  level: 'CRITICAL',
  silenceSeconds: 300,
  contactGroupIds: [groupId],
})

describe('log alerts', () => {
  it('fires when the saved query counts enough failures in a period, notifies by mail and webhook, and recovers', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const groupId = await group('logwatch')
    const q = await logAnalysis.saveQuery(node.db, TEST_ACTOR, {
      name: 'tsl_failures',
      sql: `SELECT count(*) AS failures FROM run_log
            WHERE ts >= {{from}} AND ts < {{to}} AND product_key = '${productKey}' AND biz_type = 'ThingModel' AND code <> 200`,
      chart: { type: 'table' },
    })
    await awayFromMinuteEnd()
    const rule = await trpc<{ id: string; updatedAt: string; kind: string; queryId: string }>(
      'alarm.createRule',
      logRule('tsl_failures_alert', q.id, groupId),
      'mutation',
    )
    expect(rule).toMatchObject({ kind: 'log', queryId: q.id })
    const m0 = Math.floor(new Date(rule.updatedAt).getTime() / MINUTE) * MINUTE

    // real traffic: one good and three bad property posts (thing-model check 6306)
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devices[0]! })
    expect((await dev.postProperties({ temperature: 21 })).code).toBe(200)
    for (const t of [999, 998, 997]) expect((await dev.postProperties({ temperature: t })).code).toBe(6306)
    await dev.close()
    await eventually(async () => {
      const { rows } = await node.db.pool.query(
        `SELECT count(*)::int AS n FROM run_log WHERE product_key = $1 AND biz_type = 'ThingModel' AND code <> 200`,
        [productKey],
      )
      return rows[0].n === 3
    })

    // the period is judged only once it has closed
    await node.alarmEngine.tick(m0 + MINUTE + LAG - 1)
    expect(await history(rule.id)).toEqual([])
    await node.alarmEngine.tick(m0 + MINUTE + LAG)
    const fired = await history(rule.id)
    expect(fired.map((h) => [h.kind, h.status, h.value, h.metric])).toEqual([['log', 'ALARM', 3, 'log:tsl_failures']])
    expect(fired[0]!.message).toContain('Log alert on saved query "tsl_failures" — alarm: the query returned 3')
    expect(fired[0]!.message).toContain('value >= 3')

    // the next period has no failures: recovered with the query's 0
    await node.alarmEngine.tick(m0 + 2 * MINUTE + LAG)
    expect((await history(rule.id)).map((h) => [h.status, h.value])).toEqual([
      ['ALARM', 3],
      ['RECOVERED', 0],
    ])

    await node.notifier.drain()
    const hooks = await eventually(async () => {
      const got = receiver.got.filter((r) => r.path === '/hook/logwatch')
      return got.length === 2 && got
    })
    expect(hooks.map((h) => [h.body.kind, h.body.status, h.body.query, h.body.value])).toEqual([
      ['log', 'ALARM', 'tsl_failures', 3],
      ['log', 'RECOVERED', 'tsl_failures', 0],
    ])
    const mails = await eventually(async () => {
      const got = smtp.mails.filter((m) => m.subject?.includes('tsl_failures_alert'))
      return got.length === 2 && got
    })
    expect(mails[0]!.subject).toContain('[CRITICAL] ALARM: tsl_failures_alert — log query tsl_failures')
    expect(mails[0]!.text).toContain('the query returned 3')
    expect(mails[1]!.subject).toContain('RECOVERED')
  })

  it('records a failing query as NO_DATA with its reason (once), and recovers when the query works again', async () => {
    const groupId = await group('logbroken')
    const q = await logAnalysis.saveQuery(node.db, TEST_ACTOR, {
      name: 'broken_query',
      sql: 'SELECT count(*) / 0 AS n FROM run_log WHERE ts >= {{from}} AND ts < {{to}}',
      chart: { type: 'table' },
    })
    const rule = await trpc<{ id: string; updatedAt: string }>(
      'alarm.createRule',
      logRule('broken_alert', q.id, groupId),
      'mutation',
    )
    const m0 = Math.floor(new Date(rule.updatedAt).getTime() / MINUTE) * MINUTE
    await node.alarmEngine.tick(m0 + MINUTE + LAG)
    await node.alarmEngine.tick(m0 + 2 * MINUTE + LAG)
    const h = await history(rule.id)
    expect(h.map((x) => [x.status, x.value])).toEqual([['NO_DATA', null]])
    expect(h[0]!.message).toContain('division by zero')

    // fixed: the next period runs and the rule recovers (value 0 < 3)
    await logAnalysis.saveQuery(
      node.db,
      TEST_ACTOR,
      { name: 'broken_query', sql: 'SELECT count(*) AS n FROM run_log WHERE false', chart: { type: 'table' } },
      q.id,
    )
    await node.alarmEngine.tick(m0 + 3 * MINUTE + LAG)
    expect((await history(rule.id)).map((x) => [x.status, x.value])).toEqual([
      ['NO_DATA', null],
      ['RECOVERED', 0],
    ])
    await node.notifier.drain()
    const hooks = await eventually(async () => {
      const got = receiver.got.filter((r) => r.path === '/hook/logbroken')
      return got.length === 2 && got
    })
    expect(hooks[0]!.body).toMatchObject({ kind: 'log', status: 'NO_DATA', value: null })
    expect(String(hooks[0]!.body.error)).toContain('division by zero')
  })

  it('rejects a log rule without an existing saved query or with an unsupported period', async () => {
    const groupId = await group('logbad')
    const missing = await api.call(
      'alarm.createRule',
      logRule('no_query', '00000000-0000-4000-8000-000000000000', groupId),
      'mutation',
    )
    expect(missing.error?.message).toMatch(/saved query/)
    const q = await logAnalysis.saveQuery(node.db, TEST_ACTOR, {
      name: 'for_bad_period',
      sql: 'SELECT 1 AS one',
      chart: { type: 'table' },
    })
    const bad = await api.call(
      'alarm.createRule',
      { ...logRule('bad_period', q.id, groupId), granularity: 2 },
      'mutation',
    )
    expect(bad.error).toBeTruthy()
    expect(await node.db.prisma.alarmRule.count({ where: { name: { in: ['no_query', 'bad_period'] } } })).toBe(0)
  })
})

describe('saved queries used by log alert rules', () => {
  it('refuses to delete a saved query while log rules use it, naming them; deletes it once they are gone', async () => {
    const groupId = await group('loguse')
    const q = await logAnalysis.saveQuery(node.db, TEST_ACTOR, {
      name: 'used_query',
      sql: 'SELECT count(*) AS n FROM run_log WHERE ts >= {{from}} AND ts < {{to}}',
      chart: { type: 'table' },
    })
    const a = await trpc<{ id: string }>('alarm.createRule', logRule('uses_a', q.id, groupId), 'mutation')
    const b = await trpc<{ id: string }>('alarm.createRule', logRule('uses_b', q.id, groupId), 'mutation')

    const refused = await api.call('logAnalysis.delete', { id: q.id }, 'mutation')
    expect(refused.error?.data?.code).toBe('CONFLICT')
    expect(refused.error?.message).toBe(
      'the saved query used_query is used by the log alert rules uses_a, uses_b; change or delete those rules first',
    )
    // nothing changed: the query is there, the rules still run it
    expect(await node.db.prisma.savedLogQuery.findUnique({ where: { id: q.id } })).not.toBeNull()
    expect(await node.db.prisma.alarmRule.count({ where: { queryId: q.id } })).toBe(2)
    expect(await node.db.prisma.auditLog.count({ where: { action: 'DeleteLogQuery', targetId: q.id } })).toBe(0)

    await trpc('alarm.deleteRule', { id: a.id }, 'mutation')
    const stillOne = await api.call('logAnalysis.delete', { id: q.id }, 'mutation')
    expect(stillOne.error?.message).toMatch(/used by the log alert rule uses_b;/)

    await trpc('alarm.deleteRule', { id: b.id }, 'mutation')
    await trpc('logAnalysis.delete', { id: q.id }, 'mutation')
    expect(await node.db.prisma.savedLogQuery.findUnique({ where: { id: q.id } })).toBeNull()
  })
})

describe('report subscriptions', () => {
  it('mails the chosen reports with the real figures on "send now", and sends missed runs once', async () => {
    const { devices } = await seedSensorProduct(node, 1)
    const dn = devices[0]!.deviceName
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devices[0]! })
    for (const t of [20, 21, 22, 23, 24]) await dev.postProperties({ temperature: t })
    for (const t of [900, 901]) await dev.postProperties({ temperature: t })
    await dev.close()
    await node.hub.metrics.flush()
    const c = await notify.createContact(node.db, TEST_ACTOR, { name: 'reader', email: 'reports@example.com' })
    const g = await notify.createContactGroup(node.db, TEST_ACTOR, { name: 'readers', contactIds: [c.id] })

    const sub = await trpc<{ id: string; nextAt: string }>(
      'reportSubscription.create',
      {
        name: 'Daily digest',
        reports: ['messages', 'topUp', 'tslCodes', 'tslDevices'],
        rangeMinutes: 60,
        frequency: 'daily',
        at: '08:30',
        contactGroupIds: [g.id],
      },
      'mutation',
    )
    const next = new Date(sub.nextAt)
    expect(next.getTime()).toBeGreaterThan(Date.now())
    expect([next.getHours(), next.getMinutes()]).toEqual([8, 30])

    const sent = await trpc<{ queued: number }>('reportSubscription.sendNow', { id: sub.id }, 'mutation')
    expect(sent.queued).toBe(1)
    const mail = await eventually(async () => smtp.mails.find((m) => m.subject?.includes('Daily digest')), 15_000)
    expect(mail.to && 'text' in mail.to && mail.to.text).toBe('reports@example.com')
    const html = String(mail.html)
    expect(html).toContain('<svg')
    expect(html).toContain('Top 20 devices by messages up')
    // the device's 7 posts, its two thing-model failures (code 6306)
    expect(html).toMatch(new RegExp(`<td[^>]*>${dn}</td><td[^>]*><div[^>]*></div></td><td[^>]*>7</td>`))
    expect(html).toMatch(new RegExp(`<td[^>]*>${dn}</td><td[^>]*><div[^>]*></div></td><td[^>]*>2</td>`))
    expect(html).toMatch(/<td[^>]*>6306<\/td>/)
    expect(mail.text).toContain(`${dn}: 7`)

    // missed runs (the node was down for days): one mail, the next time moves past now, a second tick sends nothing
    await node.db.prisma.reportSubscription.update({
      where: { id: sub.id },
      data: { nextAt: new Date(Date.now() - 3 * 86_400_000) },
    })
    const before = smtp.mails.length
    expect(await node.reports.tick()).toBe(1)
    expect(await node.reports.tick()).toBe(0)
    await node.notifier.drain()
    await eventually(async () => smtp.mails.length === before + 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(smtp.mails.length).toBe(before + 1)
    const after = await node.db.prisma.reportSubscription.findUniqueOrThrow({ where: { id: sub.id } })
    expect(after.nextAt.getTime()).toBeGreaterThan(Date.now())
    expect(after.lastSentAt).not.toBeNull()

    // bad input changes nothing
    const weekly = await api.call(
      'reportSubscription.create',
      { name: 'No day', reports: ['online'], rangeMinutes: 60, frequency: 'weekly', contactGroupIds: [g.id] },
      'mutation',
    )
    expect(weekly.error?.message).toMatch(/day of the week/)
    const mailless = await notify.createContactGroup(node.db, TEST_ACTOR, {
      name: 'hooks_only',
      contactIds: [],
      webhookUrl: `${receiver.url}/hook/x`,
    })
    const noMail = await api.call(
      'reportSubscription.create',
      { name: 'No mail', reports: ['online'], rangeMinutes: 60, frequency: 'hourly', contactGroupIds: [mailless.id] },
      'mutation',
    )
    expect(noMail.error?.message).toMatch(/e-mail address/)
    const noProduct = await api.call(
      'reportSubscription.create',
      {
        name: 'No product',
        reports: ['online'],
        rangeMinutes: 60,
        frequency: 'hourly',
        contactGroupIds: [g.id],
        productKey: 'nope',
      },
      'mutation',
    )
    expect(noProduct.error?.message).toMatch(/the product nope does not exist/)
    const badLocale = await api.call(
      'reportSubscription.create',
      {
        name: 'Bad locale',
        reports: ['online'],
        rangeMinutes: 60,
        frequency: 'hourly',
        contactGroupIds: [g.id],
        locale: 'fr-FR',
      },
      'mutation',
    )
    expect(badLocale.error).toBeTruthy()
    expect(await node.db.prisma.reportSubscription.count()).toBe(1)
  })
})

describe('report mails scoped to a product, in a language', () => {
  it("counts only the named product's devices, says which product it covers, and writes in the chosen language", async () => {
    const a = await seedSensorProduct(node, 1)
    const b = await seedSensorProduct(node, 1)
    for (const [seed, n] of [
      [a, 3],
      [b, 2],
    ] as const) {
      const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...seed.devices[0]! })
      for (let i = 0; i < n; i++) await dev.postProperties({ temperature: 20 + i })
      await dev.close()
    }
    await node.hub.metrics.flush()
    const dnA = a.devices[0]!.deviceName
    const dnB = b.devices[0]!.deviceName
    // saved through the API with its product and language, read back as the scheduler reads it
    const c = await notify.createContact(node.db, TEST_ACTOR, { name: 'scoped reader', email: 'scoped@example.com' })
    const g = await notify.createContactGroup(node.db, TEST_ACTOR, { name: 'scoped_readers', contactIds: [c.id] })
    const created = await trpc<{ id: string; productKey: string | null; locale: string | null }>(
      'reportSubscription.create',
      {
        name: 'scoped',
        reports: ['topUp'],
        rangeMinutes: 60,
        frequency: 'hourly',
        contactGroupIds: [g.id],
        productKey: a.productKey,
        locale: 'ja-JP',
      },
      'mutation',
    )
    expect(created).toMatchObject({ productKey: a.productKey, locale: 'ja-JP' })
    const sub = await node.db.prisma.reportSubscription.findUniqueOrThrow({ where: { id: created.id } })
    const scoped = await eventually(async () => {
      const m = await reportSubscriptions.renderSubscription(node.db, sub, new Date(Date.now() + 60_000))
      return m.text.includes(`${dnA}: 3`) && m
    })
    expect(scoped.text).not.toContain(dnB)
    expect(scoped.html).toContain(`製品：${a.productKey}`)
    expect(scoped.subject).toContain('ログレポート「scoped」')

    const all = await reportSubscriptions.renderSubscription(
      node.db,
      { ...sub, productKey: null, locale: null },
      new Date(Date.now() + 60_000),
    )
    expect(all.text).toContain(`${dnA}: 3`)
    expect(all.text).toContain(`${dnB}: 2`)
    expect(all.text).toContain('All products')
  })
})

describe('OTLP export', () => {
  it('exports run-log records as OTLP JSON with their attributes, retrying when the collector fails', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const dn = devices[0]!.deviceName
    receiver.failures.set('/v1/logs', 1)
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devices[0]! })
    await dev.postProperties({ temperature: 20 })
    expect((await dev.postProperties({ temperature: 999 })).code).toBe(6306)
    await dev.close()
    type Rec = {
      timeUnixNano: string
      severityNumber: number
      severityText: string
      body: { stringValue: string }
      attributes: { key: string; value: { stringValue?: string; intValue?: string } }[]
    }
    const attr = (r: Rec, k: string) => {
      const v = r.attributes.find((a) => a.key === k)?.value
      return v?.stringValue ?? v?.intValue
    }
    const mine = () =>
      receiver.got
        // what the collector accepted: a batch it refused (500) is sent again
        .filter((g) => g.path === '/v1/logs' && g.status === 200)
        .flatMap((g) => {
          const body = g.body as {
            resourceLogs: { resource: unknown; scopeLogs: { logRecords: Rec[] }[] }[]
          }
          return body.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords))
        })
        .filter((r) => attr(r, 'productKey') === productKey)
    const recs = await eventually(async () => {
      const got = mine()
      return got.some((r) => attr(r, 'bizType') === 'ThingModel' && attr(r, 'code') === '6306') && got
    }, 15_000)
    const failed = recs.find((r) => attr(r, 'code') === '6306')!
    expect(failed).toMatchObject({ severityNumber: 17, severityText: 'ERROR' })
    expect(attr(failed, 'deviceName')).toBe(dn)
    expect(attr(failed, 'traceId')).toMatch(/\w+/)
    expect(attr(failed, 'operation')).toBeTruthy()
    expect(BigInt(failed.timeUnixNano) / 1_000_000n).toBeGreaterThan(BigInt(Date.now() - 60_000))
    const ok = recs.find((r) => attr(r, 'code') === '200')!
    expect(ok).toMatchObject({ severityNumber: 9, severityText: 'INFO' })
    // every record the database has for the device was exported, once (the failed first attempt was retried)
    const { rows } = await node.db.pool.query('SELECT count(*)::int AS n FROM run_log WHERE product_key = $1', [
      productKey,
    ])
    await eventually(async () => mine().length >= rows[0].n)
    await new Promise((r) => setTimeout(r, 300))
    expect(mine().length).toBe(rows[0].n)
    // the first attempt was refused, and its records came again
    expect(receiver.got.some((g) => g.path === '/v1/logs' && g.status === 500)).toBe(true)
    const req = receiver.got.find((g) => g.path === '/v1/logs')!
    expect(req.headers.authorization).toBe('Bearer otlp-token')
    expect(req.headers['x-scope']).toBe('iot')
    expect(
      (
        req.body as { resourceLogs: { resource: { attributes: { key: string }[] } }[] }
      ).resourceLogs[0]!.resource.attributes.map((a) => a.key),
    ).toContain('service.name')
    const health = (await (await fetch(`http://127.0.0.1:${node.httpPort}/api/health`)).json()) as {
      otlp: { exported: number; dropped: number; failures: number }
    }
    expect(health.otlp.exported).toBeGreaterThan(0)
    expect(health.otlp.dropped).toBe(0)
    expect(health.otlp.failures).toBeGreaterThanOrEqual(1)
  })
})
