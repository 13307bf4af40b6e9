import { Device } from '@iotops/device-sdk'
import {
  BizType,
  downlink,
  logAnalysis,
  logReport,
  logStore,
  messageTrace,
  searchDeviceLogs,
  searchRunLog,
} from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
beforeAll(async () => {
  node = await startTestNode()
})
afterAll(() => node?.close())

describe('log search: filters and keyset pages', () => {
  it('pages the run log newest first without gaps or repeats, and filters by status and keyword', async () => {
    const base = Date.now() - 60_000
    for (let i = 0; i < 7; i++)
      await node.hub.record({
        ts: new Date(base + i * 1000),
        productKey: 'pkPaging',
        deviceName: 'dev1',
        traceId: `trace${i}`,
        messageId: null,
        bizType: 'uplink',
        operation: `/sys/pkPaging/dev1/thing/event/op${i}/post`,
        code: i === 4 ? 6306 : 200,
        content: JSON.stringify({ Content: i === 2 ? 'sensor overheated' : 'fine' }),
      })
    const seen: string[] = []
    let cursor: string | undefined
    const sizes: number[] = []
    do {
      const page = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'all', limit: 3, cursor })
      sizes.push(page.items.length)
      seen.push(...page.items.map((r) => r.traceId))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(sizes).toEqual([3, 3, 1])
    expect(seen).toEqual(['trace6', 'trace5', 'trace4', 'trace3', 'trace2', 'trace1', 'trace0'])

    const failed = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'failure', limit: 50 })
    expect(failed.items.map((r) => r.code)).toEqual([6306])
    const kw = await searchRunLog(node.db, { productKey: 'pkPaging', status: 'all', keyword: 'overheated', limit: 50 })
    expect(kw.items.map((r) => r.traceId)).toEqual(['trace2'])
    // a window before the records finds nothing
    const early = await searchRunLog(node.db, {
      productKey: 'pkPaging',
      status: 'all',
      limit: 50,
      from: new Date(base - 3_600_000),
      to: new Date(base - 1000),
    })
    expect(early.items).toEqual([])
  })

  it('matches device-log keywords literally: % and _ are not wildcards', async () => {
    const at = new Date()
    for (const content of ['battery 50% left', 'battery 500 mV', 'temp_1 ok', 'temp21 ok'])
      node.hub.deviceLogs.push({
        ts: at,
        productKey: 'pkLike',
        deviceName: 'd',
        utcTime: null,
        level: 'INFO',
        module: 'power',
        code: null,
        traceId: null,
        content,
      })
    await node.hub.deviceLogs.flush()
    const find = async (keyword: string) =>
      (await searchDeviceLogs(node.db, { productKey: 'pkLike', keyword, limit: 50 })).items.map((r) => r.content)
    expect(await find('50%')).toEqual(['battery 50% left'])
    expect(await find('temp_1')).toEqual(['temp_1 ok'])
    expect(await find('BATTERY')).toHaveLength(2)
  })
})

describe('message trace', () => {
  it('follows a message through every module, red where it failed, and a command from the API to the reply', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const d = devices[0]!
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    // a bad value: the thing-model check refuses it (6306: int out of range) and the device is told
    const bad = await dev.postProperties({ temperature: 900 })
    expect(bad.code).toBe(6306)
    const rows = await eventually(async () => {
      const r = await searchRunLog(node.db, {
        deviceName: d.deviceName,
        messageId: String(bad.id),
        status: 'all',
        limit: 50,
      })
      return r.items.length >= 3 && r.items
    })
    const trace = await messageTrace(node.db, { traceId: rows[0]!.traceId })
    expect(trace.hops.map((h) => [h.bizType, h.code])).toEqual([
      [BizType.Uplink, 200],
      [BizType.ThingModel, 6306],
      [BizType.Downlink, 200],
    ])
    expect(trace.failedAt).toBe(1)
    expect(trace.hops[0]!.sincePrevMs).toBeNull()
    expect(trace.hops.slice(1).every((h) => h.sincePrevMs! >= 0)).toBe(true)

    // a property set: the API call, the downlink, then the device's reply, found by the MessageId
    dev.onPropertySet(() => undefined)
    const set = await downlink.setDeviceProperty(node.hub, TEST_ACTOR, {
      productKey,
      deviceName: d.deviceName,
      items: { temperature: 30 },
    })
    const cmd = await eventually(async () => {
      const t = await messageTrace(node.db, { messageId: set.messageId })
      return t.hops.some((h) => h.operation === 'reply') && t
    })
    // the API call and its downlink, then the device's reply message and its handling
    expect(cmd.hops.map((h) => h.bizType)).toEqual([
      BizType.ApiService,
      BizType.Downlink,
      BizType.Uplink,
      BizType.ThingService,
    ])
    expect(cmd.failedAt).toBeNull()
    expect(cmd.traceIds.length).toBe(2)
    await dev.close()
  })
})

describe('long-term log storage per product', () => {
  it('keeps the logs of products that turn it on, searchable, and drops months past the retention', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const other = await seedSensorProduct(node, 1)
    await logStore.setLogStorePolicy(node.db, TEST_ACTOR, {
      productKey,
      runLogDump: true,
      runLogDays: 30,
      deviceLogDump: true,
      deviceLogDays: null,
    })
    await node.hub.logDump.refresh()
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    const dev = await Device.connect({ url, ...devices[0]! })
    const otherDev = await Device.connect({ url, ...other.devices[0]! })
    expect((await dev.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await dev.postLogs([{ logLevel: 'WARN', module: 'net', logContent: 'weak signal' }])).code).toBe(200)
    expect((await otherDev.postProperties({ temperature: 22 })).code).toBe(200)
    await node.hub.logDump.flush()

    const dumped = await searchRunLog(node.db, { productKey, store: 'dump', status: 'all', limit: 50 })
    expect(dumped.items.length).toBeGreaterThanOrEqual(3) // online, the post, its check and reply
    expect(dumped.items.every((r) => r.productKey === productKey)).toBe(true)
    const logs = await searchDeviceLogs(node.db, { productKey, store: 'dump', level: 'WARN', limit: 50 })
    expect(logs.items.map((l) => l.content)).toEqual(['weak signal'])
    // the other product keeps nothing long-term; the long-term store is per product
    const none = await searchRunLog(node.db, { productKey: other.productKey, store: 'dump', status: 'all', limit: 5 })
    expect(none.items).toEqual([])
    await expect(searchRunLog(node.db, { store: 'dump', status: 'all', limit: 5 })).rejects.toThrow(/choose a product/)

    // a month long past: dropped when the retention is 30 days, kept forever for device logs
    const old = Date.now() - 120 * 86_400_000
    for (const table of ['run_log_dump', 'device_log_dump'] as const) {
      const { ensureDumpPartition } = await import('@iotops/db')
      await ensureDumpPartition(node.db.pool, table, productKey, old)
    }
    const dropped = await logStore.maintainLogDumps(node.db)
    const month = new Date(old).toISOString().slice(0, 7).replace('-', '')
    expect(dropped).toContain(`run_log_dump_${productKey}_${month}`)
    expect(dropped).not.toContain(`device_log_dump_${productKey}_${month}`)

    // turned off: new records are no longer kept long-term, what is there stays
    await logStore.setLogStorePolicy(node.db, TEST_ACTOR, {
      productKey,
      runLogDump: false,
      runLogDays: 30,
      deviceLogDump: false,
      deviceLogDays: null,
    })
    await node.hub.logDump.refresh()
    const before = (await searchRunLog(node.db, { productKey, store: 'dump', status: 'all', limit: 500 })).items.length
    expect((await dev.postProperties({ temperature: 23 })).code).toBe(200)
    await node.hub.logDump.flush()
    const after = (await searchRunLog(node.db, { productKey, store: 'dump', status: 'all', limit: 500 })).items.length
    expect(after).toBe(before)
    await expect(
      logStore.setLogStorePolicy(node.db, TEST_ACTOR, {
        productKey: 'no_such_product',
        runLogDump: true,
        runLogDays: 1,
        deviceLogDump: false,
        deviceLogDays: 1,
      }),
    ).rejects.toThrow(/does not exist/)
    await Promise.all([dev.close(), otherDev.close()])
  })
})

describe('log analysis', () => {
  it('runs a read-only SELECT over the log stores with the time range bound, as a read-only role', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devices[0]! })
    expect((await dev.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await dev.postProperties({ temperature: 999 })).code).toBe(6306)
    await eventually(async () => {
      const r = await searchRunLog(node.db, { productKey, status: 'failure', limit: 5 })
      return r.items.length > 0
    })
    const r = await logAnalysis.runAnalysis(node.db, {
      sql: `SELECT code, count(*) AS n FROM run_log
            WHERE product_key = '${productKey}' AND ts >= {{from}} AND ts < {{to}} AND biz_type = 'ThingModel'
            GROUP BY code ORDER BY code`,
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    })
    expect(r.columns).toEqual([
      { name: 'code', kind: 'number' },
      { name: 'n', kind: 'number' },
    ])
    expect(r.rows).toEqual([
      [200, 1],
      [6306, 1],
    ])
    expect(r.truncated).toBe(false)
    // the range is a parameter: an empty earlier window finds nothing
    const empty = await logAnalysis.runAnalysis(node.db, {
      sql: `SELECT count(*) FROM run_log WHERE product_key = '${productKey}' AND ts >= {{from}} AND ts < {{to}}`,
      from: new Date(Date.now() - 7_200_000),
      to: new Date(Date.now() - 3_600_000),
    })
    expect(empty.rows).toEqual([[0]])
    // one bound end only, and none
    const since = await logAnalysis.runAnalysis(node.db, {
      sql: `SELECT count(*) FROM run_log WHERE product_key = '${productKey}' AND ts >= {{from}}`,
    })
    expect(since.rows[0]![0]).toBeGreaterThan(0)
    expect((await logAnalysis.runAnalysis(node.db, { sql: 'SELECT 1 AS one FROM run_log LIMIT 1' })).rows).toEqual([
      [1],
    ])
    // the session really is read-only and reading as the analysis role: other tables are out of reach
    const who = await logAnalysis
      .runAnalysis(node.db, {
        sql: `SELECT current_user AS who, current_setting('transaction_read_only') AS ro FROM run_log LIMIT 1`,
      })
      .catch((e: Error) => e)
    // current_setting is not an allowed function: even this is refused
    expect(String(who)).toMatch(/current_setting cannot be called/)
    const user = await logAnalysis.runAnalysis(node.db, { sql: 'SELECT current_user AS who FROM run_log LIMIT 1' })
    expect(user.rows).toEqual([['iotops_analyst']])
    await expect(logAnalysis.runAnalysis(node.db, { sql: 'SELECT * FROM "user"' })).rejects.toThrow(/cannot be read/)
    // a saved query keeps its chart and refuses an unsafe body
    const saved = await logAnalysis.saveQuery(node.db, TEST_ACTOR, {
      name: 'errors by code',
      sql: 'SELECT code, count(*) FROM run_log GROUP BY code',
      chart: { type: 'pie', x: 'code', y: ['count'] },
    })
    expect((await logAnalysis.listSavedQueries(node.db)).map((q) => q.name)).toContain('errors by code')
    await expect(
      logAnalysis.saveQuery(node.db, TEST_ACTOR, { name: 'bad', sql: 'DELETE FROM run_log', chart: { type: 'table' } }),
    ).rejects.toThrow(/only SELECT/)
    await logAnalysis.deleteSavedQuery(node.db, TEST_ACTOR, saved.id)
    await dev.close()
  })
})

describe('log reports', () => {
  it('reports messages, thing-model check errors by code and device, and the latest device errors', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 2)
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    const [a, b] = await Promise.all(devices.map((d) => Device.connect({ url, ...d })))
    for (const t of [20, 999, 998]) await a!.postProperties({ temperature: t })
    await b!.postProperties({ temperature: 997 })
    await a!.postLogs([{ logLevel: 'ERROR', module: 'wifi', logContent: 'link lost' }])
    await node.hub.metrics.flush()
    const from = new Date(Date.now() - 600_000)
    const to = new Date(Date.now() + 60_000)
    const r = await eventually(async () => {
      const x = await logReport(node.db, { productKey, from, to })
      return x.tslErrorCodes.length > 0 && x.latestDeviceErrors.length > 0 && x
    })
    expect(r.tslErrorCodes).toEqual([{ key: '6306', value: 3 }])
    expect(r.tslErrorDevices).toEqual([
      { key: devices[0]!.deviceName, value: 2 },
      { key: devices[1]!.deviceName, value: 1 },
    ])
    expect(r.topUpDevices[0]).toEqual({ key: devices[0]!.deviceName, value: 4 })
    expect(r.up.reduce((s, p) => s + p.value, 0)).toBe(5)
    expect(r.latestDeviceErrors.map((e) => e.content)).toEqual(['link lost'])
    await expect(logReport(node.db, { productKey, from: to, to: from })).rejects.toThrow(/after the start/)
    await Promise.all([a!.close(), b!.close()])
  })
})
