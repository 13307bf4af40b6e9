import type { RateLimitEvent } from '@iotops/alink'

/**
 * Per-device and per-account limits, defaults as the reference documents them for a standard instance.
 * Configurable at start-up (benchmarks and large fleets raise the account limits).
 */
export interface Limits {
  deviceConnectPerMinute: number
  deviceUplinkPerSecond: number
  deviceDownlinkPerSecond: number
  accountConnectPerSecond: number
  accountUplinkPerSecond: number
  accountDownlinkPerSecond: number
}

export const DEFAULT_LIMITS: Limits = {
  deviceConnectPerMinute: 5,
  deviceUplinkPerSecond: 30,
  deviceDownlinkPerSecond: 50,
  accountConnectPerSecond: 500,
  accountUplinkPerSecond: 100_000,
  accountDownlinkPerSecond: 100_000,
}

/** A token bucket: `rate` tokens per `perMs`, bursting up to `rate`. */
class Bucket {
  private tokens: number
  private last = Date.now()
  constructor(
    private readonly rate: number,
    private readonly perMs: number,
  ) {
    this.tokens = rate
  }
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / this.perMs)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

export interface LimitHit {
  event: RateLimitEvent
  productKey?: string
  deviceName?: string
  limit: number
}

export class RateLimiter {
  private devices = new Map<string, { connect: Bucket; up: Bucket; down: Bucket }>()
  private account: { connect: Bucket; up: Bucket; down: Bucket }

  constructor(readonly limits: Limits = DEFAULT_LIMITS) {
    this.account = {
      connect: new Bucket(limits.accountConnectPerSecond, 1000),
      up: new Bucket(limits.accountUplinkPerSecond, 1000),
      down: new Bucket(limits.accountDownlinkPerSecond, 1000),
    }
  }

  private device(pk: string, dn: string) {
    const k = `${pk}/${dn}`
    let d = this.devices.get(k)
    if (!d) {
      d = {
        connect: new Bucket(this.limits.deviceConnectPerMinute, 60_000),
        up: new Bucket(this.limits.deviceUplinkPerSecond, 1000),
        down: new Bucket(this.limits.deviceDownlinkPerSecond, 1000),
      }
      this.devices.set(k, d)
    }
    return d
  }

  /** null when allowed, else which limit was hit. */
  connect(pk: string, dn: string): LimitHit | null {
    if (!this.device(pk, dn).connect.take())
      return {
        event: 'Device_Connect_QPM_Limit',
        productKey: pk,
        deviceName: dn,
        limit: this.limits.deviceConnectPerMinute,
      }
    if (!this.account.connect.take())
      return { event: 'Account_Connect_QPS_Limit', limit: this.limits.accountConnectPerSecond }
    return null
  }

  uplink(pk: string, dn: string): LimitHit | null {
    if (!this.device(pk, dn).up.take())
      return {
        event: 'Device_Uplink_QPS_Limit',
        productKey: pk,
        deviceName: dn,
        limit: this.limits.deviceUplinkPerSecond,
      }
    if (!this.account.up.take()) return { event: 'Account_Uplink_QPS_Limit', limit: this.limits.accountUplinkPerSecond }
    return null
  }

  downlink(pk: string, dn: string): LimitHit | null {
    if (!this.device(pk, dn).down.take())
      return {
        event: 'Device_Downlink_QPS_Limit',
        productKey: pk,
        deviceName: dn,
        limit: this.limits.deviceDownlinkPerSecond,
      }
    if (!this.account.down.take())
      return { event: 'Account_Downlink_QPS_Limit', limit: this.limits.accountDownlinkPerSecond }
    return null
  }

  /** Forget a deleted device's buckets. */
  forget(pk: string, dn: string) {
    this.devices.delete(`${pk}/${dn}`)
  }
}
