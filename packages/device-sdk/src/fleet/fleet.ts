/**
 * Fleet simulation: N virtual devices of one product run a scenario (scenario.ts) against a broker — connect
 * ramp-up, property posts from generators on a jittered interval, random events, churn, reconnect with
 * backoff, and OTA participation as the reference documents it for the device side:
 *
 *   after connecting   → `/ota/device/inform/{pk}/{dn}`   {"id","params":{"version","module"?}}
 *   subscribes         ← `/ota/device/upgrade/{pk}/{dn}`  {"id","code","data":{"version","url","size","sign",…}}
 *   while upgrading    → `/ota/device/progress/{pk}/{dn}` {"id","params":{"step":"1".."100"|"-1".."-4","desc","module"?}}
 *   when done          → inform with the new version (the platform's only proof of success)
 *
 * Built for 10,000 devices in one process: LightClient connections (no mqtt.js), one timer wheel ticking every
 * 100 ms for every device's next action, one set of event hooks for all connections, topics built on demand.
 */
import { EventEmitter } from 'node:events'
import { buildMqttCredentials } from '@iotops/alink'
import { parseUpgrade, verifyFile } from '../ota'
import { LightClient, type LightClientHooks, type QoS, type TransportFactory, tcpTransport } from './light-client'
import {
  churnProbabilityPerTick,
  type GeneratorState,
  type GeneratorValue,
  generatorValue,
  initGeneratorState,
  OTA_FAIL_STEPS,
  type RandomSource,
  type TFleetScenario,
  type TFleetScenarioInput,
  type TGenerator,
  ZFleetScenario,
} from './scenario'
import { TimerWheel } from './scheduler'

export interface FleetDevice {
  productKey: string
  deviceName: string
  deviceSecret: string
}

export interface FleetLogEntry {
  at: number
  level: 'info' | 'warn' | 'error'
  /** e.g. connect_refused, disconnected, ota_upgrade, ota_failed, ota_succeeded, reply_error */
  kind: string
  message: string
  device?: string
  code?: number
}

export interface FleetOptions {
  /** the devices to run; the first `scenario.count` are used */
  devices: readonly FleetDevice[]
  scenario: TFleetScenarioInput | TFleetScenario
  /** `mqtt://host:port`; or give `transport` */
  url?: string
  transport?: TransportFactory
  /** notable happenings (refusals, drops, OTA outcomes); at most 50 entries a second, then a summary */
  log?: (entry: FleetLogEntry) => void
  /** random source for generators, jitter, churn and OTA outcomes (default Math.random) */
  random?: RandomSource
  /** firmware download for `ota.verifyFirmware` (default: global fetch) */
  fetchFirmware?: (url: string) => Promise<Uint8Array>
  /** scheduler tick (default 100 ms) */
  tickMs?: number
}

export interface FleetStats {
  /** devices this fleet runs */
  target: number
  connected: number
  connecting: number
  /** connections opened so far (first connects, reconnects, retries) */
  connectAttempts: number
  /** every PUBLISH sent: property posts, events, OTA inform and progress */
  sentTotal: number
  /** PUBACKs received (QoS 1) */
  ackedTotal: number
  propertyPosts: number
  eventPosts: number
  /** ticks skipped because the device still had `maxInflight` unacknowledged messages */
  skippedTicks: number
  repliesOk: number
  repliesError: number
  replyLatencyMs: { avg: number; max: number }
  errors: {
    /** CONNACK refusals by return code */
    connectRefused: Record<string, number>
    /** connections that failed before a CONNACK (socket error, timeout) */
    connectFailed: number
    /** connections lost that the scenario did not drop */
    disconnects: number
    /** `_reply` not received within `replyTimeoutMs` */
    timeouts: number
    /** `_reply` codes other than 200, by code */
    replyCodes: Record<string, number>
    subscribeRefused: number
  }
  churn: { disconnects: number; reconnects: number }
  /** over the last 5 s */
  msgsPerSecond: number
  ackedPerSecond: number
  repliesPerSecond: number
  ota: {
    informed: number
    upgradesReceived: number
    upgradesIgnored: number
    progressReported: number
    succeeded: number
    failed: number
  }
  startedAt: number | null
  /** when every device was connected at once for the first time */
  allConnectedAt: number | null
  stoppedAt: number | null
}

/** Share of failures: (error replies + reply timeouts + refused/failed connects) / (messages sent + connect attempts). */
export function fleetErrorRatio(s: FleetStats): number {
  const refused = Object.values(s.errors.connectRefused).reduce((a, b) => a + b, 0)
  const bad = s.repliesError + s.errors.timeouts + refused + s.errors.connectFailed
  return bad / Math.max(1, s.sentTotal + s.connectAttempts)
}

enum DevState {
  Idle = 0,
  Connecting = 1,
  Subscribing = 2,
  Online = 3,
  /** waiting to reconnect (after a drop, a churn disconnect or a refusal) */
  Waiting = 4,
  Stopped = 5,
}

/** Timer kinds per device in the wheel: id = device index × KINDS + kind. */
const WAKE = 0
const OTA_STEP = 1
const KINDS = 2

interface OtaJob {
  version: string
  module: string | undefined
  step: number
  /** the step at which it fails; 0 = succeeds */
  failAt: number
  /** waiting for the firmware download */
  downloading: boolean
}

class VDevice {
  client: LightClient<VDevice> | null = null
  state = DevState.Idle
  /** property-post ticks so far (drives replay rows) */
  tick = 0
  /** Alink message ids, unique per device */
  seq = 0
  /** consecutive failed connects (backoff) */
  attempts = 0
  everConnected = false
  version: string
  ota: OtaJob | null = null
  constructor(
    readonly index: number,
    readonly d: FleetDevice,
    readonly props: GeneratorState[],
    readonly eventParams: GeneratorState[][],
    version: string,
  ) {
    this.version = version
  }
}

const RATE_SAMPLES = 6 // 5 s window, one sample a second

export class Fleet extends EventEmitter {
  readonly scenario: TFleetScenario
  private readonly devices: VDevice[]
  private readonly transport: TransportFactory
  private readonly random: RandomSource
  private readonly wheel: TimerWheel
  private readonly hooks: LightClientHooks<VDevice>
  private readonly propIds: string[]
  private readonly propGens: TGenerator[]
  private readonly churnP: number
  private readonly maxConnecting: number
  /** postAfterRampUp: posts wait until this (epoch ms) or until all devices are connected */
  private holdUntil = 0
  private timer: NodeJS.Timeout | null = null
  private stopping = false
  /** pending `_reply` per message: key → sent time (insertion-ordered, so the oldest come first) */
  private readonly pending = new Map<number, number>()
  private readonly samples: { t: number; sent: number; acked: number; replies: number }[] = []
  private lastSampleAt = 0
  private logBudget = 50
  private logSuppressed = 0
  private latencySum = 0
  private latencyCount = 0
  private latencyMax = 0
  private readonly s: FleetStats

  constructor(private readonly opts: FleetOptions) {
    super()
    this.scenario = ZFleetScenario.parse(opts.scenario)
    const sc = this.scenario
    this.random = opts.random ?? Math.random
    if (opts.transport) this.transport = opts.transport
    else if (opts.url) this.transport = tcpTransport(opts.url)
    else throw new Error('give url or transport')
    const list = opts.devices.slice(0, sc.count)
    if (list.length === 0) throw new Error('no devices to run')
    this.propIds = Object.keys(sc.properties)
    this.propGens = this.propIds.map((k) => sc.properties[k]!)
    this.churnP = churnProbabilityPerTick(sc)
    this.maxConnecting = Math.max(20, 2 * sc.rampUpPerSecond)
    this.devices = list.map(
      (d, i) =>
        new VDevice(
          i,
          d,
          this.propIds.map((id, k) => initGeneratorState(this.propGens[k]!, id, this.random)),
          sc.events.map((e) => Object.entries(e.params).map(([id, g]) => initGeneratorState(g, id, this.random))),
          sc.ota.version,
        ),
    )
    this.wheel = new TimerWheel({ capacity: list.length * KINDS, resolutionMs: opts.tickMs ?? 100 })
    this.hooks = {
      connack: (c, code) => this.onConnack(c.ctx, code),
      suback: (c, _id, granted) => this.onSuback(c.ctx, granted),
      puback: () => {
        this.s.ackedTotal++
      },
      message: (c, topic, payload) => this.onMessage(c.ctx, topic, payload),
      close: (c, e) => this.onClose(c.ctx, c, e),
    }
    this.s = {
      target: list.length,
      connected: 0,
      connecting: 0,
      connectAttempts: 0,
      sentTotal: 0,
      ackedTotal: 0,
      propertyPosts: 0,
      eventPosts: 0,
      skippedTicks: 0,
      repliesOk: 0,
      repliesError: 0,
      replyLatencyMs: { avg: 0, max: 0 },
      errors: {
        connectRefused: {},
        connectFailed: 0,
        disconnects: 0,
        timeouts: 0,
        replyCodes: {},
        subscribeRefused: 0,
      },
      churn: { disconnects: 0, reconnects: 0 },
      msgsPerSecond: 0,
      ackedPerSecond: 0,
      repliesPerSecond: 0,
      ota: { informed: 0, upgradesReceived: 0, upgradesIgnored: 0, progressReported: 0, succeeded: 0, failed: 0 },
      startedAt: null,
      allConnectedAt: null,
      stoppedAt: null,
    }
    if (opts.devices.length < sc.count)
      this.log('warn', 'fewer_devices', `the scenario asks for ${sc.count} devices; ${list.length} were given`)
  }

  /** Starts connecting the devices at `rampUpPerSecond`; returns at once. */
  start(): void {
    if (this.s.startedAt !== null) throw new Error('the fleet has already been started')
    const now = Date.now()
    this.s.startedAt = now
    this.lastSampleAt = now
    this.samples.push({ t: now, sent: 0, acked: 0, replies: 0 })
    const step = 1000 / this.scenario.rampUpPerSecond
    if (this.scenario.postAfterRampUp) this.holdUntil = now + this.devices.length * step + 30_000
    for (const d of this.devices) this.wheel.schedule(d.index * KINDS + WAKE, now + d.index * step)
    this.timer = setInterval(() => this.onTick(), this.wheel.resolutionMs)
    this.emit('started')
  }

  /** Disconnects every device (DISCONNECT, then close) and stops; resolves when all connections are closed. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const closing: Promise<void>[] = []
    for (const d of this.devices) {
      this.wheel.cancel(d.index * KINDS + WAKE)
      this.wheel.cancel(d.index * KINDS + OTA_STEP)
      const c = d.client
      if (c) closing.push(c.end())
      else d.state = DevState.Stopped
    }
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(closing),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs)
      }),
    ])
    clearTimeout(timer)
    for (const d of this.devices) d.client?.destroy()
    this.pending.clear()
    this.s.stoppedAt = Date.now()
    this.emit('stopped')
  }

  /** A snapshot of the counters. */
  stats(): FleetStats {
    this.sample(Date.now())
    const s = this.s
    return {
      ...s,
      replyLatencyMs: {
        avg: this.latencyCount ? Math.round((this.latencySum / this.latencyCount) * 10) / 10 : 0,
        max: this.latencyMax,
      },
      errors: {
        ...s.errors,
        connectRefused: { ...s.errors.connectRefused },
        replyCodes: { ...s.errors.replyCodes },
      },
      churn: { ...s.churn },
      ota: { ...s.ota },
    }
  }

  // ───────────────────────────── scheduling ─────────────────────────────

  private readonly fire = (id: number, due: number) => {
    const d = this.devices[(id / KINDS) | 0]!
    if (id % KINDS === WAKE) this.wake(d, due)
    else this.otaStep(d)
  }

  private onTick() {
    const now = Date.now()
    if (this.s.allConnectedAt === null && this.s.connected === this.s.target) this.s.allConnectedAt = now
    if (this.holdUntil && (now >= this.holdUntil || this.s.connected === this.s.target)) this.releaseHold(now)
    this.wheel.advance(now, this.fire)
    if (now - this.lastSampleAt >= 1000) {
      this.lastSampleAt = now
      this.sample(now)
      this.expireReplies(now)
      if (this.logSuppressed) {
        const n = this.logSuppressed
        this.logSuppressed = 0
        this.logBudget = 1
        this.log('warn', 'log_suppressed', `${n} log entries suppressed in the last second`)
      }
      this.logBudget = 50
    }
  }

  /** postAfterRampUp: every connected device starts posting, spread over one interval */
  private releaseHold(now: number) {
    this.holdUntil = 0
    this.log('info', 'ramp_up_done', `${this.s.connected} of ${this.s.target} connected; posting starts`)
    for (const d of this.devices)
      if (d.state === DevState.Online)
        this.wheel.schedule(d.index * KINDS + WAKE, now + this.random() * this.scenario.intervalMs)
  }

  private sample(now: number) {
    const s = this.s
    const last = this.samples[this.samples.length - 1]
    const replies = s.repliesOk + s.repliesError
    if (!last || now - last.t >= 1000) {
      this.samples.push({ t: now, sent: s.sentTotal, acked: s.ackedTotal, replies })
      if (this.samples.length > RATE_SAMPLES) this.samples.shift()
    }
    const first = this.samples[0]!
    const dt = (now - first.t) / 1000
    if (dt <= 0) return
    s.msgsPerSecond = Math.round((s.sentTotal - first.sent) / dt)
    s.ackedPerSecond = Math.round((s.ackedTotal - first.acked) / dt)
    s.repliesPerSecond = Math.round((replies - first.replies) / dt)
  }

  private expireReplies(now: number) {
    const limit = now - this.scenario.replyTimeoutMs
    for (const [k, at] of this.pending) {
      if (at > limit) break
      this.pending.delete(k)
      this.s.errors.timeouts++
    }
  }

  private wake(d: VDevice, due: number) {
    if (this.stopping) return
    switch (d.state) {
      case DevState.Idle:
      case DevState.Waiting:
        // at most two seconds' worth of the ramp waiting for a CONNACK: a slow node gets fewer new CONNECTs
        // instead of a pile of them that time out and come back as retries
        if (this.s.connecting >= this.maxConnecting) {
          this.wheel.schedule(d.index * KINDS + WAKE, Date.now() + 100 + this.random() * 400)
          return
        }
        this.connect(d)
        return
      case DevState.Online:
        this.postTick(d, due)
        return
      default:
        return
    }
  }

  private nextInterval(): number {
    const { intervalMs, jitter } = this.scenario
    return intervalMs * (1 + jitter * (2 * this.random() - 1))
  }

  // ───────────────────────────── connection ─────────────────────────────

  private connect(d: VDevice) {
    if (d.everConnected) this.s.churn.reconnects++
    const cred = buildMqttCredentials({
      productKey: d.d.productKey,
      deviceName: d.d.deviceName,
      deviceSecret: d.d.deviceSecret,
      signMethod: 'hmacsha256',
      timestamp: Date.now(),
    })
    const c = new LightClient<VDevice>({
      transport: this.transport,
      clientId: cred.clientId,
      username: cred.username,
      password: cred.password,
      keepalive: this.scenario.keepaliveSeconds,
      connectTimeoutMs: this.scenario.connectTimeoutMs,
      hooks: this.hooks,
      ctx: d,
    })
    d.client = c
    d.state = DevState.Connecting
    this.s.connecting++
    this.s.connectAttempts++
    try {
      c.start()
    } catch (e) {
      // the transport factory threw: treat as a failed connect
      this.onClose(d, c, e as Error)
    }
  }

  private onConnack(d: VDevice, code: number) {
    if (code !== 0) {
      const k = String(code)
      this.s.errors.connectRefused[k] = (this.s.errors.connectRefused[k] ?? 0) + 1
      this.log('warn', 'connect_refused', `CONNACK ${code}`, d, code)
      return // the close hook follows
    }
    if (d.state !== DevState.Connecting) return
    this.s.connecting--
    d.state = DevState.Subscribing
    d.attempts = 0
    const { productKey: pk, deviceName: dn } = d.d
    const filters = [`/sys/${pk}/${dn}/thing/event/+/post_reply`]
    if (this.scenario.ota.enabled) filters.push(`/ota/device/upgrade/${pk}/${dn}`)
    d.client!.subscribe(filters, 0)
  }

  private onSuback(d: VDevice, granted: number[]) {
    if (d.state !== DevState.Subscribing) return
    if (granted.some((g) => g === 128)) {
      this.s.errors.subscribeRefused++
      this.log('warn', 'subscribe_refused', 'a reply or OTA subscription was refused', d)
    }
    d.state = DevState.Online
    d.everConnected = true
    this.s.connected++
    const now = Date.now()
    if (this.scenario.ota.enabled) this.inform(d)
    // first post at a random point of the first interval: spreads the load even when the ramp is steep
    if (!this.holdUntil) this.wheel.schedule(d.index * KINDS + WAKE, now + this.random() * this.scenario.intervalMs)
    if (d.ota && !d.ota.downloading && this.wheel.dueAt(d.index * KINDS + OTA_STEP) === 0)
      this.wheel.schedule(d.index * KINDS + OTA_STEP, now + this.scenario.ota.stepDelayMs)
  }

  private onClose(d: VDevice, c: LightClient<VDevice>, e: Error | undefined) {
    if (d.client !== c) return
    d.client = null
    this.forgetPending(d)
    const was = d.state
    if (was === DevState.Connecting) this.s.connecting--
    if (was === DevState.Online) this.s.connected--
    if (this.stopping) {
      d.state = DevState.Stopped
      return
    }
    if (was === DevState.Waiting) return // a churn drop: its reconnect is already scheduled
    d.state = DevState.Waiting
    if (was === DevState.Connecting) {
      if (!(e && e.name === 'ConnackError')) {
        this.s.errors.connectFailed++
        this.log('warn', 'connect_failed', e?.message ?? 'connection closed before CONNACK', d)
      }
    } else {
      this.s.errors.disconnects++
      this.log('warn', 'disconnected', e?.message ?? 'connection lost', d)
    }
    const backoff = Math.min(60_000, 1000 * 2 ** Math.min(d.attempts, 6)) * (0.5 + this.random() / 2)
    d.attempts++
    this.wheel.schedule(d.index * KINDS + WAKE, Date.now() + backoff)
  }

  // ───────────────────────────── messages ─────────────────────────────

  private postTick(d: VDevice, due: number) {
    const sc = this.scenario
    const c = d.client!
    const now = Date.now()
    const next = Math.max(now + 100, due + this.nextInterval())
    // churn: a socket reset, as when a device loses its network; never in the middle of an upgrade
    if (this.churnP > 0 && d.ota === null && this.random() < this.churnP) {
      this.s.churn.disconnects++
      this.s.connected--
      d.state = DevState.Waiting
      this.forgetPending(d)
      d.client = null
      c.destroy()
      const { min, max } = sc.churn.reconnectAfterMs
      this.wheel.schedule(d.index * KINDS + WAKE, now + min + this.random() * (max - min))
      return
    }
    this.wheel.schedule(d.index * KINDS + WAKE, next)
    if (sc.qos === 1 && c.inflight >= sc.maxInflight) {
      this.s.skippedTicks++
      return
    }
    const { productKey: pk, deviceName: dn } = d.d
    const tick = d.tick++
    if (this.propIds.length) {
      const params: Record<string, GeneratorValue> = {}
      let any = false
      for (let k = 0; k < this.propIds.length; k++) {
        const v = generatorValue(this.propGens[k]!, d.props[k]!, tick, now, this.random)
        if (v !== undefined) {
          params[this.propIds[k]!] = v
          any = true
        }
      }
      if (any) {
        this.request(d, `/sys/${pk}/${dn}/thing/event/property/post`, 'thing.event.property.post', params, now)
        this.s.propertyPosts++
      }
    }
    for (let e = 0; e < sc.events.length; e++) {
      const ev = sc.events[e]!
      if (ev.probability === 0 || this.random() >= ev.probability) continue
      const value: Record<string, GeneratorValue> = {}
      const ids = Object.keys(ev.params)
      for (let k = 0; k < ids.length; k++) {
        const v = generatorValue(ev.params[ids[k]!]!, d.eventParams[e]![k]!, tick, now, this.random)
        if (v !== undefined) value[ids[k]!] = v
      }
      this.request(
        d,
        `/sys/${pk}/${dn}/thing/event/${ev.identifier}/post`,
        `thing.event.${ev.identifier}.post`,
        { value, time: now },
        now,
      )
      this.s.eventPosts++
    }
  }

  /** An Alink request whose `_reply` is awaited (counted, timed). */
  private request(d: VDevice, topic: string, method: string, params: unknown, now: number) {
    const id = ++d.seq
    const payload = JSON.stringify({ id: String(id), version: '1.0', params, method })
    this.pending.set(this.replyKey(d, id), now)
    this.publish(d, topic, payload, this.scenario.qos)
  }

  private publish(d: VDevice, topic: string, payload: string, qos: QoS) {
    const c = d.client
    if (!c?.connected) return
    this.s.sentTotal++
    c.publish(topic, payload, qos)
  }

  private replyKey(d: VDevice, id: number) {
    return (id % 1_000_000) * 16_384 + d.index
  }

  /** Forgets the replies a device still waits for (its connection is gone; they will not come). */
  private forgetPending(d: VDevice) {
    const lookback = Math.min(d.seq, this.scenario.maxInflight + this.scenario.events.length + 8)
    for (let k = 0; k < lookback; k++) this.pending.delete(this.replyKey(d, d.seq - k))
  }

  private onMessage(d: VDevice, topic: string, payload: Buffer) {
    if (topic.endsWith('_reply')) {
      let body: { id?: unknown; code?: unknown; message?: unknown }
      try {
        body = JSON.parse(payload.toString('utf8'))
      } catch {
        return
      }
      const key = this.replyKey(d, Number(body.id))
      const at = this.pending.get(key)
      if (at !== undefined) {
        this.pending.delete(key)
        const ms = Date.now() - at
        this.latencySum += ms
        this.latencyCount++
        if (ms > this.latencyMax) this.latencyMax = ms
      }
      if (body.code === 200) this.s.repliesOk++
      else {
        this.s.repliesError++
        const k = String(body.code)
        this.s.errors.replyCodes[k] = (this.s.errors.replyCodes[k] ?? 0) + 1
        this.log('warn', 'reply_error', `${topic}: code ${k} ${String(body.message ?? '')}`.trim(), d, Number(k))
      }
      return
    }
    if (topic.startsWith('/ota/device/upgrade/')) this.onUpgrade(d, payload)
  }

  // ───────────────────────────── OTA ─────────────────────────────

  private inform(d: VDevice, module = this.scenario.ota.module) {
    const params: { version: string; module?: string } = { version: d.version }
    if (module && module !== 'default') params.module = module
    this.publish(
      d,
      `/ota/device/inform/${d.d.productKey}/${d.d.deviceName}`,
      JSON.stringify({ id: String(++d.seq), params }),
      1,
    )
    this.s.ota.informed++
  }

  private progress(d: VDevice, step: string, desc: string, module: string | undefined) {
    const params: { step: string; desc: string; module?: string } = { step, desc }
    if (module && module !== 'default') params.module = module
    this.publish(
      d,
      `/ota/device/progress/${d.d.productKey}/${d.d.deviceName}`,
      JSON.stringify({ id: String(++d.seq), params }),
      1,
    )
    this.s.ota.progressReported++
  }

  private onUpgrade(d: VDevice, payload: Buffer) {
    const ota = this.scenario.ota
    let body: { data?: Record<string, unknown> }
    try {
      body = JSON.parse(payload.toString('utf8'))
    } catch {
      this.log('warn', 'ota_bad_notice', 'an upgrade notice that is not JSON', d)
      return
    }
    const data = body.data ?? {}
    const version = typeof data.version === 'string' ? data.version : ''
    if (!ota.acceptUpgrades || !version) {
      this.s.ota.upgradesIgnored++
      if (!version) this.log('warn', 'ota_bad_notice', 'an upgrade notice without data.version', d)
      return
    }
    this.s.ota.upgradesReceived++
    const module = typeof data.module === 'string' ? data.module : ota.module
    const fails = this.random() >= ota.successRatio
    const job: OtaJob = {
      version,
      module,
      step: 0,
      failAt: fails ? 1 + Math.floor(this.random() * ota.steps) : 0,
      downloading: false,
    }
    d.ota = job
    this.log('info', 'ota_upgrade', `upgrade to ${version}${module ? ` (${module})` : ''}`, d)
    const id = d.index * KINDS + OTA_STEP
    if (ota.verifyFirmware && (typeof data.url === 'string' || Array.isArray(data.files))) {
      job.downloading = true
      void this.verify(data).then((failure) => {
        if (d.ota !== job || this.stopping) return
        job.downloading = false
        if (failure) {
          this.fail(d, job, failure.step, failure.desc)
          return
        }
        this.wheel.schedule(id, Date.now() + ota.stepDelayMs)
      })
      return
    }
    this.wheel.schedule(id, Date.now() + ota.stepDelayMs)
  }

  /** Downloads each file of the notice and checks it (ota.ts verifyFile); a failure as the progress step to report. */
  private async verify(data: Record<string, unknown>): Promise<{ step: -2 | -3; desc: string } | null> {
    const u = parseUpgrade(data)
    if (!u) return { step: -3, desc: 'the upgrade notice has no version' }
    for (const f of u.files) {
      if (!f.url) continue
      let bytes: Uint8Array
      try {
        bytes = this.opts.fetchFirmware ? await this.opts.fetchFirmware(f.url) : await defaultFetch(f.url)
      } catch (e) {
        return { step: -2, desc: `download failed: ${(e as Error).message}`.slice(0, 128) }
      }
      try {
        verifyFile(u, f, Buffer.from(bytes))
      } catch (e) {
        return { step: -3, desc: (e as Error).message.slice(0, 128) }
      }
    }
    return null
  }

  private otaStep(d: VDevice) {
    const job = d.ota
    if (!job || this.stopping) return
    const ota = this.scenario.ota
    const id = d.index * KINDS + OTA_STEP
    // offline: try again later (onSuback also resumes it)
    if (d.state !== DevState.Online) return
    job.step++
    if (job.failAt && job.step >= job.failAt) {
      this.fail(d, job, ota.failStep, OTA_FAIL_STEPS[String(ota.failStep) as keyof typeof OTA_FAIL_STEPS])
      return
    }
    const pct = Math.round((100 * job.step) / ota.steps)
    this.progress(d, String(pct), pct < 100 ? `upgrading ${pct}%` : 'upgrade complete', job.module)
    if (job.step < ota.steps) {
      this.wheel.schedule(id, Date.now() + ota.stepDelayMs)
      return
    }
    d.version = job.version
    d.ota = null
    this.inform(d, job.module)
    this.s.ota.succeeded++
    this.log('info', 'ota_succeeded', `now at ${job.version}`, d)
  }

  private fail(d: VDevice, job: OtaJob, step: number, desc: string) {
    this.progress(d, String(step), desc, job.module)
    d.ota = null
    this.s.ota.failed++
    this.log('warn', 'ota_failed', `upgrade to ${job.version} failed: step ${step} ${desc}`, d, step)
  }

  // ───────────────────────────── log ─────────────────────────────

  private log(level: FleetLogEntry['level'], kind: string, message: string, d?: VDevice, code?: number) {
    if (!this.opts.log && this.listenerCount('log') === 0) return
    if (this.logBudget <= 0) {
      this.logSuppressed++
      return
    }
    this.logBudget--
    const entry: FleetLogEntry = { at: Date.now(), level, kind, message }
    if (d) entry.device = `${d.d.productKey}/${d.d.deviceName}`
    if (code !== undefined) entry.code = code
    this.opts.log?.(entry)
    this.emit('log', entry)
  }
}

async function defaultFetch(url: string): Promise<Uint8Array> {
  const r = await fetch(url)
  if (!r.ok) throw new Error(`HTTP ${r.status}`)
  return new Uint8Array(await r.arrayBuffer())
}
