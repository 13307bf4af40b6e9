import type { Db } from '@iotops/db'
import { ensurePartition, type PartitionedTable } from '@iotops/db'
import { ALL_PRODUCTS, byProtocol, Metric, type Protocol, Rank } from './codes'

const MINUTE = 60_000
const DAY = 86_400_000
const SEP = '\u0000'

/** One property value rolled up into a minute. */
interface Agg {
  count: number
  sum: number
  min: number
  max: number
  last: number
  lastAt: number
}

/**
 * Everything the device pipeline counts for monitoring, added up in memory and flushed every few seconds with one
 * statement per table that merges with what is stored, so several nodes can count into the same minute or day:
 *
 * - `metric_point`: per-minute counters per (metric, product) — add; gauges — the latest sample of the minute wins;
 * - `daily_rank`: per-day counters per (metric, product, subject) for the top-5 rankings;
 * - `property_metric`: numeric property values per minute, per device and for all devices of the product.
 *
 * Points are stamped with the time of the message, so a late message lands in its own minute.
 */
export class MetricsRecorder {
  private counters = new Map<string, number>()
  private gauges = new Map<string, number>()
  private ranks = new Map<string, number>()
  private props = new Map<string, Agg>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 5000,
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), this.intervalMs)
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.flush()
  }

  /** A per-minute counter, for the product and in the all-products total. */
  add(metric: string, productKey: string, value = 1, at = Date.now()) {
    const minute = floor(at, MINUTE)
    for (const pk of productKey === '' ? [''] : [productKey, ALL_PRODUCTS]) {
      const k = `${metric}${SEP}${pk}${SEP}${minute}`
      this.counters.set(k, (this.counters.get(k) ?? 0) + value)
    }
  }

  /** A per-minute sample of a level (online devices, watermarks): the latest one in the minute is kept. */
  gauge(metric: string, productKey: string, value: number, at = Date.now()) {
    this.gauges.set(`${metric}${SEP}${productKey}${SEP}${floor(at, MINUTE)}`, value)
  }

  /** A day counter for a ranking. */
  rank(metric: string, productKey: string, subject: string, value = 1, at = Date.now()) {
    const k = `${metric}${SEP}${productKey}${SEP}${subject}${SEP}${floor(at, DAY)}`
    this.ranks.set(k, (this.ranks.get(k) ?? 0) + value)
  }

  /** A numeric property value, for the device and for all devices of the product. */
  property(productKey: string, deviceName: string, identifier: string, value: number, at: number) {
    if (!Number.isFinite(value)) return
    const minute = floor(at, MINUTE)
    for (const dn of [deviceName, '']) {
      const k = `${productKey}${SEP}${identifier}${SEP}${dn}${SEP}${minute}`
      const a = this.props.get(k)
      if (!a) this.props.set(k, { count: 1, sum: value, min: value, max: value, last: value, lastAt: at })
      else {
        a.count++
        a.sum += value
        if (value < a.min) a.min = value
        if (value > a.max) a.max = value
        if (at >= a.lastAt) {
          a.last = value
          a.lastAt = at
        }
      }
    }
  }

  /** A message between a device and the platform: counts, bytes, the device's day totals and the topic class. */
  message(
    dir: 'up' | 'down',
    d: { productKey: string; deviceName: string; protocol?: Protocol | null },
    bytes: number,
    topicClass: string | null,
    at = Date.now(),
  ) {
    const codes = byProtocol[d.protocol ?? 'MQTT']
    this.add(dir === 'up' ? codes.up : codes.down, d.productKey, 1, at)
    this.add(dir === 'up' ? codes.upBytes : codes.downBytes, d.productKey, bytes, at)
    this.rank(dir === 'up' ? Rank.UpMessages : Rank.DownMessages, d.productKey, d.deviceName, 1, at)
    this.rank(dir === 'up' ? Rank.UpBytes : Rank.DownBytes, d.productKey, d.deviceName, bytes, at)
    if (topicClass) this.rank(Rank.TopicMessages, d.productKey, topicClass, 1, at)
  }

  /** A device went online or offline (directly or through its gateway). */
  status(c: { productKey: string; deviceName: string; status: 'ONLINE' | 'OFFLINE'; at: Date }) {
    const at = c.at.getTime()
    const online = c.status === 'ONLINE'
    this.add(online ? Metric.NewOnline : Metric.NewOffline, c.productKey, 1, at)
    this.rank(online ? Rank.Connects : Rank.Disconnects, c.productKey, c.deviceName, 1, at)
  }

  /** A command sent to a device: property set (per property) or service call. */
  command(productKey: string, method: string, identifiers: string[], at = Date.now()) {
    const set = method === 'thing.service.property.set'
    this.add(set ? Metric.PropertySets : Metric.ServiceCalls, productKey, 1, at)
    for (const i of identifiers) this.rank(set ? Rank.PropertySets : Rank.ServiceCalls, productKey, i, 1, at)
  }

  /**
   * A command that failed (an error reply or no reply) and, when the device answered, the round trip from the
   * platform's send to the device's reply.
   */
  commandResult(
    d: { productKey: string; deviceName: string },
    method: string,
    identifiers: string[],
    code: number,
    rttMs: number | null,
    at = Date.now(),
  ) {
    if (rttMs !== null) {
      this.rank(Rank.RttSum, d.productKey, d.deviceName, Math.max(0, rttMs), at)
      this.rank(Rank.RttCount, d.productKey, d.deviceName, 1, at)
    }
    if (code === 200 || !method.startsWith('thing.service.')) return
    const set = method === 'thing.service.property.set'
    this.add(set ? Metric.PropertySetErrors : Metric.ServiceCallErrors, d.productKey, 1, at)
    for (const i of identifiers)
      this.rank(set ? Rank.PropertySetErrors : Rank.ServiceCallErrors, d.productKey, i, 1, at)
  }

  flush(): Promise<void> {
    // one flush at a time; a caller arriving during one waits for it and then flushes what came in meanwhile
    const run = async () => {
      await this.flushPoints('counters')
      await this.flushPoints('gauges')
      await this.flushRanks()
      await this.flushProperties()
    }
    const next = (this.flushing ?? Promise.resolve()).catch(() => {}).then(run)
    this.flushing = next.finally(() => {
      if (this.flushing === next) this.flushing = null
    })
    return next
  }

  /** Minute points: counters add to the stored value, gauges replace it (the latest sample of the minute wins). */
  private async flushPoints(field: 'counters' | 'gauges') {
    const entries = this.drain(field)
    if (!entries.length) return
    const cols = columns(entries, 3)
    const merge = field === 'counters' ? 'metric_point.value + EXCLUDED.value' : 'EXCLUDED.value'
    await this.write(
      'metric_point',
      cols[2]!.map(Number),
      `INSERT INTO metric_point (metric, product_key, ts, value)
       SELECT m, p, to_timestamp(t / 1000.0), v FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS x(m, p, t, v)
       ON CONFLICT (metric, product_key, ts) DO UPDATE SET value = ${merge}`,
      [cols[0], cols[1], cols[2]!.map(Number), entries.map(([, v]) => v)],
      () => restore(this[field], entries, field === 'counters' ? (a, b) => a + b : (_a, b) => b),
    )
  }

  private async flushRanks() {
    const entries = this.drain('ranks')
    if (!entries.length) return
    const cols = columns(entries, 4)
    const sql = `INSERT INTO daily_rank (metric, product_key, subject, day, value)
       SELECT m, p, s, (to_timestamp(t / 1000.0) AT TIME ZONE 'UTC')::date, v
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[]) AS x(m, p, s, t, v)
       ON CONFLICT (day, metric, product_key, subject) DO UPDATE SET value = daily_rank.value + EXCLUDED.value`
    try {
      await this.db.pool.query(sql, [cols[0], cols[1], cols[2], cols[3]!.map(Number), entries.map(([, v]) => v)])
    } catch (e) {
      restore(this.ranks, entries, (a, b) => a + b)
      throw e
    }
  }

  private async flushProperties() {
    if (this.props.size === 0) return
    const entries = [...this.props]
    this.props = new Map()
    const cols = columns(entries, 4)
    const aggs = entries.map(([, a]) => a)
    await this.write(
      'property_metric',
      cols[3]!.map(Number),
      `INSERT INTO property_metric (product_key, identifier, device_name, ts, count, sum, min, max, last, last_at)
       SELECT p, i, d, to_timestamp(t / 1000.0), c, s, mn, mx, l, to_timestamp(la / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::int[], $6::float8[], $7::float8[], $8::float8[],
                   $9::float8[], $10::float8[]) AS x(p, i, d, t, c, s, mn, mx, l, la)
       ON CONFLICT (product_key, identifier, device_name, ts) DO UPDATE SET
         count = property_metric.count + EXCLUDED.count,
         sum = property_metric.sum + EXCLUDED.sum,
         min = LEAST(property_metric.min, EXCLUDED.min),
         max = GREATEST(property_metric.max, EXCLUDED.max),
         last = CASE WHEN EXCLUDED.last_at >= property_metric.last_at THEN EXCLUDED.last ELSE property_metric.last END,
         last_at = GREATEST(property_metric.last_at, EXCLUDED.last_at)`,
      [
        cols[0],
        cols[1],
        cols[2],
        cols[3]!.map(Number),
        aggs.map((a) => a.count),
        aggs.map((a) => a.sum),
        aggs.map((a) => a.min),
        aggs.map((a) => a.max),
        aggs.map((a) => a.last),
        aggs.map((a) => a.lastAt),
      ],
      () => {
        for (const [k, a] of entries) {
          const cur = this.props.get(k)
          if (!cur) this.props.set(k, a)
          else {
            cur.count += a.count
            cur.sum += a.sum
            cur.min = Math.min(cur.min, a.min)
            cur.max = Math.max(cur.max, a.max)
            if (a.lastAt > cur.lastAt) {
              cur.last = a.last
              cur.lastAt = a.lastAt
            }
          }
        }
      },
    )
  }

  private drain(field: 'counters' | 'gauges' | 'ranks'): [string, number][] {
    const entries = [...this[field]]
    this[field] = new Map()
    return entries
  }

  /** Runs an upsert into a partitioned table, creating missing day partitions once; on failure keeps the data. */
  private async write(table: PartitionedTable, times: number[], sql: string, params: unknown[], keep: () => void) {
    try {
      await this.db.pool.query(sql, params)
    } catch (e) {
      if ((e as { code?: string }).code === '23514') {
        try {
          for (const t of new Set(times.map((x) => floor(x, DAY)))) await ensurePartition(this.db.pool, table, t)
          await this.db.pool.query(sql, params)
          return
        } catch (e2) {
          keep()
          throw e2
        }
      }
      keep()
      throw e
    }
  }
}

const floor = (t: number, unit: number) => Math.floor(t / unit) * unit

/** Splits the composite keys into `n` column arrays. */
function columns(entries: [string, unknown][], n: number): string[][] {
  const cols: string[][] = Array.from({ length: n }, () => [])
  for (const [k] of entries) {
    const parts = k.split(SEP)
    for (let i = 0; i < n; i++) cols[i]!.push(parts[i]!)
  }
  return cols
}

function restore(into: Map<string, number>, entries: [string, number][], merge: (a: number, b: number) => number) {
  for (const [k, v] of entries) {
    const cur = into.get(k)
    into.set(k, cur === undefined ? v : merge(v, cur))
  }
}

/**
 * The topic class a concrete topic belongs to, as the console names topics: the device's ProductKey and
 * DeviceName replaced by `${productKey}`/`${deviceName}`, RRPC message ids by `${messageId}`.
 */
export function topicClassOf(topic: string, d: { productKey: string; deviceName: string }): string {
  const levels = topic.split('/')
  const out = levels.map((l) => (l === d.productKey ? '${productKey}' : l === d.deviceName ? '${deviceName}' : l))
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1]
    // /sys/{pk}/{dn}/rrpc/request/{id} and /ext/rrpc/{id}/…
    if ((prev === 'request' || prev === 'response') && out[i - 2] === 'rrpc') out[i] = '${messageId}'
    if (prev === 'rrpc' && out[i - 2] === 'ext') out[i] = '${messageId}'
  }
  return out.join('/')
}

/** What a command is about, for the per-identifier rankings: the properties a set names, or the service. */
export function commandIdentifiers(method: string, identifier: string, params: unknown): string[] {
  if (method === 'thing.service.property.set')
    return params && typeof params === 'object' ? Object.keys(params as object) : []
  return [identifier]
}
