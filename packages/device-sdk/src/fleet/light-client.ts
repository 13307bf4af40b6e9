/**
 * A minimal MQTT 3.1.1 client for running thousands of virtual devices in one process.
 *
 * mqtt.js keeps a parser stream, stores, timers and many closures per client; at 10,000 clients that costs
 * far more than the socket itself. This client keeps per connection only its socket, a few numbers and, while a
 * packet is split across reads, the unparsed tail:
 *  - one `mqtt-packet` parser shared by every client of the process; the client cuts the byte stream into
 *    whole packets itself (fixed header + remaining length) and feeds the shared parser only whole packets;
 *  - socket listeners are shared functions that find their client through a symbol on the socket;
 *  - keepalive PINGREQs and CONNACK timeouts are driven by one shared 1-second ticker for all clients;
 *  - events go to an optional shared `hooks` object (client passed as argument) as well as to EventEmitter
 *    listeners, so a fleet needs no closure per client.
 *
 * Supported: CONNECT/CONNACK (refusal code), PUBLISH QoS 0/1 both ways (PUBACK sent for inbound QoS 1),
 * PUBACK tracking, SUBSCRIBE/SUBACK, PINGREQ/PINGRESP, DISCONNECT. Not supported: QoS 2, MQTT 5, sessions
 * (clean session only, nothing is resent after a reconnect).
 */
import { EventEmitter } from 'node:events'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { generate, parser as mqttParser, type Packet } from 'mqtt-packet'

export type QoS = 0 | 1

/** Opens one connection to the broker. */
export type TransportFactory = () => Duplex

export interface LightClientHooks<C = unknown> {
  connack?(client: LightClient<C>, returnCode: number): void
  message?(client: LightClient<C>, topic: string, payload: Buffer, qos: QoS): void
  puback?(client: LightClient<C>, messageId: number): void
  suback?(client: LightClient<C>, messageId: number, granted: number[]): void
  /** once per connection, after CONNACK refusal, socket error, keepalive timeout, end() or destroy() */
  close?(client: LightClient<C>, error: Error | undefined): void
}

export interface LightClientOptions<C = unknown> {
  /** `mqtt://host:port` (or `tcp://`); ignored when `transport` is given */
  url?: string
  /** how to open the connection, e.g. an in-memory stream into a broker; default: TCP to `url` */
  transport?: TransportFactory
  clientId: string
  username?: string
  password?: string
  /** seconds; 0 disables PINGREQ (default 60) */
  keepalive?: number
  /** CONNACK must arrive within this (default 15 s) */
  connectTimeoutMs?: number
  /** shared event handlers (see LightClientHooks) */
  hooks?: LightClientHooks<C>
  /** caller's data for this client, e.g. the virtual device */
  ctx?: C
}

/** Why a broker refused a CONNECT, by CONNACK return code (MQTT 3.1.1 §3.2.2.3). */
export const CONNACK_REASONS: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
}

export class ConnackError extends Error {
  constructor(readonly returnCode: number) {
    super(`connection refused: ${CONNACK_REASONS[returnCode] ?? 'unknown reason'} (CONNACK ${returnCode})`)
    this.name = 'ConnackError'
  }
}

/** `mqtt://host:port` → a factory of TCP connections (the URL is parsed once, not per connection). */
export function tcpTransport(url: string): TransportFactory {
  const u = new URL(url)
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:')
    throw new Error(`unsupported URL ${url}: use mqtt://host:port (TLS and WebSocket are not supported here)`)
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  const port = u.port ? Number(u.port) : 1883
  return () => {
    const s = net.connect({ host, port })
    s.setNoDelay(true)
    return s
  }
}

enum State {
  Idle = 0,
  Connecting = 1,
  Connected = 2,
  Closed = 3,
}

const kClient = Symbol('lightClient')
type Tagged = Duplex & { [kClient]?: LightClient<unknown> }
type Callback = (err: Error | null, granted?: number[]) => void

// ── one parser for every client: fed only whole packets, so it holds no state between calls ──
const PARSER_OPTS = { protocolVersion: 4 }
let sharedParser: ReturnType<typeof mqttParser> | null = null
let parsing: LightClient<unknown> | null = null
let parseError: Error | null = null

function createParser() {
  const p = mqttParser(PARSER_OPTS)
  p.on('packet', onParsedPacket)
  p.on('error', onParserError)
  return p
}
function onParsedPacket(this: { owner?: LightClient<unknown> }, packet: Packet) {
  const c = this.owner ?? parsing
  c?.handlePacket(packet)
}
function onParserError(e: Error) {
  parseError = e
}

/** Length of the whole packet starting at `start`, or -1 when it has not fully arrived; throws when malformed. */
export function packetEnd(buf: Buffer, start: number): number {
  let i = start + 1
  let mul = 1
  let len = 0
  for (;;) {
    if (i >= buf.length) return -1
    const b = buf[i++]!
    len += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
    if (mul > 128 ** 3) throw new Error('malformed remaining length')
  }
  const end = i + len
  return end <= buf.length ? end : -1
}

// ── shared socket listeners (`this` is the socket) ──
function onSocketData(this: Tagged, chunk: Buffer) {
  this[kClient]?.onData(chunk)
}
function onSocketError(this: Tagged, e: Error) {
  this[kClient]?.destroy(e)
}
function onSocketClose(this: Tagged) {
  this[kClient]?.onTransportClosed()
}

// ── one ticker for keepalive and CONNACK timeouts ──
const live = new Set<LightClient<unknown>>()
let ticker: NodeJS.Timeout | null = null
function track(c: LightClient<unknown>) {
  live.add(c)
  if (!ticker) {
    ticker = setInterval(() => {
      const now = Date.now()
      for (const x of live) x.onTick(now)
    }, 1000)
    ticker.unref()
  }
}
function untrack(c: LightClient<unknown>) {
  live.delete(c)
  if (live.size === 0 && ticker) {
    clearInterval(ticker)
    ticker = null
  }
}

const PINGREQ = generate({ cmd: 'pingreq' })
const DISCONNECT = generate({ cmd: 'disconnect' })

export class LightClient<C = unknown> extends EventEmitter {
  ctx: C
  hooks: LightClientHooks<C> | null
  private socket: Tagged | null = null
  private state = State.Idle
  private rest: Buffer | null = null
  private nextId = 0
  private outstanding = 0
  private callbacks: Map<number, Callback> | null = null
  private lastOut = 0
  private pingSince = 0
  private deadline = 0
  private ending = false
  private readonly keepaliveMs: number
  /** only until CONNECT is sent */
  private opts: LightClientOptions<C> | null

  constructor(opts: LightClientOptions<C>) {
    super()
    this.opts = opts
    this.ctx = opts.ctx as C
    this.hooks = opts.hooks ?? null
    this.keepaliveMs = (opts.keepalive ?? 60) * 1000
  }

  get connected(): boolean {
    return this.state === State.Connected
  }
  get closed(): boolean {
    return this.state === State.Closed
  }
  /** QoS 1 PUBLISHes (and SUBSCRIBEs) waiting for their acknowledgement */
  get inflight(): number {
    return this.outstanding
  }

  /** Opens the connection and sends CONNECT; the outcome arrives as `connack`/`close` (hooks and events). */
  start(): void {
    const o = this.opts
    if (this.state !== State.Idle || !o) throw new Error('a LightClient connects once; create a new one to reconnect')
    this.state = State.Connecting
    const transport = o.transport ?? (o.url ? tcpTransport(o.url) : null)
    if (!transport) throw new Error('give url or transport')
    const s = transport() as Tagged
    s[kClient] = this as LightClient<unknown>
    this.socket = s
    s.on('data', onSocketData)
    s.on('error', onSocketError)
    s.on('close', onSocketClose)
    this.deadline = Date.now() + (o.connectTimeoutMs ?? 15_000)
    track(this as LightClient<unknown>)
    this.write(
      generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: o.clientId,
        keepalive: this.keepaliveMs / 1000,
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: Buffer.from(o.password, 'utf8') } : {}),
      }),
    )
    // the credentials are not needed any more; do not keep them
    this.opts = null
  }

  /** start() and wait for the CONNACK; rejects with ConnackError on a refusal. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        this.off('close', onClose)
        resolve()
      }
      const onClose = (e?: Error) => {
        this.off('connect', onConnect)
        reject(e ?? new Error('connection closed before CONNACK'))
      }
      this.once('connect', onConnect)
      this.once('close', onClose)
      try {
        this.start()
      } catch (e) {
        this.off('connect', onConnect)
        this.off('close', onClose)
        reject(e)
      }
    })
  }

  /**
   * Sends a PUBLISH. QoS 1: returns the message id; `cb` (and the `puback` hook) run on PUBACK, `cb` with an
   * error when the connection closes first. QoS 0: returns 0 and `cb` runs once the bytes are handed to the socket.
   */
  publish(topic: string, payload: string | Buffer, qos: QoS = 0, cb?: (err: Error | null) => void): number {
    if (this.state !== State.Connected) {
      cb?.(new Error('not connected'))
      return 0
    }
    let messageId = 0
    if (qos === 1) {
      messageId = this.allocId()
      this.outstanding++
      if (cb) this.callbackMap().set(messageId, cb)
    }
    this.write(generate({ cmd: 'publish', topic, payload, qos, dup: false, retain: false, messageId }, PARSER_OPTS))
    if (qos === 0) cb?.(null)
    return messageId
  }

  publishAsync(topic: string, payload: string | Buffer, qos: QoS = 0): Promise<void> {
    return new Promise((resolve, reject) => this.publish(topic, payload, qos, (e) => (e ? reject(e) : resolve())))
  }

  /** Sends a SUBSCRIBE; `cb` (and the `suback` hook) get the granted QoS per filter (128 = refused). */
  subscribe(filters: string | string[], qos: QoS = 0, cb?: Callback): number {
    if (this.state !== State.Connected) {
      cb?.(new Error('not connected'))
      return 0
    }
    const list = typeof filters === 'string' ? [filters] : filters
    const messageId = this.allocId()
    this.outstanding++
    if (cb) this.callbackMap().set(messageId, cb)
    this.write(
      generate({
        cmd: 'subscribe',
        messageId,
        subscriptions: list.map((topic) => ({ topic, qos })),
      }),
    )
    return messageId
  }

  subscribeAsync(filters: string | string[], qos: QoS = 0): Promise<number[]> {
    return new Promise((resolve, reject) =>
      this.subscribe(filters, qos, (e, granted) => (e ? reject(e) : resolve(granted ?? []))),
    )
  }

  /** Sends DISCONNECT and closes the connection; resolves once it is closed. */
  end(): Promise<void> {
    if (this.state === State.Closed) return Promise.resolve()
    return new Promise((resolve) => {
      this.once('close', () => resolve())
      const s = this.socket
      if (this.state === State.Connected && s && !s.destroyed) {
        this.ending = true
        s.end(DISCONNECT)
        // a broker that does not close its side
        setTimeout(() => this.destroy(), 2000).unref()
      } else this.destroy()
    })
  }

  /** Closes the connection at once (no DISCONNECT: to the broker it is a dropped connection). */
  destroy(error?: Error): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    untrack(this as LightClient<unknown>)
    const s = this.socket
    this.socket = null
    this.rest = null
    this.opts = null
    if (s) {
      s.off('data', onSocketData)
      s.off('close', onSocketClose)
      // keep a no-op error listener: a late socket error must not crash the process
      s.off('error', onSocketError)
      s.on('error', noop)
      s.destroy()
      s[kClient] = undefined
    }
    const cbs = this.callbacks
    this.callbacks = null
    this.outstanding = 0
    if (cbs) {
      const e = error ?? new Error('connection closed')
      for (const cb of cbs.values()) cb(e)
    }
    this.hooks?.close?.(this, error)
    this.emit('close', error)
  }

  // ───────────── internals (public for the shared listeners) ─────────────

  /** @internal */
  onData(chunk: Buffer) {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = null
    let pos = 0
    try {
      for (;;) {
        if (buf.length - pos < 2) break
        const end = packetEnd(buf, pos)
        if (end === -1) break
        pos = end
      }
    } catch (e) {
      this.destroy(e as Error)
      return
    }
    if (pos < buf.length) {
      // copy the tail so that the (possibly 64 KB) read buffer is not kept alive by a few bytes
      this.rest = Buffer.from(buf.subarray(pos))
    }
    if (pos === 0) return
    if (pos < buf.length) buf = buf.subarray(0, pos)
    this.parse(buf)
  }

  private parse(buf: Buffer) {
    // re-entrant (a handler's write made another client's data arrive synchronously): a private parser
    if (parsing !== null) {
      const p = createParser() as ReturnType<typeof createParser> & { owner?: LightClient<unknown> }
      p.owner = this as LightClient<unknown>
      const outer = parseError
      parseError = null
      p.parse(buf)
      const inner = parseError as Error | null
      parseError = outer
      if (inner) this.destroy(inner)
      return
    }
    sharedParser ??= createParser()
    parsing = this as LightClient<unknown>
    parseError = null
    try {
      sharedParser.parse(buf)
    } finally {
      parsing = null
    }
    if (parseError) {
      const e = parseError
      parseError = null
      sharedParser = null
      this.destroy(e)
    }
  }

  /** @internal */
  handlePacket(p: Packet) {
    switch (p.cmd) {
      case 'connack': {
        if (this.state !== State.Connecting) return
        const code = p.returnCode ?? 0
        if (code !== 0) {
          this.hooks?.connack?.(this, code)
          this.destroy(new ConnackError(code))
          return
        }
        this.state = State.Connected
        this.deadline = 0
        this.hooks?.connack?.(this, 0)
        this.emit('connect')
        return
      }
      case 'publish': {
        const qos = (p.qos === 1 ? 1 : 0) as QoS
        if (p.qos === 1 && p.messageId !== undefined) this.write(generate({ cmd: 'puback', messageId: p.messageId }))
        const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload
        this.hooks?.message?.(this, p.topic, payload, qos)
        this.emit('message', p.topic, payload, qos)
        return
      }
      case 'puback': {
        const id = p.messageId ?? 0
        this.acked(id, null)
        this.hooks?.puback?.(this, id)
        return
      }
      case 'suback': {
        const id = p.messageId ?? 0
        const granted = (p.granted as number[]) ?? []
        this.acked(id, granted)
        this.hooks?.suback?.(this, id, granted)
        return
      }
      case 'pingresp':
        this.pingSince = 0
        return
      default:
        // pubrec/pubrel/pubcomp (QoS 2) and server DISCONNECT are not used with MQTT 3.1.1 QoS 0/1
        return
    }
  }

  /** @internal the shared ticker: keepalive and CONNACK timeout */
  onTick(now: number) {
    if (this.state === State.Connecting) {
      if (this.deadline && now > this.deadline) this.destroy(new Error('no CONNACK within the connect timeout'))
      return
    }
    if (this.state !== State.Connected || this.keepaliveMs === 0) return
    if (this.pingSince && now - this.pingSince > this.keepaliveMs) {
      this.destroy(new Error('keepalive timeout: no PINGRESP'))
      return
    }
    // a PINGREQ when nothing was sent for 3/4 of the keepalive (the broker allows 1.5×)
    if (!this.pingSince && now - this.lastOut >= (this.keepaliveMs * 3) / 4) {
      this.pingSince = now
      this.write(PINGREQ)
    }
  }

  /** @internal */
  onTransportClosed() {
    this.destroy(this.ending ? undefined : new Error('connection closed by the broker'))
  }

  private acked(id: number, granted: number[] | null) {
    if (this.outstanding > 0) this.outstanding--
    const cb = this.callbacks?.get(id)
    if (cb) {
      this.callbacks!.delete(id)
      cb(null, granted ?? undefined)
    }
  }

  private allocId(): number {
    this.nextId = this.nextId >= 65535 ? 1 : this.nextId + 1
    return this.nextId
  }

  private callbackMap(): Map<number, Callback> {
    this.callbacks ??= new Map()
    return this.callbacks
  }

  private write(buf: Buffer) {
    const s = this.socket
    if (!s || s.destroyed) return
    this.lastOut = Date.now()
    s.write(buf)
  }
}

function noop() {}
