import type { Db } from '@iotops/db'
import { ensurePartition } from '@iotops/db'

const MINUTE = 60_000

/**
 * Per-minute counters per (metric, productKey), added up in memory and flushed every few seconds with one
 * upsert that adds to what is stored — several nodes can count into the same minute.
 */
export class MetricCounters {
  private acc = new Map<string, number>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 5000,
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), this.intervalMs)
  }

  add(metric: string, productKey: string, value = 1, at = Date.now()) {
    const minute = Math.floor(at / MINUTE) * MINUTE
    const k = `${metric}\u0000${productKey}\u0000${minute}`
    this.acc.set(k, (this.acc.get(k) ?? 0) + value)
  }

  async flush(): Promise<void> {
    if (this.acc.size === 0) return
    const entries = [...this.acc]
    this.acc = new Map()
    const metrics: string[] = []
    const pks: string[] = []
    const ts: Date[] = []
    const vals: number[] = []
    for (const [k, v] of entries) {
      const [m, pk, minute] = k.split('\u0000')
      metrics.push(m!)
      pks.push(pk!)
      ts.push(new Date(Number(minute)))
      vals.push(v)
    }
    const sql = `INSERT INTO metric_point (metric, product_key, ts, value)
      SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])
      ON CONFLICT (metric, product_key, ts) DO UPDATE SET value = metric_point.value + EXCLUDED.value`
    try {
      await this.db.pool.query(sql, [metrics, pks, ts, vals])
    } catch (e) {
      if ((e as { code?: string }).code === '23514') {
        for (const t of new Set(ts.map((d) => d.getTime()))) await ensurePartition(this.db.pool, 'metric_point', t)
        await this.db.pool.query(sql, [metrics, pks, ts, vals])
        return
      }
      // keep the counts for the next flush
      for (const [k, v] of entries) this.acc.set(k, (this.acc.get(k) ?? 0) + v)
      throw e
    }
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.flush()
  }
}
