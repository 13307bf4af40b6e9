import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Device } from '@iotops/device-sdk'
import { forward, messageTrace, products } from '@iotops/services'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import {
  callOpenApi,
  createApiKey,
  eventually,
  type HttpSession,
  seedSensorProduct,
  signInHttp,
  startTestNode,
  TEST_ACTOR,
} from './testing'
import { startReceiver } from './testing-receivers'

// Data forwarding through the real broker: one rule on property posts feeding republish (a subscribed device),
// a webhook, a table in a second PostgreSQL database, a Redis stream (redis-server from Debian), and two broken
// webhooks (refused, and slow answering 500), whose failures must not hold up the others or the device's reply.

const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0

interface Dest {
  id: string
  type: string
  config: Record<string, unknown>
}
interface Rule {
  id: string
  name: string
  enabled: boolean
  lastError: string | null
  destinations: Dest[]
}
interface DeadLetter {
  id: string
  destinationId: string
  destinationType: string
  traceId: string
  code: number
  error: string
  payload: string
  replayedAt: string | null
}

function freePort() {
  return new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port
      s.close(() => resolve(p))
    })
  })
}

describe('data forwarding', () => {
  let node: RunningNode
  let s: HttpSession
  let recv: Awaited<ReturnType<typeof startReceiver>>
  let slow: http.Server
  let slowUrl: string
  let redis: ChildProcess | null = null
  let redisUrl = ''
  let sinkUrl: string
  let sink: pg.Client
  let pk: string
  let devs: { productKey: string; deviceName: string; deviceSecret: string }[]
  const open: Device[] = []

  const call = async <T>(proc: string, input: unknown, kind: 'query' | 'mutation' = 'mutation') => {
    const r = await s.call<T>(proc, input, kind)
    if (r.error) throw new Error(`${proc}: ${r.error.message}`)
    return r.data!
  }

  beforeAll(async () => {
    recv = await startReceiver()
    // a webhook that takes 1.5 s and then fails with 500
    slow = http.createServer((req, res) => {
      req.resume()
      setTimeout(() => res.writeHead(500).end('overloaded'), 1500)
    })
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()))
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`
    if (HAS_REDIS) {
      const port = await freePort()
      redis = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      )
      redisUrl = `redis://127.0.0.1:${port}`
      await eventually(
        () =>
          new Promise<boolean>((resolve) => {
            const c = net.connect(port, '127.0.0.1', () => {
              c.end()
              resolve(true)
            })
            c.on('error', () => resolve(false))
          }),
      )
    }
    // the burst test posts a few hundred messages from one device at once
    node = await startTestNode({ DEVICE_UPLINK_QPS: '100000' })
    s = await signInHttp(node)
    // the PostgreSQL destination: a second database in the same (embedded) server, with its own table
    const admin = process.env.IOTOPS_TEST_PG_ADMIN_URL!
    const name = `fwd_${randomBytes(5).toString('hex')}`
    const a = new pg.Client({ connectionString: admin })
    await a.connect()
    await a.query(`CREATE DATABASE "${name}"`)
    await a.end()
    const u = new URL(admin)
    u.pathname = `/${name}`
    sinkUrl = u.toString()
    sink = new pg.Client({ connectionString: sinkUrl })
    await sink.connect()
    await sink.query(
      'CREATE TABLE readings (id serial PRIMARY KEY, device text NOT NULL, temperature double precision, at bigint)',
    )
    const p = await seedSensorProduct(node, 3)
    pk = p.productKey
    devs = p.devices
    await products.createTopicClass(node.db, TEST_ACTOR, { productKey: pk, suffix: 'get', operation: 'SUB' })
  })
  afterAll(async () => {
    for (const d of open) await d.close().catch(() => {})
    await node?.close()
    await recv?.close()
    slow?.close()
    await sink?.end()
    redis?.kill()
  })

  it('refuses statements that do not parse with 9307 and the position, and unknown topic classes', async () => {
    const bad = await s.call(
      'forward.create',
      { name: 'bad_sql', sql: `SELECT items.temperature.value AS t FROM "/${pk}/+/thing/event/property/post" WHERE` },
      'mutation',
    )
    expect(bad.error?.data.alinkCode).toBe(9307)
    expect(bad.error?.message).toMatch(/at position \d+/)
    const fn = await s.call(
      'forward.create',
      { name: 'bad_fn', sql: `SELECT nope() AS t FROM "/${pk}/+/thing/event/property/post"` },
      'mutation',
    )
    expect(fn.error?.message).toMatch(/unknown function nope\(\)/)
    const topic = await s.call(
      'forward.create',
      { name: 'bad_topic', sql: `SELECT * FROM "/${pk}/+/ota/x"` },
      'mutation',
    )
    expect(topic.error?.data.alinkCode).toBe(9307)
    const test = await call<{ ok: boolean; row: Record<string, unknown> }>('forward.testSql', {
      sql: `SELECT items.temperature.value AS temperature, deviceName() AS deviceName FROM "/${pk}/+/thing/event/property/post" WHERE items.temperature.value > 10`,
      payload: JSON.stringify({ id: '1', params: { temperature: 25 } }),
      deviceName: 'd1',
    })
    expect(test).toMatchObject({ ok: true, row: { temperature: 25, deviceName: 'd1' } })
    const rules = await call<{ total: number }>('forward.list', {}, 'query')
    expect(rules.total).toBe(0)
  })

  it('forwards selected rows to republish, webhook, PostgreSQL and a Redis stream; broken webhooks fail alone', async () => {
    const [a, b] = devs as [(typeof devs)[0], (typeof devs)[0]]
    const rule = await call<Rule>('forward.create', {
      name: 'th_sensor',
      sql: `SELECT items.temperature.value AS temperature, deviceName() AS deviceName, timestamp() AS time FROM "/${pk}/+/thing/event/property/post" WHERE items.temperature.value > -100`,
    })
    const add = (destination: unknown) => call<Dest>('forward.addDestination', { ruleId: rule.id, destination })
    // a republish topic devices cannot subscribe to is refused
    const noClass = await s.call(
      'forward.addDestination',
      { ruleId: rule.id, destination: { type: 'REPUBLISH', config: { topic: `/${pk}/${b.deviceName}/user/nope` } } },
      'mutation',
    )
    expect(noClass.error?.message).toMatch(/topic class user\/nope/)
    await add({ type: 'REPUBLISH', config: { topic: `/${pk}/${b.deviceName}/user/get` } })
    await add({
      type: 'WEBHOOK',
      config: { url: `${recv.url}/hook/fwd`, headers: [{ name: 'Authorization', value: 'Bearer s3cret' }] },
    })
    await add({
      type: 'POSTGRES',
      config: {
        url: sinkUrl,
        table: 'readings',
        columns: [
          { column: 'device', field: 'deviceName' },
          { column: 'temperature', field: 'temperature' },
          { column: 'at', field: 'time' },
        ],
      },
    })
    if (HAS_REDIS) await add({ type: 'QUEUE', config: { url: redisUrl, stream: 'iot:readings' } })
    const refused = await add({
      type: 'WEBHOOK',
      config: { url: `http://127.0.0.1:${await freePort()}/down`, retries: 1 },
    })
    const slowDest = await add({ type: 'WEBHOOK', config: { url: slowUrl, retries: 0, timeoutMs: 5000 } })
    const started = await call<Rule>('forward.setEnabled', { id: rule.id, enabled: true })
    expect(started.enabled).toBe(true)
    // secrets never come back in clear
    const shown = await call<Rule>('forward.byId', { id: rule.id }, 'query')
    const hook = shown.destinations.find((d) => d.type === 'WEBHOOK')!
    expect(JSON.stringify(hook.config)).not.toContain('s3cret')

    const sub = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...b })
    open.push(sub)
    const republished: string[] = []
    sub.client.on('message', (t, payload) => {
      if (t === `/${pk}/${b.deviceName}/user/get`) republished.push(payload.toString())
    })
    await sub.client.subscribeAsync(`/${pk}/${b.deviceName}/user/get`, { qos: 0 })

    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...a })
    open.push(dev)
    const t0 = Date.now()
    const reply = await dev.postProperties({ temperature: 23 })
    // the device's own reply does not wait for any destination (the slow one takes 1.5 s)
    expect(reply.code).toBe(200)
    expect(Date.now() - t0).toBeLessThan(1000)

    const expected = { temperature: 23, deviceName: a.deviceName }
    await eventually(async () => republished.length > 0)
    expect(JSON.parse(republished[0]!)).toMatchObject(expected)
    const got = await eventually(async () => recv.got.find((r) => r.path === '/hook/fwd'))
    expect(got.body).toMatchObject(expected)
    expect(got.headers.authorization).toBe('Bearer s3cret')
    const row = await eventually(async () => (await sink.query('SELECT device, temperature, at FROM readings')).rows[0])
    expect(row).toMatchObject({ device: a.deviceName, temperature: 23 })
    expect(Number(row.at)).toBeGreaterThan(t0 - 5000)
    if (HAS_REDIS) {
      const r = new Redis(redisUrl)
      const entries = await eventually(async () => {
        const e = await r.xrange('iot:readings', '-', '+')
        return e.length > 0 ? e : null
      })
      await r.quit()
      const fields = entries[0]![1]
      expect(JSON.parse(fields[fields.indexOf('payload') + 1]!)).toMatchObject(expected)
    } else {
      console.warn('redis-server is not installed: the Redis stream destination was not exercised')
    }

    // the message trace: one RuleEngine node per destination, the broken ones red with their codes
    const traceId = await eventually(async () => {
      const r = await node.db.pool.query<{ trace_id: string }>(
        `SELECT trace_id FROM run_log WHERE device_name = $1 AND biz_type = 'uplink' AND operation LIKE '%/property/post'`,
        [a.deviceName],
      )
      return r.rows[0]?.trace_id
    })
    const hops = await eventually(async () => {
      const t = await messageTrace(node.db, { traceId })
      const fwd = t.hops.filter((h) => h.bizType === 'RuleEngine')
      return fwd.length === (HAS_REDIS ? 6 : 5) ? fwd : null
    }, 10_000)
    const byDest = (id: string) => hops.find((h) => JSON.parse(h.content).destinationId === id)!
    expect(byDest(refused.id).code).toBe(9325)
    expect(byDest(slowDest.id).code).toBe(9331)
    expect(
      hops
        .filter((h) => h.code === 200)
        .map((h) => h.operation)
        .sort(),
    ).toEqual((HAS_REDIS ? ['postgres', 'queue', 'republish', 'webhook'] : ['postgres', 'republish', 'webhook']).sort())

    // failed rows are dead letters; the rule shows its last error and run counts
    const dead = await eventually(async () => {
      const d = await call<{ items: DeadLetter[] }>('forward.deadLetters', { ruleId: rule.id }, 'query')
      return d.items.length === 2 ? d.items : null
    })
    expect(dead.map((d) => d.code).sort()).toEqual([9325, 9331])
    expect(dead.every((d) => d.traceId === traceId)).toBe(true)
    expect(JSON.parse(dead[0]!.payload)).toMatchObject(expected)
    const after = await call<Rule>('forward.byId', { id: rule.id }, 'query')
    expect(after.lastError).toMatch(/WEBHOOK/)
    const [stats] = await call<{ forwarded: number; failed: number; deadLetters: number }[]>(
      'forward.stats',
      { ruleIds: [rule.id] },
      'query',
    )
    expect(stats).toMatchObject({ forwarded: HAS_REDIS ? 4 : 3, failed: 2, deadLetters: 2 })

    // replay: still refused → kept with one more attempt; pointed at a working URL → delivered and marked
    const dl = dead.find((d) => d.destinationId === refused.id)!
    const again = await s.call('forward.replay', { id: dl.id }, 'mutation')
    expect(again.error?.data.alinkCode).toBe(9325)
    await call('forward.updateDestination', {
      id: refused.id,
      destination: { type: 'WEBHOOK', config: { url: `${recv.url}/hook/replayed`, retries: 1 } },
    })
    await call('forward.replay', { id: dl.id })
    expect(recv.got.find((r) => r.path === '/hook/replayed')?.body).toMatchObject(expected)
    const list = await call<{ items: DeadLetter[] }>('forward.deadLetters', { ruleId: rule.id }, 'query')
    expect(list.items.find((d) => d.id === dl.id)?.replayedAt).toBeTruthy()

    // metrics per destination type: counts, bytes, latency, failures
    await node.hub.metrics.flush()
    const m = await node.db.pool.query<{ metric: string; v: number }>(
      `SELECT metric, sum(value)::float AS v FROM metric_point WHERE product_key = $1 GROUP BY metric`,
      [pk],
    )
    const metric = (code: string) => m.rows.find((r) => r.metric === code)?.v ?? 0
    expect(metric('MessageCountForwardedThroughRuleEngine')).toBe(HAS_REDIS ? 4 : 3)
    expect(metric(forward.forwardMetrics('REPUBLISH').count)).toBe(1)
    expect(metric(forward.forwardMetrics('POSTGRES').count)).toBe(1)
    expect(metric(forward.forwardMetrics('WEBHOOK').count)).toBe(1)
    expect(metric(forward.forwardMetrics('WEBHOOK').failures)).toBe(2)
    expect(metric(forward.forwardMetrics('POSTGRES').bytes)).toBeGreaterThan(20)
    expect(m.rows.some((r) => r.metric === forward.forwardMetrics('POSTGRES').latencyMax)).toBe(true)

    // a stopped rule forwards nothing
    await call('forward.setEnabled', { id: rule.id, enabled: false })
    await dev.postProperties({ temperature: 30 })
    await new Promise((r) => setTimeout(r, 500))
    expect((await sink.query('SELECT count(*)::int AS n FROM readings')).rows[0].n).toBe(1)
  })

  it('opens the circuit of a destination that keeps failing (9325 without trying it)', async () => {
    const c = devs[2]!
    const rule = await call<Rule>('forward.create', {
      name: 'breaker',
      sql: `SELECT items.humidity.value AS h FROM "/${pk}/+/thing/event/property/post" WHERE items.humidity.value >= 0`,
    })
    const port = await freePort()
    await call('forward.addDestination', {
      ruleId: rule.id,
      destination: { type: 'WEBHOOK', config: { url: `http://127.0.0.1:${port}/x`, retries: 0 } },
    })
    await call('forward.setEnabled', { id: rule.id, enabled: true })
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...c })
    open.push(dev)
    for (let i = 0; i < 7; i++) await dev.postProperties({ humidity: 10 + i })
    const dead = await eventually(async () => {
      const d = await call<{ items: DeadLetter[] }>('forward.deadLetters', { ruleId: rule.id, pageSize: 50 }, 'query')
      return d.items.length === 7 ? d.items : null
    }).catch(async (e) => {
      const d = await call<{ items: DeadLetter[] }>('forward.deadLetters', { ruleId: rule.id, pageSize: 50 }, 'query')
      const r = await node.db.pool.query(
        `SELECT code, operation, content FROM run_log WHERE biz_type = 'RuleEngine' ORDER BY ts DESC LIMIT 10`,
      )
      throw new Error(`${e.message}: ${JSON.stringify(d.items)} ${JSON.stringify(r.rows)}`)
    })
    expect(dead.every((d) => d.code === 9325)).toBe(true)
    expect(dead.filter((d) => /circuit open/.test(d.error)).length).toBeGreaterThanOrEqual(1)
  })

  it('sends a burst in batches: multi-row INSERTs and a batch-mode webhook (JSON arrays), every row once, a failed batch retried whole', async () => {
    const d = devs[1]!
    await sink.query('CREATE TABLE burst (n int NOT NULL, dn text NOT NULL)')
    const rule = await call<Rule>('forward.create', {
      name: 'burst',
      sql: `SELECT items.temperature.value AS n, deviceName() AS dn FROM "/${pk}/${d.deviceName}/thing/event/property/post"`,
    })
    await call('forward.addDestination', {
      ruleId: rule.id,
      destination: {
        type: 'POSTGRES',
        config: {
          url: sinkUrl,
          table: 'burst',
          columns: [
            { column: 'n', field: 'n' },
            { column: 'dn', field: 'dn' },
          ],
        },
      },
    })
    await call('forward.addDestination', {
      ruleId: rule.id,
      destination: {
        type: 'WEBHOOK',
        config: { url: `${recv.url}/hook/burst`, batch: { maxRows: 50 }, retries: 2 },
      },
    })
    await call('forward.setEnabled', { id: rule.id, enabled: true })
    recv.failures.set('/hook/burst', 1) // the first request answers 500: its rows go again, in one request
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    open.push(dev)
    const N = 300
    const value = (i: number) => (i % 100) - 20
    // 50 at a time (the SDK's request ids are unique within 100 per millisecond)
    for (let k = 0; k < N; k += 50)
      await Promise.all(Array.from({ length: 50 }, (_x, i) => dev.postProperties({ temperature: value(k + i) })))

    const expected = Array.from({ length: N }, (_x, i) => value(i)).sort((a, b) => a - b)
    const arr = (body: unknown) => body as unknown[] // batch-mode bodies are arrays
    const stored = await eventually(async () => {
      const r = await sink.query<{ n: number; dn: string; tx: string }>('SELECT n, dn, xmin::text AS tx FROM burst')
      return r.rows.length >= N ? r.rows : null
    })
    expect(stored.map((r) => r.n).sort((a, b) => a - b)).toEqual(expected)
    expect(stored.every((r) => r.dn === d.deviceName)).toBe(true)
    // rows of one INSERT share a transaction: far fewer statements than rows
    expect(new Set(stored.map((r) => r.tx)).size).toBeLessThan(N / 5)

    const delivered = await eventually(async () => {
      const ok = recv.got.filter((g) => g.path === '/hook/burst' && g.status === 200)
      return ok.reduce((a, g) => a + arr(g.body).length, 0) >= N ? ok : null
    })
    const hooks = recv.got.filter((g) => g.path === '/hook/burst')
    expect(hooks[0]!.status).toBe(500)
    expect(hooks.every((g) => Array.isArray(g.body) && g.body.length <= 50)).toBe(true)
    expect(Number(delivered[0]!.headers['x-iotops-batch'])).toBe(arr(delivered[0]!.body).length)
    const rows = delivered.flatMap((g) => arr(g.body) as { n: number; dn: string }[])
    expect(rows.map((r) => r.n).sort((a, b) => a - b)).toEqual(expected)
    expect(delivered.length).toBeLessThan(N / 5)
    // one green record per message listing both destinations (a trace hop each), nothing dead-lettered
    const ok = await eventually(async () => {
      const r = await node.db.pool.query<{ operation: string; content: string; trace_id: string }>(
        `SELECT operation, content, trace_id FROM run_log WHERE biz_type = 'RuleEngine' AND code = 200 AND content LIKE '%' || $1 || '%'`,
        [rule.id],
      )
      return r.rows.length >= N ? r.rows : null
    })
    expect(ok).toHaveLength(N)
    for (const r of ok) {
      expect(r.operation.split(',').sort()).toEqual(['postgres', 'webhook'])
      const c = JSON.parse(r.content) as { destinations: { operation: string; latencyMs: number }[]; ruleId: string }
      expect(c.ruleId).toBe(rule.id)
      expect(c.destinations.map((x) => x.operation).sort()).toEqual(['postgres', 'webhook'])
    }
    const trace = await messageTrace(node.db, { traceId: ok[0]!.trace_id })
    const fwd = trace.hops.filter((h) => h.bizType === 'RuleEngine')
    expect(fwd.map((h) => h.operation).sort()).toEqual(['postgres', 'webhook'])
    expect(fwd.every((h) => h.ok && JSON.parse(h.content).ruleId === rule.id)).toBe(true)
    const [stats] = await call<{ forwarded: number; failed: number }[]>(
      'forward.stats',
      { ruleIds: [rule.id] },
      'query',
    )
    expect(stats).toMatchObject({ forwarded: 2 * N, failed: 0 })
    const dead = await call<{ items: DeadLetter[] }>('forward.deadLetters', { ruleId: rule.id }, 'query')
    expect(dead.items).toHaveLength(0)
    await call('forward.setEnabled', { id: rule.id, enabled: false })
  })

  it('manages rules and their actions through the automation API with the reference action names', async () => {
    const key = await createApiKey(node)
    const api = async (action: string, params: object) => (await callOpenApi(node, action, params, key)).body
    const bad = await api('CreateRule', {
      Name: 'api_bad',
      ProductKey: pk,
      ShortTopic: '+/thing/event/property/post',
      Select: 'items.temperature.value AS',
    })
    expect(bad).toMatchObject({ Success: false, Code: '9307' })
    const created = await api('CreateRule', {
      Name: 'api_rule',
      ProductKey: pk,
      ShortTopic: '+/thing/event/property/post',
      Select: 'items.temperature.value AS t, deviceName() AS dn',
      Where: 'items.temperature.value > 0',
      RuleDesc: 'from the API',
    })
    expect(created.Success).toBe(true)
    const RuleId = created.Data.RuleId as string
    expect((await api('StartRule', { RuleId })).Code).toBe('9321')
    const action = await api('CreateRuleAction', {
      RuleId,
      Type: 'WEBHOOK',
      Configuration: JSON.stringify({ url: `${recv.url}/hook/api`, headers: [{ name: 'X-Token', value: 'tok' }] }),
    })
    expect(action.Success).toBe(true)
    expect((await api('StartRule', { RuleId })).Success).toBe(true)
    const got = await api('GetRule', { RuleId })
    expect(got.Data.RuleInfo).toMatchObject({
      Name: 'api_rule',
      ProductKey: pk,
      ShortTopic: '+/thing/event/property/post',
      Select: 'items.temperature.value AS t, deviceName() AS dn',
      Where: 'items.temperature.value > 0',
      Status: 'RUNNING',
      RuleDesc: 'from the API',
    })
    const actions = await api('ListRuleActions', { RuleId })
    expect(actions.Data.RuleActionList).toHaveLength(1)
    expect(actions.Data.RuleActionList[0].Configuration).not.toContain('tok')
    const listed = await api('ListRule', { CurrentPage: 1, PageSize: 50 })
    expect(listed.Data.RuleInfo.map((r: { Name: string }) => r.Name)).toContain('api_rule')
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devs[2]! })
    open.push(dev)
    await dev.postProperties({ temperature: 12 })
    const hook = await eventually(async () => recv.got.find((r) => r.path === '/hook/api'))
    expect(hook.body).toEqual({ t: 12, dn: devs[2]!.deviceName })
    expect(hook.headers['x-token']).toBe('tok')
    expect((await api('StopRule', { RuleId })).Success).toBe(true)
    expect((await api('DeleteRuleAction', { ActionId: action.Data.ActionId })).Success).toBe(true)
    expect((await api('DeleteRule', { RuleId })).Success).toBe(true)
    expect((await api('GetRule', { RuleId })).Success).toBe(false)
  })
})
