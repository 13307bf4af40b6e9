import { Device } from '@iotops/device-sdk'
import { LevelSampler, Metric, monitoring } from '@iotops/services'
import { decodeSeries } from '@iotops/services/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { type HttpSession, seedSensorProduct, signInHttp, startTestNode } from './testing'

// The metrics pipeline as the monitoring board reads it: counters, gauges, property roll-ups and rankings written
// by real devices through the broker, read back through the board's procedures.
let node: RunningNode
let api: HttpSession
beforeAll(async () => {
  node = await startTestNode()
  api = await signInHttp(node)
})
afterAll(() => node?.close())

const MINUTE = 60_000
const trpc = async <T>(proc: string, input: unknown, kind?: 'query' | 'mutation') => {
  const r = await api.call<T>(proc, input, kind)
  if (r.error) throw new Error(`${proc}: ${r.error.message}`)
  return r.data as T
}
const fail = async (proc: string, input: unknown, kind?: 'query' | 'mutation') =>
  (await api.call(proc, input, kind)).error?.message

interface Card {
  id: string
  kind: string
  metric: string
  chart: 'area' | 'rank'
  productKey: string | null
  hidden: boolean
}
type Data =
  | { id: string; chart: 'area'; series: { aggregation: string; points: string }[] }
  | { id: string; chart: 'rank'; items: { subject: string; value: number }[] }

const total = (d: Data | undefined) =>
  d?.chart === 'area' ? decodeSeries(d.series[0]!.points).reduce((s, p) => s + p.value, 0) : Number.NaN

describe('monitoring board', () => {
  it('counts what real devices do, per product and for all products, and rolls up numeric properties', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 2)
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    const [a, b] = await Promise.all(devices.map((d) => Device.connect({ url, ...d })))
    const now = Date.now()
    // a posts 3 temperatures now, b posts 1; b also sends one value stamped 3 minutes ago (late data)
    for (const t of [20, 25, 30]) expect((await a!.postProperties({ temperature: t })).code).toBe(200)
    expect((await b!.postProperties({ temperature: 10 })).code).toBe(200)
    const late = now - 3 * MINUTE
    expect((await b!.postProperties({ temperature: { value: 99, time: late } })).code).toBe(200)
    // one alert event, one invalid property (refused: counted as a failure)
    expect((await a!.postEvent('overheat', { level: 3 })).code).toBe(200)
    expect((await a!.postProperties({ temperature: 'hot' })).code).not.toBe(200)
    await new LevelSampler(node.db, node.hub.metrics).sample()
    await node.hub.metrics.flush()

    const range = { from: new Date(now - 10 * MINUTE), to: new Date(now + 2 * MINUTE) }
    // a new board has the default cards
    const cards = await trpc<Card[]>('monitor.cards', undefined)
    expect(cards.map((c) => c.metric)).toEqual([Metric.OnlineMqtt, Metric.UpMqtt, Metric.DownMqtt, Metric.Forwarded])
    // the same metric for this product only
    const added = await trpc<Card[]>(
      'monitor.addBasic',
      { metrics: [Metric.UpMqtt, Metric.EventPostsAlert, Metric.PropertyPostErrors, 'DailyUpMessagesTop'] },
      'mutation',
    )
    const mine = added.slice(4)
    for (const c of mine.slice(0, 3))
      await trpc('monitor.updateCard', { id: c.id, productKey, granularity: 1 }, 'mutation')
    await trpc('monitor.updateCard', { id: mine[3]!.id, productKey }, 'mutation')
    const data = await trpc<Data[]>('monitor.data', { range })
    const byId = new Map(data.map((d) => [d.id, d]))
    // nothing forwarded yet: an empty series, not an error
    expect(total(byId.get(cards[3]!.id))).toBe(0)
    const online = byId.get(cards[0]!.id)
    // all products: at least our two devices online in the sampled minute
    expect(
      online?.chart === 'area' && Math.max(...decodeSeries(online.series[0]!.points).map((p) => p.value)),
    ).toBeGreaterThanOrEqual(2)
    // this product: 6 property posts + 1 event = 7 messages up
    expect(total(byId.get(mine[0]!.id))).toBe(7)
    expect(total(byId.get(mine[1]!.id))).toBe(1)
    expect(total(byId.get(mine[2]!.id))).toBe(1)
    const top = byId.get(mine[3]!.id)
    expect(top?.chart === 'rank' && top.items.map((i) => [i.subject, i.value])).toEqual([
      [devices[0]!.deviceName, 5],
      [devices[1]!.deviceName, 2],
    ])

    // a thing-model metric: temperature of all devices, avg + max + count per minute
    const card = await trpc<Card>(
      'monitor.addProperty',
      {
        name: 'temperature_all',
        productKey,
        identifier: 'temperature',
        deviceName: null,
        aggregations: ['avg', 'max', 'count'],
        granularity: 1,
      },
      'mutation',
    )
    const [prop] = await trpc<Data[]>('monitor.data', { range, ids: [card.id] })
    if (prop?.chart !== 'area') throw new Error('expected an area card')
    const series = Object.fromEntries(prop.series.map((s) => [s.aggregation, decodeSeries(s.points)]))
    // the late value sits alone in its own minute; the others in the current one(s)
    const lateMinute = Math.floor(late / MINUTE) * MINUTE
    expect(series.max!.find((p) => p.ts === lateMinute)?.value).toBe(99)
    const current = (k: string) => series[k]!.filter((p) => p.ts !== lateMinute)
    expect(current('count').reduce((s, p) => s + p.value, 0)).toBe(4)
    expect(Math.max(...current('max').map((p) => p.value))).toBe(30)
    if (current('avg').length === 1) expect(current('avg')[0]!.value).toBe(21.25)

    // bad input is refused with a reason and changes nothing
    expect(
      await fail(
        'monitor.addProperty',
        { name: 'p', productKey, identifier: 'power', deviceName: null, aggregations: ['avg'], granularity: 1 },
        'mutation',
      ),
    ).toMatch(/bool property/)
    expect(
      await fail(
        'monitor.addProperty',
        {
          name: 'p',
          productKey,
          identifier: 'temperature',
          deviceName: null,
          aggregations: ['avg', 'max', 'min', 'sum'],
          granularity: 1,
        },
        'mutation',
      ),
    ).toMatch(/at most 3/)
    expect(await fail('monitor.data', { range: { from: new Date(now - 31 * 86_400_000), to: new Date(now) } })).toMatch(
      /30 days/,
    )
    await Promise.all([a!.close(), b!.close()])
  })

  it('saves the arranged panel per user and caps a board at 50 metrics', async () => {
    const cards = await trpc<Card[]>('monitor.cards', undefined)
    const reordered = [...cards].reverse().map((c, i) => ({ id: c.id, hidden: i === 0 }))
    const saved = await trpc<Card[]>('monitor.savePanel', { cards: reordered }, 'mutation')
    expect(saved.map((c) => c.id)).toEqual(reordered.map((c) => c.id))
    expect(saved[0]!.hidden).toBe(true)
    // hidden cards are not filled
    const data = await trpc<Data[]>('monitor.data', {
      range: { from: new Date(Date.now() - 3_600_000), to: new Date() },
    })
    expect(data.map((d) => d.id)).not.toContain(saved[0]!.id)
    // a stale panel is refused
    expect(await fail('monitor.savePanel', { cards: reordered.slice(1) }, 'mutation')).toMatch(/changed meanwhile/)
    const room = 50 - saved.length
    expect(await fail('monitor.addBasic', { metrics: Array(room + 1).fill(Metric.UpMqtt) }, 'mutation')).toMatch(
      /at most 50/,
    )
    expect((await trpc<Card[]>('monitor.cards', undefined)).length).toBe(saved.length)
  })

  it('stores the network status Wi-Fi devices report and lists it for the device', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devices[0]! })
    const collected = Date.now() - 5000
    const r = await dev.postNetworkStatus({ rssi: -67, snr: 21, per: 3, err_stats: '10,02,01;10,05,0a' }, collected)
    expect(r.code).toBe(200)
    const bad = await dev.postNetworkStatus({ per: 2000 })
    expect(bad.code).toBe(460)
    const page = await trpc<{
      items: { rssi: number; snr: number; per: number; collectedAt: string; errors: unknown }[]
    }>('monitor.networkStatus', {
      productKey,
      deviceName: devices[0]!.deviceName,
      range: { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 1000) },
    })
    expect(page.items).toHaveLength(1)
    expect(page.items[0]).toMatchObject({ rssi: -67, snr: 21, per: 3 })
    expect(new Date(page.items[0]!.collectedAt).getTime()).toBe(collected)
    expect(page.items[0]!.errors).toEqual([
      { type: '10', code: '02', count: 1 },
      { type: '10', code: '05', count: 10 },
    ])
    await dev.close()
  })

  it('prunes day rankings, alarm history and delivered notifications past retention, never pending ones', async () => {
    const old = new Date(Date.now() - 100 * 86_400_000)
    await node.db.pool.query(
      `INSERT INTO daily_rank (day, metric, product_key, subject, value) VALUES ($1::date, 'DailyConnects', 'pk', 'old', 1)`,
      [old],
    )
    await node.db.prisma.alarmHistory.create({
      data: { at: old, ruleName: 'r', kind: 'threshold', status: 'ALARM', level: 'INFO', metric: 'm', message: 'x' },
    })
    await node.db.prisma.notification.createMany({
      data: [
        { createdAt: old, channel: 'console', status: 'SENT', subject: 'old sent', body: '' },
        { createdAt: old, channel: 'webhook', status: 'PENDING', subject: 'old pending', body: '' },
      ],
    })
    const pruned = await monitoring.pruneMonitoring(node.db)
    expect(pruned).toMatchObject({ daily_rank: 1, alarm_history: 1, notification: 1 })
    expect(await node.db.prisma.notification.count({ where: { subject: 'old pending' } })).toBe(1)
    expect(await node.db.prisma.notification.count({ where: { subject: 'old sent' } })).toBe(0)
  })
})
