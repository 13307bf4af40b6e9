import { EventEmitter } from 'node:events'
import {
  Codes,
  exampleTslParams,
  findService,
  parseTopic,
  type ThingModel,
  topics,
  validateEventPost,
  validatePropertyPost,
  validatePropertySet,
  validateServiceOutput,
} from '@iotops/alink'
import { Device, RemoteConfig } from '@iotops/device-sdk'
import type { OnPacketCallback } from 'mqtt'
import type { Logger } from 'pino'
import { AppError, badRequest } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { BizType } from '../runlog/writer'
import { payloadText, SimLog, type SimLogEntry } from './log'
import { SIMULATOR_LIMITS, type TPushStrategy, type TServiceReply } from './schema'
import { checkStrategy, nextSlot, type PushPlan, slotTime } from './strategy'

type Packet = Parameters<OnPacketCallback>[0]

/** Why a simulator stopped. */
export type StopReason =
  /** the Stop button (or the API) */
  | 'user'
  /** its page's event stream closed and did not come back within the grace period */
  | 'lease'
  /** no operator action, device traffic or pending push for the maximum idle time */
  | 'idle'
  /** the real device connected and took over (427) */
  | 'kicked'
  /** the device was disabled (522) or deleted (521) */
  | 'disabled'
  | 'deleted'
  /** the connection ended otherwise (keepalive, network; the platform's offline code when known) */
  | 'connection'
  /** the node shut down */
  | 'shutdown'

/** What a push strategy does, when it fires next and how it went. Only the last one set is kept (ref §6). */
export interface StrategyView {
  kind: 'property' | 'event'
  /** the event pushed (null for properties) */
  identifier: string | null
  /** the property values or event parameters sent each time */
  payload: Record<string, unknown>
  mode: 'once' | 'continuous'
  from: Date
  until: Date
  intervalSec: number | null
  total: number
  sent: number
  /** fires whose post was refused or not answered */
  failed: number
  lastCode: number | null
  nextFireAt: Date | null
  status: 'scheduled' | 'finished'
  setAt: Date
  setBy: string
}

export interface SimulatorView {
  sessionId: string
  productKey: string
  deviceName: string
  /** the node the virtual device runs on (sessions live on the node that started them) */
  nodeId: string
  status: 'running' | 'stopped'
  startedAt: Date
  startedBy: string
  stoppedAt: Date | null
  stopReason: StopReason | null
  /** the platform's offline code when it is known (427 kicked, 522 disabled, 1910 keepalive…) */
  stopCode: number | null
  /** open event streams of the page(s) holding the simulator, and when it stops if none comes back */
  lease: { streams: number; expiresAt: Date | null }
  /** when it stops for lack of activity, if nothing happens before */
  idleExpiresAt: Date | null
  strategy: StrategyView | null
  /** custom topics the device subscribed to */
  subscriptions: { topic: string; qos: number }[]
  /** configured service replies by qualified identifier (the others answer success with example output) */
  serviceReplies: Record<string, TServiceReply>
  /** the values the virtual device holds (set by reports and by property sets from the cloud) */
  properties: Record<string, { value: unknown; time: Date }>
  counters: { up: number; down: number }
  /** the last remote configuration the virtual device received, downloaded and verified (ref §9) */
  config: { configId: string; size: number; source: 'push' | 'get'; receivedAt: Date; text: string } | null
}

interface ActiveStrategy {
  view: StrategyView
  plan: PushPlan
  /** the last slot fired (−1 none) */
  slot: number
  timer: NodeJS.Timeout | null
}

export interface SessionOptions {
  id: string
  productKey: string
  deviceName: string
  deviceSecret: string
  startedBy: string
  nodeId: string
  url: string
  hub: DeviceHub
  log: Logger
  /** how long to wait for the platform's reply to a post */
  replyTimeoutMs?: number
}

/** The `<id>` part of the simulator's MQTT clientId, so the platform (and other nodes) can tell it from the real device. */
export const SIMULATOR_CLIENT_PREFIX = 'iotops-simulator@'
export const simulatorClientId = (nodeId: string) => `${SIMULATOR_CLIENT_PREFIX}${nodeId}`.slice(0, 64)

const DEVICE_CLOSE_TIMEOUT_MS = 3000

/**
 * One virtual device (a `Device` of @iotops/device-sdk) connected to this node's own MQTT listener with the device's
 * real credentials, so everything it does goes through the device pipeline like a real device's. Emits `entry`
 * (a device-side log entry), `change` (its view changed) and `stopped`.
 */
export class SimulatorSession extends EventEmitter {
  readonly log: SimLog
  status: 'running' | 'stopped' = 'running'
  readonly startedAt = new Date()
  stoppedAt: Date | null = null
  stopReason: StopReason | null = null
  stopCode: number | null = null
  lastActivity = Date.now()
  private device: Device | null = null
  private strategy: ActiveStrategy | null = null
  private readonly serviceReplies = new Map<string, TServiceReply>()
  private readonly properties = new Map<string, { value: unknown; time: Date }>()
  private readonly subscriptions = new Map<string, number>()
  private readonly counters = { up: 0, down: 0 }
  private config: SimulatorView['config'] = null
  /** short timers of the session (report-back after a property set); cleared on stop */
  private readonly timers = new Set<NodeJS.Timeout>()
  /** work that must end before the session counts as stopped (working out why the connection ended) */
  private readonly pending = new Set<Promise<unknown>>()

  constructor(readonly o: SessionOptions) {
    super()
    this.log = new SimLog(SIMULATOR_LIMITS.logEntries)
  }

  get id() {
    return this.o.id
  }
  get productKey() {
    return this.o.productKey
  }
  get deviceName() {
    return this.o.deviceName
  }

  /** Connects the virtual device; rejects (and logs why) when the platform refuses it. */
  async connect() {
    const { productKey: pk, deviceName: dn } = this.o
    const clientId = simulatorClientId(this.o.nodeId)
    this.add({
      kind: 'behavior',
      event: 'connect',
      topic: this.o.url,
      // the sign parameters, never the secret nor the password
      text: `clientId=${clientId}|securemode=3,signmethod=hmacsha256,timestamp=…| username=${dn}&${pk}`,
    })
    try {
      this.device = await Device.connect({
        url: this.o.url,
        productKey: pk,
        deviceName: dn,
        deviceSecret: this.o.deviceSecret,
        clientId,
        signMethod: 'hmacsha256',
        keepalive: 60,
        reconnectPeriod: 0,
        replyTimeoutMs: this.o.replyTimeoutMs ?? 10_000,
      })
    } catch (e) {
      this.status = 'stopped'
      this.stoppedAt = new Date()
      this.stopReason = 'connection'
      this.add({ kind: 'behavior', event: 'error', text: (e as Error).message })
      throw e
    }
    this.add({ kind: 'behavior', event: 'connack', code: 0 })
    // Device.connect subscribed to the downlink system topics before it returned
    this.add({
      kind: 'behavior',
      event: 'subscribe',
      qos: 0,
      text: [
        topics.reply(topics.propertyPost(pk, dn)),
        `/sys/${pk}/${dn}/thing/event/+/post_reply`,
        topics.propertySet(pk, dn),
        `/sys/${pk}/${dn}/thing/service/+`,
        `/sys/${pk}/${dn}/rrpc/request/+`,
      ].join(' '),
    })
    this.wire(this.device)
    // remote configuration: pushes are downloaded, verified and kept as the device's configuration
    this.device.on('config', (c: { configId: string; size: number; source: 'push' | 'get'; text: string }) => {
      this.config = { configId: c.configId, size: c.size, source: c.source, receivedAt: new Date(), text: c.text }
      this.changed()
    })
    this.device.on('configError', (e: Error) => this.add({ kind: 'behavior', event: 'error', text: e.message }))
    await RemoteConfig.attach(this.device).catch((e: Error) =>
      this.add({ kind: 'behavior', event: 'error', text: `remote configuration: ${e.message}` }),
    )
  }

  private wire(device: Device) {
    const c = device.client
    c.on('packetsend', (p) => this.onPacket('send', p))
    c.on('packetreceive', (p) => this.onPacket('receive', p))
    c.on('error', (e) => this.add({ kind: 'behavior', event: 'error', text: e.message }))
    c.on('close', () => {
      if (this.status === 'running') this.track(this.lost())
    })
    device.onPropertySet((params) => this.answerPropertySet(params))
    device.onService((identifier, params) => this.answerService(identifier, params))
  }

  private onPacket(dir: 'send' | 'receive', p: Packet) {
    if (p.cmd === 'publish') {
      this.activity()
      if (dir === 'send') this.counters.up++
      else this.counters.down++
      this.add({
        kind: dir === 'send' ? 'up' : 'down',
        event: dir === 'send' ? 'publish' : 'received',
        topic: p.topic,
        qos: p.qos,
        payload: payloadText(p.payload as Buffer | string),
      })
    } else if (dir === 'send' && p.cmd === 'subscribe') {
      this.add({ kind: 'behavior', event: 'subscribe', text: p.subscriptions.map((s) => s.topic).join(' ') })
    } else if (dir === 'send' && p.cmd === 'unsubscribe') {
      this.add({ kind: 'behavior', event: 'unsubscribe', text: p.unsubscriptions.join(' ') })
    } else if (dir === 'receive' && p.cmd === 'suback') {
      const granted = (p.granted as unknown[]).map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos))
      this.add({
        kind: 'behavior',
        event: 'suback',
        code: granted.some((g) => g >= 128) ? Codes.TOPIC_AUTH_FAILED : 200,
        text: JSON.stringify(granted),
      })
    }
  }

  add(e: Omit<SimLogEntry, 'seq' | 'ts'>): SimLogEntry {
    const entry = this.log.add(e)
    this.emit('entry', entry)
    return entry
  }

  private changed() {
    this.emit('change')
  }

  /** Something happened (operator action or device traffic): the idle clock restarts. */
  activity() {
    this.lastActivity = Date.now()
  }

  /** A scheduled or continuous push is still to fire: the simulator is not idle. */
  get hasPendingPush() {
    return this.strategy?.view.status === 'scheduled'
  }

  /** Timers this session holds (the strategy's and short ones); 0 once stopped — tests check for leaks. */
  get timerCount() {
    return this.timers.size + (this.strategy?.timer ? 1 : 0)
  }

  private requireDevice(): Device {
    if (this.status !== 'running' || !this.device)
      throw new AppError('PRECONDITION_FAILED', 'the simulator is not running; start it first', Codes.DEVICE_OFFLINE)
    return this.device
  }

  private async product() {
    const p = await this.o.hub.products.get(this.o.productKey)
    if (!p) throw new AppError('NOT_FOUND', `the product ${this.o.productKey} does not exist`)
    return p
  }

  private async model(): Promise<ThingModel> {
    return (await this.product()).thingModel
  }

  // ─────────────────────────────── upstream ───────────────────────────────

  /** Checks property values the way the platform will (TSL codes 63xx, 5092 unknown property). */
  async checkProperties(items: Record<string, unknown>) {
    const v = validatePropertyPost(await this.model(), items)
    if (!v.ok) throw badRequest(v.message, v.code)
  }

  /** Checks event parameters against the event's definition (5096 unknown event, 63xx types). */
  async checkEvent(identifier: string, params: Record<string, unknown>) {
    const v = validateEventPost(await this.model(), identifier, params)
    if (!v.ok) throw badRequest(v.message, v.code)
  }

  /**
   * Posts properties or an event now and returns the platform's reply code. The values the device holds are the
   * reported ones from now on.
   */
  async push(kind: 'property' | 'event', identifier: string | null, payload: Record<string, unknown>) {
    const device = this.requireDevice()
    this.activity()
    if (kind === 'property') {
      const time = new Date()
      for (const [k, value] of Object.entries(payload)) this.properties.set(k, { value, time })
      this.changed()
    }
    try {
      const r =
        kind === 'property' ? await device.postProperties(payload) : await device.postEvent(identifier!, payload)
      return { code: r.code, message: r.message ?? null }
    } catch (e) {
      const message = (e as Error).message
      if (this.status === 'running') this.add({ kind: 'behavior', event: 'error', text: message })
      throw new AppError('TIMEOUT', `the platform did not answer the post: ${message}`, Codes.RRPC_TIMEOUT)
    }
  }

  /** Sets the push strategy; it replaces the previous one (ref §6: only the last strategy is kept and run). */
  setStrategy(
    kind: 'property' | 'event',
    identifier: string | null,
    payload: Record<string, unknown>,
    push: Exclude<TPushStrategy, { mode: 'now' }>,
    by: string,
  ): StrategyView {
    this.requireDevice()
    const c = checkStrategy(push, Date.now())
    if (!c.ok) throw badRequest(c.message, undefined, { field: c.field, problem: c.problem })
    const replaced = this.strategy
    this.clearStrategy()
    const view: StrategyView = {
      kind,
      identifier,
      payload,
      mode: c.plan.mode,
      from: new Date(c.plan.from),
      until: new Date(c.plan.until),
      intervalSec: push.mode === 'continuous' ? push.intervalSec : null,
      total: c.plan.total,
      sent: 0,
      failed: 0,
      lastCode: null,
      nextFireAt: null,
      status: 'scheduled',
      setAt: new Date(),
      setBy: by,
    }
    this.strategy = { view, plan: c.plan, slot: -1, timer: null }
    this.activity()
    this.add({
      kind: 'behavior',
      event: 'strategy',
      detail: replaced ? 'replaced' : 'set',
      text: `${kind}${identifier ? ` ${identifier}` : ''} ${c.plan.mode}: ${c.plan.total} × ${c.plan.intervalMs ? `every ${c.plan.intervalMs / 1000} s ` : ''}from ${view.from.toISOString()}`,
    })
    this.arm(this.strategy)
    this.changed()
    return view
  }

  /** Cancels the push strategy; false when there was none to cancel. */
  cancelStrategy(): boolean {
    const had = this.strategy
    if (!had) return false
    this.clearStrategy()
    this.activity()
    if (had.view.status === 'scheduled') this.add({ kind: 'behavior', event: 'strategy', detail: 'cancelled' })
    this.changed()
    return true
  }

  private clearStrategy() {
    if (this.strategy?.timer) clearTimeout(this.strategy.timer)
    this.strategy = null
  }

  private arm(st: ActiveStrategy) {
    const n = nextSlot(st.plan, st.slot, Date.now())
    if (n === null) {
      st.view.status = 'finished'
      st.view.nextFireAt = null
      this.add({ kind: 'behavior', event: 'strategy', detail: 'finished', text: `${st.view.sent}/${st.view.total}` })
      return
    }
    const at = slotTime(st.plan, n)!
    st.view.nextFireAt = new Date(at)
    st.timer = setTimeout(() => this.fire(st, n), Math.max(0, at - Date.now()))
  }

  private fire(st: ActiveStrategy, n: number) {
    if (this.strategy !== st || this.status !== 'running') return
    st.timer = null
    st.slot = n
    st.view.sent++
    this.add({
      kind: 'behavior',
      event: 'strategy',
      detail: 'fired',
      text: `${n + 1}/${st.view.total}`,
    })
    // the next fire is planned before this post's reply arrives, so a slow reply does not shift the schedule
    this.arm(st)
    this.changed()
    this.push(st.view.kind, st.view.identifier, st.view.payload).then(
      (r) => {
        st.view.lastCode = r.code
        if (r.code !== 200) st.view.failed++
        this.changed()
      },
      () => {
        st.view.failed++
        this.changed()
      },
    )
  }

  /** A custom-topic message from the device (消息上报); only topics its product lets devices publish to. */
  async publish(topic: string, payload: string, qos: 0 | 1) {
    const device = this.requireDevice()
    await this.checkCustomTopic(topic, 'publish')
    this.activity()
    await device.publish(topic, payload, qos)
  }

  /** Subscribes the device to a custom topic (消息订阅); a refusal by the platform comes back as 9236. */
  async subscribe(topic: string, qos: 0 | 1) {
    const device = this.requireDevice()
    await this.checkCustomTopic(topic, 'subscribe')
    this.activity()
    const granted = await device.client.subscribeAsync(topic, { qos })
    if (granted.some((g) => g.qos >= 128))
      throw badRequest(`the platform refused the subscription to ${topic}`, Codes.TOPIC_AUTH_FAILED)
    this.subscriptions.set(topic, qos)
    this.changed()
  }

  async unsubscribe(topic: string) {
    const device = this.requireDevice()
    this.activity()
    if (!this.subscriptions.has(topic)) throw badRequest(`the simulator is not subscribed to ${topic}`)
    await device.client.unsubscribeAsync(topic)
    this.subscriptions.delete(topic)
    this.changed()
  }

  /**
   * A custom topic of this device (`/{pk}/{dn}/user/…`) the product's topic classes allow for the action. Checked
   * here first: the platform disconnects a device that publishes where it may not (9236).
   */
  private async checkCustomTopic(topic: string, action: 'publish' | 'subscribe') {
    const { productKey: pk, deviceName: dn } = this.o
    const prefix = `/${pk}/${dn}/user/`
    if (!topic.startsWith(prefix) || topic.length === prefix.length)
      throw badRequest(`choose a custom topic of this device: ${prefix}…`, Codes.TOPIC_FORMAT_ERROR)
    if (action === 'publish' && parseTopic(topic).kind !== 'custom')
      throw badRequest(
        `${topic} is not a concrete topic: replace the + and # of the topic class with names`,
        Codes.TOPIC_FORMAT_ERROR,
      )
    const access = await this.o.hub.topicAccess({ productKey: pk, deviceName: dn }, topic, action)
    if (!access.allowed)
      throw badRequest(
        `devices of this product may not ${action === 'publish' ? 'publish to' : 'subscribe to'} ${topic}: ${access.reason}; add a topic class with ${action === 'publish' ? 'publish' : 'subscribe'} rights`,
        access.code,
      )
  }

  // ─────────────────────────────── downstream ───────────────────────────────

  /** Sets (or resets, with null) the reply of a service; success output is checked against the definition. */
  async setServiceReply(identifier: string, reply: TServiceReply | null) {
    const model = await this.model()
    if (!findService(model, identifier))
      throw badRequest(`the service ${identifier} is not in the thing model`, Codes.SERVICE_NOT_EXIST)
    if (reply?.mode === 'success') {
      const v = validateServiceOutput(model, identifier, reply.output)
      if (!v.ok) throw badRequest(v.message, v.code)
    }
    if (reply) this.serviceReplies.set(identifier, reply)
    else this.serviceReplies.delete(identifier)
    this.activity()
    this.changed()
  }

  /** Property set from the cloud: checked, applied to the device's values, answered, then reported back. */
  private async answerPropertySet(params: Record<string, unknown>) {
    this.activity()
    const v = validatePropertySet(await this.model(), params)
    if (!v.ok) {
      this.add({ kind: 'behavior', event: 'answer', detail: 'propertySet', code: v.code, text: v.message })
      return { code: v.code, message: v.message }
    }
    const time = new Date()
    for (const { identifier, value } of v.values) this.properties.set(identifier, { value, time })
    this.add({ kind: 'behavior', event: 'answer', detail: 'propertySet', code: 200, text: JSON.stringify(params) })
    this.changed()
    // after the reply went out: report the new values, as a device does once it applied them
    this.later(0, () => {
      if (this.status !== 'running') return
      this.push('property', null, params).catch(() => {})
    })
    return { code: 200 }
  }

  /** Service call (async, or sync over RRPC): the configured reply, else success with example output. */
  private async answerService(identifier: string, _params: Record<string, unknown>) {
    this.activity()
    const svc = findService(await this.model(), identifier)
    const configured = this.serviceReplies.get(identifier)
    let r: { code: number; data?: unknown; message?: string }
    if (!svc) r = { code: Codes.SERVICE_NOT_EXIST, message: `the service ${identifier} is not in the thing model` }
    else if (configured?.mode === 'error') r = { code: configured.code, message: configured.message, data: {} }
    else if (configured?.mode === 'success') r = { code: 200, data: configured.output, message: 'success' }
    else r = { code: 200, data: exampleTslParams(svc.outputData), message: 'success' }
    this.add({
      kind: 'behavior',
      event: 'answer',
      detail: configured ? 'serviceConfigured' : 'serviceDefault',
      topic: identifier,
      code: r.code,
      text: r.message,
    })
    return r
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }

  private track(p: Promise<unknown>) {
    this.pending.add(p)
    void p.finally(() => this.pending.delete(p)).catch(() => {})
  }

  // ─────────────────────────────── stop ───────────────────────────────

  /** Stops the virtual device: cancels its strategy and timers, then disconnects cleanly (the platform logs 200). */
  async close(reason: StopReason, code: number | null = null) {
    if (this.status === 'stopped') {
      await Promise.allSettled([...this.pending])
      return
    }
    this.markStopped(reason, code)
    const device = this.device
    if (device) {
      let timer: NodeJS.Timeout | undefined
      const timedOut = await Promise.race([
        device.close().then(
          () => false,
          () => false,
        ),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), DEVICE_CLOSE_TIMEOUT_MS)
        }),
      ])
      clearTimeout(timer)
      if (timedOut) device.client.stream?.destroy()
    }
    await Promise.allSettled([...this.pending])
    this.emit('stopped')
  }

  private markStopped(reason: StopReason, code: number | null, log = true) {
    this.status = 'stopped'
    this.stoppedAt = new Date()
    this.stopReason = reason
    this.stopCode = code
    this.clearStrategy()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    if (log) this.add({ kind: 'behavior', event: 'disconnect', detail: reason, code: code ?? undefined })
    this.changed()
  }

  /** The connection ended without us: find the platform's offline code (427 kicked, 521/522, 1910…) in the run log. */
  private async lost() {
    const at = new Date()
    this.markStopped('connection', null, false)
    const code = await this.offlineCode(at)
    const reason: StopReason =
      code === Codes.KICKED
        ? 'kicked'
        : code === Codes.DEVICE_DISABLED
          ? 'disabled'
          : code === Codes.DEVICE_DELETED
            ? 'deleted'
            : 'connection'
    this.stopReason = reason
    this.stopCode = code
    this.add({ kind: 'behavior', event: 'disconnect', detail: reason, code: code ?? undefined })
    this.o.log.info(
      { productKey: this.productKey, deviceName: this.deviceName, code, reason },
      'simulator lost its connection',
    )
    this.changed()
    this.emit('stopped')
  }

  private async offlineCode(since: Date): Promise<number | null> {
    for (let i = 0; i < 15; i++) {
      const { rows } = await this.o.hub.db.pool
        .query<{ code: number }>(
          `SELECT code FROM run_log
           WHERE product_key = $1 AND device_name = $2 AND biz_type = $3 AND operation = 'offline'
             AND ts >= $4 AND content LIKE $5
           ORDER BY ts DESC LIMIT 1`,
          [
            this.productKey,
            this.deviceName,
            BizType.Device,
            new Date(since.getTime() - 2000),
            `%${SIMULATOR_CLIENT_PREFIX}%`,
          ],
        )
        .catch(() => ({ rows: [] as { code: number }[] }))
      if (rows[0]) return rows[0].code
      await new Promise((r) => setTimeout(r, 200))
    }
    return null
  }

  view(lease: SimulatorView['lease'], idleExpiresAt: Date | null): SimulatorView {
    return {
      sessionId: this.id,
      productKey: this.productKey,
      deviceName: this.deviceName,
      nodeId: this.o.nodeId,
      status: this.status,
      startedAt: this.startedAt,
      startedBy: this.o.startedBy,
      stoppedAt: this.stoppedAt,
      stopReason: this.stopReason,
      stopCode: this.stopCode,
      lease,
      idleExpiresAt,
      strategy: this.strategy ? { ...this.strategy.view } : null,
      subscriptions: [...this.subscriptions].map(([topic, qos]) => ({ topic, qos })),
      serviceReplies: Object.fromEntries(this.serviceReplies),
      properties: Object.fromEntries(this.properties),
      counters: { ...this.counters },
      config: this.config,
    }
  }
}
