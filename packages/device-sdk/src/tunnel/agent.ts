// The device-side tunnel agent (ref §11.1.1 "device agent"): listens on /sys/{pk}/{dn}/secure_tunnel/notify,
// opens the device-side WebSocket of each tunnel, and for each session the platform asks for connects to the
// local TCP service mapped to its service_type (`_SSH` → 127.0.0.1:22 by default), relaying bytes both ways.
import { EventEmitter } from 'node:events'
import net from 'node:net'
import {
  decodeTunnelFrame,
  decodeTunnelStatus,
  encodeTunnelFrame,
  releaseFrame,
  responseFrame,
  TUNNEL_PAYLOAD_MAX_BYTES,
  TUNNEL_SUBPROTOCOL,
  TUNNEL_TOKEN_HEADER,
  TunnelFrameType,
  TunnelReleaseCode,
  TunnelResponseCode,
  topics,
} from '@iotops/alink'
import WebSocket from 'ws'
import type { Device } from '../device'

export interface LocalService {
  host: string
  port: number
}

export interface TunnelAgentOptions {
  /** service_type → local TCP service; default `{ _SSH: 127.0.0.1:22 }` */
  services?: Record<string, LocalService>
  /** first reconnect delay after a dropped WebSocket (ms, doubled up to 30 s) */
  reconnectDelayMs?: number
  /** how long a local TCP connect may take before the session is refused (ms) */
  connectTimeoutMs?: number
  /**
   * Device-initiated remote login: the agent asks for its own SSH channel on start and renews it every
   * `refreshMs` (default 24 h), so remote login keeps working while the MQTT connection is down. `true` = defaults.
   */
  remoteLogin?: boolean | RemoteLoginRequestOptions
}

export interface RemoteLoginRequestOptions {
  /** renew the channel this often (ms, default 24 h; the platform's credentials are valid 7 days) */
  refreshMs?: number
  /** a request without an answer within this time is retried (ms, default 10 s) */
  replyTimeoutMs?: number
  /** wait before retrying a failed or unanswered request (ms, default 60 s) */
  retryMs?: number
}

/** The platform's answer on /sys/{pk}/{dn}/secure_tunnel/proxy/request_reply. */
export interface ProxyRequestReply {
  id: string
  code: number
  data: { tunnel_id?: string; notify_topic?: string; expire_time?: number }
  message?: string
}

export const REMOTE_LOGIN_REFRESH_MS = 24 * 3_600_000

/** The notification the platform sends on the notify topic. */
export interface TunnelNotice {
  tunnel_id: string
  operation: 'connect' | 'close'
  uri?: string
  token?: string
  token_expire?: number
  udi?: string
  close_reason?: string
}

export type AgentEvent =
  | { type: 'notice'; tunnelId: string; operation: string; udi?: string }
  | { type: 'connected'; tunnelId: string }
  | { type: 'disconnected'; tunnelId: string; code: number; reason: string; willReconnect: boolean }
  | { type: 'refused'; tunnelId: string; status: number; message: string }
  | { type: 'session'; tunnelId: string; sessionId: string; serviceType: string; ok: boolean; message?: string }
  | { type: 'released'; tunnelId: string; sessionId: string; code: number; by: 'platform' | 'device' }
  | { type: 'remote-login'; tunnelId: string; expiresAt: number; replaced: string | null }
  | { type: 'remote-login-failed'; code: number; message: string; retryInMs: number }

/** WebSocket close codes after which the agent does not reconnect. */
const FINAL_CLOSE = new Set([1000, 4000, 4401, 4409])

export const DEFAULT_SERVICES: Record<string, LocalService> = { _SSH: { host: '127.0.0.1', port: 22 } }

/** Parses `NAME=host:port` (the CLI's --service). */
export function parseServiceMapping(s: string): [string, LocalService] {
  const m = /^((?=[^=]{1,16}=)_?[A-Za-z][A-Za-z0-9_.-]*)=(.+):(\d{1,5})$/.exec(s.trim())
  if (!m) throw new Error(`--service must look like _SSH=127.0.0.1:22, got ${JSON.stringify(s)}`)
  const port = Number(m[3])
  if (port < 1 || port > 65535) throw new Error(`port out of range in ${s}`)
  return [m[1] as string, { host: (m[2] as string).replace(/^\[(.*)\]$/, '$1'), port }]
}

/**
 * Runs on a connected `Device`: every tunnel notification opens (or closes) a device-side connection.
 * Emits `event` with an `AgentEvent` for each thing that happens.
 */
export class TunnelAgent extends EventEmitter {
  private readonly tunnels = new Map<string, AgentTunnel>()
  private readonly services: Record<string, LocalService>
  private readonly onMessage = (topic: string, payload: Buffer) => {
    if (topic === this.replyTopic) return this.onProxyReply(payload)
    if (topic !== this.notifyTopic) return
    let n: TunnelNotice
    try {
      n = JSON.parse(payload.toString('utf8'))
    } catch {
      return
    }
    if (!n || typeof n.tunnel_id !== 'string') return
    this.emit('event', { type: 'notice', tunnelId: n.tunnel_id, operation: n.operation, udi: n.udi } as AgentEvent)
    if (n.operation === 'connect' && n.uri && n.token) this.open(n.tunnel_id, n.uri, n.token)
    else if (n.operation === 'close') this.tunnels.get(n.tunnel_id)?.stop()
  }

  constructor(
    readonly device: Device,
    readonly opts: TunnelAgentOptions = {},
  ) {
    super()
    this.services = opts.services ?? DEFAULT_SERVICES
  }

  get notifyTopic() {
    return topics.tunnelNotify(this.device.productKey, this.device.deviceName)
  }
  get requestTopic() {
    return topics.tunnelProxyRequest(this.device.productKey, this.device.deviceName)
  }
  get replyTopic() {
    return `${this.requestTopic}_reply`
  }

  /** the device-initiated remote-login tunnel the platform last gave us */
  private remoteLoginTunnel: string | null = null
  private requestTimer: NodeJS.Timeout | null = null
  private pendingRequest: { id: string; timer: NodeJS.Timeout } | null = null
  private requestSeq = 0
  private stopping = false
  private readonly onReconnect = () => {
    // back on MQTT without a remote-login channel (it was closed, refused or expired meanwhile): ask again now
    const held = this.remoteLoginTunnel ? this.tunnels.get(this.remoteLoginTunnel) : undefined
    if (this.remoteLoginOpts && !this.pendingRequest && (!held || held.stopped)) this.requestRemoteLogin()
  }

  private get remoteLoginOpts(): Required<RemoteLoginRequestOptions> | null {
    const o = this.opts.remoteLogin
    if (!o) return null
    const r = o === true ? {} : o
    return {
      refreshMs: r.refreshMs ?? REMOTE_LOGIN_REFRESH_MS,
      replyTimeoutMs: r.replyTimeoutMs ?? 10_000,
      retryMs: r.retryMs ?? 60_000,
    }
  }

  /** Subscribes to the notify topic (mqtt.js subscribes again after a reconnect); with `remoteLogin`, asks for the channel. */
  async start(): Promise<void> {
    this.stopping = false
    this.device.on('message', this.onMessage)
    const subs = [this.notifyTopic, ...(this.remoteLoginOpts ? [this.replyTopic] : [])]
    await this.device.client.subscribeAsync(subs, { qos: 1 })
    if (this.remoteLoginOpts) {
      this.device.client.on('connect', this.onReconnect)
      this.requestRemoteLogin()
    }
  }

  /** The device-initiated remote-login tunnel, and whether its WebSocket is up. */
  remoteLogin(): { tunnelId: string | null; connected: boolean } {
    return { tunnelId: this.remoteLoginTunnel, connected: this.remoteLoginConnected() }
  }

  private remoteLoginConnected() {
    return !!this.remoteLoginTunnel && this.connectedTunnels().includes(this.remoteLoginTunnel)
  }

  /**
   * Asks the platform for the device's SSH channel (device-initiated remote login) on
   * /sys/{pk}/{dn}/secure_tunnel/proxy/request; the tunnel itself arrives on the notify topic. Renewed every
   * `refreshMs`; retried after `retryMs` when unanswered or refused. Called by `start` when `remoteLogin` is set.
   */
  requestRemoteLogin(): void {
    const o = this.remoteLoginOpts
    if (!o || this.stopping) return
    if (this.requestTimer) clearTimeout(this.requestTimer)
    this.requestTimer = null
    if (this.pendingRequest) clearTimeout(this.pendingRequest.timer)
    const id = `rl-${Date.now()}-${++this.requestSeq}`
    const timer = setTimeout(() => {
      if (this.pendingRequest?.id !== id) return
      this.pendingRequest = null
      this.failRequest(0, 'no answer from the platform')
    }, o.replyTimeoutMs)
    this.pendingRequest = { id, timer }
    this.device.client.publish(
      this.requestTopic,
      JSON.stringify({ id, version: '1.0', params: { service_types: ['_SSH'] } }),
      { qos: 0 },
      () => undefined,
    )
  }

  private failRequest(code: number, message: string) {
    const o = this.remoteLoginOpts
    if (!o || this.stopping) return
    this.emit('event', { type: 'remote-login-failed', code, message, retryInMs: o.retryMs } as AgentEvent)
    this.scheduleRequest(o.retryMs)
  }

  private scheduleRequest(ms: number) {
    if (this.requestTimer) clearTimeout(this.requestTimer)
    this.requestTimer = setTimeout(() => {
      this.requestTimer = null
      this.requestRemoteLogin()
    }, ms)
    this.requestTimer.unref?.()
  }

  private onProxyReply(payload: Buffer) {
    let r: ProxyRequestReply
    try {
      r = JSON.parse(payload.toString('utf8'))
    } catch {
      return
    }
    if (!this.pendingRequest || r?.id !== this.pendingRequest.id) return
    clearTimeout(this.pendingRequest.timer)
    this.pendingRequest = null
    const tunnelId = r.data?.tunnel_id
    if (r.code !== 200 || typeof tunnelId !== 'string')
      return this.failRequest(r.code, r.message ?? 'the platform refused the request')
    const previous = this.remoteLoginTunnel
    this.remoteLoginTunnel = tunnelId
    // the platform closes the replaced tunnel itself once its SSH sessions ended; our end does the same (covering a
    // lost close notification) — a renewal never cuts a session
    const replaced = previous && previous !== tunnelId ? previous : null
    if (replaced) this.tunnels.get(replaced)?.retire()
    this.emit('event', {
      type: 'remote-login',
      tunnelId,
      expiresAt: r.data.expire_time ?? 0,
      replaced,
    } as AgentEvent)
    this.scheduleRequest(this.remoteLoginOpts?.refreshMs ?? REMOTE_LOGIN_REFRESH_MS)
  }

  /** Opens the device side of a tunnel (also what a notification does). */
  open(tunnelId: string, uri: string, token: string) {
    const existing = this.tunnels.get(tunnelId)
    if (existing && !existing.stopped) return existing
    const t = new AgentTunnel(this, tunnelId, uri, token, this.services, this.opts)
    this.tunnels.set(tunnelId, t)
    t.connect()
    return t
  }

  /** Tunnels with a live WebSocket. */
  connectedTunnels(): string[] {
    return [...this.tunnels.values()].filter((t) => t.connected).map((t) => t.tunnelId)
  }

  /** Releases every session (code 1, by the device) and closes every tunnel connection. */
  async stop(): Promise<void> {
    this.stopping = true
    this.device.off('message', this.onMessage)
    this.device.client.off('connect', this.onReconnect)
    if (this.requestTimer) clearTimeout(this.requestTimer)
    if (this.pendingRequest) clearTimeout(this.pendingRequest.timer)
    this.requestTimer = null
    this.pendingRequest = null
    await Promise.all([...this.tunnels.values()].map((t) => t.stop()))
    this.tunnels.clear()
  }

  /** @internal */
  forget(t: AgentTunnel) {
    if (this.tunnels.get(t.tunnelId) === t) this.tunnels.delete(t.tunnelId)
  }
}

interface LocalSession {
  id: string
  serviceType: string
  socket: net.Socket
  frameId: number
}

class AgentTunnel {
  stopped = false
  connected = false
  /** replaced by a newer channel: stops once its last session ends */
  private retiring = false
  private ws: WebSocket | null = null
  private readonly sessions = new Map<string, LocalSession>()
  private delay: number
  private timer: NodeJS.Timeout | null = null
  private unwritten = 0
  private readonly blocked = new Set<net.Socket>()

  constructor(
    private readonly agent: TunnelAgent,
    readonly tunnelId: string,
    private readonly uri: string,
    private readonly token: string,
    private readonly services: Record<string, LocalService>,
    private readonly opts: TunnelAgentOptions,
  ) {
    this.delay = opts.reconnectDelayMs ?? 1000
  }

  private emit(e: AgentEvent) {
    this.agent.emit('event', e)
  }

  connect() {
    if (this.stopped) return
    const ws = new WebSocket(this.uri, TUNNEL_SUBPROTOCOL, {
      headers: { [TUNNEL_TOKEN_HEADER]: this.token },
      maxPayload: 64 * 1024,
    })
    this.ws = ws
    ws.on('open', () => {
      this.connected = true
      this.delay = this.opts.reconnectDelayMs ?? 1000
      this.emit({ type: 'connected', tunnelId: this.tunnelId })
    })
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8')
      })
      res.on('end', () => {
        let message = body
        try {
          message = JSON.parse(body).message ?? body
        } catch {}
        this.emit({ type: 'refused', tunnelId: this.tunnelId, status: res.statusCode ?? 0, message })
        // a refused token does not get better by retrying
        if (res.statusCode === 401 || res.statusCode === 404) this.finish()
        else this.scheduleReconnect(0, `HTTP ${res.statusCode}`)
        ws.terminate()
      })
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.onFrame(data as Buffer)
    })
    ws.on('error', () => {})
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return
      const wasConnected = this.connected
      this.connected = false
      this.ws = null
      this.releaseAll(null)
      if (!wasConnected) return this.scheduleReconnect(code, reason.toString())
      const final = this.stopped || FINAL_CLOSE.has(code)
      this.emit({
        type: 'disconnected',
        tunnelId: this.tunnelId,
        code,
        reason: reason.toString(),
        willReconnect: !final,
      })
      if (final) this.finish()
      else this.scheduleReconnect(code, reason.toString())
    })
  }

  private scheduleReconnect(code: number, _why: string) {
    if (this.stopped || this.timer) return
    // 1001 "platform update": the reference says to come back after a second
    const wait = code === 1001 ? 1000 : this.delay
    this.delay = Math.min(this.delay * 2, 30_000)
    this.timer = setTimeout(() => {
      this.timer = null
      this.connect()
    }, wait)
  }

  private finish() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.agent.forget(this)
  }

  private send(buf: Buffer) {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return
    this.unwritten += buf.length
    ws.send(buf, { binary: true }, () => {
      this.unwritten -= buf.length
      if (this.unwritten < 256 << 10) for (const s of this.sessions.values()) s.socket.resume()
    })
    // the WebSocket is behind: stop reading the local services until it catches up
    if (this.unwritten > 1 << 20) for (const s of this.sessions.values()) s.socket.pause()
  }

  private onFrame(buf: Buffer) {
    const r = decodeTunnelFrame(buf)
    if (!r.ok) return
    const h = r.value.header
    const id = h.session_id ?? ''
    switch (h.frame_type) {
      case TunnelFrameType.SESSION_CREATE:
        return this.createSession(id, h.service_type as string, h.frame_id)
      case TunnelFrameType.DATA_TRANSPORT: {
        const s = this.sessions.get(id)
        if (!s) return
        // frames that arrive together (one TCP read of the WebSocket) go out in one write
        if (!s.socket.writableCorked) {
          s.socket.cork()
          process.nextTick(() => s.socket.uncork())
        }
        if (!s.socket.write(r.value.payload) && !this.blocked.has(s.socket)) {
          // the local service is slow: hold the tunnel until it drains (never drop bytes)
          this.blocked.add(s.socket)
          this.ws?.pause()
          s.socket.once('drain', () => {
            this.blocked.delete(s.socket)
            if (this.blocked.size === 0) this.ws?.resume()
          })
        }
        return
      }
      case TunnelFrameType.COMMON_RESPONSE: {
        // the platform no longer knows this session (its create timed out or was withdrawn): drop our end quietly
        const st = decodeTunnelStatus(r.value.payload)
        const s = this.sessions.get(id)
        if (s && st.ok && st.value.code === TunnelResponseCode.UNKNOWN_SESSION) {
          this.dropped(id)
          s.socket.destroy()
        }
        return
      }
      case TunnelFrameType.SESSION_RELEASE: {
        const s = this.sessions.get(id)
        if (!s) return
        this.dropped(id)
        const st = decodeTunnelStatus(r.value.payload)
        this.emit({
          type: 'released',
          tunnelId: this.tunnelId,
          sessionId: id,
          code: st.ok ? st.value.code : 0,
          by: 'platform',
        })
        s.socket.end()
        setTimeout(() => s.socket.destroy(), 1000).unref()
        return
      }
    }
  }

  private createSession(id: string, serviceType: string, frameId: number) {
    const target = this.services[serviceType]
    const answer = (code: number, msg: string) =>
      this.send(responseFrame({ sessionId: id, frameId, serviceType, code, msg }))
    if (!target) {
      this.emit({
        type: 'session',
        tunnelId: this.tunnelId,
        sessionId: id,
        serviceType,
        ok: false,
        message: 'no local service',
      })
      return answer(TunnelResponseCode.DEVICE_REFUSED, `no local service is mapped to ${serviceType}`)
    }
    const socket = net.connect({ host: target.host, port: target.port })
    socket.setNoDelay(true)
    const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), this.opts.connectTimeoutMs ?? 5000)
    socket.once('connect', () => {
      clearTimeout(timer)
      if (!this.connected) return socket.destroy()
      const s: LocalSession = { id, serviceType, socket, frameId: 1 }
      this.sessions.set(id, s)
      answer(TunnelResponseCode.OK, 'ok')
      this.emit({ type: 'session', tunnelId: this.tunnelId, sessionId: id, serviceType, ok: true })
      socket.on('data', (chunk: Buffer) => {
        for (let off = 0; off < chunk.length; off += TUNNEL_PAYLOAD_MAX_BYTES) {
          this.send(
            encodeTunnelFrame({
              header: {
                frame_type: TunnelFrameType.DATA_TRANSPORT,
                session_id: id,
                frame_id: s.frameId++,
                service_type: serviceType,
              },
              payload: chunk.subarray(off, off + TUNNEL_PAYLOAD_MAX_BYTES),
            }),
          )
        }
      })
      socket.on('close', () => {
        // the local service closed: the device ends the session (code 1)
        if (this.sessions.get(id) !== s) return
        this.dropped(id)
        this.blocked.delete(socket)
        if (this.blocked.size === 0) this.ws?.resume()
        this.send(
          releaseFrame({
            sessionId: id,
            frameId: s.frameId++,
            code: TunnelReleaseCode.BY_DEVICE,
            msg: 'closed by the device',
          }),
        )
        this.emit({
          type: 'released',
          tunnelId: this.tunnelId,
          sessionId: id,
          code: TunnelReleaseCode.BY_DEVICE,
          by: 'device',
        })
      })
    })
    socket.on('error', (e) => {
      clearTimeout(timer)
      if (!this.sessions.has(id)) {
        this.emit({
          type: 'session',
          tunnelId: this.tunnelId,
          sessionId: id,
          serviceType,
          ok: false,
          message: e.message,
        })
        answer(
          TunnelResponseCode.DEVICE_REFUSED,
          `cannot reach ${serviceType} at ${target.host}:${target.port}: ${e.message}`,
        )
      }
    })
  }

  /** Ends every local connection; with `code`, tells the platform first (a clean release). */
  private releaseAll(code: number | null) {
    for (const s of [...this.sessions.values()]) {
      this.sessions.delete(s.id)
      if (code !== null) this.send(releaseFrame({ sessionId: s.id, frameId: s.frameId++, code, msg: 'agent stopping' }))
      s.socket.destroy()
    }
    this.blocked.clear()
  }

  /** Stops now when it carries no session, else once its last one ends. */
  retire() {
    this.retiring = true
    if (this.sessions.size === 0) void this.stop()
  }

  private dropped(id: string) {
    this.sessions.delete(id)
    if (this.retiring && this.sessions.size === 0)
      queueMicrotask(() => {
        if (!this.stopped && this.sessions.size === 0) void this.stop()
      })
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const ws = this.ws
    this.releaseAll(TunnelReleaseCode.BY_DEVICE)
    this.stopped = true
    this.agent.forget(this)
    if (!ws) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        ws.terminate()
        resolve()
      }, 2000)
      ws.once('close', () => {
        clearTimeout(t)
        resolve()
      })
      ws.close(1000, 'agent stopped')
    })
  }
}
