import type { Db } from '@iotops/db'
import { notFound } from '../errors'
import { type Aggregation, ALL_PRODUCTS, metricDef } from './codes'
import type { Point } from './series'

export type { Aggregation } from './codes'

export type { Point } from './series'

/**
 * Checks that `key` names a series of the metric (an alarm rule's or a board card's `productKey`): a consumer group
 * for consumer-group metrics, else a product. NOT_FOUND otherwise.
 */
export async function requireSeriesKey(db: Db, metric: string, key: string) {
  const def = metricDef(metric)
  if (def?.chart === 'area' && def.dimension === 'consumerGroup') {
    if (!(await db.prisma.consumerGroup.findUnique({ where: { groupId: key } })))
      throw notFound(`the consumer group ${key}`)
  } else if (!(await db.prisma.product.findUnique({ where: { productKey: key } }))) throw notFound(`the product ${key}`)
}

export interface Window {
  from: Date
  to: Date
  /** minutes per point: 1 or 5 on boards and in alarm rules, coarser for long legacy ranges */
  granularity: number
}

const BIN = (g: number) => `date_bin('${g} minutes'::interval, ts, TIMESTAMPTZ 'epoch')`
const EPOCH = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`

type AreaQuery = Window & { metric: string; productKey: string | null; perProduct?: boolean }

/**
 * The SQL of an area metric per period, selecting (product_key, t epoch ms, v): counters add up in the period, gauges
 * take the last sample of the period. Periods without any point are absent (the caller decides whether a gap means
 * 0 or "no data"). `productKey` null reads the all-products total the recorder keeps; `perProduct` gives one series
 * per product instead (alarm rules judge every product on its own).
 */
function areaSql(q: AreaQuery): { sql: string; params: unknown[] } {
  const def = metricDef(q.metric)
  if (def?.chart !== 'area') throw new Error(`${q.metric} is not an area metric`)
  const series = def.instance
    ? "product_key = ''"
    : q.productKey !== null
      ? 'product_key = $4'
      : q.perProduct
        ? `product_key NOT IN ('', '${ALL_PRODUCTS}')`
        : `product_key = '${ALL_PRODUCTS}'`
  const params: unknown[] = [q.metric, q.from, q.to]
  if (!def.instance && q.productKey !== null) params.push(q.productKey)
  const where = `metric = $1 AND ts >= $2 AND ts < $3 AND ${series}`
  // a minute point is already one period at 1-minute granularity; coarser periods add up (counters) or keep the
  // period's last sample (gauges)
  const sql =
    q.granularity === 1
      ? `SELECT product_key, ${EPOCH('ts')} AS t, value AS v FROM metric_point WHERE ${where}`
      : def.kind === 'gauge'
        ? `SELECT DISTINCT ON (product_key, b) product_key, ${EPOCH('b')} AS t, value AS v
           FROM (SELECT product_key, ${BIN(q.granularity)} AS b, ts, value FROM metric_point WHERE ${where}) x
           ORDER BY product_key, b, ts DESC`
        : `SELECT product_key, ${EPOCH(BIN(q.granularity))} AS t, sum(value) AS v
           FROM metric_point WHERE ${where} GROUP BY product_key, 2`
  return { sql, params }
}

/** An area metric's points, per product when asked (alarm evaluation, the old view). */
export async function metricPoints(db: Db, q: AreaQuery): Promise<{ productKey: string; ts: number; value: number }[]> {
  const { sql, params } = areaSql(q)
  const { rows } = await db.pool.query<{ product_key: string; t: number; v: number }>(
    `SELECT * FROM (${sql}) x ORDER BY product_key, t`,
    params,
  )
  return rows.map((r) => ({ productKey: r.product_key, ts: r.t, value: r.v }))
}

export async function metricSeries(
  db: Db,
  q: Window & { metric: string; productKey: string | null },
): Promise<Point[]> {
  return (await metricPoints(db, q)).map(({ ts, value }) => ({ ts, value }))
}

/** `[[t…], [v…]]` as JSON text, built by PostgreSQL (see `decodeSeries`). */
const columnsJson = (v: string) =>
  `json_build_array(coalesce(array_agg(t ORDER BY t), '{}'), coalesce(array_agg(${v} ORDER BY t), '{}'))::text`

/** An area metric for a board card: the series already encoded as `decodeSeries` text. */
export async function metricSeriesText(
  db: Db,
  q: Window & { metric: string; productKey: string | null },
): Promise<string> {
  const { sql, params } = areaSql(q)
  const { rows } = await db.pool.query<{ s: string }>(`SELECT ${columnsJson('v')} AS s FROM (${sql}) x`, params)
  return rows[0]!.s
}

const PROPERTY_AGG: Record<Aggregation, string> = {
  latest: 'l',
  count: 'c',
  sum: 's',
  min: 'mn',
  max: 'mx',
  avg: 's / nullif(c, 0)',
}

/**
 * A numeric thing-model property per period, for one device or all devices of the product: one `decodeSeries`
 * text per aggregation.
 */
export async function propertySeries(
  db: Db,
  q: Window & { productKey: string; identifier: string; deviceName: string | null; aggregations: Aggregation[] },
): Promise<Record<Aggregation, string>> {
  const where = 'product_key = $1 AND identifier = $2 AND device_name = $3 AND ts >= $4 AND ts < $5'
  const periods =
    q.granularity === 1
      ? `SELECT ${EPOCH('ts')} AS t, count::float8 AS c, sum AS s, min AS mn, max AS mx, last AS l
         FROM property_metric WHERE ${where}`
      : `SELECT ${EPOCH(BIN(q.granularity))} AS t, sum(count)::float8 AS c, sum(sum) AS s, min(min) AS mn,
                max(max) AS mx, (array_agg(last ORDER BY last_at DESC))[1] AS l
         FROM property_metric WHERE ${where} GROUP BY 1`
  const aggs = [...new Set(q.aggregations)]
  const { rows } = await db.pool.query<Record<string, string>>(
    `SELECT ${aggs.map((a) => `${columnsJson(PROPERTY_AGG[a])} AS "${a}"`).join(', ')} FROM (${periods}) x`,
    [q.productKey, q.identifier, q.deviceName ?? '', q.from, q.to],
  )
  return Object.fromEntries(aggs.map((a) => [a, rows[0]![a]!])) as Record<Aggregation, string>
}

export interface RankItem {
  subject: string
  productKey: string | null
  value: number
}

/** A top-5 card: day counters of the UTC day of `day`, or the devices' regions now. */
export async function ranking(db: Db, q: { code: string; productKey: string | null; day: Date }): Promise<RankItem[]> {
  const def = metricDef(q.code)
  if (def?.chart !== 'rank') throw new Error(`${q.code} is not a ranking`)
  if (def.subject === 'province' || def.subject === 'city') {
    const col = def.subject === 'province' ? 'province' : 'city'
    const cond = q.code.startsWith('Online') ? `status = 'ONLINE'` : 'activated_at IS NOT NULL'
    const { rows } = await db.pool.query<{ subject: string | null; v: string }>(
      `SELECT ${col} AS subject, count(*) AS v FROM device WHERE ${cond} ${q.productKey !== null ? 'AND product_key = $1' : ''}
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
      q.productKey !== null ? [q.productKey] : [],
    )
    return rows.map((r) => ({ subject: r.subject ?? '', productKey: null, value: Number(r.v) }))
  }
  const params: unknown[] = [q.day.toISOString().slice(0, 10), def.sums]
  if (q.productKey !== null) params.push(q.productKey)
  const { rows } = await db.pool.query<{ subject: string; product_key: string; v: number }>(
    `SELECT subject, product_key, sum(value) AS v FROM daily_rank
     WHERE day = $1::date AND metric = ANY($2) ${q.productKey !== null ? 'AND product_key = $3' : ''}
     GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 5`,
    params,
  )
  return rows.map((r) => ({ subject: r.subject, productKey: r.product_key, value: Number(r.v) }))
}
