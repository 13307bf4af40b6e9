import { EventEmitter } from 'node:events'

// The client side of IoT Ops' server-side subscription (docs/API.md "Server-side subscription"): the stream's
// line format and a consumer that reads it and settles messages.

/** A device message delivered to a consumer group. */
export interface SubscriptionMessage {
  type: 'message'
  /** the id to ack / nack / release */
  id: string
  groupId: string
  productKey: string
  deviceName: string
  messageType: 'property' | 'event' | 'lifecycle' | 'ota' | 'reply'
  topic: string
  /** the device's JSON payload (a JSON string when the payload was not JSON) */
  payload: unknown
  traceId: string
  messageId: string | null
  /** when the platform accepted the device message, ms */
  generateTime: number
  /** 1 on the first delivery, more when it comes again (ack timeout, nack, release) */
  deliveryCount: number
}

/** A line of the NDJSON stream. */
export type SubscriptionLine =
  | { type: 'open'; connectionId: string; groupId: string; heartbeat: number; ackTimeout: number; prefetch: number }
  | SubscriptionMessage
  | { type: 'heartbeat'; at: number }
  | { type: 'close'; code: number; message: string }

/** A refused or broken consumer connection, with the reference code when the server gave one (9600, 9601, 9602). */
export class SubscriptionError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message)
    this.name = 'SubscriptionError'
  }
}

export interface SubscriptionConsumerOptions {
  /** the node's base URL, e.g. http://127.0.0.1:3000 */
  url: string
  groupId: string
  /** the group's consumer token (shown once when the group was created or its token rotated) */
  token: string
  /** seconds, 30–300 (the server sends a heartbeat line every half of it) */
  heartbeat?: number
  /** seconds a delivered message waits for its ack before it is delivered again, 1–300 */
  ackTimeout?: number
  /** unacked messages in flight, 1–1000 */
  prefetch?: number
  /**
   * Called for each message. With `autoAck` (default) the message is acked when it returns (or its promise
   * resolves) and nacked (delivered again) when it throws.
   */
  onMessage?: (m: SubscriptionMessage) => unknown
  autoAck?: boolean
  /** reconnect after the server closed the stream (9602) or it broke; default true */
  reconnect?: boolean
}

/**
 * A consumer of a server-side subscription group over HTTP: reads `GET /api/subscription/{groupId}/stream`
 * (NDJSON lines: open, message, heartbeat, close) and settles messages with `POST /api/subscription/{groupId}/ack`.
 * Events: `open` (connection id), `message`, `close` ({code, message}), `error`.
 *
 * ```ts
 * const c = new SubscriptionConsumer({ url, groupId, token, onMessage: (m) => console.log(m.topic, m.payload) })
 * await c.start()
 * ```
 */
export class SubscriptionConsumer extends EventEmitter {
  connectionId: string | null = null
  private abort: AbortController | null = null
  private stopped = false
  private idle: NodeJS.Timeout | null = null
  private pending = { ack: [] as string[], nack: [] as string[] }
  private flushTimer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null

  constructor(readonly o: SubscriptionConsumerOptions) {
    super()
    // an 'error' without listeners must not crash the application
    this.on('error', () => {})
  }

  private base() {
    return `${this.o.url.replace(/\/$/, '')}/api/subscription/${encodeURIComponent(this.o.groupId)}`
  }

  /** Connects; resolves once the server accepted the connection (rejects with SubscriptionError when refused). */
  async start(): Promise<void> {
    this.stopped = false
    await this.connect()
  }

  private async connect(): Promise<void> {
    const q = new URLSearchParams()
    if (this.o.heartbeat !== undefined) q.set('heartbeat', String(this.o.heartbeat))
    if (this.o.ackTimeout !== undefined) q.set('ackTimeout', String(this.o.ackTimeout))
    if (this.o.prefetch !== undefined) q.set('prefetch', String(this.o.prefetch))
    const abort = new AbortController()
    this.abort = abort
    const res = await fetch(`${this.base()}/stream${q.size ? `?${q}` : ''}`, {
      headers: { authorization: `Bearer ${this.o.token}`, accept: 'application/x-ndjson' },
      signal: abort.signal,
    })
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { code?: number; error?: string }
      throw new SubscriptionError(res.status, body.code ?? null, body.error ?? `HTTP ${res.status}`)
    }
    const reader = res.body.getReader()
    let onOpen = () => {}
    const opened = new Promise<void>((resolve, reject) => {
      onOpen = () => resolve()
      this.once('open', onOpen)
      this.running = this.read(reader, abort).then(
        () => reject(new SubscriptionError(0, null, 'the stream ended before it opened')),
        reject,
      )
    })
    try {
      await opened
    } finally {
      this.off('open', onOpen)
    }
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>, abort: AbortController) {
    const dec = new TextDecoder()
    let buf = ''
    let closeLine: { code: number; message: string } | null = null
    let wasOpen = false
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buf += dec.decode(value, { stream: true })
        let nl = buf.indexOf('\n')
        while (nl >= 0) {
          const text = buf.slice(0, nl).trim()
          buf = buf.slice(nl + 1)
          nl = buf.indexOf('\n')
          if (!text) continue
          const line = JSON.parse(text) as SubscriptionLine
          this.touch(line.type === 'open' ? line.heartbeat : undefined, abort)
          if (line.type === 'open') {
            wasOpen = true
            this.connectionId = line.connectionId
            this.emit('open', line.connectionId)
          } else if (line.type === 'message') this.deliver(line)
          else if (line.type === 'close') closeLine = { code: line.code, message: line.message }
        }
      }
    } catch (e) {
      if (!abort.signal.aborted) this.emit('error', e)
    } finally {
      if (this.idle) clearTimeout(this.idle)
      const info = closeLine ?? { code: 0, message: abort.signal.aborted ? 'closed' : 'the stream ended' }
      this.emit('close', info)
      // a stream that never opened failed its connect(), which reports it (start) or retries itself (retry)
      if (wasOpen && !this.stopped && this.o.reconnect !== false && this.abort === abort) this.retry(1000)
    }
  }

  private heartbeatS = 60
  /** no line for a whole heartbeat interval (the server writes one every half): the connection is dead */
  private touch(heartbeat: number | undefined, abort: AbortController) {
    if (heartbeat) this.heartbeatS = heartbeat
    if (this.idle) clearTimeout(this.idle)
    this.idle = setTimeout(() => abort.abort(), this.heartbeatS * 1000)
    this.idle.unref()
  }

  private retry(delay: number) {
    setTimeout(() => {
      if (this.stopped) return
      this.connect().catch((e) => {
        this.emit('error', e)
        this.retry(Math.min(delay * 2, 30_000))
      })
    }, delay).unref()
  }

  private deliver(m: SubscriptionMessage) {
    this.emit('message', m)
    if (!this.o.onMessage) return
    const auto = this.o.autoAck !== false
    Promise.resolve()
      .then(() => this.o.onMessage!(m))
      .then(
        () => auto && this.queue('ack', m.id),
        (e) => {
          this.emit('error', e)
          if (auto) this.queue('nack', m.id)
        },
      )
  }

  private queue(kind: 'ack' | 'nack', id: string) {
    this.pending[kind].push(id)
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null
      const p = this.pending
      this.pending = { ack: [], nack: [] }
      this.settle({ ack: p.ack, nack: p.nack }).catch((e) => this.emit('error', e))
    }, 10)
  }

  /**
   * Settles messages by id: ack deletes them, nack (9652) and release (9651) deliver them again. Long lists go in
   * requests of at most 1000 ids of each kind (the server's limit).
   */
  async settle(s: { ack?: string[]; nack?: string[]; release?: string[] }) {
    const total = { acked: 0, nacked: 0, released: 0 }
    const { ack = [], nack = [], release = [] } = s
    for (let i = 0; i === 0 || i < Math.max(ack.length, nack.length, release.length); i += 1000) {
      const part = { ack: ack.slice(i, i + 1000), nack: nack.slice(i, i + 1000), release: release.slice(i, i + 1000) }
      const res = await fetch(`${this.base()}/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(part),
      })
      const body = (await res.json().catch(() => ({}))) as { error?: string; code?: number } & typeof total
      if (!res.ok) throw new SubscriptionError(res.status, body.code ?? null, body.error ?? `HTTP ${res.status}`)
      total.acked += body.acked ?? 0
      total.nacked += body.nacked ?? 0
      total.released += body.released ?? 0
    }
    return total
  }
  ack(ids: string[]) {
    return this.settle({ ack: ids })
  }
  nack(ids: string[]) {
    return this.settle({ nack: ids })
  }

  /** Closes the stream (messages not acked are delivered again after their ack timeout). */
  async close() {
    this.stopped = true
    const a = this.abort
    this.abort = null
    a?.abort()
    if (this.flushTimer) {
      clearTimeout(this.flushTimer)
      this.flushTimer = null
      const p = this.pending
      this.pending = { ack: [], nack: [] }
      if (p.ack.length || p.nack.length) await this.settle(p).catch(() => {})
    }
    await this.running?.catch(() => {})
  }
}
