// The browser terminal: WebSocket /api/ws/terminal. The first text message opens an SSH session (a console user
// by device, authenticated by the session cookie at the upgrade; a share recipient by ticket); binary messages
// are keystrokes; JSON `resize` / `close`. Output goes back as binary frames, is recorded (asciicast v2) and
// mirrored to admins watching. The SSH client (ssh2) runs here, over a `_SSH` tunnel session to the device.
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { Codes } from '@iotops/alink'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import { Client, type ClientChannel } from 'ssh2'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import type { Actor } from '../context'
import { AppError } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { tunnelRelayOf } from '../tunnel/relay'
import { listenDeviceRequests } from './device-initiated'
import { hostKeyAlgorithm, hostKeyChangedMessage, hostKeyFingerprint, knownHostKey, rememberHostKey } from './host-key'
import { CastRecorder, recordingRelPath } from './recording'
import {
  type SshEndReason,
  type TerminalServerMessage,
  type TTerminalClientMessage,
  ZTerminalClientMessage,
} from './schema'
import {
  openRemoteLogin,
  REMOTE_LOGIN_SERVICE,
  recordRemoteLogin,
  registerLiveSessions,
  remoteLoginLimits,
  ticketShare,
} from './service'

export const TERMINAL_WS_PATH = '/api/ws/terminal'
/** what an admin watching a session gets first: the latest output */
const MIRROR_TAIL_BYTES = 64 * 1024
const OPEN_WAIT_MS = 10_000

export interface RemoteLoginTerminalOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  /** recordings go under DATA_DIR/recordings/ssh */
  dataDir: string
  /** the signed-in console user of an upgrade request (session cookie), or null */
  sessionActor: (req: IncomingMessage) => Promise<Actor | null>
}

interface Live {
  id: string
  deviceId: string
  productKey: string
  deviceName: string
  shareId: string | null
  /** the console user's name, or `share:<shareId>` */
  openedBy: string
  ws: WebSocket
  client: Client
  channel: ClientChannel
  recorder: CastRecorder | null
  watchers: Set<WebSocket>
  tail: Buffer[]
  tailBytes: number
  bytesIn: number
  bytesOut: number
  idle: NodeJS.Timeout | null
  absolute: NodeJS.Timeout
  ended: boolean
  end(reason: SshEndReason, message: string): void
}

type KeySeen = { fingerprint: string; algorithm: string }

const END_MESSAGES: Record<SshEndReason, string> = {
  closed: 'the session was closed',
  idle: 'disconnected: no input for too long',
  timeout: 'disconnected: the session reached its maximum duration',
  device: 'the device ended the session',
  error: 'the session failed',
  revoked: 'the share link was switched off',
}

export class RemoteLoginTerminal {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 })
  private readonly live = new Map<string, Live>()
  /** sessions being opened (tunnel, SSH login), counted against the limits like live ones */
  private readonly opening = new Set<{ deviceId: string; openedBy: string }>()
  private closing = false
  private readonly stopDeviceRequests: () => void

  constructor(private readonly o: RemoteLoginTerminalOptions) {
    // device-initiated mode: devices ask for their remote-login channel themselves
    this.stopDeviceRequests = listenDeviceRequests(o.db, o.hub, o.log)
    registerLiveSessions(o.hub, {
      dataDir: o.dataDir,
      countFor: (deviceId) => [...this.live.values()].filter((l) => l.deviceId === deviceId).length,
      end: (f, reason, message) => {
        let n = 0
        for (const l of [...this.live.values()]) {
          if (f.deviceId && l.deviceId !== f.deviceId) continue
          if (f.shareId && l.shareId !== f.shareId) continue
          if (f.sessionId && l.id !== f.sessionId) continue
          l.end(reason, message)
          n++
        }
        return n
      },
      bytes: (id) => {
        const l = this.live.get(id)
        return l ? { in: l.bytesIn, out: l.bytesOut } : null
      },
    })
  }

  /** Takes the upgrade of /api/ws/terminal; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== TERMINAL_WS_PATH) return false
    void (async () => {
      if (this.closing || !sameOrigin(req)) return socket.destroy()
      const actor = await this.o.sessionActor(req)
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, actor, clean(req.socket.remoteAddress)))
    })().catch((e) => {
      this.o.log.error({ err: e }, 'terminal upgrade failed')
      socket.destroy()
    })
    return true
  }

  private accept(ws: WebSocket, actor: Actor | null, ip: string | undefined) {
    const send = (m: TerminalServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m))
    const timer = setTimeout(() => ws.close(4408, 'nothing asked'), OPEN_WAIT_MS)
    ws.on('error', () => ws.terminate())
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer)
      const m = isBinary ? null : parseMessage(data)
      if (!m || (m.type !== 'open' && m.type !== 'watch')) {
        send({ type: 'error', code: null, message: 'the first message must open a session' })
        return ws.close(4400, 'bad request')
      }
      const run = m.type === 'watch' ? this.watch(ws, actor, m.sessionId) : this.open(ws, actor, ip, m)
      run.catch((e: unknown) => {
        const known = e instanceof AppError
        if (!known) this.o.log.warn({ err: e }, 'remote login failed')
        send({
          type: 'error',
          code: known ? (e.code ?? null) : null,
          message: known ? e.message : 'remote login failed; see the node log',
        })
        ws.close(4000, 'failed')
      })
    })
  }

  /** An admin's read-only mirror of a running session. */
  private async watch(ws: WebSocket, actor: Actor | null, sessionId: string) {
    if (actor?.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'only administrators can watch sessions')
    const l = this.live.get(sessionId)
    if (!l) throw new AppError('NOT_FOUND', 'the session is not running on this node')
    ws.send(JSON.stringify({ type: 'status', state: 'ready', sessionId } satisfies TerminalServerMessage))
    if (l.tailBytes) ws.send(Buffer.concat(l.tail))
    l.watchers.add(ws)
    ws.on('close', () => l.watchers.delete(ws))
  }

  private async open(
    ws: WebSocket,
    actor: Actor | null,
    ip: string | undefined,
    m: Extract<TTerminalClientMessage, { type: 'open' }>,
  ) {
    const { db, hub } = this.o
    const send = (msg: TerminalServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg))
    // who: a console user (operator or admin) by device, or a share recipient by ticket
    let who: Actor
    let shareId: string | null = null
    let ref: { productKey: string; deviceName: string }
    if (m.shareTicket) {
      const t = await ticketShare(db, m.shareTicket)
      if (!t)
        throw new AppError(
          'UNAUTHORIZED',
          'the share login has expired or the link was switched off; open the link again',
        )
      shareId = t.shareId
      ref = { productKey: t.productKey, deviceName: t.deviceName }
      who = { type: 'system', id: null, name: `share:${t.shareId}`, role: 'OPERATOR', ip }
    } else {
      if (!actor) throw new AppError('UNAUTHORIZED', 'sign in to the console first')
      if (actor.role === 'VIEWER') throw new AppError('FORBIDDEN', 'remote login needs the operator or admin role')
      if (!m.productKey || !m.deviceName) throw new AppError('BAD_REQUEST', 'choose the device')
      ref = { productKey: m.productKey, deviceName: m.deviceName }
      who = actor
    }
    const device = await db.prisma.device.findUnique({ where: { productKey_deviceName: ref } })
    if (!device) throw new AppError('NOT_FOUND', `the device ${ref.productKey}/${ref.deviceName} does not exist`)
    const lim = remoteLoginLimits()
    const sessions = [...this.live.values(), ...this.opening]
    const running = sessions.filter((l) => l.deviceId === device.id).length
    if (running >= lim.maxSessionsPerDevice)
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `the device already has ${running} remote login sessions (at most ${lim.maxSessionsPerDevice}); close one first`,
      )
    const mine = sessions.filter((l) => l.openedBy === who.name).length
    if (mine >= lim.maxSessionsPerUser)
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `you already have ${mine} remote login sessions open (at most ${lim.maxSessionsPerUser}); close one first`,
      )
    // from here the session counts against both limits, while its tunnel and SSH login are under way
    const slot = { deviceId: device.id, openedBy: who.name }
    this.opening.add(slot)
    try {
      send({ type: 'status', state: 'connecting' })
      // trust on first use: the key recorded at the first login must be the one presented now
      const known = await knownHostKey(db, device.id)
      const { tunnelId } = await openRemoteLogin(db, hub, who, ref)
      const relay = tunnelRelayOf(hub)
      if (!relay) throw new AppError('PRECONDITION_FAILED', 'secure tunnels are not running on this node')
      const stream = await relay.openSession(tunnelId, REMOTE_LOGIN_SERVICE)
      if (ws.readyState !== ws.OPEN) return void stream.destroy()
      send({ type: 'status', state: 'authenticating' })
      const cred = m.credentials
      const client = new Client()
      const loginLog = { caller: who.name, ip, SshUser: cred.username, TunnelId: tunnelId }
      let presented = null as KeySeen | null
      let keyChanged = false
      try {
        await new Promise<void>((resolve, reject) => {
          client.once('ready', () => resolve())
          client.once('error', (e: Error & { level?: string }) => reject(e))
          client.connect({
            sock: stream,
            username: cred.username,
            ...(cred.password ? { password: cred.password } : {}),
            ...(cred.privateKey ? { privateKey: cred.privateKey, passphrase: cred.passphrase || undefined } : {}),
            tryKeyboard: false,
            hostVerifier: (key: Buffer) => {
              presented = { fingerprint: hostKeyFingerprint(key), algorithm: hostKeyAlgorithm(key) }
              keyChanged = !!known && known.fingerprint !== presented.fingerprint
              return !keyChanged
            },
            readyTimeout: 20_000,
            keepaliveInterval: 30_000,
          })
        })
      } catch (e) {
        stream.destroy()
        client.end()
        const err = e as Error & { level?: string }
        if (keyChanged && known && presented) {
          const message = hostKeyChangedMessage(known, presented.fingerprint)
          await recordRemoteLogin(hub, device, 'LoginConsoleSsh', 403, { ...loginLog, Message: message })
          throw new AppError('PRECONDITION_FAILED', message)
        }
        const badKey = /privateKey|parse|passphrase/i.test(err.message) && !!cred.privateKey
        const wrong = err.level === 'client-authentication'
        const message = wrong
          ? 'SSH login failed: the user name or password (or key) is wrong'
          : badKey
            ? 'the private key cannot be read (wrong format or passphrase)'
            : `SSH connection to the device failed: ${err.message}`
        await recordRemoteLogin(hub, device, 'LoginConsoleSsh', wrong || badKey ? Codes.REMOTE_LOGIN_FAILED : 500, {
          ...loginLog,
          Message: message,
        })
        throw new AppError(wrong || badKey ? 'UNAUTHORIZED' : 'PRECONDITION_FAILED', message, Codes.REMOTE_LOGIN_FAILED)
      }
      if (!known && presented)
        await rememberHostKey(db, device.id, { ...presented, firstSeenBy: who.name }).catch((e) =>
          this.o.log.warn({ err: e }, 'SSH host key not recorded'),
        )
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell({ term: 'xterm-256color', cols: m.cols, rows: m.rows }, (e, ch) => (e ? reject(e) : resolve(ch))),
      ).catch((e: Error) => {
        client.end()
        throw new AppError('PRECONDITION_FAILED', `the device refused a terminal: ${e.message}`)
      })
      const row = await db.prisma.sshSession.create({
        data: {
          deviceId: device.id,
          productKey: device.productKey,
          deviceName: device.deviceName,
          openedBy: who.name,
          sshUser: cred.username,
        },
      })
      const rel = recordingRelPath(row.id, row.startedAt)
      const recorder = await CastRecorder.open(path.join(this.o.dataDir, rel), {
        width: m.cols,
        height: m.rows,
        title: `${cred.username}@${device.deviceName}`,
        env: { TERM: 'xterm-256color' },
      }).catch((e) => {
        this.o.log.warn({ err: e }, 'session recording could not start')
        return null
      })
      if (recorder) await db.prisma.sshSession.update({ where: { id: row.id }, data: { recordingPath: rel } })
      await recordRemoteLogin(hub, device, 'LoginConsoleSsh', 200, { ...loginLog, SessionId: row.id })

      const l: Live = {
        id: row.id,
        deviceId: device.id,
        productKey: device.productKey,
        deviceName: device.deviceName,
        shareId,
        openedBy: who.name,
        ws,
        client,
        channel,
        recorder,
        watchers: new Set(),
        tail: [],
        tailBytes: 0,
        bytesIn: 0,
        bytesOut: 0,
        idle: null,
        absolute: setTimeout(() => l.end('timeout', END_MESSAGES.timeout), lim.maxSessionMs),
        ended: false,
        end: (reason, message) => void this.end(l, reason, message),
      }
      this.live.set(l.id, l)
      const touch = () => {
        if (l.idle) clearTimeout(l.idle)
        l.idle = setTimeout(
          () => l.end('idle', `disconnected after ${formatDuration(lim.idleTimeoutMs)} without input`),
          lim.idleTimeoutMs,
        )
      }
      touch()
      send({ type: 'status', state: 'ready', sessionId: l.id })
      const out = (chunk: Buffer) => {
        l.bytesOut += chunk.length
        l.recorder?.output(chunk)
        l.tail.push(chunk)
        l.tailBytes += chunk.length
        while (l.tailBytes > MIRROR_TAIL_BYTES && l.tail.length > 1) l.tailBytes -= (l.tail.shift() as Buffer).length
        if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true })
        for (const w of l.watchers) if (w.readyState === w.OPEN) w.send(chunk, { binary: true })
      }
      channel.on('data', out)
      channel.stderr.on('data', out)
      channel.on('close', () =>
        l.end(stream.releaseCode !== null && stream.releaseCode !== 0 ? 'device' : 'closed', 'the shell ended'),
      )
      client.on('error', () => l.end('device', END_MESSAGES.device))
      client.on('close', () => l.end('device', END_MESSAGES.device))
      ws.on('message', (data, isBinary) => {
        if (l.ended) return
        if (isBinary) {
          const b = toBuffer(data)
          l.bytesIn += b.length
          touch()
          channel.write(b)
          return
        }
        const msg = parseMessage(data)
        if (!msg) return
        if (msg.type === 'input') {
          const b = Buffer.from(msg.data, 'utf8')
          l.bytesIn += b.length
          touch()
          channel.write(b)
        } else if (msg.type === 'resize') {
          channel.setWindow(msg.rows, msg.cols, 0, 0)
          l.recorder?.resize(msg.cols, msg.rows)
        } else if (msg.type === 'close') l.end('closed', END_MESSAGES.closed)
      })
      ws.on('close', () => l.end('closed', END_MESSAGES.closed))
      // the browser went away while the login was under way
      if (ws.readyState !== ws.OPEN) l.end('closed', END_MESSAGES.closed)
    } finally {
      this.opening.delete(slot)
    }
  }

  private async end(l: Live, reason: SshEndReason, message: string) {
    if (l.ended) return
    l.ended = true
    this.live.delete(l.id)
    if (l.idle) clearTimeout(l.idle)
    clearTimeout(l.absolute)
    const bye = JSON.stringify({ type: 'closed', reason, message } satisfies TerminalServerMessage)
    for (const w of [l.ws, ...l.watchers]) {
      if (w.readyState === w.OPEN) {
        w.send(bye)
        w.close(1000, reason)
      }
    }
    l.channel.close()
    l.client.end()
    await l.recorder?.close()
    await this.o.db.prisma.sshSession
      .update({
        where: { id: l.id },
        data: { endedAt: new Date(), endReason: reason, bytesIn: BigInt(l.bytesIn), bytesOut: BigInt(l.bytesOut) },
      })
      .catch((e) => this.o.log.warn({ err: e }, 'SSH session end not stored'))
    await recordRemoteLogin(this.o.hub, l, 'CloseConsoleSsh', 200, {
      SessionId: l.id,
      Reason: reason,
      Message: message,
      BytesIn: l.bytesIn,
      BytesOut: l.bytesOut,
    })
  }

  /** Node shutdown: every session ends ('closed'), recordings are flushed. */
  async close(): Promise<void> {
    this.closing = true
    this.stopDeviceRequests()
    await Promise.all([...this.live.values()].map((l) => this.end(l, 'closed', 'the node is shutting down')))
    for (const c of this.wss.clients) c.terminate()
  }
}

function parseMessage(data: RawData): TTerminalClientMessage | null {
  try {
    const r = ZTerminalClientMessage.safeParse(JSON.parse(toBuffer(data).toString('utf8')))
    return r.success ? r.data : null
  } catch {
    return null
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data as ArrayBuffer)
}

/** Cross-site WebSocket hijacking guard: a browser's Origin must be this host. */
function sameOrigin(req: IncomingMessage) {
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

const clean = (ip: string | undefined) => (ip ? ip.replace(/^::ffff:/, '') : undefined)

function formatDuration(ms: number) {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`
  return `${Math.round(ms / 1000)} seconds`
}
