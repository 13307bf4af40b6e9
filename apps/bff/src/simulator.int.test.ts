import { createDb } from '@iotops/db'
import { createTestDatabase } from '@iotops/db/testing'
import { Device } from '@iotops/device-sdk'
import { devices, downlink, products, SimulatorManager } from '@iotops/services'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let api: HttpSession
beforeAll(async () => {
  node = await startTestNode()
  api = await signInHttp(node)
})
afterAll(() => node?.close())

const mqttUrl = () => `mqtt://127.0.0.1:${node.mqttPort}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function deviceRow(productKey: string, deviceName: string) {
  return node.db.prisma.device.findUniqueOrThrow({ where: { productKey_deviceName: { productKey, deviceName } } })
}

async function propertyRows(deviceId: string, identifier: string) {
  const { rows } = await node.db.pool.query<{ ts: Date; value: unknown }>(
    'SELECT ts, value FROM property_history WHERE device_id = $1 AND identifier = $2 ORDER BY ts',
    [deviceId, identifier],
  )
  return rows
}

async function runLog(productKey: string, deviceName: string, where = 'true') {
  const { rows } = await node.db.pool.query<{ biz_type: string; operation: string; code: number; content: string }>(
    `SELECT biz_type, operation, code, content FROM run_log WHERE product_key = $1 AND device_name = $2 AND ${where} ORDER BY ts, id`,
    [productKey, deviceName],
  )
  return rows
}

/** Opens the simulator's event stream as the page does (the lease); `close` drops it. */
const openStream = (input: { productKey: string; deviceName: string }) =>
  api.subscribe<{ state: { status: string } | null; entries: { event: string }[] }>('simulator.onLog', input)

describe('device simulator', () => {
  it('starts a virtual device with the real credentials: online in the database, logged as the device, idempotent', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const view = await node.simulator.start(TEST_ACTOR, ref)
    expect(view).toMatchObject({ status: 'running', startedBy: 'test', strategy: null })
    await eventually(async () => (await deviceRow(ref.productKey, ref.deviceName)).status === 'ONLINE')
    const online = await eventually(
      async () => (await runLog(ref.productKey, ref.deviceName, `operation = 'online'`))[0],
    )
    expect(online).toMatchObject({ biz_type: 'device', code: 200 })
    expect(online.content).toContain('iotops-simulator@')
    // a second start (a reload) returns the running simulator
    expect((await node.simulator.start(TEST_ACTOR, ref)).sessionId).toBe(view.sessionId)
    const events = (await collect(ref)).map((e) => e.event)
    expect(events.slice(0, 3)).toEqual(['connect', 'connack', 'subscribe'])
    // never a secret in the device-side log
    expect(JSON.stringify(await collect(ref))).not.toContain(list[0]!.deviceSecret)
    await node.simulator.stop(TEST_ACTOR, ref)
    await eventually(async () => (await deviceRow(ref.productKey, ref.deviceName)).status === 'OFFLINE')
    const offline = await eventually(
      async () => (await runLog(ref.productKey, ref.deviceName, `operation = 'offline'`))[0],
    )
    expect(offline.code).toBe(200)
    expect(node.simulator.stats()).toMatchObject({ running: 0, timers: 0 })
  })

  it('refuses when the real device is online (427), the device is disabled (522), or the product is passthrough', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 2)
    const [a, b] = list as [(typeof list)[number], (typeof list)[number]]
    const real = await Device.connect({ url: mqttUrl(), ...a })
    await eventually(async () => (await deviceRow(productKey, a.deviceName)).status === 'ONLINE')
    await expect(node.simulator.start(TEST_ACTOR, { productKey, deviceName: a.deviceName })).rejects.toMatchObject({
      kind: 'PRECONDITION_FAILED',
      code: 427,
    })
    await real.close()

    await devices.setDeviceDisabled(node.db, node.hub, TEST_ACTOR, { productKey, deviceName: b.deviceName }, true)
    await expect(node.simulator.start(TEST_ACTOR, { productKey, deviceName: b.deviceName })).rejects.toMatchObject({
      code: 522,
      message: expect.stringContaining('disabled'),
    })

    const raw = await products.createProduct(node.db, TEST_ACTOR, {
      name: `Raw_${Math.random().toString(36).slice(2, 8)}`,
      nodeType: 'DIRECT',
      dataFormat: 'CUSTOM',
    })
    const rd = await devices.createDevice(node.db, TEST_ACTOR, { productKey: raw.productKey })
    await expect(
      node.simulator.start(TEST_ACTOR, { productKey: raw.productKey, deviceName: rd.deviceName }),
    ).rejects.toMatchObject({
      kind: 'PRECONDITION_FAILED',
      message: expect.stringContaining('passthrough'),
    })
    const target = await node.simulator.target({ productKey: raw.productKey, deviceName: rd.deviceName })
    expect(target.blocked).toMatchObject({ reason: 'passthrough' })
    expect(node.simulator.stats().running).toBe(0)
  })

  it('reports properties and events that land in history with code 200; invalid values are refused before sending', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const d = await deviceRow(productKey, ref.deviceName)
    await node.simulator.start(TEST_ACTOR, ref)
    const r = await node.simulator.reportProperties(TEST_ACTOR, {
      ...ref,
      items: { temperature: 23, power: 1 },
      push: { mode: 'now' },
    })
    expect(r).toMatchObject({ sent: true, code: 200 })
    const e = await node.simulator.reportEvent(TEST_ACTOR, {
      ...ref,
      identifier: 'overheat',
      params: { level: 7 },
      push: { mode: 'now' },
    })
    expect(e).toMatchObject({ sent: true, code: 200 })
    expect((await propertyRows(d.id, 'temperature')).map((x) => x.value)).toEqual([23])
    const { rows: events } = await node.db.pool.query(
      'SELECT identifier, type, params FROM event_history WHERE device_id = $1',
      [d.id],
    )
    expect(events).toEqual([{ identifier: 'overheat', type: 'alert', params: { level: 7 } }])
    const checks = await runLog(productKey, ref.deviceName, `biz_type = 'ThingModel'`)
    expect(checks.map((c) => c.code)).toEqual([200, 200])
    // refused before anything is sent, with the thing model's codes
    await expect(
      node.simulator.reportProperties(TEST_ACTOR, { ...ref, items: { temperature: 999 }, push: { mode: 'now' } }),
    ).rejects.toMatchObject({ kind: 'BAD_REQUEST', code: 6306 })
    await expect(
      node.simulator.reportEvent(TEST_ACTOR, {
        ...ref,
        identifier: 'overheat',
        params: { nope: 1 },
        push: { mode: 'now' },
      }),
    ).rejects.toMatchObject({ kind: 'BAD_REQUEST', code: 6332 })
    await expect(
      node.simulator.reportEvent(TEST_ACTOR, { ...ref, identifier: 'missing', params: {}, push: { mode: 'now' } }),
    ).rejects.toMatchObject({ code: 5096 })
    expect((await runLog(productKey, ref.deviceName, `biz_type = 'ThingModel'`)).length).toBe(2)
    expect(node.simulator.state(ref)!.properties).toMatchObject({ temperature: { value: 23 }, power: { value: 1 } })
    await node.simulator.stop(TEST_ACTOR, ref)
  })

  it('a continuous push posts at its interval within its period', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const d = await deviceRow(productKey, ref.deviceName)
    await node.simulator.start(TEST_ACTOR, ref)
    const t0 = Date.now()
    const r = await node.simulator.reportProperties(TEST_ACTOR, {
      ...ref,
      items: { temperature: 30 },
      push: { mode: 'continuous', intervalSec: 1, until: new Date(t0 + 3500) },
    })
    expect(r).toMatchObject({ sent: false, strategy: { mode: 'continuous', total: 4, sent: 0, status: 'scheduled' } })
    await sleep(4200)
    const rows = await eventually(async () => {
      const x = await propertyRows(d.id, 'temperature')
      return x.length >= 3 && x
    })
    expect(rows.length).toBeGreaterThanOrEqual(3)
    expect(rows.length).toBeLessThanOrEqual(4)
    const gaps = rows.slice(1).map((x, i) => x.ts.getTime() - rows[i]!.ts.getTime())
    for (const g of gaps) expect(Math.abs(g - 1000)).toBeLessThan(300)
    const state = node.simulator.state(ref)!
    expect(state.strategy).toMatchObject({
      status: 'finished',
      sent: rows.length,
      failed: 0,
      nextFireAt: null,
      lastCode: 200,
    })
    // nothing scheduled any more: only the idle timer and the lease grace remain
    expect(node.simulator.stats().timers).toBeLessThanOrEqual(2)
    await node.simulator.stop(TEST_ACTOR, ref)
  })

  it('keeps only the last strategy: a new one replaces the previous, cancel removes it, limits are enforced', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const d = await deviceRow(productKey, ref.deviceName)
    await node.simulator.start(TEST_ACTOR, ref)
    await node.simulator.reportEvent(TEST_ACTOR, {
      ...ref,
      identifier: 'overheat',
      params: { level: 1 },
      push: {
        mode: 'continuous',
        intervalSec: 1,
        from: new Date(Date.now() + 1500),
        until: new Date(Date.now() + 60_000),
      },
    })
    const at = new Date(Date.now() + 800)
    const r = await node.simulator.reportProperties(TEST_ACTOR, {
      ...ref,
      items: { temperature: 5 },
      push: { mode: 'once', at },
    })
    expect(r.strategy).toMatchObject({ kind: 'property', mode: 'once', total: 1, nextFireAt: at })
    await sleep(3000)
    const { rows: ev } = await node.db.pool.query('SELECT 1 FROM event_history WHERE device_id = $1', [d.id])
    expect(ev).toHaveLength(0)
    expect(await propertyRows(d.id, 'temperature')).toHaveLength(1)
    expect(node.simulator.state(ref)!.strategy).toMatchObject({ kind: 'property', status: 'finished', sent: 1 })

    // limits (ref §6): interval ≥ 1 s, period ≤ 3 h
    await expect(
      node.simulator.reportProperties(TEST_ACTOR, {
        ...ref,
        items: { temperature: 5 },
        push: { mode: 'continuous', intervalSec: 10, until: new Date(Date.now() + 3 * 3_600_000 + 60_000) },
      }),
    ).rejects.toMatchObject({ kind: 'BAD_REQUEST', message: expect.stringContaining('at most 3 hours') })
    await expect(
      node.simulator.reportProperties(TEST_ACTOR, {
        ...ref,
        items: { temperature: 5 },
        push: { mode: 'once', at: new Date(Date.now() - 1000) },
      }),
    ).rejects.toMatchObject({ kind: 'BAD_REQUEST' })
    await node.simulator.reportProperties(TEST_ACTOR, {
      ...ref,
      items: { temperature: 6 },
      push: { mode: 'continuous', intervalSec: 60, until: new Date(Date.now() + 3_600_000) },
    })
    expect(node.simulator.state(ref)!.strategy).toMatchObject({ status: 'scheduled', total: 61 })
    expect(node.simulator.state(ref)!.idleExpiresAt).toBeNull()
    expect(await node.simulator.cancelStrategy(ref)).toEqual({ cancelled: true })
    expect(node.simulator.state(ref)!.strategy).toBeNull()
    await node.simulator.stop(TEST_ACTOR, ref)
    expect(node.simulator.stats().timers).toBe(0)
  })

  it('answers a property set from the cloud and reports the new value back', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const d = await deviceRow(productKey, ref.deviceName)
    await node.simulator.start(TEST_ACTOR, ref)
    const { messageId } = await downlink.setDeviceProperty(node.hub, TEST_ACTOR, { ...ref, items: { temperature: 42 } })
    const call = await eventually(async () => {
      const c = await node.db.prisma.serviceCall.findUnique({ where: { id: messageId } })
      return c?.code !== null && c?.code !== undefined && c
    })
    expect(call.code).toBe(200)
    const rows = await eventually(async () => {
      const x = await propertyRows(d.id, 'temperature')
      return x.length > 0 && x
    })
    expect(rows.map((x) => x.value)).toEqual([42])
    expect(node.simulator.state(ref)!.properties.temperature).toMatchObject({ value: 42 })
    await node.simulator.stop(TEST_ACTOR, ref)
  })

  it('answers a sync service (RRPC) with the configured output or error, else example output', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    await node.simulator.start(TEST_ACTOR, ref)
    const call = () =>
      downlink.invokeThingService(node.hub, TEST_ACTOR, { ...ref, identifier: 'reboot', args: { delay: 1 } })
    expect(await call()).toMatchObject({ code: 200, output: { ok: 0 } })
    await node.simulator.setServiceReply({
      ...ref,
      identifier: 'reboot',
      reply: { mode: 'success', output: { ok: 1 } },
    })
    expect(await call()).toMatchObject({ code: 200, output: { ok: 1 } })
    await node.simulator.setServiceReply({
      ...ref,
      identifier: 'reboot',
      reply: { mode: 'error', code: 460, message: 'busy updating' },
    })
    expect(await call()).toMatchObject({ code: 460, message: 'busy updating' })
    // output that does not fit the service's definition is refused when configured
    await expect(
      node.simulator.setServiceReply({ ...ref, identifier: 'reboot', reply: { mode: 'success', output: { ok: 7 } } }),
    ).rejects.toMatchObject({ kind: 'BAD_REQUEST' })
    // async service: answered on its _reply
    const asyncCall = await downlink.invokeThingService(node.hub, TEST_ACTOR, {
      ...ref,
      identifier: 'calibrate',
      args: {},
    })
    const stored = await eventually(async () => {
      const c = await node.db.prisma.serviceCall.findUnique({ where: { id: asyncCall.messageId } })
      return c?.code !== null && c?.code !== undefined && c
    })
    expect(stored.code).toBe(200)
    expect((await collect(ref)).filter((e) => e.event === 'answer').map((e) => e.code)).toEqual([200, 200, 460, 200])
    await node.simulator.stop(TEST_ACTOR, ref)
  })

  it('custom topics: publishes where the product allows, subscribes, receives cloud messages; refuses others with 9236', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    await products.createTopicClass(
      node.db,
      TEST_ACTOR,
      { productKey, suffix: 'data', operation: 'PUB' },
      node.hub.products,
    )
    await products.createTopicClass(
      node.db,
      TEST_ACTOR,
      { productKey, suffix: 'cmd/+', operation: 'SUB' },
      node.hub.products,
    )
    await node.simulator.start(TEST_ACTOR, ref)
    const up = `/${productKey}/${ref.deviceName}/user/data`
    await node.simulator.devicePublish({ ...ref, topic: up, payload: '{"a":1}', qos: 1 })
    const row = await eventually(async () => (await runLog(productKey, ref.deviceName, `biz_type = 'uplink'`))[0])
    expect(row).toMatchObject({ operation: up, code: 200 })
    await expect(
      node.simulator.devicePublish({
        ...ref,
        topic: `/${productKey}/${ref.deviceName}/user/cmd/x`,
        payload: 'x',
        qos: 0,
      }),
    ).rejects.toMatchObject({ code: 9236 })
    await expect(
      node.simulator.devicePublish({ ...ref, topic: '/sys/x/y/z', payload: 'x', qos: 0 }),
    ).rejects.toMatchObject({
      code: 1903,
    })
    const filter = `/${productKey}/${ref.deviceName}/user/cmd/+`
    await node.simulator.deviceSubscribe({ ...ref, topic: filter, qos: 0 })
    await expect(node.simulator.deviceSubscribe({ ...ref, topic: up, qos: 0 })).rejects.toMatchObject({ code: 9236 })
    await node.simulator.cloudPub(TEST_ACTOR, {
      ...ref,
      topic: `/${productKey}/${ref.deviceName}/user/cmd/led`,
      payload: 'on',
      qos: 0,
    })
    const got = await eventually(async () =>
      (await collect(ref)).find((e) => e.event === 'received' && e.payload === 'on'),
    )
    expect(got).toMatchObject({ kind: 'down', topic: `/${productKey}/${ref.deviceName}/user/cmd/led` })
    expect(node.simulator.state(ref)!.subscriptions).toEqual([{ topic: filter, qos: 0 }])
    // still connected: nothing it did got it disconnected
    expect(node.simulator.state(ref)!.status).toBe('running')
    await node.simulator.stop(TEST_ACTOR, ref)
  })

  it('the page stream is the lease: a reconnect within the grace keeps the simulator, closing it takes the device offline', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    const first = openStream(ref)
    expect((await first.opened).status).toBe(200)
    expect((await api.call('simulator.start', ref, 'mutation')).error).toBeUndefined()
    await eventually(async () => first.events.some((e) => e.data.state?.status === 'running'))
    expect(first.events.flatMap((e) => e.data.entries.map((x) => x.event))).toContain('connack')
    await eventually(async () => (await deviceRow(productKey, ref.deviceName)).status === 'ONLINE')
    // a reload: the stream drops and comes back within the grace period
    first.close()
    await eventually(async () => node.simulator.stats().streams === 0)
    expect(node.simulator.state(ref)!.lease.expiresAt).not.toBeNull()
    await sleep(1000)
    const second = openStream(ref)
    await second.opened
    await eventually(async () => node.simulator.stats().streams === 1)
    expect(node.simulator.state(ref)).toMatchObject({ status: 'running', lease: { streams: 1, expiresAt: null } })
    // the page is left: after the grace period the device goes offline
    second.close()
    const closedAt = Date.now()
    await eventually(async () => (await deviceRow(productKey, ref.deviceName)).status === 'OFFLINE', 20_000)
    const waited = Date.now() - closedAt
    expect(waited).toBeGreaterThan(10_000)
    expect(waited).toBeLessThan(16_000)
    expect(node.simulator.state(ref)).toBeNull()
    expect(node.simulator.stats()).toMatchObject({ running: 0, streams: 0, timers: 0, listeners: 0 })
  }, 40_000)

  it('stops after the maximum idle time, and when the real device takes over (427)', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 2)
    const manager = new SimulatorManager({
      db: node.db,
      hub: node.hub,
      log: pino({ level: 'silent' }),
      nodeId: 'idle-test',
      mqttUrl,
      leaseGraceMs: 60_000,
      maxIdleMs: 1500,
    })
    const idle = { productKey, deviceName: list[0]!.deviceName }
    const stream = manager.stream(idle, undefined)
    void stream.next()
    await manager.start(TEST_ACTOR, idle)
    await eventually(async () => (await deviceRow(productKey, idle.deviceName)).status === 'ONLINE')
    await eventually(async () => manager.state(idle)?.status === 'stopped', 5000)
    expect(manager.state(idle)).toMatchObject({ stopReason: 'idle' })
    await stream.return(undefined)

    const taken = { productKey, deviceName: list[1]!.deviceName }
    const keep = manager.stream(taken, undefined)
    void keep.next()
    await manager.start(TEST_ACTOR, taken)
    await eventually(async () => (await deviceRow(productKey, taken.deviceName)).status === 'ONLINE')
    const real = await Device.connect({ url: mqttUrl(), ...list[1]! })
    const st = await eventually(async () => {
      const s = manager.state(taken)
      return s?.stopCode && s
    })
    expect(st).toMatchObject({ status: 'stopped', stopReason: 'kicked', stopCode: 427 })
    await keep.return(undefined)
    await real.close()
    await manager.stopAll()
    expect(manager.stats()).toMatchObject({ running: 0, timers: 0 })
  })

  it('node shutdown stops its simulators before the broker closes (clean offline)', async () => {
    const url = await createTestDatabase()
    const other = await startTestNode({ DATABASE_URL: url })
    const { productKey, devices: list } = await seedSensorProduct(other, 1)
    const ref = { productKey, deviceName: list[0]!.deviceName }
    await other.simulator.start(TEST_ACTOR, ref)
    await other.simulator.reportProperties(TEST_ACTOR, {
      ...ref,
      items: { temperature: 1 },
      push: { mode: 'continuous', intervalSec: 1, until: new Date(Date.now() + 60_000) },
    })
    await eventually(async () => {
      const r = await other.db.prisma.device.findUnique({ where: { productKey_deviceName: ref } })
      return r?.status === 'ONLINE'
    })
    await other.close()
    expect(other.simulator.stats()).toMatchObject({ running: 0, timers: 0 })
    const db = createDb(url, { max: 1 })
    const d = await db.prisma.device.findUniqueOrThrow({ where: { productKey_deviceName: ref } })
    const { rows } = await db.pool.query<{ code: number }>(
      `SELECT code FROM run_log WHERE device_name = $1 AND operation = 'offline'`,
      [ref.deviceName],
    )
    await db.close()
    expect(d.status).toBe('OFFLINE')
    expect(rows.map((r) => r.code)).toEqual([200])
  })
})

/** The device-side log of a device's simulator, oldest first. */
async function collect(ref: { productKey: string; deviceName: string }) {
  const ac = new AbortController()
  const it = node.simulator.stream(ref, ac.signal)
  const first = await it.next()
  ac.abort()
  await it.return(undefined)
  return first.done ? [] : first.value.data.entries
}
