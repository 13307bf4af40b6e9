// Remote login (browser SSH, ref §11.2): the platform opens a tunnel of purpose `remote_login` to the device,
// a `_SSH` session through it, and runs an SSH client (ssh2) over that session; the PTY is streamed to the
// browser over /api/ws/terminal (see `terminal.ts`). Credentials are used once for the SSH handshake and are
// never stored or logged. Share links let someone without a console account log in (token + password).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { Codes } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import { hashPassword, verifyPassword } from '../auth/password'
import type { Actor } from '../context'
import { AppError, notFound } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { type PageOf, skipTake } from '../paging'
import { tunnelRelayOf } from '../tunnel/relay'
import { type CloseReason, closeTunnels, createTunnel, recordTunnel } from '../tunnel/service'
import type { SshEndReason, TListSshSessionsInput, TRemoteLoginRef, TShareLoginInput } from './schema'

/** The tunnel service type remote login asks the device's agent for (mapped to its sshd, 127.0.0.1:22 by default). */
export const REMOTE_LOGIN_SERVICE = '_SSH'
export const REMOTE_LOGIN_PURPOSE = 'remote_login'
/**
 * A remote-login tunnel (and so its device-side token) stays open 7 days, not a normal tunnel's 24 h (ref §11.2:
 * the device's SSH channel credentials are valid 7 days; the device asks for new ones daily).
 */
export const REMOTE_LOGIN_TUNNEL_OPEN_MS = 7 * 24 * 3_600_000

/** Run-log operations of remote login (ref §7.1), written under the secure-tunnel business type. */
export type RemoteLoginOperation =
  | 'OpenConsoleSsh'
  | 'LoginConsoleSsh'
  | 'OpenConsoleSshShare'
  | 'UpdateConsoleSshSharePwd'
  | 'CloseConsoleSshShare'
  | 'CloseConsoleSsh'

export interface RemoteLoginLimits {
  /** no keystroke for this long → disconnected (default 5 min, as the reference) */
  idleTimeoutMs: number
  /** a session never lasts longer than this (default 8 h) */
  maxSessionMs: number
  /** at most this many SSH sessions open at once per device (default 5) */
  maxSessionsPerDevice: number
  /** at most this many SSH sessions open at once per console user or share link (default 5) */
  maxSessionsPerUser: number
  /** how long a new remote-login tunnel may take for the device's agent to connect (default 15 s) */
  tunnelWaitMs: number
  /** how long a share link stays valid (default 24 h) */
  shareValidMs: number
  /** failed share-password attempts in a row before the link is locked (default 5) … */
  shareMaxFailures: number
  /** … for this long (default 15 min) */
  shareLockMs: number
  /** a share recipient's login (after the share password) stays usable this long (default 30 min) */
  shareTicketMs: number
}

export const DEFAULT_REMOTE_LOGIN_LIMITS: RemoteLoginLimits = {
  idleTimeoutMs: 5 * 60_000,
  maxSessionMs: 8 * 3_600_000,
  maxSessionsPerDevice: 5,
  maxSessionsPerUser: 5,
  tunnelWaitMs: 15_000,
  shareValidMs: 24 * 3_600_000,
  shareMaxFailures: 5,
  shareLockMs: 15 * 60_000,
  shareTicketMs: 30 * 60_000,
}

let limits: RemoteLoginLimits = { ...DEFAULT_REMOTE_LOGIN_LIMITS }
/** Changes the limits of this process (start-up configuration; tests use seconds). */
export function configureRemoteLogin(p: Partial<RemoteLoginLimits>): RemoteLoginLimits {
  limits = { ...limits, ...p }
  return limits
}
export const remoteLoginLimits = (): RemoteLoginLimits => limits

/** A remote-login run-log record (bizType DeviceSecureTunnel, as the tunnel's own records). */
export function recordRemoteLogin(
  hub: DeviceHub,
  ref: { productKey: string; deviceName: string },
  operation: RemoteLoginOperation,
  code: number,
  content: Record<string, unknown>,
): Promise<void> {
  return recordTunnel(hub, ref, operation, code, content)
}

/** What the live-session registry (terminal.ts) tells the verbs here; set per hub by `RemoteLoginTerminal`. */
export interface LiveSessions {
  /** sessions open on this node for a device */
  countFor(deviceId: string): number
  /** ends sessions matching the filter; returns how many */
  end(
    filter: { deviceId?: string; shareId?: string; sessionId?: string },
    reason: SshEndReason,
    message: string,
  ): number
  /** live byte counts (in = keystrokes, out = output) */
  bytes(sessionId: string): { in: number; out: number } | null
  /** DATA_DIR, under which the recordings are */
  dataDir: string
}
const liveByHub = new WeakMap<DeviceHub, LiveSessions>()
export const registerLiveSessions = (hub: DeviceHub, l: LiveSessions) => liveByHub.set(hub, l)

async function requireDevice(db: Db, ref: TRemoteLoginRef) {
  const device = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
  })
  if (!device)
    throw new AppError(
      'NOT_FOUND',
      `the device ${ref.productKey}/${ref.deviceName} does not exist`,
      Codes.DEVICE_NOT_EXIST,
    )
  return device
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Opens remote login for a device (OpenConsoleSsh): reuses its open remote-login tunnel whose agent is connected
 * (even while the device's MQTT connection is down: device-initiated mode), else — the device must be online —
 * creates one and waits for the agent to connect.
 */
export async function openRemoteLogin(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  ref: TRemoteLoginRef,
): Promise<{ tunnelId: string; reused: boolean }> {
  const device = await requireDevice(db, ref)
  const relay = tunnelRelayOf(hub)
  if (!relay) throw new AppError('PRECONDITION_FAILED', 'secure tunnels are not running on this node')
  const fail = async (e: unknown) => {
    await recordRemoteLogin(hub, device, 'OpenConsoleSsh', e instanceof AppError && e.code ? e.code : 500, {
      caller: actor.name,
      Message: (e as Error).message,
    })
    return e
  }
  const existing = await db.prisma.tunnel.findMany({
    where: { deviceId: device.id, status: 'OPEN', purpose: REMOTE_LOGIN_PURPOSE },
    orderBy: { createdAt: 'desc' },
  })
  // device-initiated mode: the agent's tunnel WebSocket carries remote login even while MQTT is down
  const ready = existing.find((t) => relay.deviceConnected(t.tunnelId))
  if (ready) return { tunnelId: ready.tunnelId, reused: true }
  if (device.status !== 'ONLINE')
    throw await fail(
      new AppError(
        'PRECONDITION_FAILED',
        `the device ${device.deviceName} is offline; remote login needs the device online with its tunnel agent running`,
        Codes.DEVICE_OFFLINE,
      ),
    )
  // remote-login tunnels whose agent never came (or went away) are replaced
  if (existing.length) await closeRemoteLoginTunnels(db, hub, actor, device.id, 'replaced').catch(() => undefined)
  let tunnelId: string
  try {
    tunnelId = (
      await createTunnel(db, hub, actor, {
        productKey: device.productKey,
        deviceName: device.deviceName,
        description: 'remote login',
        purpose: REMOTE_LOGIN_PURPOSE,
        openMs: REMOTE_LOGIN_TUNNEL_OPEN_MS,
      })
    ).tunnelId
  } catch (e) {
    throw await fail(e)
  }
  const until = Date.now() + limits.tunnelWaitMs
  while (!relay.deviceConnected(tunnelId)) {
    if (Date.now() > until) {
      await closeTunnels(db, hub, actor, [tunnelId], 'user').catch(() => undefined)
      throw await fail(
        new AppError(
          'TIMEOUT',
          `the device's tunnel agent did not connect within ${Math.round(limits.tunnelWaitMs / 1000)} s; is the agent (iotops-agent) running on the device?`,
          Codes.TUNNEL_SESSION_FAILED,
        ),
      )
    }
    await sleep(100)
  }
  await recordRemoteLogin(hub, device, 'OpenConsoleSsh', 200, { caller: actor.name, TunnelId: tunnelId })
  return { tunnelId, reused: false }
}

/** Closes remote login for a device (CloseConsoleSsh): its SSH sessions end and its remote-login tunnels close. */
export async function closeRemoteLogin(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  ref: TRemoteLoginRef,
): Promise<{ sessionsEnded: number; tunnelsClosed: number }> {
  const device = await requireDevice(db, ref)
  const sessionsEnded =
    liveByHub.get(hub)?.end({ deviceId: device.id }, 'closed', `remote login was closed by ${actor.name}`) ?? 0
  const closed = await closeRemoteLoginTunnels(db, hub, actor, device.id, 'user')
  await db.prisma.$transaction((tx) =>
    audit(
      tx,
      actor,
      'remoteLogin.close',
      { type: 'device', id: `${device.productKey}/${device.deviceName}` },
      {
        sessionsEnded,
      },
    ),
  )
  await recordRemoteLogin(hub, device, 'CloseConsoleSsh', 200, { caller: actor.name, SessionsEnded: sessionsEnded })
  return { sessionsEnded, tunnelsClosed: closed.length }
}

/** Closes a device's open remote-login tunnels (sessions on them end); returns the closed tunnel ids. */
export async function closeRemoteLoginTunnels(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  deviceId: string,
  reason: CloseReason,
): Promise<string[]> {
  const open = await db.prisma.tunnel.findMany({ where: { deviceId, status: 'OPEN', purpose: REMOTE_LOGIN_PURPOSE } })
  if (!open.length) return []
  const { closed } = await closeTunnels(
    db,
    hub,
    actor,
    open.map((t) => t.tunnelId),
    reason,
  )
  return closed
}

/** Ends one running session (its owner, or an admin). */
export async function endSshSession(db: Db, hub: DeviceHub, actor: Actor, sessionId: string) {
  const row = await db.prisma.sshSession.findUnique({ where: { id: sessionId } })
  if (!row) throw notFound(`the SSH session ${sessionId}`)
  if (row.endedAt) throw new AppError('PRECONDITION_FAILED', 'the session has already ended')
  const n = liveByHub.get(hub)?.end({ sessionId }, 'closed', `the session was ended by ${actor.name}`) ?? 0
  if (!n) throw new AppError('PRECONDITION_FAILED', 'the session is not running on this node')
  await db.prisma.$transaction((tx) =>
    audit(tx, actor, 'remoteLogin.endSession', { type: 'sshSession', id: sessionId }),
  )
  return { ended: true }
}

// ───────────────────────────── share links ─────────────────────────────

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
/** the link's token: 256 random bits, URL-safe */
const newShareToken = () => randomBytes(32).toString('base64url')
/** the share password: 12 characters, 72 random bits (with the lockout, far beyond guessing) */
const newSharePassword = () => randomBytes(9).toString('base64url')
export const SHARE_PATH = '/share/ssh/'

export interface CreatedShare {
  shareId: string
  /** the recipient's page, relative to the console origin: `/share/ssh/<token>` (the token is in this answer only) */
  path: string
  /** shown once; only its hash is stored */
  password: string
  expiresAt: Date
}

export interface ShareView {
  shareId: string
  enabled: boolean
  /** 'active' | 'revoked' | 'expired' | 'locked' */
  state: 'active' | 'revoked' | 'expired' | 'locked'
  createdBy: string
  createdAt: Date
  expiresAt: Date
  lockedUntil: Date | null
  activeSessions: number
}

/** Shares remote login of a device (OpenConsoleSshShare): a link (token) and a password, valid 24 h. */
export async function createShare(db: Db, hub: DeviceHub, actor: Actor, ref: TRemoteLoginRef): Promise<CreatedShare> {
  const device = await requireDevice(db, ref)
  const token = newShareToken()
  const password = newSharePassword()
  const expiresAt = new Date(Date.now() + limits.shareValidMs)
  const passwordHash = await hashPassword(password)
  const row = await db.prisma.$transaction(async (tx) => {
    const r = await tx.sshShare.create({
      data: { deviceId: device.id, tokenHash: sha256(token), passwordHash, createdBy: actor.name, expiresAt },
    })
    await audit(
      tx,
      actor,
      'remoteLogin.share',
      { type: 'sshShare', id: r.id },
      {
        productKey: device.productKey,
        deviceName: device.deviceName,
      },
    )
    return r
  })
  await recordRemoteLogin(hub, device, 'OpenConsoleSshShare', 200, {
    caller: actor.name,
    ShareId: row.id,
    ExpiresAt: expiresAt.toISOString(),
  })
  return { shareId: row.id, path: `${SHARE_PATH}${token}`, password, expiresAt }
}

async function requireShare(db: Db, shareId: string) {
  const share = await db.prisma.sshShare.findUnique({ where: { id: shareId } })
  if (!share) throw notFound(`the share ${shareId}`)
  const device = await db.prisma.device.findUnique({ where: { id: share.deviceId } })
  if (!device) throw notFound(`the device of share ${shareId}`)
  return { share, device }
}

/** Switches a share off for good (CloseConsoleSshShare): the link stops working and sessions opened through it end. */
export async function revokeShare(db: Db, hub: DeviceHub, actor: Actor, shareId: string): Promise<{ revoked: true }> {
  const { share, device } = await requireShare(db, shareId)
  if (!share.enabled) throw new AppError('PRECONDITION_FAILED', 'the share is already switched off')
  await db.prisma.$transaction(async (tx) => {
    await tx.sshShare.update({ where: { id: shareId }, data: { enabled: false } })
    await audit(tx, actor, 'remoteLogin.revokeShare', { type: 'sshShare', id: shareId })
  })
  for (const [t, v] of tickets) if (v.shareId === shareId) tickets.delete(t)
  const ended = liveByHub.get(hub)?.end({ shareId }, 'revoked', 'the share link was switched off') ?? 0
  await recordRemoteLogin(hub, device, 'CloseConsoleSshShare', 200, {
    caller: actor.name,
    ShareId: shareId,
    SessionsEnded: ended,
  })
  return { revoked: true }
}

/**
 * A new share password (UpdateConsoleSshSharePwd), shown once. Sessions already logged in continue; new logins
 * need the new password. Clears a lockout.
 */
export async function resetSharePassword(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  shareId: string,
): Promise<{ password: string }> {
  const { share, device } = await requireShare(db, shareId)
  if (!share.enabled) throw new AppError('PRECONDITION_FAILED', 'the share is switched off; create a new one')
  if (share.expiresAt <= new Date())
    throw new AppError('PRECONDITION_FAILED', 'the share has expired; create a new one')
  const password = newSharePassword()
  const passwordHash = await hashPassword(password)
  await db.prisma.$transaction(async (tx) => {
    await tx.sshShare.update({ where: { id: shareId }, data: { passwordHash, failedCount: 0, lockedUntil: null } })
    await audit(tx, actor, 'remoteLogin.resetSharePassword', { type: 'sshShare', id: shareId })
  })
  await recordRemoteLogin(hub, device, 'UpdateConsoleSshSharePwd', 200, { caller: actor.name, ShareId: shareId })
  return { password }
}

const shareState = (s: { enabled: boolean; expiresAt: Date; lockedUntil: Date | null }, now: Date) =>
  !s.enabled ? 'revoked' : s.expiresAt <= now ? 'expired' : s.lockedUntil && s.lockedUntil > now ? 'locked' : 'active'

interface Ticket {
  shareId: string
  deviceId: string
  productKey: string
  deviceName: string
  expiresAt: number
}
/** share recipients past the share password: ticket → share (in-process; a ticket is single-node) */
const tickets = new Map<string, Ticket>()

/** The one answer for an unknown, expired, revoked link or a wrong password: nothing tells them apart. */
const SHARE_REFUSED =
  'this share link is not valid (it may have expired or been switched off), or the password is wrong'
const DUMMY_HASH = hashPassword(randomBytes(12).toString('hex'))

/**
 * A share recipient enters the share password: returns a ticket for the terminal (valid 30 min). Unknown,
 * expired and revoked links and wrong passwords get the same answer; 5 failures in a row lock the link 15 min.
 */
export async function shareLogin(
  db: Db,
  hub: DeviceHub,
  input: TShareLoginInput,
  ip?: string,
): Promise<{ ticket: string; productKey: string; deviceName: string; expiresAt: Date }> {
  const now = new Date()
  const share = await db.prisma.sshShare.findUnique({ where: { tokenHash: sha256(input.token) } })
  if (!share?.enabled || share.expiresAt <= now) {
    // the same work as a real check, so timing does not tell unknown links apart either
    await verifyPassword(input.password, await DUMMY_HASH)
    throw new AppError('UNAUTHORIZED', SHARE_REFUSED)
  }
  const device = await db.prisma.device.findUnique({ where: { id: share.deviceId } })
  if (!device) throw new AppError('UNAUTHORIZED', SHARE_REFUSED)
  if (share.lockedUntil && share.lockedUntil > now) {
    const minutes = Math.ceil((share.lockedUntil.getTime() - now.getTime()) / 60_000)
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `too many wrong passwords for this link; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    )
  }
  if (!(await verifyPassword(input.password, share.passwordHash))) {
    const failed = share.failedCount + 1
    const lock = failed >= limits.shareMaxFailures
    await db.prisma.sshShare.update({
      where: { id: share.id },
      data: lock
        ? { failedCount: 0, lockedUntil: new Date(now.getTime() + limits.shareLockMs) }
        : { failedCount: failed },
    })
    await recordRemoteLogin(hub, device, 'LoginConsoleSsh', 401, {
      ShareId: share.id,
      ip,
      Message: lock ? 'wrong share password; the link is locked' : 'wrong share password',
    })
    throw new AppError('UNAUTHORIZED', SHARE_REFUSED)
  }
  if (share.failedCount || share.lockedUntil)
    await db.prisma.sshShare.update({ where: { id: share.id }, data: { failedCount: 0, lockedUntil: null } })
  const ticket = randomBytes(32).toString('base64url')
  const expiresAt = Math.min(now.getTime() + limits.shareTicketMs, share.expiresAt.getTime())
  for (const [t, v] of tickets) if (v.expiresAt < now.getTime()) tickets.delete(t)
  tickets.set(ticket, {
    shareId: share.id,
    deviceId: device.id,
    productKey: device.productKey,
    deviceName: device.deviceName,
    expiresAt,
  })
  return { ticket, productKey: device.productKey, deviceName: device.deviceName, expiresAt: new Date(expiresAt) }
}

/** The share a ticket stands for, if it and its share are still valid (checked again at every terminal open). */
export async function ticketShare(db: Db, ticket: string): Promise<Ticket | null> {
  const known = [...tickets.entries()].find(([t]) => {
    const a = Buffer.from(t)
    const b = Buffer.from(ticket)
    return a.length === b.length && timingSafeEqual(a, b)
  })
  const t = known?.[1]
  if (!t || t.expiresAt < Date.now()) return null
  const share = await db.prisma.sshShare.findUnique({ where: { id: t.shareId } })
  if (!share || shareState(share, new Date()) === 'revoked' || share.expiresAt <= new Date()) return null
  return t
}

export async function listShares(db: Db, ref: TRemoteLoginRef): Promise<ShareView[]> {
  const device = await requireDevice(db, ref)
  const rows = await db.prisma.sshShare.findMany({
    where: { deviceId: device.id },
    orderBy: { createdAt: 'desc' },
    take: 50,
  })
  const active = await db.prisma.sshSession.groupBy({
    by: ['openedBy'],
    where: { deviceId: device.id, endedAt: null, openedBy: { in: rows.map((r) => `share:${r.id}`) } },
    _count: true,
  })
  const now = new Date()
  return rows.map((r) => ({
    shareId: r.id,
    enabled: r.enabled,
    state: shareState(r, now),
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    lockedUntil: r.lockedUntil && r.lockedUntil > now ? r.lockedUntil : null,
    activeSessions: active.find((a) => a.openedBy === `share:${r.id}`)?._count ?? 0,
  }))
}

// ───────────────────────────── sessions: audit list, recordings ─────────────────────────────

export interface SshSessionView {
  sessionId: string
  productKey: string
  deviceName: string
  /** the console user (e-mail), or `share:<shareId>` for a login through a share link */
  openedBy: string
  sshUser: string
  startedAt: Date
  endedAt: Date | null
  endReason: string | null
  bytesIn: number
  bytesOut: number
  hasRecording: boolean
  live: boolean
}

export async function listSshSessions(
  db: Db,
  hub: DeviceHub,
  input: TListSshSessionsInput,
): Promise<PageOf<SshSessionView>> {
  const where = {
    ...(input.productKey ? { productKey: input.productKey } : {}),
    ...(input.deviceName ? { deviceName: { contains: input.deviceName } } : {}),
    ...(input.active === undefined ? {} : { endedAt: input.active ? null : { not: null } }),
  }
  const [rows, total] = await Promise.all([
    db.prisma.sshSession.findMany({ where, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], ...skipTake(input) }),
    db.prisma.sshSession.count({ where }),
  ])
  const live = liveByHub.get(hub)
  return {
    items: rows.map((r) => {
      const b = r.endedAt ? null : (live?.bytes(r.id) ?? null)
      return {
        sessionId: r.id,
        productKey: r.productKey,
        deviceName: r.deviceName,
        openedBy: r.openedBy,
        sshUser: r.sshUser,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        endReason: r.endReason,
        bytesIn: b ? b.in : Number(r.bytesIn),
        bytesOut: b ? b.out : Number(r.bytesOut),
        hasRecording: !!r.recordingPath,
        live: !r.endedAt && !!b,
      }
    }),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

/** Recordings larger than this are not sent to the in-console player (download them instead… from disk). */
export const RECORDING_MAX_BYTES = 20 * 1024 * 1024

/** A session's recording (asciicast v2 text) for the player and the download. */
export async function sshRecording(
  db: Db,
  hub: DeviceHub,
  sessionId: string,
): Promise<{ sessionId: string; fileName: string; cast: string }> {
  const dataDir = liveByHub.get(hub)?.dataDir
  if (!dataDir) throw new AppError('PRECONDITION_FAILED', 'remote login is not running on this node')
  const row = await db.prisma.sshSession.findUnique({ where: { id: sessionId } })
  if (!row) throw notFound(`the SSH session ${sessionId}`)
  if (!row.recordingPath) throw new AppError('NOT_FOUND', 'this session has no recording')
  const file = path.resolve(dataDir, row.recordingPath)
  if (!file.startsWith(path.resolve(dataDir) + path.sep))
    throw new AppError('NOT_FOUND', 'this session has no recording')
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  )
  if (size < 0) throw new AppError('NOT_FOUND', 'the recording file is missing (was DATA_DIR cleaned?)')
  if (size > RECORDING_MAX_BYTES)
    throw new AppError(
      'PRECONDITION_FAILED',
      `the recording is ${Math.round(size / 1048576)} MB; too large to play here`,
    )
  const cast = await readFile(file, 'utf8')
  return { sessionId, fileName: `${row.deviceName}-${row.startedAt.toISOString().replace(/[:.]/g, '-')}.cast`, cast }
}
