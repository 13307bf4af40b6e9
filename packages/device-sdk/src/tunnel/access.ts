// A small access-side client of the secure-tunnel protocol (ref §11.1.3–11.1.4): what an operator's tool, the
// tests and the benchmark use. Connects with the token in the `tunnel-access-token` header, creates sessions by
// service_type, and gives each one as a byte stream.
import { EventEmitter } from 'node:events'
import { Duplex } from 'node:stream'
import {
  decodeTunnelFrame,
  decodeTunnelStatus,
  encodeTunnelFrame,
  releaseFrame,
  TUNNEL_PAYLOAD_MAX_BYTES,
  TUNNEL_SUBPROTOCOL,
  TUNNEL_TOKEN_HEADER,
  type TunnelFrame,
  TunnelFrameType,
  TunnelReleaseCode,
} from '@iotops/alink'
import WebSocket from 'ws'

/** A refused connection (HTTP status and the platform's code, 78114 for a bad token) or a refused session. */
export class TunnelError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'TunnelError'
  }
}

/** One session: write to send to the device's service, read what it answers. */
export class AccessSession extends Duplex {
  releaseCode: number | null = null
  releaseMsg = ''
  private frameId = 1
  constructor(
    readonly sessionId: string,
    readonly serviceType: string,
    private readonly client: TunnelAccess,
  ) {
    super()
  }
  _read() {
    this.client.resumeIfIdle()
  }
  _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
    if (this.releaseCode !== null) return cb(new Error('the session was released'))
    for (let off = 0; off < chunk.length; off += TUNNEL_PAYLOAD_MAX_BYTES) {
      this.client.send(
        encodeTunnelFrame({
          header: {
            frame_type: TunnelFrameType.DATA_TRANSPORT,
            session_id: this.sessionId,
            frame_id: this.frameId++,
            service_type: this.serviceType,
          },
          payload: chunk.subarray(off, off + TUNNEL_PAYLOAD_MAX_BYTES),
        }),
      )
    }
    this.client.whenWritable(cb)
  }
  _final(cb: (e?: Error | null) => void) {
    this.release()
    cb()
  }
  /** Ends the session from the access side (code 0). */
  release(msg = 'closed by the access side') {
    if (this.releaseCode !== null) return
    this.releaseCode = TunnelReleaseCode.BY_ACCESS_SIDE
    this.client.send(releaseFrame({ sessionId: this.sessionId, frameId: this.frameId++, code: 0, msg }))
    this.client.forget(this.sessionId)
    this.push(null)
  }
  /** @internal the platform or the device ended it */
  released(code: number, msg: string) {
    this.releaseCode = code
    this.releaseMsg = msg
    this.emit('released', code, msg)
    this.push(null)
  }
}

export class TunnelAccess extends EventEmitter {
  private readonly sessions = new Map<string, AccessSession>()
  private readonly creating = new Map<
    number,
    { resolve: (s: AccessSession) => void; reject: (e: Error) => void; serviceType: string }
  >()
  private frameId = 1
  private unwritten = 0
  private waiting: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    super()
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return
      const r = decodeTunnelFrame(data as Buffer)
      if (!r.ok) return this.emit('invalid', r.error)
      this.emit('frame', r.value)
      this.onFrame(r.value)
    })
    ws.on('close', (code, reason) => {
      for (const s of this.sessions.values()) s.released(-1, 'the tunnel connection closed')
      this.sessions.clear()
      for (const c of this.creating.values()) c.reject(new TunnelError('the tunnel connection closed', code))
      this.creating.clear()
      this.emit('close', code, reason.toString())
    })
    ws.on('error', () => {})
  }

  /**
   * Connects the access side. `auth: 'header'` (default) sends the token in the `tunnel-access-token` header;
   * `'message'` sends it as the first message instead (what a browser does). Rejects with TunnelError (78114).
   */
  static connect(url: string, token: string, opts: { auth?: 'header' | 'message' } = {}): Promise<TunnelAccess> {
    const byHeader = (opts.auth ?? 'header') === 'header'
    const ws = new WebSocket(url, TUNNEL_SUBPROTOCOL, {
      headers: byHeader ? { [TUNNEL_TOKEN_HEADER]: token } : {},
      maxPayload: 64 * 1024,
    })
    return new Promise((resolve, reject) => {
      let refused = false
      ws.once('unexpected-response', (_req, res) => {
        refused = true
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8')
        })
        res.on('end', () => {
          let parsed: { code?: number; message?: string } = {}
          try {
            parsed = JSON.parse(body)
          } catch {}
          reject(new TunnelError(parsed.message ?? body, parsed.code ?? 0, res.statusCode))
          ws.terminate()
        })
      })
      ws.on('error', (e) => {
        if (!refused) reject(e)
      })
      ws.once('open', () => {
        if (byHeader) return resolve(new TunnelAccess(ws))
        ws.send(JSON.stringify({ [TUNNEL_TOKEN_HEADER]: token }))
        ws.once('close', (code, reason) =>
          reject(new TunnelError(reason.toString(), Number.parseInt(reason.toString(), 10) || 0, code)),
        )
        ws.once('message', () => resolve(new TunnelAccess(ws)))
      })
    })
  }

  /** Creates a session; rejects with the common_response code and msg when it is refused. */
  openSession(serviceType: string, timeoutMs = 15_000): Promise<AccessSession> {
    const frameId = this.frameId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.creating.delete(frameId)
        reject(new TunnelError('no answer to session_create', -1))
      }, timeoutMs)
      this.creating.set(frameId, {
        serviceType,
        resolve: (s) => {
          clearTimeout(timer)
          resolve(s)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.send(
        encodeTunnelFrame({
          header: { frame_type: TunnelFrameType.SESSION_CREATE, frame_id: frameId, service_type: serviceType },
          payload: new Uint8Array(),
        }),
      )
    })
  }

  private onFrame(f: TunnelFrame) {
    const h = f.header
    if (h.frame_type === TunnelFrameType.COMMON_RESPONSE) {
      const pending = this.creating.get(h.frame_id)
      const st = decodeTunnelStatus(f.payload)
      const code = st.ok ? st.value.code : -1
      if (pending && (h.session_id || code !== 0)) {
        this.creating.delete(h.frame_id)
        if (code === 0) {
          const s = new AccessSession(h.session_id as string, pending.serviceType, this)
          this.sessions.set(s.sessionId, s)
          pending.resolve(s)
        } else pending.reject(new TunnelError(st.ok ? st.value.msg : 'refused', code))
        return
      }
      this.emit('response', h, st.ok ? st.value : null)
      return
    }
    const s = this.sessions.get(h.session_id ?? '')
    if (!s) return
    if (h.frame_type === TunnelFrameType.DATA_TRANSPORT) {
      if (!s.push(Buffer.from(f.payload))) this.ws.pause()
    } else if (h.frame_type === TunnelFrameType.SESSION_RELEASE) {
      this.sessions.delete(s.sessionId)
      const st = decodeTunnelStatus(f.payload)
      s.released(st.ok ? st.value.code : -1, st.ok ? st.value.msg : '')
    }
  }

  /** Sends raw bytes as one binary message (tests send malformed frames this way). */
  send(buf: Buffer) {
    if (this.ws.readyState !== WebSocket.OPEN) return
    this.unwritten += buf.length
    this.ws.send(buf, { binary: true }, () => {
      this.unwritten -= buf.length
      if (this.unwritten < 256 << 10) {
        const w = this.waiting
        this.waiting = []
        for (const f of w) f()
      }
    })
  }

  /** @internal calls back once the socket has room (backpressure for session writes) */
  whenWritable(cb: () => void) {
    if (this.unwritten < 1 << 20) return cb()
    this.waiting.push(cb)
  }

  /** @internal */
  resumeIfIdle() {
    this.ws.resume()
  }

  /** @internal */
  forget(sessionId: string) {
    this.sessions.delete(sessionId)
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve())
      this.ws.close(1000)
    })
  }
}
