// Secure tunnels (ref §11.1): create for an online device, close (user, API, or forced after 24 h), delete (only
// closed; automatically 30 days after creation), list and detail. The bytes themselves go through `relay.ts`.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import {
  Codes,
  TUNNEL_MAX_OPEN_MS,
  TUNNEL_MAX_PER_DEVICE,
  TUNNEL_RETENTION_MS,
  TUNNEL_SUBPROTOCOL,
  TUNNEL_TOKEN_HEADER,
  topics,
} from '@iotops/alink'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, notFound } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { newTraceId } from '../ids'
import { type PageOf, skipTake } from '../paging'
import { BizType } from '../runlog/biz'
import { logContent } from '../runlog/writer'
import type { TCreateTunnelInput, TListTunnelsInput } from './schema'

/** Run-log business type and operations of secure tunnels (ref §7.1 log fields). */
export const TUNNEL_BIZ_TYPE = BizType.DeviceSecureTunnel
export type TunnelOperation =
  | 'CreateTunnel'
  | 'CloseTunnel'
  | 'DeleteTunnel'
  | 'DeviceEndConn'
  | 'AccessEndConn'
  | 'SessionCreate'
  | 'SessionRelease'
  | 'DeviceEndDisconn'
  | 'AccessEndDisconn'

export type TunnelSide = 'device' | 'access'
/** WebSocket paths of the two sides; the tunnel id follows. */
export const TUNNEL_WS_PATH = { device: '/api/ws/tunnel/device/', access: '/api/ws/tunnel/access/' } as const

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
/** 256-bit random token, URL-safe. */
const newToken = () => randomBytes(32).toString('base64url')

/** Compares a presented token with a stored hash in constant time. */
export function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(sha256(token), 'hex')
  const b = Buffer.from(hash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

let wsBase = 'ws://127.0.0.1:3000'
/** The externally reachable base the tunnel URLs are built on (PUBLIC_URL or the listening address), http(s) or ws(s). */
export function configureTunnelUrls(base: string) {
  wsBase = base.replace(/\/+$/, '').replace(/^http/, 'ws')
}
export const tunnelUrl = (side: TunnelSide, tunnelId: string) => `${wsBase}${TUNNEL_WS_PATH[side]}${tunnelId}`

export function recordTunnel(
  hub: DeviceHub,
  ref: { productKey: string; deviceName: string },
  /** a tunnel operation, or remote login's (same business type) */
  operation: TunnelOperation | string,
  code: number,
  content: Record<string, unknown>,
): Promise<void> {
  return hub
    .record({
      productKey: ref.productKey,
      deviceName: ref.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: TUNNEL_BIZ_TYPE,
      operation,
      code,
      content: logContent(content),
    })
    .catch(() => undefined)
}

/** What the relay needs to know about tunnels it serves; set by `TunnelRelay` (in-process, one node). */
export interface TunnelRelayHooks {
  /** releases every session of the tunnel and disconnects both sides */
  closed(tunnelDbId: string): void
  /** byte totals of the sessions open on this node: session_id → bytes (stored when a session ends) */
  liveBytes(tunnelDbId: string): Map<string, { up: number; down: number }>
}
const relays = new WeakMap<DeviceHub, TunnelRelayHooks>()
export const registerRelay = (hub: DeviceHub, r: TunnelRelayHooks) => relays.set(hub, r)

export interface CreatedTunnel {
  tunnelId: string
  /** the access side connects here (WebSocket, subprotocol `aliyun.iot.securetunnel-v1.1`) */
  accessUrl: string
  /** shown once; only its hash is stored */
  accessToken: string
  tokenHeader: string
  subprotocol: string
  expiresAt: Date
  deleteAt: Date
}

/** A device already has its most open tunnels (TUNNEL_MAX_PER_DEVICE). */
export class TunnelLimitReached extends AppError {
  constructor(open: number) {
    super(
      'PRECONDITION_FAILED',
      `the device already has ${open} open tunnels (at most ${TUNNEL_MAX_PER_DEVICE}); close one first`,
    )
  }
}

/**
 * Creates a tunnel for an online device and notifies the device (ref §11.1.2–11.1.3). A tunnel stays open 24 h
 * unless `openMs` says otherwise (remote-login tunnels: 7 days, ref §11.2 device-initiated mode).
 */
export async function createTunnel(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  input: TCreateTunnelInput & { purpose?: string; openMs?: number },
): Promise<CreatedTunnel> {
  const device = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: input.productKey, deviceName: input.deviceName } },
  })
  if (!device)
    throw new AppError(
      'NOT_FOUND',
      `the device ${input.productKey}/${input.deviceName} does not exist`,
      Codes.DEVICE_NOT_EXIST,
    )
  if (device.disabled)
    throw new AppError('PRECONDITION_FAILED', 'the device is disabled; enable it first', Codes.DEVICE_DISABLED_CALL)
  if (device.status !== 'ONLINE')
    throw new AppError(
      'PRECONDITION_FAILED',
      'the device is offline; a tunnel can only be created for an online device',
      Codes.DEVICE_OFFLINE,
    )
  const open = await db.prisma.tunnel.count({ where: { deviceId: device.id, status: 'OPEN' } })
  if (open >= TUNNEL_MAX_PER_DEVICE) throw new TunnelLimitReached(open)
  const tunnelId = randomUUID()
  const deviceToken = newToken()
  const accessToken = newToken()
  const now = Date.now()
  const openMs = input.openMs ?? TUNNEL_MAX_OPEN_MS
  const expiresAt = new Date(now + openMs)
  const deleteAt = new Date(now + TUNNEL_RETENTION_MS)
  await db.prisma.$transaction(async (tx) => {
    await tx.tunnel.create({
      data: {
        tunnelId,
        deviceId: device.id,
        productKey: device.productKey,
        deviceName: device.deviceName,
        description: input.description || null,
        udi: input.udi || null,
        deviceTokenHash: sha256(deviceToken),
        accessTokenHash: sha256(accessToken),
        rateLimit: input.rateLimitKBps ? input.rateLimitKBps * 1024 : null,
        purpose: input.purpose ?? 'user',
        createdBy: actor.name,
        expiresAt,
        deleteAt,
      },
    })
    await audit(
      tx,
      actor,
      'tunnel.create',
      { type: 'tunnel', id: tunnelId },
      {
        productKey: device.productKey,
        deviceName: device.deviceName,
      },
    )
  })
  const deviceUrl = new URL(tunnelUrl('device', tunnelId))
  // the notification: where and with which token the device side connects (its token travels only here)
  const notify = {
    tunnel_id: tunnelId,
    operation: 'connect',
    uri: deviceUrl.href,
    host: deviceUrl.hostname,
    port: Number(deviceUrl.port || (deviceUrl.protocol === 'wss:' ? 443 : 80)),
    path: deviceUrl.pathname,
    token: deviceToken,
    token_expire: Math.floor(openMs / 1000),
    udi: input.udi ?? '',
    created: now,
    expired: expiresAt.getTime(),
  }
  await hub.publish(topics.tunnelNotify(device.productKey, device.deviceName), JSON.stringify(notify), 1)
  await recordTunnel(hub, device, 'CreateTunnel', 200, {
    TunnelId: tunnelId,
    caller: actor.name,
    Description: input.description ?? '',
  })
  return {
    tunnelId,
    accessUrl: tunnelUrl('access', tunnelId),
    accessToken,
    tokenHeader: TUNNEL_TOKEN_HEADER,
    subprotocol: TUNNEL_SUBPROTOCOL,
    expiresAt,
    deleteAt,
  }
}

async function requireTunnels(db: Db, tunnelIds: string[]) {
  const ids = [...new Set(tunnelIds)]
  const rows = await db.prisma.tunnel.findMany({ where: { tunnelId: { in: ids } } })
  const missing = ids.filter((id) => !rows.some((r) => r.tunnelId === id))
  if (missing.length) throw notFound(`the tunnel ${missing.join(', ')}`)
  return rows
}

/** Why a tunnel closed: a user, the API, its open time, or a newer tunnel of the device for the same purpose. */
export type CloseReason = 'user' | 'api' | 'expired' | 'replaced'

/**
 * Tunnels replaced by a newer open tunnel of the same device and purpose (a device's renewed remote-login channel;
 * user tunnels are never replaced) close once they carry no session — an SSH session open at the renewal keeps
 * its tunnel until it ends — and a day after they were replaced at the latest. `where`: one device's, or one
 * tunnel (its row id); none: every device's (the minute sweep).
 */
export async function closeReplacedTunnels(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  where: { deviceId?: string; id?: string } = {},
) {
  const { rows } = await db.pool.query<{ id: string; tunnel_id: string; product_key: string; device_name: string }>(
    `SELECT t.id, t.tunnel_id, t.product_key, t.device_name FROM tunnel t
     WHERE t.status = 'OPEN' AND t.purpose <> 'user'
       AND ($1::uuid IS NULL OR t.device_id = $1) AND ($2::uuid IS NULL OR t.id = $2)
       AND EXISTS (
         SELECT 1 FROM tunnel n
         WHERE n.device_id = t.device_id AND n.purpose = t.purpose AND n.status = 'OPEN' AND n.created_at > t.created_at
           AND (n.created_at < now() - interval '1 day'
                OR NOT EXISTS (SELECT 1 FROM tunnel_session s WHERE s.tunnel_id = t.id AND s.released_at IS NULL)))
     LIMIT 500`,
    [where.deviceId ?? null, where.id ?? null],
  )
  const replaced = rows.map((r) => ({
    id: r.id,
    tunnelId: r.tunnel_id,
    productKey: r.product_key,
    deviceName: r.device_name,
  }))
  return closeRows(db, hub, actor, replaced, 'replaced')
}

/**
 * Closes open tunnels (ref: only open tunnels can be closed; closed ones never reopen). Sessions are released,
 * both sides disconnected, and the device told on the notify topic (`operation: close`).
 */
export async function closeTunnels(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  tunnelIds: string[],
  reason: CloseReason = 'user',
): Promise<{ closed: string[] }> {
  const rows = await requireTunnels(db, tunnelIds)
  const notOpen = rows.filter((r) => r.status !== 'OPEN')
  if (notOpen.length)
    throw new AppError(
      'PRECONDITION_FAILED',
      `only open tunnels can be closed; already closed: ${notOpen.map((r) => r.tunnelId).join(', ')}`,
    )
  return closeRows(db, hub, actor, rows, reason)
}

async function closeRows(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  rows: { id: string; tunnelId: string; productKey: string; deviceName: string }[],
  reason: CloseReason,
) {
  const closed: string[] = []
  for (const r of rows) {
    const done = await db.prisma.$transaction(async (tx) => {
      const n = await tx.tunnel.updateMany({
        where: { id: r.id, status: 'OPEN' },
        data: { status: 'CLOSED', closedAt: new Date(), closeReason: reason },
      })
      if (n.count) await audit(tx, actor, 'tunnel.close', { type: 'tunnel', id: r.tunnelId }, { reason })
      return n.count > 0
    })
    if (!done) continue
    closed.push(r.tunnelId)
    relays.get(hub)?.closed(r.id)
    await hub
      .publish(
        topics.tunnelNotify(r.productKey, r.deviceName),
        JSON.stringify({ tunnel_id: r.tunnelId, operation: 'close', close_reason: reason }),
        0,
      )
      .catch(() => undefined)
    await recordTunnel(hub, r, 'CloseTunnel', 200, { TunnelId: r.tunnelId, caller: actor.name, reason })
  }
  return { closed }
}

/** Deletes closed tunnels with their sessions (ref: only closed tunnels can be deleted). */
export async function deleteTunnels(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  tunnelIds: string[],
): Promise<{ deleted: string[] }> {
  const rows = await requireTunnels(db, tunnelIds)
  const open = rows.filter((r) => r.status === 'OPEN')
  if (open.length)
    throw new AppError(
      'PRECONDITION_FAILED',
      `only closed tunnels can be deleted; close these first: ${open.map((r) => r.tunnelId).join(', ')}`,
    )
  await db.prisma.$transaction(async (tx) => {
    await tx.tunnel.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })
    for (const r of rows) await audit(tx, actor, 'tunnel.delete', { type: 'tunnel', id: r.tunnelId })
  })
  for (const r of rows) await recordTunnel(hub, r, 'DeleteTunnel', 200, { TunnelId: r.tunnelId, caller: actor.name })
  return { deleted: rows.map((r) => r.tunnelId) }
}

/**
 * Forces tunnels past their open time (24 h; remote login 7 days) closed, and replaced ones (`closeReplacedTunnels`),
 * and deletes those created 30 days ago (called every minute).
 */
export async function sweepTunnels(db: Db, hub: DeviceHub, actor: Actor, now = new Date()) {
  const expired = await db.prisma.tunnel.findMany({
    where: { status: 'OPEN', expiresAt: { lte: now } },
    take: 500,
  })
  const { closed } = await closeRows(db, hub, actor, expired, 'expired')
  const replaced = await closeReplacedTunnels(db, hub, actor)
  const stale = await db.prisma.tunnel.findMany({ where: { deleteAt: { lte: now } }, take: 500 })
  if (stale.length) {
    // a tunnel past its retention is closed first (if it somehow still is open), then deleted
    await closeRows(
      db,
      hub,
      actor,
      stale.filter((r) => r.status === 'OPEN'),
      'expired',
    )
    await db.prisma.tunnel.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } })
    for (const r of stale) await recordTunnel(hub, r, 'DeleteTunnel', 200, { TunnelId: r.tunnelId, caller: 'system' })
  }
  return { closed: closed.length + replaced.closed.length, deleted: stale.length }
}

export interface TunnelView {
  tunnelId: string
  productKey: string
  deviceName: string
  status: 'OPEN' | 'CLOSED'
  description: string | null
  udi: string | null
  deviceConnected: boolean
  accessConnected: boolean
  deviceConnectedAt: Date | null
  accessConnectedAt: Date | null
  rateLimitKBps: number | null
  purpose: string
  createdBy: string
  createdAt: Date
  expiresAt: Date
  closedAt: Date | null
  closeReason: string | null
  deleteAt: Date
  openSessions: number
}

type TunnelRow = NonNullable<Awaited<ReturnType<Db['prisma']['tunnel']['findUnique']>>>
const view = (r: TunnelRow, openSessions: number): TunnelView => ({
  tunnelId: r.tunnelId,
  productKey: r.productKey,
  deviceName: r.deviceName,
  status: r.status as 'OPEN' | 'CLOSED',
  description: r.description,
  udi: r.udi,
  deviceConnected: r.status === 'OPEN' && r.deviceConnectedAt !== null,
  accessConnected: r.status === 'OPEN' && r.accessConnectedAt !== null,
  deviceConnectedAt: r.deviceConnectedAt,
  accessConnectedAt: r.accessConnectedAt,
  rateLimitKBps: r.rateLimit === null ? null : Math.round(r.rateLimit / 1024),
  purpose: r.purpose,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  closedAt: r.closedAt,
  closeReason: r.closeReason,
  deleteAt: r.deleteAt,
  openSessions,
})

/** Tunnels newest first, filtered by product, device, tunnel id (prefix) and status. */
export async function listTunnels(db: Db, input: TListTunnelsInput): Promise<PageOf<TunnelView>> {
  const where = {
    ...(input.productKey ? { productKey: input.productKey } : {}),
    ...(input.deviceName ? { deviceName: { contains: input.deviceName } } : {}),
    ...(input.tunnelId ? { tunnelId: { startsWith: input.tunnelId } } : {}),
    ...(input.status ? { status: input.status } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.tunnel.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...skipTake(input),
      include: { _count: { select: { sessions: { where: { releasedAt: null } } } } },
    }),
    db.prisma.tunnel.count({ where }),
  ])
  return {
    items: rows.map((r) => view(r, r.status === 'OPEN' ? r._count.sessions : 0)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export interface TunnelSessionView {
  sessionId: string
  serviceType: string
  createdAt: Date
  releasedAt: Date | null
  releaseCode: number | null
  bytesUp: number
  bytesDown: number
}

/** One tunnel with its sessions (newest first, ≤ 200), live byte counts for sessions open on this node. */
export async function tunnelDetail(
  db: Db,
  hub: DeviceHub,
  tunnelId: string,
): Promise<TunnelView & { sessions: TunnelSessionView[] }> {
  const r = await db.prisma.tunnel.findUnique({
    where: { tunnelId },
    include: { sessions: { orderBy: { createdAt: 'desc' }, take: 200 } },
  })
  if (!r) throw notFound(`the tunnel ${tunnelId}`)
  const live = relays.get(hub)?.liveBytes(r.id) ?? new Map()
  const sessions = r.sessions.map((s) => {
    const l = s.releasedAt ? undefined : live.get(s.sessionId)
    return {
      sessionId: s.sessionId,
      serviceType: s.serviceType,
      createdAt: s.createdAt,
      releasedAt: s.releasedAt,
      releaseCode: s.releaseCode,
      bytesUp: l ? l.up : Number(s.bytesUp),
      bytesDown: l ? l.down : Number(s.bytesDown),
    }
  })
  return { ...view(r, r.status === 'OPEN' ? sessions.filter((s) => !s.releasedAt).length : 0), sessions }
}
