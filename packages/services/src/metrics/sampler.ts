import type { Db } from '@iotops/db'
import { ALL_PRODUCTS, byProtocol, Metric } from './codes'
import type { MetricsRecorder } from './recorder'

/** The instance spec the watermark metrics are percentages of (setting `instance.spec`). */
export interface InstanceSpec {
  /** devices that may be registered */
  devices: number
  /** messages per second, up and down together */
  messageTps: number
  /** rule-engine forwarding per second */
  forwardTps: number
}
export const DEFAULT_SPEC: InstanceSpec = { devices: 100_000, messageTps: 5_000, forwardTps: 1_000 }
const SPEC_KEY = 'instance.spec'

export async function getInstanceSpec(db: Db): Promise<InstanceSpec> {
  const row = await db.prisma.setting.findUnique({ where: { key: SPEC_KEY } })
  return { ...DEFAULT_SPEC, ...((row?.value as Partial<InstanceSpec> | undefined) ?? {}) }
}

export async function setInstanceSpec(db: Db, spec: InstanceSpec): Promise<InstanceSpec> {
  await db.prisma.setting.upsert({
    where: { key: SPEC_KEY },
    create: { key: SPEC_KEY, value: { ...spec } },
    update: { value: { ...spec } },
  })
  return spec
}

const UP_DOWN = Object.values(byProtocol).flatMap((p) => [p.up, p.down])

/**
 * Samples the level metrics every few seconds: online devices per product and protocol (every product gets a
 * point, 0 included, so "no devices online" is data, not a gap) and the instance watermarks. A gauge keeps the
 * latest sample of its minute, so every node may sample without counting twice.
 */
export class LevelSampler {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Db,
    private readonly recorder: MetricsRecorder,
    private readonly intervalMs = 15_000,
  ) {}

  start() {
    void this.sample().catch(() => {})
    this.timer ??= setInterval(() => void this.sample().catch(() => {}), this.intervalMs)
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  async sample(at = Date.now()) {
    const { rows } = await this.db.pool.query<{ product_key: string; ws: string; mqtt: string; total: string }>(
      `SELECT p.product_key,
              count(d.id) FILTER (WHERE d.status = 'ONLINE' AND d.protocol = 'MQTT_WS') AS ws,
              count(d.id) FILTER (WHERE d.status = 'ONLINE' AND d.protocol IS DISTINCT FROM 'MQTT_WS') AS mqtt,
              count(d.id) AS total
       FROM product p LEFT JOIN device d ON d.product_id = p.id GROUP BY p.product_key`,
    )
    let devices = 0
    let mqtt = 0
    let ws = 0
    for (const r of rows) {
      this.recorder.gauge(Metric.OnlineMqtt, r.product_key, Number(r.mqtt), at)
      this.recorder.gauge(Metric.OnlineWs, r.product_key, Number(r.ws), at)
      devices += Number(r.total)
      mqtt += Number(r.mqtt)
      ws += Number(r.ws)
    }
    this.recorder.gauge(Metric.OnlineMqtt, ALL_PRODUCTS, mqtt, at)
    this.recorder.gauge(Metric.OnlineWs, ALL_PRODUCTS, ws, at)
    const spec = await getInstanceSpec(this.db)
    // message and forwarding rates over the last complete minute
    const minute = Math.floor(at / 60_000) * 60_000 - 60_000
    const rates = await this.db.pool.query<{ msgs: number | null; fwd: number | null }>(
      `SELECT sum(value) FILTER (WHERE metric = ANY($2)) AS msgs, sum(value) FILTER (WHERE metric = $3) AS fwd
       FROM metric_point WHERE ts = $1 AND metric = ANY($4) AND product_key = '*'`,
      [new Date(minute), UP_DOWN, Metric.Forwarded, [...UP_DOWN, Metric.Forwarded]],
    )
    const r = rates.rows[0]
    const pct = (v: number, of: number) => Math.round((v / of) * 10_000) / 100
    this.recorder.gauge(Metric.DeviceNumWatermark, '', pct(devices, spec.devices), at)
    this.recorder.gauge(Metric.MessageTpsWatermark, '', pct(Number(r?.msgs ?? 0) / 60, spec.messageTps), at)
    this.recorder.gauge(Metric.ForwardTpsWatermark, '', pct(Number(r?.fwd ?? 0) / 60, spec.forwardTps), at)
  }
}
