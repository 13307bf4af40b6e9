import type { Db } from '@iotops/db'
import { badRequest } from '../errors'
import { Metric } from '../metrics/codes'
import { metricSeries } from '../metrics/query'
import type { Point } from '../metrics/series'
import { BizType } from '../runlog/writer'
import type { TReportInput } from './schema'

export interface Slice {
  key: string
  value: number
}

/**
 * The log service's report set, as the reference lists it, for one product or all over a time range (≤ 7 days;
 * 1-minute points up to a day, coarser beyond): online/offline counts, online devices by region, messages up and
 * down, top-20 devices by messages, thing-model check errors by code and top-10 devices, API call errors by code,
 * the latest 20 device error logs. Data-script, forwarding and server-subscription figures come from those
 * features' run-log records (business types they log); where no feature logs them yet they are empty.
 */
export async function logReport(db: Db, q: TReportInput) {
  const span = q.to.getTime() - q.from.getTime()
  if (span <= 0) throw badRequest('the end must be after the start')
  if (span > 7 * 86_400_000) throw badRequest('a report covers 7 days at most')
  const granularity = span <= 86_400_000 ? 1 : 60
  const series = (metric: string): Promise<Point[]> =>
    metricSeries(db, { metric, productKey: q.productKey, from: q.from, to: q.to, granularity })
  const pk = q.productKey
  const window = (extra: string) => {
    const params: unknown[] = [q.from, q.to]
    let where = 'ts >= $1 AND ts < $2'
    if (pk !== null) {
      params.push(pk)
      where += ` AND product_key = $${params.length}`
    }
    return { where: `${where} ${extra}`, params }
  }
  const codes = async (bizType: string): Promise<Slice[]> => {
    const w = window('AND biz_type = $X AND code <> 200')
    w.params.push(bizType)
    const { rows } = await db.pool.query<{ code: number; n: string }>(
      `SELECT code, count(*) AS n FROM run_log WHERE ${w.where.replace('$X', `$${w.params.length}`)}
       GROUP BY code ORDER BY n DESC LIMIT 10`,
      w.params,
    )
    return rows.map((r) => ({ key: String(r.code), value: Number(r.n) }))
  }
  const topDevices = async (bizType: string, failures: boolean, limit: number): Promise<Slice[]> => {
    const w = window(`AND biz_type = $X ${failures ? 'AND code <> 200' : ''} AND device_name IS NOT NULL`)
    w.params.push(bizType)
    const { rows } = await db.pool.query<{ device_name: string; n: string }>(
      `SELECT device_name, count(*) AS n FROM run_log WHERE ${w.where.replace('$X', `$${w.params.length}`)}
       GROUP BY device_name ORDER BY n DESC, device_name LIMIT ${limit}`,
      w.params,
    )
    return rows.map((r) => ({ key: r.device_name, value: Number(r.n) }))
  }
  const latestErrors = async () => {
    const w = window(`AND level IN ('ERROR', 'FATAL')`)
    const { rows } = await db.pool.query(
      `SELECT ts, product_key, device_name, level, module, code, content FROM device_log WHERE ${w.where}
       ORDER BY ts DESC, id DESC LIMIT 20`,
      w.params,
    )
    return rows.map((r) => ({
      ts: r.ts as Date,
      productKey: r.product_key as string,
      deviceName: r.device_name as string,
      level: r.level as string,
      module: r.module as string,
      code: r.code as string | null,
      content: r.content as string,
    }))
  }
  const onlineByRegion = async (): Promise<Slice[]> => {
    const { rows } = await db.pool.query<{ province: string | null; n: string }>(
      `SELECT province, count(*) AS n FROM device WHERE status = 'ONLINE' ${pk !== null ? 'AND product_key = $1' : ''}
       GROUP BY province ORDER BY n DESC`,
      pk !== null ? [pk] : [],
    )
    return rows.map((r) => ({ key: r.province ?? '', value: Number(r.n) }))
  }
  const [online, offline, up, down, upTop, downTop, tslCodes, tslTop, apiCodes, errors, regions] = await Promise.all([
    series(Metric.NewOnline),
    series(Metric.NewOffline),
    sumSeries([series(Metric.UpMqtt), series(Metric.UpWs)]),
    sumSeries([series(Metric.DownMqtt), series(Metric.DownWs)]),
    topDevices(BizType.Uplink, false, 20),
    topDevices(BizType.Downlink, false, 20),
    codes(BizType.ThingModel),
    topDevices(BizType.ThingModel, true, 10),
    codes(BizType.ApiService),
    latestErrors(),
    onlineByRegion(),
  ])
  return {
    granularity,
    online,
    offline,
    up,
    down,
    onlineByRegion: regions,
    topUpDevices: upTop,
    topDownDevices: downTop,
    tslErrorCodes: tslCodes,
    tslErrorDevices: tslTop,
    apiErrorCodes: apiCodes,
    latestDeviceErrors: errors,
    // features that log these land later (data scripts, forwarding, server-side subscriptions)
    scriptErrorCodes: [] as Slice[],
    scriptErrorDevices: [] as Slice[],
    subscriptionVolume: [] as Point[],
    forwardVolume: await series(Metric.Forwarded),
    latestForwardErrors: [] as { ts: Date; content: string }[],
  }
}

/** Point-wise sum of series (missing points count 0). */
async function sumSeries(all: Promise<Point[]>[]): Promise<Point[]> {
  const sum = new Map<number, number>()
  for (const s of await Promise.all(all)) for (const p of s) sum.set(p.ts, (sum.get(p.ts) ?? 0) + p.value)
  return [...sum].sort((a, b) => a[0] - b[0]).map(([ts, value]) => ({ ts, value }))
}
