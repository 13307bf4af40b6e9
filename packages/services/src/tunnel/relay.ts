// The secure-tunnel relay (ref §11.1.4): the device side and the access side each hold one WebSocket per tunnel;
// the access side creates sessions (the platform picks the session id and asks the device), data frames are
// relayed by session id untouched, releases carry the documented codes 0–4. In-process: the two sides of a
// tunnel must reach the same node (see docs/ARCHITECTURE.md, cluster mode).
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { Duplex } from 'node:stream'
import {
  Codes,
  decodeTunnelFrame,
  decodeTunnelStatus,
  encodeTunnelFrame,
  invalidFrameResponse,
  releaseFrame,
  responseFrame,
  TUNNEL_MAX_SESSIONS,
  TUNNEL_PAYLOAD_MAX_BYTES,
  TUNNEL_SUBPROTOCOL,
  TUNNEL_TOKEN_HEADER,
  TunnelFrameType,
  TunnelReleaseCode,
  TunnelResponseCode,
} from '@iotops/alink'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { SYSTEM_ACTOR } from '../context'
import { AppError } from '../errors'
import type { DeviceHub } from '../hub/hub'
import {
  closeReplacedTunnels,
  recordTunnel,
  registerRelay,
  sweepTunnels,
  TUNNEL_WS_PATH,
  type TunnelOperation,
  type TunnelSide,
  tokenMatches,
} from './service'

/** WebSocket close codes the relay uses (4000–4999 are the application's). */
export const TunnelCloseCode = {
  /** the tunnel was closed (by a user, the API or the 24-hour limit) */
  TUNNEL_CLOSED: 4000,
  /** token refused (78114) */
  AUTH_FAILED: 4401,
  /** another connection of the same side took over */
  REPLACED: 4409,
} as const

const AUTH_WAIT_MS = 5_000
/** a destination with more than this many bytes not yet written pauses its source (backpressure, nothing dropped) */
const HIGH_WATER = 1 << 20
const LOW_WATER = 256 << 10

interface Side {
  ws: WebSocket
  sender: Sender
  since: Date
}

interface Session {
  id: string
  serviceType: string
  up: number
  down: number
  /** an in-process access side (remote login's SSH client), instead of the access WebSocket */
  local?: TunnelStream
  /** the session's row being stored (its release is written after it) */
  stored: Promise<unknown>
}

interface Pending {
  id: string
  serviceType: string
  frameId: number
  timer: NodeJS.Timeout
  local?: { resolve: (s: TunnelStream) => void; reject: (e: Error) => void }
}

interface LiveTunnel {
  id: string
  tunnelId: string
  productKey: string
  deviceName: string
  rateLimit: number | null
  device?: Side
  access?: Side
  sessions: Map<string, Session>
  pending: Map<string, Pending>
}

/**
 * Sends frames to one WebSocket in order: at once without a rate limit, else shaped to `rate` bytes/s (frames
 * wait, none is dropped). Reports pressure so the caller can pause the source.
 */
class Sender {
  private queue: Buffer[] = []
  private timer: NodeJS.Timeout | null = null
  private availableAt = 0
  private unwritten = 0
  private pressured = false
  constructor(
    private readonly ws: WebSocket,
    private readonly rate: number | null,
    private readonly onPressure: (high: boolean) => void,
  ) {}

  send(buf: Buffer) {
    if (this.rate === null && this.queue.length === 0) return this.write(buf)
    this.queue.push(buf)
    this.setPressure()
    if (!this.timer) this.pump()
  }

  private pump = () => {
    this.timer = null
    while (this.queue.length) {
      const now = Date.now()
      if (this.rate !== null && this.availableAt > now) {
        this.timer = setTimeout(this.pump, this.availableAt - now)
        return
      }
      const buf = this.queue.shift() as Buffer
      // a timer that fires late does not lose the rate: up to 50 ms of lateness is caught up in a burst
      if (this.rate !== null) this.availableAt = Math.max(now - 50, this.availableAt) + (buf.length / this.rate) * 1000
      this.write(buf)
    }
    this.setPressure()
  }

  private write(buf: Buffer) {
    if (this.ws.readyState !== this.ws.OPEN) return
    // frames relayed in the same tick (one TCP read of the source) leave in one write, not one syscall each
    const socket = (this.ws as unknown as { _socket?: import('node:net').Socket })._socket
    if (socket && !socket.writableCorked) {
      socket.cork()
      process.nextTick(() => socket.uncork())
    }
    this.unwritten += buf.length
    this.ws.send(buf, { binary: true }, () => {
      this.unwritten -= buf.length
      this.setPressure()
    })
    this.setPressure()
  }

  private setPressure() {
    const backlog = this.unwritten + this.queue.length * TUNNEL_PAYLOAD_MAX_BYTES
    if (!this.pressured && backlog > HIGH_WATER) {
      this.pressured = true
      this.onPressure(true)
    } else if (this.pressured && backlog < LOW_WATER) {
      this.pressured = false
      this.onPressure(false)
    }
  }

  stop() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.queue = []
  }
}

/**
 * A session opened by the platform itself (remote login runs its SSH client over it): a byte stream to the
 * device's service. Writes are cut into ≤ 4 KB data frames; ending or destroying it releases the session (code 0).
 */
export class TunnelStream extends Duplex {
  /** set when the session ends: the release code (0–4) */
  releaseCode: number | null = null
  constructor(
    readonly sessionId: string,
    private readonly writeFrame: (payload: Buffer, cb: () => void) => boolean,
    private readonly release: () => void,
  ) {
    super()
  }
  _read() {}
  _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
    let off = 0
    const next = () => {
      if (off >= chunk.length) return cb()
      const part = chunk.subarray(off, off + TUNNEL_PAYLOAD_MAX_BYTES)
      off += part.length
      if (!this.writeFrame(part, next)) cb(new Error('the tunnel session is closed'))
    }
    next()
  }
  _final(cb: (e?: Error | null) => void) {
    this.release()
    cb()
  }
  _destroy(err: Error | null, cb: (e: Error | null) => void) {
    this.release()
    cb(err)
  }
}

export interface TunnelRelayOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  /** how long the device has to answer a session_create (ms) */
  sessionTimeoutMs?: number
  /** how often open tunnels past 24 h are closed and tunnels past 30 days deleted (ms; 0 = never) */
  sweepEveryMs?: number
}

export class TunnelRelay {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 2 + 2048 + TUNNEL_PAYLOAD_MAX_BYTES + 1024,
    handleProtocols: (p) => (p.has(TUNNEL_SUBPROTOCOL) ? TUNNEL_SUBPROTOCOL : false),
  })
  private readonly live = new Map<string, LiveTunnel>()
  private readonly sweeper: NodeJS.Timeout | null
  private closing = false

  constructor(private readonly o: TunnelRelayOptions) {
    byHub.set(o.hub, this)
    registerRelay(o.hub, {
      closed: (id) => this.tunnelClosed(id),
      liveBytes: (id) => {
        const t = this.live.get(id)
        return new Map([...(t?.sessions.values() ?? [])].map((s) => [s.id, { up: s.up, down: s.down }]))
      },
    })
    const every = o.sweepEveryMs ?? 60_000
    this.sweeper =
      every > 0
        ? setInterval(
            () =>
              void sweepTunnels(o.db, o.hub, SYSTEM_ACTOR).catch((e) => o.log.error({ err: e }, 'tunnel sweep failed')),
            every,
          )
        : null
  }

  /** Takes the HTTP upgrade of `/api/ws/tunnel/{device|access}/<tunnelId>`; false when the path is not a tunnel's. */
  handleUpgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const side: TunnelSide | null = url.pathname.startsWith(TUNNEL_WS_PATH.device)
      ? 'device'
      : url.pathname.startsWith(TUNNEL_WS_PATH.access)
        ? 'access'
        : null
    if (!side) return false
    const tunnelId = decodeURIComponent(url.pathname.slice(TUNNEL_WS_PATH[side].length))
    const header = req.headers[TUNNEL_TOKEN_HEADER]
    const token = Array.isArray(header) ? header[0] : header
    void (async () => {
      if (this.closing) return socket.destroy()
      if (token !== undefined) {
        // the documented way: the token in the request header, checked before the upgrade
        const t = await this.authenticate(side, tunnelId, token)
        if (!t.ok) return refuse(socket, 401, t.message)
        this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(side, t.tunnel, ws))
        return
      }
      // browsers cannot set headers: the token comes as the first (text) message, never in the URL
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const timer = setTimeout(() => ws.close(TunnelCloseCode.AUTH_FAILED, 'no token'), AUTH_WAIT_MS)
        ws.once('message', (data, isBinary) => {
          clearTimeout(timer)
          let presented = ''
          try {
            const m = isBinary ? null : (JSON.parse(rawToBuffer(data).toString('utf8')) as Record<string, unknown>)
            presented = String(m?.[TUNNEL_TOKEN_HEADER] ?? m?.token ?? '')
          } catch {}
          void this.authenticate(side, tunnelId, presented).then((t) => {
            if (!t.ok) return ws.close(TunnelCloseCode.AUTH_FAILED, `${Codes.TUNNEL_AUTH_FAILED} ${t.message}`)
            ws.send(JSON.stringify({ code: 0, msg: 'authenticated' }))
            this.attach(side, t.tunnel, ws)
          })
        })
      })
    })().catch((e) => {
      this.o.log.error({ err: e }, 'tunnel upgrade failed')
      socket.destroy()
    })
    return true
  }

  private async authenticate(side: TunnelSide, tunnelId: string, token: string) {
    const op: TunnelOperation = side === 'device' ? 'DeviceEndConn' : 'AccessEndConn'
    const row = /^[\w-]{1,64}$/.test(tunnelId)
      ? await this.o.db.prisma.tunnel.findUnique({ where: { tunnelId } })
      : null
    const refused = (message: string) => {
      void recordTunnel(
        this.o.hub,
        row ?? { productKey: null as never, deviceName: null as never },
        op,
        Codes.TUNNEL_AUTH_FAILED,
        { TunnelId: tunnelId, side, Message: message },
      )
      return { ok: false as const, message }
    }
    if (!row) return refused('no such tunnel')
    const hash = side === 'device' ? row.deviceTokenHash : row.accessTokenHash
    if (!token || !tokenMatches(token, hash)) return refused(`the ${side}-side token is not this tunnel's`)
    if (row.status !== 'OPEN') return refused('the tunnel is closed')
    return { ok: true as const, tunnel: row }
  }

  private attach(
    side: TunnelSide,
    row: { id: string; tunnelId: string; productKey: string; deviceName: string; rateLimit: number | null },
    ws: WebSocket,
  ) {
    let t = this.live.get(row.id)
    if (!t) {
      t = { ...row, sessions: new Map(), pending: new Map() }
      this.live.set(row.id, t)
    }
    const tunnel = t
    const previous = tunnel[side]
    if (previous) {
      // a reconnecting side takes over; what the old connection carried ends as if it dropped
      this.sideGone(tunnel, side, previous)
      previous.ws.close(TunnelCloseCode.REPLACED, 'replaced by a new connection')
    }
    const other = (): Side | undefined => tunnel[side === 'device' ? 'access' : 'device']
    const me: Side = {
      ws,
      since: new Date(),
      // pressure on the way to this side pauses the other side's socket
      sender: new Sender(ws, tunnel.rateLimit, (high) => {
        const o = other()
        if (o) high ? o.ws.pause() : o.ws.resume()
      }),
    }
    tunnel[side] = me
    void this.setConnected(tunnel, side, me.since)
    void recordTunnel(this.o.hub, tunnel, side === 'device' ? 'DeviceEndConn' : 'AccessEndConn', 200, {
      TunnelId: tunnel.tunnelId,
    })
    ws.on('message', (data, isBinary) => {
      const buf = rawToBuffer(data)
      if (!isBinary) {
        me.sender.send(responseFrame({ sessionId: '', frameId: 0, code: 3, msg: 'tunnel frames are binary messages' }))
        return
      }
      if (side === 'access') this.fromAccess(tunnel, me, buf)
      else this.fromDevice(tunnel, me, buf)
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      if (tunnel[side] !== me) return
      this.sideGone(tunnel, side, me)
      tunnel[side] = undefined
      if (!this.closing) void this.setConnected(tunnel, side, null)
      void recordTunnel(this.o.hub, tunnel, side === 'device' ? 'DeviceEndDisconn' : 'AccessEndDisconn', 200, {
        TunnelId: tunnel.tunnelId,
      })
      if (!tunnel.device && !tunnel.access && tunnel.sessions.size === 0) this.live.delete(tunnel.id)
    })
  }

  /** A side's connection ended: its sessions are released toward the other side (2 access lost / 3 device lost). */
  private sideGone(t: LiveTunnel, side: TunnelSide, s: Side) {
    s.sender.stop()
    const other = side === 'device' ? t.access : t.device
    other?.ws.resume()
    if (side === 'device') {
      for (const p of [...t.pending.values()])
        this.failPending(t, p, TunnelResponseCode.DEVICE_NOT_CONNECTED, 'the device side disconnected')
      for (const sess of [...t.sessions.values()])
        this.endSession(t, sess, TunnelReleaseCode.DEVICE_DISCONNECTED, 'the device side disconnected', 'access')
    } else {
      for (const p of [...t.pending.values()]) {
        if (p.local) continue
        clearTimeout(p.timer)
        t.pending.delete(p.id)
        t.device?.sender.send(
          releaseFrame({
            sessionId: p.id,
            frameId: 0,
            code: TunnelReleaseCode.ACCESS_SIDE_DISCONNECTED,
            msg: 'the access side disconnected',
          }),
        )
      }
      for (const sess of [...t.sessions.values()]) {
        if (sess.local) continue
        this.endSession(t, sess, TunnelReleaseCode.ACCESS_SIDE_DISCONNECTED, 'the access side disconnected', 'device')
      }
    }
  }

  private fromAccess(t: LiveTunnel, me: Side, buf: Buffer) {
    const r = decodeTunnelFrame(buf)
    if (!r.ok) {
      me.sender.send(invalidFrameResponse(r))
      if (r.problem === 'service_type' || r.header?.frame_type === TunnelFrameType.SESSION_CREATE)
        void recordTunnel(this.o.hub, t, 'SessionCreate', Codes.TUNNEL_SESSION_FAILED, {
          TunnelId: t.tunnelId,
          Message: r.error,
        })
      return
    }
    const h = r.value.header
    switch (h.frame_type) {
      case TunnelFrameType.SESSION_CREATE:
        return void this.createSession(t, h.service_type as string, h.frame_id).catch(() => undefined)
      case TunnelFrameType.DATA_TRANSPORT: {
        const s = t.sessions.get(h.session_id as string)
        if (!s || s.local) return me.sender.send(unknownSession(h.session_id as string, h.frame_id))
        s.up += r.value.payload.length
        t.device?.sender.send(buf)
        return
      }
      case TunnelFrameType.SESSION_RELEASE: {
        const id = h.session_id as string
        const s = t.sessions.get(id)
        const p = t.pending.get(id)
        if (p && !p.local) {
          clearTimeout(p.timer)
          t.pending.delete(id)
          t.device?.sender.send(buf)
          return
        }
        if (!s || s.local) return me.sender.send(unknownSession(id, h.frame_id))
        const st = decodeTunnelStatus(r.value.payload)
        this.endSession(
          t,
          s,
          st.ok ? st.value.code : TunnelReleaseCode.BY_ACCESS_SIDE,
          st.ok ? st.value.msg : '',
          'device',
          buf,
        )
        return
      }
      default:
        me.sender.send(
          responseFrame({
            sessionId: h.session_id ?? '',
            frameId: h.frame_id,
            code: 3,
            msg: 'the access side does not send responses',
          }),
        )
    }
  }

  private fromDevice(t: LiveTunnel, me: Side, buf: Buffer) {
    const r = decodeTunnelFrame(buf)
    if (!r.ok) return me.sender.send(invalidFrameResponse(r))
    const h = r.value.header
    const id = h.session_id ?? ''
    switch (h.frame_type) {
      case TunnelFrameType.COMMON_RESPONSE: {
        const p = t.pending.get(id)
        if (!p) return me.sender.send(unknownSession(id, h.frame_id))
        const st = decodeTunnelStatus(r.value.payload)
        const code = st.ok ? st.value.code : TunnelResponseCode.DEVICE_REFUSED
        const msg = st.ok ? st.value.msg : 'the device answered without a status'
        clearTimeout(p.timer)
        t.pending.delete(id)
        if (code !== TunnelResponseCode.OK) {
          void recordTunnel(this.o.hub, t, 'SessionCreate', Codes.TUNNEL_SESSION_FAILED, {
            TunnelId: t.tunnelId,
            SessionId: id,
            ServiceType: p.serviceType,
            Message: `the device refused the session (code ${code}): ${msg}`,
          })
          if (p.local) p.local.reject(sessionError(`the device refused the session (code ${code}): ${msg}`))
          else t.access?.sender.send(buf)
          return
        }
        const stored = this.o.db.prisma.tunnelSession
          .create({ data: { tunnelId: t.id, sessionId: id, serviceType: p.serviceType } })
          .catch((e) => this.o.log.warn({ err: e }, 'tunnel session row not stored'))
        const s: Session = { id, serviceType: p.serviceType, up: 0, down: 0, stored }
        t.sessions.set(id, s)
        void recordTunnel(this.o.hub, t, 'SessionCreate', 200, {
          TunnelId: t.tunnelId,
          SessionId: id,
          ServiceType: p.serviceType,
        })
        if (p.local) {
          s.local = this.localStream(t, s)
          p.local.resolve(s.local)
        } else t.access?.sender.send(buf)
        return
      }
      case TunnelFrameType.DATA_TRANSPORT: {
        const s = t.sessions.get(id)
        if (!s) return me.sender.send(unknownSession(id, h.frame_id))
        s.down += r.value.payload.length
        if (s.local) s.local.push(Buffer.from(r.value.payload))
        else t.access?.sender.send(buf)
        return
      }
      case TunnelFrameType.SESSION_RELEASE: {
        const s = t.sessions.get(id)
        if (!s) return me.sender.send(unknownSession(id, h.frame_id))
        const st = decodeTunnelStatus(r.value.payload)
        this.endSession(
          t,
          s,
          st.ok ? st.value.code : TunnelReleaseCode.BY_DEVICE,
          st.ok ? st.value.msg : '',
          'access',
          buf,
        )
        return
      }
      default:
        me.sender.send(
          responseFrame({ sessionId: id, frameId: h.frame_id, code: 3, msg: 'only the access side creates sessions' }),
        )
    }
  }

  /** Asks the device for a session; the answer (or the timeout) goes to the access side / the local caller. */
  private async createSession(
    t: LiveTunnel,
    serviceType: string,
    frameId: number,
    local?: Pending['local'],
  ): Promise<void> {
    const answer = (code: number, msg: string, sessionId = '') => {
      void recordTunnel(this.o.hub, t, 'SessionCreate', Codes.TUNNEL_SESSION_FAILED, {
        TunnelId: t.tunnelId,
        ServiceType: serviceType,
        Message: msg,
      })
      if (local) local.reject(sessionError(msg))
      else t.access?.sender.send(responseFrame({ sessionId, frameId, serviceType, code, msg }))
    }
    if (t.sessions.size + t.pending.size >= TUNNEL_MAX_SESSIONS)
      return answer(TunnelResponseCode.SESSION_LIMIT, `the tunnel already has ${TUNNEL_MAX_SESSIONS} sessions`)
    if (!t.device) return answer(TunnelResponseCode.DEVICE_NOT_CONNECTED, 'the device side is not connected')
    const id = randomUUID()
    const timer = setTimeout(() => {
      if (!t.pending.has(id)) return
      this.failPending(
        t,
        t.pending.get(id) as Pending,
        TunnelResponseCode.DEVICE_TIMEOUT,
        'the device did not answer in time',
      )
      // should the device answer late, it learns the session is gone
      t.device?.sender.send(
        releaseFrame({
          sessionId: id,
          frameId: 0,
          code: TunnelReleaseCode.BY_ACCESS_SIDE,
          msg: 'session create timed out',
        }),
      )
    }, this.o.sessionTimeoutMs ?? 10_000)
    t.pending.set(id, { id, serviceType, frameId, timer, local })
    t.device.sender.send(
      encodeTunnelFrame({
        header: {
          frame_type: TunnelFrameType.SESSION_CREATE,
          session_id: id,
          frame_id: frameId,
          service_type: serviceType,
        },
        payload: new Uint8Array(),
      }),
    )
  }

  private failPending(t: LiveTunnel, p: Pending, code: number, msg: string) {
    clearTimeout(p.timer)
    t.pending.delete(p.id)
    void recordTunnel(this.o.hub, t, 'SessionCreate', Codes.TUNNEL_SESSION_FAILED, {
      TunnelId: t.tunnelId,
      SessionId: p.id,
      ServiceType: p.serviceType,
      Message: msg,
    })
    if (p.local) p.local.reject(sessionError(msg))
    else
      t.access?.sender.send(
        responseFrame({ sessionId: p.id, frameId: p.frameId, serviceType: p.serviceType, code, msg }),
      )
  }

  /**
   * Ends a session: tells `to` (the side that did not end it) with `frame` (the peer's own release, forwarded)
   * or a platform release with `code`; stores the release and the byte counts.
   */
  private endSession(t: LiveTunnel, s: Session, code: number, msg: string, to: TunnelSide, frame?: Buffer) {
    if (!t.sessions.delete(s.id)) return
    const out = frame ?? releaseFrame({ sessionId: s.id, frameId: 0, code, msg })
    if (to === 'device') t.device?.sender.send(out)
    else if (s.local) {
      s.local.releaseCode = code
      s.local.push(null)
    } else t.access?.sender.send(out)
    void s.stored
      .then(() =>
        this.o.db.prisma.tunnelSession.updateMany({
          where: { tunnelId: t.id, sessionId: s.id },
          data: { releasedAt: new Date(), releaseCode: code, bytesUp: BigInt(s.up), bytesDown: BigInt(s.down) },
        }),
      )
      // a replaced tunnel (a renewed remote-login channel) kept for this session closes once its last one ends
      .then(() =>
        t.sessions.size === 0 ? closeReplacedTunnels(this.o.db, this.o.hub, SYSTEM_ACTOR, { id: t.id }) : null,
      )
      .catch(() => undefined)
    void recordTunnel(this.o.hub, t, 'SessionRelease', 200, {
      TunnelId: t.tunnelId,
      SessionId: s.id,
      ServiceType: s.serviceType,
      ReleaseCode: code,
      Message: msg,
      BytesUp: s.up,
      BytesDown: s.down,
    })
  }

  private localStream(t: LiveTunnel, s: Session): TunnelStream {
    let frameId = 1
    return new TunnelStream(
      s.id,
      (payload, cb) => {
        if (!t.sessions.has(s.id) || !t.device) return false
        s.up += payload.length
        t.device.sender.send(
          encodeTunnelFrame({
            header: {
              frame_type: TunnelFrameType.DATA_TRANSPORT,
              session_id: s.id,
              frame_id: frameId++,
              service_type: s.serviceType,
            },
            payload,
          }),
        )
        setImmediate(cb)
        return true
      },
      () => {
        if (t.sessions.has(s.id))
          this.endSession(t, s, TunnelReleaseCode.BY_ACCESS_SIDE, 'closed by the platform', 'device')
      },
    )
  }

  /**
   * Opens a session from the platform itself (remote login's SSH client) to `serviceType` on the device of an
   * open tunnel whose device side is connected to this node. Rejects with 78115 on refusal or timeout.
   */
  openSession(tunnelId: string, serviceType: string): Promise<TunnelStream> {
    const t = [...this.live.values()].find((x) => x.tunnelId === tunnelId)
    if (!t?.device) return Promise.reject(sessionError('the device side of the tunnel is not connected to this node'))
    return new Promise((resolve, reject) => {
      void this.createSession(t, serviceType, 0, { resolve, reject })
    })
  }

  /** Whether the device side of a tunnel is connected here (remote login waits for it after creating the tunnel). */
  deviceConnected(tunnelId: string): boolean {
    return [...this.live.values()].some((x) => x.tunnelId === tunnelId && x.device)
  }

  /** The tunnel was closed: sessions released (code 4), both sides disconnected. */
  private tunnelClosed(id: string) {
    const t = this.live.get(id)
    if (!t) return
    this.shutdown(t, TunnelCloseCode.TUNNEL_CLOSED, 'tunnel closed')
    this.live.delete(id)
  }

  private shutdown(t: LiveTunnel, wsCode: number, why: string) {
    for (const p of [...t.pending.values()]) this.failPending(t, p, TunnelResponseCode.DEVICE_NOT_CONNECTED, why)
    for (const s of [...t.sessions.values()]) {
      const frame = releaseFrame({ sessionId: s.id, frameId: 0, code: TunnelReleaseCode.PLATFORM_UPDATE, msg: why })
      t.device?.sender.send(frame)
      this.endSession(t, s, TunnelReleaseCode.PLATFORM_UPDATE, why, 'access')
    }
    // let the releases reach the sockets before the close frame
    for (const side of ['device', 'access'] as const) {
      const s = t[side]
      if (s) setImmediate(() => s.ws.close(wsCode, why))
    }
  }

  private async setConnected(t: LiveTunnel, side: TunnelSide, at: Date | null) {
    await this.o.db.prisma.tunnel
      .updateMany({
        where: { id: t.id },
        data: side === 'device' ? { deviceConnectedAt: at } : { accessConnectedAt: at },
      })
      .catch((e) => this.o.log.warn({ err: e }, 'tunnel connection state not stored'))
  }

  /** Node shutdown: sessions released with code 4 (platform update: reconnect after 1 s), sockets closed. */
  async close(): Promise<void> {
    this.closing = true
    if (this.sweeper) clearInterval(this.sweeper)
    const updates: Promise<unknown>[] = []
    for (const t of this.live.values()) {
      this.shutdown(t, 1001, 'platform update')
      updates.push(
        this.o.db.prisma.tunnel
          .updateMany({ where: { id: t.id }, data: { deviceConnectedAt: null, accessConnectedAt: null } })
          .catch(() => undefined),
      )
    }
    await Promise.all(updates)
    await new Promise((r) => setTimeout(r, 50))
    for (const c of this.wss.clients) c.terminate()
    this.live.clear()
  }
}

const byHub = new WeakMap<DeviceHub, TunnelRelay>()
/** The relay serving this node's hub (remote login opens its sessions through it), or null before it starts. */
export const tunnelRelayOf = (hub: DeviceHub): TunnelRelay | null => byHub.get(hub) ?? null

const sessionError = (msg: string) => new AppError('PRECONDITION_FAILED', msg, Codes.TUNNEL_SESSION_FAILED)
const unknownSession = (sessionId: string, frameId: number) =>
  responseFrame({
    sessionId,
    frameId,
    code: TunnelResponseCode.UNKNOWN_SESSION,
    msg: `no session ${sessionId} in this tunnel`,
  })

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data as ArrayBuffer)
}

/** Refuses an upgrade with an HTTP answer: the client sees the status, the code (78114) and why. */
function refuse(socket: import('node:stream').Duplex, status: number, message: string) {
  const body = JSON.stringify({ code: Codes.TUNNEL_AUTH_FAILED, message })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-iotops-code: ${Codes.TUNNEL_AUTH_FAILED}\r\nConnection: close\r\n\r\n${body}`,
  )
}
