import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import {
  Codes,
  deviceTopicAccess,
  parseDeviceConnect,
  parseTopic,
  serverSideSubscriptions,
  verifyDeviceConnect,
} from '@iotops/alink'
import type { Db } from '@iotops/db'
import { Aedes, type AedesOptions, type Client, type PublishPacket, type Subscription } from 'aedes'
import type { Logger } from 'pino'
import { createDeviceLogWriter } from '../devicelog/service'
import { newTraceId } from '../ids'
import { LogDump } from '../logs/dump'
import { Metric } from '../metrics/codes'
import { MetricsRecorder, topicClassOf } from '../metrics/recorder'
import type { ProductCache } from '../products/cache'
import { BizType, createRunLogWriter, logContent, type RunLogRecord, type RunLogWriter } from '../runlog/writer'
import { createPipeline, type Pipeline } from './pipeline'
import { DEFAULT_LIMITS, type LimitHit, type Limits, RateLimiter } from './ratelimit'
import { createStateStore, type StateStore } from './state'

/** What the hub knows about a connected device; kept on the aedes client. */
export interface DeviceSession {
  deviceId: string
  iotId: string
  productKey: string
  deviceName: string
  nodeType: 'DIRECT' | 'GATEWAY' | 'SUB_DEVICE'
  clientId: string
  /** unique per connection (node, client id, time): a replaced connection never takes the new one offline */
  connId: string
  ip: string | null
  protocol: 'MQTT' | 'MQTT_WS'
  connectedAt: number
  /** the offline code to record when this connection ends, set by whoever ends it */
  closeCode?: number
  keepaliveTimedOut?: boolean
  /** Link SDK 4.x (`_ss=1` in the clientId) sends no SUBSCRIBE for system topics: the broker subscribes for it */
  serverSubscribe: boolean
  /** sub-devices logged in through this gateway connection, `pk/dn` → device id */
  subDevices: Map<string, { deviceId: string; productKey: string; deviceName: string }>
}

type IotClient = Client & { iot?: DeviceSession; iotProtocol?: 'MQTT' | 'MQTT_WS'; iotIp?: string | null }

export interface HubOptions {
  db: Db
  log: Logger
  products: ProductCache
  nodeId: string
  limits?: Partial<Limits>
  /** cluster mode: a shared emitter and persistence (mqemitter-redis, aedes-persistence-redis) */
  mq?: AedesOptions['mq']
  persistence?: AedesOptions['persistence']
}

/** Internal topics on the broker's emitter (never reachable by devices: the ACL only admits device topics). */
const INTERNAL = {
  kick: '$iotops/kick',
  product: '$iotops/product',
  reply: '$iotops/reply',
} as const

/**
 * A device message the pipeline accepted (hub event `accepted`, emitted once in `pipeline.ts`): what forwarding and
 * server-side subscription take from the pipeline.
 */
export interface AcceptedMessage {
  productKey: string
  deviceName: string
  topic: string
  payload: Buffer
  traceId: string
  messageId: string | null
  at: Date
}

export interface StatusChange {
  productKey: string
  deviceName: string
  deviceId: string
  status: 'ONLINE' | 'OFFLINE'
  code: number
  at: Date
  /** the connection's remote address (ONLINE of a directly connected device) */
  ip?: string | null
}

/**
 * The device hub: the embedded MQTT broker and the one device pipeline every message goes through.
 * Authentication → ACL → rate limits → Alink router → domain handlers; every step leaves a run-log record,
 * metric increments and a trace (the records sharing a traceId).
 */
export class DeviceHub extends EventEmitter {
  readonly broker: Aedes
  readonly runLog: RunLogWriter
  readonly deviceLogs: ReturnType<typeof createDeviceLogWriter>
  /** long-term copies of the logs of products with storage on */
  readonly logDump: LogDump
  /** sees every run-log record as it is accepted (the OTLP exporter); must not block or throw */
  runLogTap: ((r: RunLogRecord) => void) | null = null
  readonly metrics: MetricsRecorder
  readonly state: StateStore
  readonly limiter: RateLimiter
  readonly pipeline: Pipeline
  /** local connections by `pk/dn` */
  private readonly sessions = new Map<string, IotClient>()
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly limitEventsSeen = new Map<string, number>()
  private closing = false

  private constructor(
    readonly opts: HubOptions,
    broker: Aedes,
  ) {
    super()
    // one listener per open live tail and per pending device reply
    this.setMaxListeners(0)
    this.broker = broker
    // a successful INSERT wakes the live tails of this node (other nodes' tails poll)
    this.runLog = createRunLogWriter(opts.db, {
      onError: (e) => opts.log.error({ err: e }, 'run log write failed; retrying'),
      onRejected: (e, rows) =>
        opts.log.error({ err: e, rows: rows.length }, 'run log rows rejected by PostgreSQL; not stored'),
      onWritten: () => this.emit('written', 'run_log'),
    })
    this.deviceLogs = createDeviceLogWriter(opts.db, {
      onError: (e) => opts.log.error({ err: e }, 'device log write failed; retrying'),
      onWritten: () => this.emit('written', 'device_log'),
    })
    this.logDump = new LogDump(opts.db, opts.log)
    this.metrics = new MetricsRecorder(opts.db)
    this.on('status', (c: StatusChange) => this.metrics.status(c))
    this.state = createStateStore(opts.db, opts.log)
    this.limiter = new RateLimiter({ ...DEFAULT_LIMITS, ...defaultsWith(opts.limits) })
    this.pipeline = createPipeline(this)
  }

  static async create(opts: HubOptions): Promise<DeviceHub> {
    const broker = await Aedes.createBroker({
      id: opts.nodeId,
      mq: opts.mq,
      persistence: opts.persistence,
      // [MQTT-3.1.2-24] the broker disconnects a client silent for 1.5 × keepalive; the reference allows 30–1200 s
      keepaliveLimit: 1200,
      // unbounded emitter concurrency: a bounded queue recurses per queued message and overflows the stack
      // under bursts (mqemitter#204); the cluster emitter is unbounded too
      concurrency: 0,
    })
    const hub = new DeviceHub(opts, broker)
    hub.wire()
    hub.metrics.start()
    await hub.logDump.start()
    await hub.subscribeInternal()
    return hub
  }

  /** aedes' emitter (mqemitter, or mqemitter-redis in cluster mode); not in aedes' type declarations */
  private get mq(): {
    emit(p: object, cb?: () => void): void
    on(t: string, fn: (p: { topic: string; payload: unknown }, cb: () => void) => void, done?: () => void): void
  } {
    return (this.broker as unknown as { mq: DeviceHub['mq'] }).mq
  }

  get db() {
    return this.opts.db
  }
  get log() {
    return this.opts.log
  }
  get products() {
    return this.opts.products
  }

  /** Serve one MQTT connection (TCP socket or WebSocket stream). */
  handle(stream: Duplex, meta: { protocol: 'MQTT' | 'MQTT_WS'; ip: string | null }) {
    if (this.closing) {
      stream.destroy()
      return
    }
    const client = this.broker.handle(stream) as IotClient
    client.iotProtocol = meta.protocol
    client.iotIp = meta.ip
  }

  isConnectedHere(pk: string, dn: string) {
    return this.sessions.has(`${pk}/${dn}`)
  }

  /** Track work that must finish before shutdown completes. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p)
    p.finally(() => this.inflight.delete(p)).catch(() => {})
    return p
  }

  record(r: Omit<RunLogRecord, 'ts'> & { ts?: Date }): Promise<void> {
    const rec = { ts: r.ts ?? new Date(), ...r }
    this.logDump.offerRunLog(rec)
    this.runLogTap?.(rec)
    return this.runLog.pushAndWait(rec)
  }

  // ─────────────────────────────── broker hooks ───────────────────────────────

  private wire() {
    const b = this.broker
    b.preConnect = (_client, _packet, done) => done(null, !this.closing)
    b.authenticate = (client, username, password, done) => {
      this.track(this.authenticate(client as IotClient, username, password))
        .then(() => done(null, true))
        .catch((e: Error & { returnCode?: number }) => done(e as Parameters<typeof done>[0], false))
    }
    b.authorizePublish = (client, packet, done) => {
      const c = client as IotClient | null
      if (!c?.iot) return done(new Error('not an authenticated device'))
      // shutting down: take no new messages (not acknowledged, so the device sends them again elsewhere or later)
      if (this.closing) return done(new Error('the node is shutting down'))
      this.track(this.pipeline.uplink(c.iot, packet))
        .then((r) => done(r.disconnect ? new Error(r.disconnect) : null))
        .catch((e: Error) => {
          this.log.error({ err: e, topic: packet.topic }, 'uplink pipeline failed')
          done(null)
        })
    }
    b.authorizeSubscribe = (client, sub, done) => {
      const c = client as IotClient | null
      if (!c?.iot) return done(new Error('not an authenticated device'))
      this.track(this.authorizeSubscribe(c.iot, sub)).then(
        (ok) => done(null, ok ? sub : null),
        () => done(null, null),
      )
    }
    // never echo a device's own uplink system topics back to it (e.g. …/thing/service/+ matches …/{id}_reply)
    b.authorizeForward = (client, packet) => {
      if (packet.topic.startsWith('/sys/') && (client as IotClient).iot) {
        const t = parseTopic(packet.topic)
        if ('direction' in t && t.direction === 'up') return null
      }
      return packet
    }
    b.on('clientReady', (client) => {
      const c = client as IotClient
      if (c.iot) this.track(this.onOnline(c))
    })
    b.on('keepaliveTimeout', (client) => {
      const c = client as IotClient
      if (c.iot) c.iot.keepaliveTimedOut = true
    })
    b.on('clientDisconnect', (client) => {
      const c = client as IotClient
      if (c.iot) this.track(this.onOffline(c))
    })
    b.on('clientError', (client, err) => {
      this.log.debug({ clientId: client.id, err: err.message }, 'mqtt client error')
    })
    b.on('connectionError', (_client, err) => {
      this.log.debug({ err: err.message }, 'mqtt connection error')
    })
  }

  private async authenticate(client: IotClient, username: string | undefined, password: Buffer | undefined) {
    const traceId = newTraceId()
    const pw = password?.toString('utf8') ?? ''
    const parsed = parseDeviceConnect({ clientId: client.id, username: username ?? '' })
    const fail = async (returnCode: number, code: number, message: string, pk?: string, dn?: string) => {
      this.metrics.add(Metric.AuthFailures, pk ?? '-')
      await this.record({
        productKey: pk ?? null,
        deviceName: dn ?? null,
        traceId,
        messageId: null,
        bizType: BizType.Device,
        operation: 'online',
        code,
        content: logContent({ Content: message, clientId: client.id, ip: client.iotIp }),
      })
      throw Object.assign(new Error(message), { returnCode })
    }
    // CONNACK return codes [MQTT-3.2.2-3]: 2 identifier rejected, 4 bad user name or password, 5 not authorized
    if (!parsed.ok)
      return fail(
        parsed.error.connackReturnCode,
        parsed.error.code,
        `malformed connect parameters: ${parsed.error.message}`,
      )
    const { productKey: pk, deviceName: dn } = parsed.identity
    const limit = this.limiter.connect(pk, dn)
    if (limit) {
      this.limitEvent(limit)
      return fail(5, 429, `connection refused: ${limit.event} (limit ${limit.limit})`, pk, dn)
    }
    const device = await this.db.prisma.device.findUnique({
      where: { productKey_deviceName: { productKey: pk, deviceName: dn } },
      include: { product: { select: { nodeType: true } } },
    })
    if (!device) return fail(4, Codes.DEVICE_NOT_EXIST, 'device does not exist', pk, dn)
    const v = verifyDeviceConnect({ clientId: client.id, username: username ?? '', password: pw }, device.deviceSecret)
    if (!v.ok) return fail(4, Codes.SIGN_ERROR, `signature check failed: ${v.error.message}`, pk, dn)
    if (device.disabled) return fail(5, Codes.DEVICE_DISABLED, 'device is disabled', pk, dn)
    client.iot = {
      deviceId: device.id,
      iotId: device.iotId,
      productKey: pk,
      deviceName: dn,
      nodeType: device.product.nodeType,
      clientId: client.id,
      connId: `${this.opts.nodeId}|${client.id}|${Date.now()}`,
      ip: client.iotIp ?? null,
      protocol: client.iotProtocol ?? 'MQTT',
      connectedAt: Date.now(),
      serverSubscribe: parsed.identity.extra._ss === '1',
      subDevices: new Map(),
    }
  }

  /**
   * The topic ACL: may this device (or a gateway, for its logged-in sub-devices) publish or subscribe `topic` —
   * its own system topics and its product's custom topic classes with their rights.
   */
  async topicAccess(
    d: { productKey: string; deviceName: string; subDevices?: DeviceSession['subDevices'] },
    topic: string,
    action: 'publish' | 'subscribe',
  ) {
    const product = await this.products.get(d.productKey)
    return deviceTopicAccess({
      topic,
      action,
      productKey: d.productKey,
      deviceName: d.deviceName,
      topicClasses: product?.topicClasses ?? [],
      subDevices: d.subDevices ? [...d.subDevices.values()] : [],
    })
  }

  private async authorizeSubscribe(s: DeviceSession, sub: Subscription): Promise<boolean> {
    const access = await this.topicAccess(s, sub.topic, 'subscribe')
    await this.record({
      productKey: s.productKey,
      deviceName: s.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Subscribe,
      operation: sub.topic,
      code: access.allowed ? 200 : access.code,
      content: logContent({
        Content: access.allowed ? 'subscribe' : `subscribe rejected: ${access.reason}`,
        qos: sub.qos,
      }),
    })
    return access.allowed
  }

  private async onOnline(c: IotClient) {
    const s = c.iot!
    const key = `${s.productKey}/${s.deviceName}`
    // the same device connecting again replaces the older connection, here or on another node (427)
    const prev = this.sessions.get(key)
    this.sessions.set(key, c)
    if (prev && prev !== c && prev.iot) {
      prev.iot.closeCode = Codes.KICKED
      prev.close()
    }
    this.mq.emit({
      topic: `${INTERNAL.kick}/${s.productKey}/${s.deviceName}`,
      payload: this.opts.nodeId,
      origin: this.opts.nodeId,
    })
    if (s.serverSubscribe) {
      const subscriptions = serverSideSubscriptions(s.productKey, s.deviceName).map((topic) => ({
        topic,
        qos: 1 as const,
      }))
      await new Promise<void>((resolve) =>
        (c as unknown as { subscribe(p: object, cb: () => void): void }).subscribe({ subscriptions }, () => resolve()),
      )
    }
    const at = new Date(s.connectedAt)
    await this.state.online(s, at)
    await this.record({
      ts: at,
      productKey: s.productKey,
      deviceName: s.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Device,
      operation: 'online',
      code: 200,
      content: logContent({ Content: 'online', clientId: s.clientId, ip: s.ip, protocol: s.protocol }),
    })
    this.emit('status', { ...pick(s), status: 'ONLINE', code: 200, at, ip: s.ip } satisfies StatusChange)
  }

  private async onOffline(c: IotClient) {
    const s = c.iot!
    const key = `${s.productKey}/${s.deviceName}`
    const current = this.sessions.get(key) === c
    if (current) this.sessions.delete(key)
    // [reference 7.1 device behaviour codes] 200 clean disconnect, 1910 keepalive timeout, 1911 TCP reset, 427 kicked
    const code =
      s.closeCode ??
      (s.keepaliveTimedOut
        ? Codes.KEEPALIVE_TIMEOUT
        : (c as { _disconnected?: boolean })._disconnected
          ? 200
          : Codes.TCP_RESET)
    const at = new Date()
    // a replaced connection does not take the device offline: the new one is online
    if (current) await this.state.offline(s, at)
    await this.record({
      ts: at,
      productKey: s.productKey,
      deviceName: s.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Device,
      operation: 'offline',
      code,
      content: logContent({ Content: offlineText(code), clientId: s.clientId, ip: s.ip }),
    })
    if (current) this.emit('status', { ...pick(s), status: 'OFFLINE', code, at } satisfies StatusChange)
    // sub-devices logged in through this gateway go offline with it (1913)
    for (const sub of s.subDevices.values()) await this.pipeline.subDeviceOffline(s, sub, Codes.GATEWAY_OFFLINE_SUB)
  }

  /** Report a limit event once per resource per minute (run log + 'limit' event for alarms). */
  limitEvent(hit: LimitHit) {
    const resource = hit.deviceName ? `product/${hit.productKey}/device/${hit.deviceName}` : 'account'
    const k = `${hit.event}|${resource}`
    const now = Date.now()
    if ((this.limitEventsSeen.get(k) ?? 0) > now - 60_000) return
    this.limitEventsSeen.set(k, now)
    this.emit('limit', { ...hit, resource, at: new Date(now) })
    void this.record({
      productKey: hit.productKey ?? null,
      deviceName: hit.deviceName ?? null,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Other,
      operation: hit.event,
      code: 429,
      content: logContent({
        Content: `${hit.event}: more than ${hit.limit} requests`,
        resource,
        level: 'WARN',
        status: 'Fail',
      }),
    })
  }

  // ─────────────────────────────── cluster-wide internal messages ───────────────────────────────

  private async subscribeInternal() {
    const on = (topic: string, fn: (p: { topic: string; payload: unknown }) => void) =>
      new Promise<void>((resolve) =>
        this.mq.on(
          topic,
          (packet: { topic: string; payload: unknown }, cb: () => void) => {
            try {
              fn(packet)
            } finally {
              cb()
            }
          },
          resolve,
        ),
      )
    await on(`${INTERNAL.kick}/#`, (p) => {
      // another node accepted a connection for this device (427), or an operator deleted/disabled it
      const payload = String(p.payload)
      if (payload === this.opts.nodeId) return
      const c = this.sessions.get(p.topic.slice(INTERNAL.kick.length + 1))
      if (c?.iot) {
        c.iot.closeCode = payload.startsWith('kick:') ? Number(payload.slice(5)) : Codes.KICKED
        c.close()
      }
    })
    await on(`${INTERNAL.product}/+`, (p) => this.products.drop(p.topic.slice(INTERNAL.product.length + 1)))
    this.products.onInvalidate((pk) => this.mq.emit({ topic: `${INTERNAL.product}/${pk}`, payload: '' }))
    await on(`${INTERNAL.reply}/#`, (p) => this.emit('reply', p.payload))
  }

  /** Make a device reply (service/property set/RRPC) known on every node, where a caller may be waiting. */
  broadcastReply(reply: unknown) {
    this.mq.emit({ topic: `${INTERNAL.reply}/x`, payload: reply })
  }

  // ─────────────────────────────── downlink primitives ───────────────────────────────

  /** Publish to a device topic through the broker (reaches the device on whichever node holds it). */
  /** Publishes a message to a device's topic, counted as a platform → device message. */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 0): Promise<void> {
    const bytes = Buffer.isBuffer(payload) ? payload.length : Buffer.byteLength(payload)
    const t = parseTopic(topic)
    if ('productKey' in t) {
      const d = { productKey: t.productKey, deviceName: t.deviceName }
      const protocol = this.sessions.get(`${d.productKey}/${d.deviceName}`)?.iot?.protocol
      this.metrics.message('down', { ...d, protocol }, bytes, topicClassOf(topic, d))
    }
    return new Promise((resolve, reject) => {
      this.broker.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
          qos,
          retain: false,
          dup: false,
        } as PublishPacket,
        (err) => (err ? reject(err) : resolve()),
      )
    })
  }

  /** Disconnect a device wherever it is connected, recording `code` as the offline reason (e.g. 521 deleted, 522 disabled). */
  kick(pk: string, dn: string, code: number) {
    const c = this.sessions.get(`${pk}/${dn}`)
    if (c?.iot) {
      c.iot.closeCode = code
      c.close()
    }
    this.mq.emit({ topic: `${INTERNAL.kick}/${pk}/${dn}`, payload: `kick:${code}` })
  }

  // ─────────────────────────────── shutdown ───────────────────────────────

  /**
   * Graceful stop: refuse new connections, let accepted messages finish the pipeline, flush every writer,
   * then close the broker (devices see a disconnect and reconnect to another node or later).
   */
  async close() {
    this.closing = true
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    await new Promise<void>((resolve) => this.broker.close(() => resolve()))
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    await this.runLog.flush()
    await this.deviceLogs.flush()
    await this.logDump.stop()
    await this.state.close()
    await this.metrics.stop()
  }
}

function pick(s: DeviceSession) {
  return { productKey: s.productKey, deviceName: s.deviceName, deviceId: s.deviceId }
}

function offlineText(code: number) {
  switch (code) {
    case 200:
      return 'offline: the device disconnected'
    case Codes.KEEPALIVE_TIMEOUT:
      return 'offline: MQTT keepalive timeout'
    case Codes.TCP_RESET:
      return 'offline: the TCP connection was closed without DISCONNECT'
    case Codes.KICKED:
      return 'offline: another connection with the same device identity took over'
    default:
      return `offline (${code})`
  }
}

function defaultsWith(l: Partial<Limits> | undefined) {
  return Object.fromEntries(Object.entries(l ?? {}).filter(([, v]) => v !== undefined)) as Partial<Limits>
}
