import { Device, SubscriptionConsumer, SubscriptionError, type SubscriptionMessage } from '@iotops/device-sdk'
import { type AcceptedMessage, newTraceId, subscription } from '@iotops/services'
import { decodeSeries } from '@iotops/services/schemas'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode } from './testing'

// Server-side subscription through the real broker and database: a device's lifecycle and property posts reach a
// consumer group over the HTTP stream; unacked messages come back after the ack timeout (9650), nacked ones at
// once (9652); the backlog rises while nobody reads and drains when the consumer resumes; the connection limit
// (9600), the heartbeat rule (9601) and shutdown (9602) carry the reference codes.

interface Group {
  groupId: string
  name: string
  backlog: number
  consumeRate: number
  consumers: { id: string }[]
}

describe('server-side subscription', () => {
  let node: RunningNode | null = null
  let s: HttpSession
  let pk: string
  let devs: { productKey: string; deviceName: string; deviceSecret: string }[]
  const open: (Device | SubscriptionConsumer)[] = []

  const call = async <T>(proc: string, input: unknown, kind: 'query' | 'mutation' = 'mutation') => {
    const r = await s.call<T>(proc, input, kind)
    if (r.error) throw new Error(`${proc}: ${r.error.message}`)
    return r.data!
  }
  const url = () => `http://127.0.0.1:${node!.httpPort}`
  const group = async (groupId: string) =>
    (await call<Group[]>('subscription.groups', undefined, 'query')).find((g) => g.groupId === groupId)!
  const runLog = async (traceId: string) =>
    (
      await node!.db.pool.query<{ code: number; operation: string; biz_type: string }>(
        'SELECT code, operation, biz_type FROM run_log WHERE trace_id = $1 ORDER BY ts, id',
        [traceId],
      )
    ).rows
  const consumer = (
    groupId: string,
    token: string,
    o: Partial<ConstructorParameters<typeof SubscriptionConsumer>[0]>,
  ) => {
    const c = new SubscriptionConsumer({ url: url(), groupId, token, ...o })
    open.push(c)
    return c
  }
  const connect = async (d: (typeof devs)[0]) => {
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node!.mqttPort}`, ...d })
    open.push(dev)
    return dev
  }
  const newGroup = async (name: string, messageTypes: string[] = ['property', 'lifecycle']) => {
    const g = await call<{ groupId: string; token: string }>('subscription.createGroup', { name })
    await call('subscription.save', { productKey: pk, messageTypes, groupIds: [...groupIds, g.groupId] })
    groupIds.push(g.groupId)
    return g
  }
  const groupIds: string[] = []

  beforeAll(async () => {
    node = await startTestNode()
    s = await signInHttp(node)
    const p = await seedSensorProduct(node, 4)
    pk = p.productKey
    devs = p.devices
  })
  afterAll(async () => {
    for (const o of open) await o.close().catch(() => {})
    await node?.close()
  })

  it('validates groups and subscriptions before saving them', async () => {
    const bad = await s.call('subscription.createGroup', { name: 'no spaces allowed' }, 'mutation')
    expect(bad.error?.message).toMatch(/letters, digits or underscores/)
    const unknown = await s.call(
      'subscription.save',
      { productKey: pk, messageTypes: ['property'], groupIds: ['CG_nope'] },
      'mutation',
    )
    expect(unknown.error?.message).toMatch(/unknown consumer group: CG_nope/)
    const noTypes = await s.call('subscription.save', { productKey: pk, messageTypes: [], groupIds: ['x'] }, 'mutation')
    expect(noTypes.error?.message).toMatch(/at least one message type/)
    expect(await call('subscription.list', undefined, 'query')).toEqual([])
  })

  it("delivers a device's online event and property posts to a consumer, with the trace in the run log", async () => {
    const g = await newGroup('app_main')
    expect(g.token).toMatch(/^cg_/)
    // the token is shown once: the list never carries it
    expect(JSON.stringify(await call('subscription.groups', undefined, 'query'))).not.toContain(g.token)
    // a wrong token is refused
    await expect(consumer(g.groupId, 'cg_wrong', {}).start()).rejects.toMatchObject({ status: 401 })

    const got: SubscriptionMessage[] = []
    const c = consumer(g.groupId, g.token, { onMessage: (m) => void got.push(m) })
    await c.start()
    const d = devs[0]!
    const dev = await connect(d)
    const reply = await dev.postProperties({ temperature: 21 })
    expect(reply.code).toBe(200)
    const online = await eventually(async () => got.find((m) => m.messageType === 'lifecycle'))
    expect(online).toMatchObject({
      productKey: pk,
      deviceName: d.deviceName,
      topic: `/as/mqtt/status/${pk}/${d.deviceName}`,
      payload: { status: 'online', productKey: pk, deviceName: d.deviceName },
    })
    const prop = await eventually(async () => got.find((m) => m.messageType === 'property'))
    expect(prop).toMatchObject({
      groupId: g.groupId,
      topic: `/${pk}/${d.deviceName}/thing/event/property/post`,
      payload: { params: { temperature: 21 } },
      deliveryCount: 1,
    })
    // the consumer acked: nothing waits; the delivery is a hop of the message's trace
    await eventually(async () => (await group(g.groupId)).backlog === 0)
    const hops = await eventually(async () => {
      const rows = await runLog(prop.traceId)
      return rows.some((r) => r.biz_type === 'RuleEngine') && rows
    })
    expect(hops.find((r) => r.biz_type === 'RuleEngine')).toMatchObject({
      code: 200,
      operation: `ServerSubscription/${g.groupId}`,
    })
    expect((await group(g.groupId)).consumers).toHaveLength(1)
    await c.close()
    await eventually(async () => (await group(g.groupId)).consumers.length === 0)
  })

  it('delivers an unacked message again after the ack timeout (9650) and a nacked one at once (9652)', async () => {
    const g = await newGroup('app_slow', ['property'])
    const got: SubscriptionMessage[] = []
    const c = consumer(g.groupId, g.token, { ackTimeout: 1 })
    c.on('message', (m: SubscriptionMessage) => got.push(m))
    await c.start()
    const dev = await connect(devs[1]!)
    await dev.postProperties({ temperature: 30 })
    const first = await eventually(async () => got.find((m) => m.groupId === g.groupId))
    // not acked: after the 1 s ack timeout the same message comes again
    const again = await eventually(async () => got.find((m) => m.id === first.id && m.deliveryCount === 2), 6000)
    expect(again.traceId).toBe(first.traceId)
    await eventually(async () => (await runLog(first.traceId)).some((r) => r.code === 9650))
    // nack: delivered again at once, logged 9652
    expect(await c.nack([first.id])).toMatchObject({ nacked: 1 })
    await eventually(async () => got.find((m) => m.id === first.id && m.deliveryCount === 3), 3000)
    await eventually(async () => (await runLog(first.traceId)).some((r) => r.code === 9652))
    expect(await c.ack([first.id])).toMatchObject({ acked: 1 })
    await eventually(async () => (await group(g.groupId)).backlog === 0)
    await c.close()
  })

  it("hands a closed consumer's unacked messages to the group's other connection at once (9651)", async () => {
    const g = await newGroup('app_handover', ['property'])
    const a: SubscriptionMessage[] = []
    const first = consumer(g.groupId, g.token, { ackTimeout: 300, autoAck: false, reconnect: false })
    first.on('message', (m: SubscriptionMessage) => a.push(m))
    await first.start()
    const dev = await connect(devs[3]!)
    await dev.postProperties({ temperature: 41 })
    const held = await eventually(async () => a.find((m) => m.groupId === g.groupId))
    const b: SubscriptionMessage[] = []
    const second = consumer(g.groupId, g.token, { onMessage: (m) => void b.push(m) })
    await second.start()
    await first.close()
    // well inside the 300 s ack timeout
    const again = await eventually(async () => b.find((m) => m.id === held.id), 5000)
    expect(again.deliveryCount).toBe(2)
    await eventually(async () => (await runLog(held.traceId)).some((r) => r.code === 9651))
    await eventually(async () => (await group(g.groupId)).backlog === 0)
    await second.close()
  })

  it('lets the backlog rise while no consumer reads and drains it when the consumer resumes', async () => {
    const g = await newGroup('app_backlog', ['property'])
    const dev = await connect(devs[2]!)
    for (let i = 0; i < 8; i++) await dev.postProperties({ temperature: i })
    await node!.subscriptionEngine.flush()
    expect((await group(g.groupId)).backlog).toBe(8)
    // the metric store: per group (product_key = group id) and the instance total the board and alarms read
    await node!.subscriptionEngine.sample()
    await node!.hub.metrics.flush()
    const point = async (key: string) =>
      (
        await node!.db.pool.query<{ value: number }>(
          "SELECT value FROM metric_point WHERE metric = 'AMQP_Msg_Accumulate' AND product_key = $1 ORDER BY ts DESC LIMIT 1",
          [key],
        )
      ).rows[0]?.value
    expect(await point(g.groupId)).toBe(8)
    expect(await point('*')).toBeGreaterThanOrEqual(8)
    // a board card can show this one group (an unknown group is refused)
    const [card] = (
      await call<{ id: string; metric: string }[]>('monitor.addBasic', { metrics: ['AMQP_Msg_Accumulate'] })
    ).filter((c) => c.metric === 'AMQP_Msg_Accumulate')
    const refused = await s.call('monitor.updateCard', { id: card!.id, productKey: 'CG_none' }, 'mutation')
    expect(refused.error?.message).toBe('the consumer group CG_none does not exist')
    await call('monitor.updateCard', { id: card!.id, productKey: g.groupId, granularity: 1 })
    const [shown] = await call<{ chart: string; series: { points: string }[] }[]>(
      'monitor.data',
      { range: { from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 120_000) }, ids: [card!.id] },
      'query',
    )
    expect(Math.max(...decodeSeries(shown!.series[0]!.points).map((p) => p.value))).toBe(8)

    // a threshold alarm on this group's backlog (a rule naming an unknown group is refused)
    const contact = await call<{ id: string }>('notify.contacts.create', { name: 'sub_ops', email: 'sub@example.com' })
    const oncall = await call<{ id: string }>('notify.groups.create', { name: 'sub_oncall', contactIds: [contact.id] })
    const ruleInput = {
      kind: 'threshold',
      name: 'backlog_high',
      metric: 'AMQP_Msg_Accumulate',
      productKey: g.groupId,
      operator: '>=',
      threshold: 5,
      periods: 1,
      granularity: 1,
      level: 'WARNING',
      silenceSeconds: 300,
      contactGroupIds: [oncall.id],
    }
    const unknown = await s.call('alarm.createRule', { ...ruleInput, productKey: 'no_such_group' }, 'mutation')
    expect(unknown.error?.message).toBe('the consumer group no_such_group does not exist')
    const rule = await call<{ id: string; updatedAt: string }>('alarm.createRule', ruleInput)
    const m0 = Math.floor(new Date(rule.updatedAt).getTime() / 60_000) * 60_000
    await node!.subscriptionEngine.sample(m0 + 30_000)
    await node!.hub.metrics.flush()
    await node!.alarmEngine.tick(m0 + 60_000 + 10_000)
    const alarms = await call<{ items: { status: string; productKey: string | null; value: number | null }[] }>(
      'alarm.history',
      { ruleId: rule.id, from: new Date(m0 - 60_000), to: new Date(m0 + 120_000), pageSize: 10 },
      'query',
    )
    expect(alarms.items).toEqual([expect.objectContaining({ status: 'ALARM', productKey: g.groupId, value: 8 })])

    const got: SubscriptionMessage[] = []
    const c = consumer(g.groupId, g.token, { onMessage: (m) => void got.push(m) })
    await c.start()
    await eventually(async () => got.length === 8 && (await group(g.groupId)).backlog === 0)
    // in order of arrival
    expect(got.map((m) => (m.payload as { params: { temperature: number } }).params.temperature)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ])
    await node!.subscriptionEngine.sample()
    await node!.hub.metrics.flush()
    expect(await point(g.groupId)).toBe(0)
    const rate = await node!.db.pool.query<{ value: number }>(
      "SELECT value FROM metric_point WHERE metric = 'AMQP_Msg_Consume_rate' AND product_key = $1 ORDER BY ts DESC LIMIT 1",
      [g.groupId],
    )
    expect(rate.rows[0]!.value).toBeGreaterThan(0)
    // clear backlog drops what waits
    await c.close()
    await dev.postProperties({ temperature: 99 })
    await node!.subscriptionEngine.flush()
    expect(await call('subscription.clearBacklog', { groupId: g.groupId })).toEqual({ cleared: 1 })
    expect((await group(g.groupId)).backlog).toBe(0)
  })

  it('refuses a heartbeat out of range (9601) and connections past the group limit (9600)', async () => {
    const g = await newGroup('app_limit', ['lifecycle'])
    const hb = consumer(g.groupId, g.token, { heartbeat: 10, reconnect: false })
    await expect(hb.start()).rejects.toMatchObject({ status: 400, code: 9601 })
    const many: SubscriptionConsumer[] = []
    for (let i = 0; i < 64; i++) many.push(consumer(g.groupId, g.token, { reconnect: false }))
    await Promise.all(many.map((c) => c.start()))
    expect((await group(g.groupId)).consumers).toHaveLength(64)
    const extra = consumer(g.groupId, g.token, { reconnect: false })
    const err = await extra.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SubscriptionError)
    expect(err).toMatchObject({ status: 429, code: 9600 })
    await Promise.all(many.map((c) => c.close()))
    await eventually(async () => (await group(g.groupId)).consumers.length === 0)
  })

  it('refuses a message with 9324 in its trace when the buffer for the database is full', async () => {
    const g = await newGroup('app_full', ['property'])
    // an engine of its own with no room at all (not started: the test hands it the message as the hub would)
    const full = new subscription.SubscriptionEngine({
      db: node!.db,
      hub: node!.hub,
      log: pino({ level: 'silent' }),
      bufferLimit: 0,
    })
    await full.reload()
    const traceId = newTraceId()
    const dn = devs[0]!.deviceName
    const hand = full as unknown as { onAccepted(m: AcceptedMessage): void }
    hand.onAccepted({
      productKey: pk,
      deviceName: dn,
      topic: `/sys/${pk}/${dn}/thing/event/property/post`,
      payload: Buffer.from('{"id":"1","params":{"temperature":1}}'),
      traceId,
      messageId: null,
      at: new Date(),
    })
    expect(full.dropped).toBeGreaterThanOrEqual(1)
    await full.stop()
    const rows = await node!.db.pool.query<{ code: number; operation: string }>(
      'SELECT code, operation FROM run_log WHERE trace_id = $1',
      [traceId],
    )
    expect(rows.rows).toContainEqual({ code: 9324, operation: `ServerSubscription/${g.groupId}` })
    expect(rows.rows.every((r) => r.code === 9324)).toBe(true)
  })

  it('a new group token ends the open streams (9602) and only the new token connects', async () => {
    const g = await newGroup('app_rotate', ['lifecycle'])
    const c = consumer(g.groupId, g.token, { reconnect: false })
    const closed = new Promise<{ code: number; message: string }>((r) => c.once('close', r))
    await c.start()
    const { token } = await call<{ token: string }>('subscription.rotateToken', { groupId: g.groupId })
    expect(await closed).toMatchObject({ code: 9602, message: expect.stringMatching(/new token/) })
    await expect(consumer(g.groupId, g.token, { reconnect: false }).start()).rejects.toMatchObject({ status: 401 })
    const fresh = consumer(g.groupId, token, { reconnect: false })
    await fresh.start()
    await fresh.close()
  })

  it('closes consumer streams with 9602 when the node shuts down', async () => {
    const g = await newGroup('app_shutdown', ['lifecycle'])
    const c = consumer(g.groupId, g.token, { reconnect: false })
    const closed = new Promise<{ code: number }>((r) => c.once('close', r))
    await c.start()
    const n = node!
    node = null
    for (const o of open.splice(0)) if (o instanceof Device) await o.close().catch(() => {})
    await n.close()
    expect(await closed).toMatchObject({ code: 9602 })
  })
})
