import type { EventEmitter } from 'node:events'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { StatusChange } from '../hub/hub'
import { regionOfIp } from './ip'
import { regionOfPoint } from './point'
import type { Region } from './regions'

/** The standard location property (reference TSL: struct Longitude, Latitude, CoordinateSystem…). */
export const GEO_PROPERTY = 'GeoLocation'

interface PropertiesEvent {
  deviceId: string
  values: { identifier: string; value: unknown }[]
}
type Update = { deviceId: string; source: 'ip' | 'device'; region: Region | null }

/** Longitude/latitude of a reported GeoLocation value, or null when it has none. */
export function pointOf(value: unknown): { longitude: number; latitude: number } | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  const longitude = Number(v.Longitude)
  const latitude = Number(v.Latitude)
  if (v.Longitude === undefined || v.Latitude === undefined) return null
  if (!Number.isFinite(longitude) || !Number.isFinite(latitude)) return null
  return { longitude, latitude }
}

/**
 * Keeps `device.province / city / geo_source` current: from the connection IP when a device comes online
 * (offline IP database), or from the device's own `GeoLocation` property (point in the shipped region shapes),
 * which wins — an IP never overwrites a device-reported location. Off the hot path: hub events only queue the
 * device (the latest wins), a flush writes the queue in the background, and a row is written only when its
 * region changes (remembered per device, and the UPDATE's WHERE skips unchanged rows).
 */
export class RegionTracker {
  private readonly pending = new Map<string, Update>()
  /** what each device's row holds (as far as this node knows): skips repeated writes */
  private readonly known = new Map<string, string>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null
  private readonly onStatus = (c: StatusChange) => {
    if (c.status !== 'ONLINE') return
    this.queue({ deviceId: c.deviceId, source: 'ip', region: regionOfIp(c.ip) })
  }
  private readonly onProperties = (e: PropertiesEvent) => {
    for (const v of e.values) {
      if (v.identifier !== GEO_PROPERTY && !v.identifier.endsWith(`:${GEO_PROPERTY}`)) continue
      const p = pointOf(v.value)
      if (p) this.queue({ deviceId: e.deviceId, source: 'device', region: regionOfPoint(p.longitude, p.latitude) })
    }
  }

  constructor(private readonly opts: { db: Db; hub: EventEmitter; log: Logger; flushMs?: number }) {}

  start() {
    this.opts.hub.on('status', this.onStatus)
    this.opts.hub.on('properties', this.onProperties)
  }

  /** Stops listening and writes what is queued. */
  async stop() {
    this.opts.hub.off('status', this.onStatus)
    this.opts.hub.off('properties', this.onProperties)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.flushing
    await this.flush()
  }

  /** Writes everything queued now (tests; stop()). */
  async flush(): Promise<void> {
    while (this.pending.size) {
      const batch = [...this.pending.values()]
      this.pending.clear()
      for (const u of batch) {
        try {
          await this.write(u)
        } catch (e) {
          this.known.delete(u.deviceId)
          this.opts.log.error({ err: e, deviceId: u.deviceId }, 'device region update failed')
        }
      }
    }
  }

  private queue(u: Update) {
    const prev = this.pending.get(u.deviceId)
    // a device-reported location queued in the same window is not replaced by an IP
    if (prev?.source === 'device' && u.source === 'ip') return
    const key = `${u.source}|${u.region?.province ?? ''}|${u.region?.city ?? ''}`
    if (this.known.get(u.deviceId) === key) return
    this.pending.set(u.deviceId, u)
    if (!this.timer && !this.flushing) this.schedule()
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.timer = null
      this.flushing = this.flush().finally(() => {
        this.flushing = null
        if (this.pending.size) this.schedule()
      })
    }, this.opts.flushMs ?? 200)
    this.timer.unref()
  }

  private async write(u: Update) {
    const province = u.region?.province ?? null
    const city = u.region?.city ?? null
    const r =
      u.source === 'device'
        ? await this.opts.db.pool.query(
            `UPDATE device SET province = $2, city = $3, geo_source = 'device', updated_at = now()
             WHERE id = $1 AND (province IS DISTINCT FROM $2 OR city IS DISTINCT FROM $3
               OR geo_source IS DISTINCT FROM 'device')`,
            [u.deviceId, province, city],
          )
        : await this.opts.db.pool.query(
            // an IP never replaces what the device reported itself
            `UPDATE device SET province = $2, city = $3, geo_source = 'ip', updated_at = now()
             WHERE id = $1 AND geo_source IS DISTINCT FROM 'device'
               AND (province IS DISTINCT FROM $2 OR city IS DISTINCT FROM $3 OR geo_source IS DISTINCT FROM 'ip')`,
            [u.deviceId, province, city],
          )
    // an IP update refused because the device reported its location: keep asking the DB (rare), else remember
    if (u.source === 'device' || (r.rowCount ?? 0) > 0)
      this.known.set(u.deviceId, `${u.source}|${province ?? ''}|${city ?? ''}`)
  }
}
