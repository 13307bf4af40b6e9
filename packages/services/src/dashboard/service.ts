import type { Db } from '@iotops/db'
import { deviceEventRank, eventRank, Rank } from '../metrics/codes'
import {
  DURATION_BUCKETS,
  type EventFilter,
  type Stage,
  type TDashboardEventsInput,
  type TDashboardInput,
  type TDashboardRegionsInput,
  ZDashboardEventsInput,
  ZDashboardInput,
  ZDashboardRegionsInput,
} from './schema'

/**
 * The ops dashboard (reference §4): lifecycle counts with the same figure a week earlier, a 30-day trend per stage,
 * where devices are, device online/offline durations, events and per-device rankings. Everything is computed on
 * request with group-by queries over `device` (deleted devices are deleted rows) and the day counters in
 * `daily_rank` joined to `device` (so a deleted device drops out of every figure). Days are UTC dates, like the
 * counters; "today" is the current UTC day.
 */

const DAY_MS = 86_400_000
const TREND_DAYS = 30

export interface StageCard {
  value: number
  /** the same figure on the same day last week */
  lastWeek: number
  /** change against last week in percent; null when last week was 0 */
  changePct: number | null
}
export interface TrendPoint {
  /** UTC date YYYY-MM-DD */
  day: string
  created: number
  activated: number
  online: number
  active: number
}
export interface DashboardSummary {
  at: Date
  cards: Record<Stage, StageCard>
  /** every device (activated or not) */
  total: number
  /** online now / all devices, percent (0 when there are none) */
  onlineRate: number
  trend: TrendPoint[]
}

const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10)
const change = (value: number, lastWeek: number): StageCard => ({
  value,
  lastWeek,
  changePct: lastWeek === 0 ? null : Math.round(((value - lastWeek) / lastWeek) * 10000) / 100,
})
const num = (v: unknown) => Number(v ?? 0)

export async function summary(db: Db, input: TDashboardInput = {}): Promise<DashboardSummary> {
  const { productKey } = ZDashboardInput.parse(input)
  const pk = productKey ?? null
  const now = Date.now()
  const today = utcDay(now)
  const from = utcDay(now - (TREND_DAYS - 1) * DAY_MS)
  const [counts, trend] = await Promise.all([
    db.pool.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE created_at <= now() - interval '7 days') AS created_lw,
              count(activated_at) AS activated,
              count(*) FILTER (WHERE activated_at <= now() - interval '7 days') AS activated_lw,
              count(*) FILTER (WHERE status = 'ONLINE') AS online
         FROM device WHERE ($1::text IS NULL OR product_key = $1)`,
      [pk],
    ),
    // per UTC day: devices created / activated up to its end (cumulative), devices online during it (connected
    // that day, or connected earlier and still online), devices active (any up message that day)
    db.pool.query(
      `WITH days AS (
         SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') d
       ), dev AS (
         SELECT product_key, device_name, created_at, activated_at, status, last_online_at
           FROM device WHERE ($1::text IS NULL OR product_key = $1)
       ), ranks AS (
         SELECT r.day, r.metric, count(*) AS n
           FROM daily_rank r JOIN dev ON dev.product_key = r.product_key AND dev.device_name = r.subject
          WHERE r.metric = '${Rank.UpMessages}' AND r.day BETWEEN $2::date AND $3::date
            AND r.value > 0
          GROUP BY r.day, r.metric
       ), connected AS (
         SELECT day, count(DISTINCT k) AS n FROM (
           SELECT r.day, r.product_key || '/' || r.subject AS k
             FROM daily_rank r JOIN dev ON dev.product_key = r.product_key AND dev.device_name = r.subject
            WHERE r.metric = '${Rank.Connects}' AND r.day BETWEEN $2::date AND $3::date AND r.value > 0
           UNION ALL
           SELECT days.day, dev.product_key || '/' || dev.device_name
             FROM days JOIN dev ON dev.status = 'ONLINE'
              AND dev.last_online_at < (days.day + 1)::timestamp AT TIME ZONE 'UTC'
         ) x GROUP BY day
       )
       SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
              (SELECT count(*) FROM dev WHERE dev.created_at < (days.day + 1)::timestamp AT TIME ZONE 'UTC') AS created,
              (SELECT count(*) FROM dev WHERE dev.activated_at < (days.day + 1)::timestamp AT TIME ZONE 'UTC') AS activated,
              coalesce(c.n, 0) AS online,
              coalesce((SELECT n FROM ranks WHERE ranks.day = days.day AND ranks.metric = '${Rank.UpMessages}'), 0) AS active
         FROM days LEFT JOIN connected c ON c.day = days.day
        ORDER BY days.day`,
      [pk, utcDay(now - (TREND_DAYS - 1 + 7) * DAY_MS), today],
    ),
  ])
  const c = counts.rows[0]
  const points: TrendPoint[] = trend.rows.map((r) => ({
    day: r.day,
    created: num(r.created),
    activated: num(r.activated),
    online: num(r.online),
    active: num(r.active),
  }))
  const weekAgo = points.find((p) => p.day === utcDay(now - 7 * DAY_MS))
  const todays = points.find((p) => p.day === today)
  const total = num(c.total)
  const online = num(c.online)
  return {
    at: new Date(now),
    cards: {
      created: change(total, num(c.created_lw)),
      activated: change(num(c.activated), num(c.activated_lw)),
      online: change(online, weekAgo?.online ?? 0),
      active: change(todays?.active ?? 0, weekAgo?.active ?? 0),
    },
    total,
    onlineRate: total === 0 ? 0 : Math.round((online / total) * 10000) / 100,
    trend: points.filter((p) => p.day >= from),
  }
}

export interface RegionCount {
  /** province or city; null: unknown */
  name: string | null
  /** the city's province (level 'city') */
  province: string | null
  online: number
  activated: number
}

/** Devices per province or city: online now and activated (ever), most activated first. */
export async function regions(db: Db, input: TDashboardRegionsInput = {}): Promise<RegionCount[]> {
  const { productKey, level } = ZDashboardRegionsInput.parse(input)
  const col = level === 'city' ? 'city' : 'province'
  const r = await db.pool.query(
    `SELECT ${col} AS name, ${level === 'city' ? 'province' : 'NULL::text'} AS province,
            count(*) FILTER (WHERE status = 'ONLINE') AS online, count(activated_at) AS activated
       FROM device WHERE ($1::text IS NULL OR product_key = $1) AND (activated_at IS NOT NULL OR status = 'ONLINE')
      GROUP BY 1, 2 ORDER BY activated DESC, online DESC, name NULLS LAST`,
    [productKey ?? null],
  )
  return r.rows.map((x) => ({
    name: x.name ?? null,
    province: x.province ?? null,
    online: num(x.online),
    activated: num(x.activated),
  }))
}

export interface DurationBucket {
  /** lower bound exclusive, upper bound inclusive, in days; to null: open-ended */
  from: number
  to: number | null
  online: number
  offline: number
}
export interface EventDay {
  day: string
  info: number
  alert: number
  error: number
}
export interface DeviceCount {
  productKey: string
  deviceName: string
  value: number
}
export interface SubjectCount {
  productKey: string
  subject: string
  value: number
}
export interface DashboardEvents {
  durations: DurationBucket[]
  /** the last 7 UTC days, oldest first */
  distribution: EventDay[]
  topDevices: DeviceCount[]
  topEvents: SubjectCount[]
}

const typesOf = (t: EventFilter) => (t === 'all' ? (['info', 'alert', 'error'] as const) : ([t] as const))

/** Events and cycles: online/offline duration buckets, 7-day event types per day, top-5 devices and events. */
export async function events(db: Db, input: TDashboardEventsInput = {}): Promise<DashboardEvents> {
  const { productKey, type } = ZDashboardEventsInput.parse(input)
  const pk = productKey ?? null
  const now = Date.now()
  const from = utcDay(now - 6 * DAY_MS)
  const to = utcDay(now)
  const deviceMetrics = typesOf(type).map((t) => deviceEventRank[t])
  const eventMetrics = typesOf(type).map((t) => eventRank[t])
  const bounds = [0, ...DURATION_BUCKETS]
  const [durations, distribution, topDevices, topEvents] = await Promise.all([
    // days online since the current connection / offline since the last disconnect (at least part of one day)
    db.pool.query(
      `SELECT status = 'ONLINE' AS online,
              width_bucket(greatest(ceil(extract(epoch FROM now() - CASE WHEN status = 'ONLINE' THEN last_online_at
                ELSE last_offline_at END) / 86400), 1), $2::float8[]) AS bucket,
              count(*) AS n
         FROM device
        WHERE ($1::text IS NULL OR product_key = $1)
          AND CASE WHEN status = 'ONLINE' THEN last_online_at ELSE last_offline_at END IS NOT NULL
        GROUP BY 1, 2`,
      // width_bucket with bounds b0 < b1 < …: value v in [b(i-1), b(i)) → i; our buckets are (a, b] on whole days
      [pk, bounds.map((b) => b + 1)],
    ),
    db.pool.query(
      `SELECT to_char(r.day, 'YYYY-MM-DD') AS day, r.metric, sum(r.value) AS n
         FROM daily_rank r JOIN device d ON d.product_key = r.product_key AND d.device_name = r.subject
        WHERE r.metric = ANY($2::text[]) AND r.day BETWEEN $3::date AND $4::date
          AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2`,
      [pk, Object.values(deviceEventRank), from, to],
    ),
    db.pool.query(
      `SELECT r.product_key, r.subject, sum(r.value) AS n
         FROM daily_rank r JOIN device d ON d.product_key = r.product_key AND d.device_name = r.subject
        WHERE r.metric = ANY($2::text[]) AND r.day BETWEEN $3::date AND $4::date
          AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2 HAVING sum(r.value) > 0 ORDER BY n DESC, r.subject LIMIT 5`,
      [pk, deviceMetrics, from, to],
    ),
    db.pool.query(
      `SELECT r.product_key, r.subject, sum(r.value) AS n
         FROM daily_rank r
        WHERE r.metric = ANY($2::text[]) AND r.day BETWEEN $3::date AND $4::date
          AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2 HAVING sum(r.value) > 0 ORDER BY n DESC, r.subject LIMIT 5`,
      [pk, eventMetrics, from, to],
    ),
  ])
  const buckets: DurationBucket[] = bounds.map((b, i) => ({
    from: b,
    to: DURATION_BUCKETS[i] ?? null,
    online: 0,
    offline: 0,
  }))
  for (const r of durations.rows) {
    const b = buckets[Math.min(Math.max(num(r.bucket) - 1, 0), buckets.length - 1)]!
    if (r.online) b.online += num(r.n)
    else b.offline += num(r.n)
  }
  const days: EventDay[] = []
  for (let i = 6; i >= 0; i--) days.push({ day: utcDay(now - i * DAY_MS), info: 0, alert: 0, error: 0 })
  const typeOf = Object.fromEntries(Object.entries(deviceEventRank).map(([t, m]) => [m, t])) as Record<
    string,
    'info' | 'alert' | 'error'
  >
  for (const r of distribution.rows) {
    const d = days.find((x) => x.day === r.day)
    const t = typeOf[r.metric]
    if (d && t) d[t] += num(r.n)
  }
  return {
    durations: buckets,
    distribution: days,
    topDevices: topDevices.rows.map((r) => ({ productKey: r.product_key, deviceName: r.subject, value: num(r.n) })),
    topEvents: topEvents.rows.map((r) => ({ productKey: r.product_key, subject: r.subject, value: num(r.n) })),
  }
}

export interface DashboardStatus {
  /** the UTC day counted */
  day: string
  /** connects + disconnects today */
  flips: DeviceCount[]
  /** average round trip (platform → device → reply) today, milliseconds */
  latency: (DeviceCount & { replies: number })[]
  /** messages per topic class today */
  topics: SubjectCount[]
}

/** Status and messages: today's top-5 devices by online/offline flips and by average latency, top-5 topic classes. */
export async function status(db: Db, input: TDashboardInput = {}): Promise<DashboardStatus> {
  const { productKey } = ZDashboardInput.parse(input)
  const pk = productKey ?? null
  const day = utcDay(Date.now())
  const [flips, latency, topics] = await Promise.all([
    db.pool.query(
      `SELECT r.product_key, r.subject, sum(r.value) AS n
         FROM daily_rank r JOIN device d ON d.product_key = r.product_key AND d.device_name = r.subject
        WHERE r.metric IN ('${Rank.Connects}', '${Rank.Disconnects}') AND r.day = $2::date
          AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2 HAVING sum(r.value) > 0 ORDER BY n DESC, r.subject LIMIT 5`,
      [pk, day],
    ),
    db.pool.query(
      `SELECT r.product_key, r.subject,
              sum(r.value) FILTER (WHERE r.metric = '${Rank.RttSum}') AS total,
              sum(r.value) FILTER (WHERE r.metric = '${Rank.RttCount}') AS replies
         FROM daily_rank r JOIN device d ON d.product_key = r.product_key AND d.device_name = r.subject
        WHERE r.metric IN ('${Rank.RttSum}', '${Rank.RttCount}') AND r.day = $2::date
          AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2
       HAVING sum(r.value) FILTER (WHERE r.metric = '${Rank.RttCount}') > 0
        ORDER BY sum(r.value) FILTER (WHERE r.metric = '${Rank.RttSum}')
                 / sum(r.value) FILTER (WHERE r.metric = '${Rank.RttCount}') DESC, r.subject
        LIMIT 5`,
      [pk, day],
    ),
    db.pool.query(
      `SELECT r.product_key, r.subject, sum(r.value) AS n
         FROM daily_rank r
        WHERE r.metric = '${Rank.TopicMessages}' AND r.day = $2::date AND ($1::text IS NULL OR r.product_key = $1)
        GROUP BY 1, 2 HAVING sum(r.value) > 0 ORDER BY n DESC, r.subject LIMIT 5`,
      [pk, day],
    ),
  ])
  return {
    day,
    flips: flips.rows.map((r) => ({ productKey: r.product_key, deviceName: r.subject, value: num(r.n) })),
    latency: latency.rows.map((r) => ({
      productKey: r.product_key,
      deviceName: r.subject,
      value: Math.round((num(r.total) / num(r.replies)) * 10) / 10,
      replies: num(r.replies),
    })),
    topics: topics.rows.map((r) => ({ productKey: r.product_key, subject: r.subject, value: num(r.n) })),
  }
}
