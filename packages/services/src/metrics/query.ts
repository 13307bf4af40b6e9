import type { Db } from '@iotops/db'
import { metricDef } from './codes'

export type Aggregation = 'latest' | 'count' | 'sum' | 'min' | 'max' | 'avg'
export const AGGREGATIONS: readonly Aggregation[] = ['latest', 'count', 'sum', 'min', 'max', 'avg']

export interface Point {
  /** start of the period, epoch ms */
  ts: number
  value: number
}

export interface Window {
  from: Date
  to: Date
  /** minutes per point: 1 or 5 on boards and in alarm rules, coarser for long legacy ranges */
  granularity: number
}

const BIN = (g: number) => `date_bin('${g} minutes'::interval, ts, TIMESTAMPTZ 'epoch')`

/**
 * An area metric per period: counters add up in the period, gauges take each product's last sample of the
 * period. Periods without any point are absent (the caller decides whether a gap means 0 or "no data").
 * `perProduct` keeps one series per product (alarm rules evaluate every product on its own); otherwise the
 * products are added together.
 */
export async function metricPoints(
  db: Db,
  q: Window & { metric: string; productKey: string | null; perProduct?: boolean },
): Promise<{ productKey: string; ts: number; value: number }[]> {
  const def = metricDef(q.metric)
  if (!def || def.chart !== 'area') throw new Error(`${q.metric} is not an area metric`)
  const params: unknown[] = [q.metric, q.from, q.to]
  const byProduct = q.productKey !== null ? (params.push(q.productKey), 'AND product_key = $4') : ''
  const inner =
    def.kind === 'gauge'
      ? `SELECT DISTINCT ON (product_key, t) product_key, ${BIN(q.granularity)} AS t, value
         FROM metric_point WHERE metric = $1 AND ts >= $2 AND ts < $3 ${byProduct}
         ORDER BY product_key, t, ts DESC`
      : `SELECT product_key, ${BIN(q.granularity)} AS t, value
         FROM metric_point WHERE metric = $1 AND ts >= $2 AND ts < $3 ${byProduct}`
  const group = q.perProduct ? 'product_key, t' : 't'
  const { rows } = await db.pool.query<{ product_key: string | null; t: Date; v: number }>(
    `SELECT ${q.perProduct ? 'product_key' : 'NULL AS product_key'}, t, sum(value) AS v FROM (${inner}) x
     GROUP BY ${group} ORDER BY ${group}`,
    params,
  )
  return rows.map((r) => ({ productKey: r.product_key ?? '', ts: r.t.getTime(), value: Number(r.v) }))
}

export async function metricSeries(
  db: Db,
  q: Window & { metric: string; productKey: string | null },
): Promise<Point[]> {
  return (await metricPoints(db, q)).map(({ ts, value }) => ({ ts, value }))
}

/** A numeric thing-model property per period, for one device or all devices of the product. */
export async function propertySeries(
  db: Db,
  q: Window & { productKey: string; identifier: string; deviceName: string | null; aggregations: Aggregation[] },
): Promise<Record<Aggregation, Point[]>> {
  const { rows } = await db.pool.query<{ t: Date; c: string; s: number; mn: number; mx: number; l: number }>(
    `SELECT ${BIN(q.granularity)} AS t, sum(count) AS c, sum(sum) AS s, min(min) AS mn, max(max) AS mx,
            (array_agg(last ORDER BY last_at DESC))[1] AS l
     FROM property_metric
     WHERE product_key = $1 AND identifier = $2 AND device_name = $3 AND ts >= $4 AND ts < $5
     GROUP BY 1 ORDER BY 1`,
    [q.productKey, q.identifier, q.deviceName ?? '', q.from, q.to],
  )
  const pick: Record<Aggregation, (r: (typeof rows)[number]) => number> = {
    latest: (r) => r.l,
    count: (r) => Number(r.c),
    sum: (r) => r.s,
    min: (r) => r.mn,
    max: (r) => r.mx,
    avg: (r) => r.s / Number(r.c),
  }
  const out = {} as Record<Aggregation, Point[]>
  for (const a of q.aggregations) out[a] = rows.map((r) => ({ ts: r.t.getTime(), value: pick[a](r) }))
  return out
}

export interface RankItem {
  subject: string
  productKey: string | null
  value: number
}

/** A top-5 card: day counters of the UTC day of `day`, or the devices' regions now. */
export async function ranking(db: Db, q: { code: string; productKey: string | null; day: Date }): Promise<RankItem[]> {
  const def = metricDef(q.code)
  if (!def || def.chart !== 'rank') throw new Error(`${q.code} is not a ranking`)
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
