import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Codes, newMessageId, topics } from '@iotops/alink'
import {
  REMOTE_CONFIG_MAX_TARGETS,
  REMOTE_CONFIG_PUSH_INTERVAL_MS,
  REMOTE_CONFIG_URL_TTL_MS,
  REMOTE_CONFIG_VERSIONS_KEPT,
} from '@iotops/alink/limits'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, notFound } from '../errors'
import type { DeviceHub, DeviceSession } from '../hub/hub'
import { newTraceId } from '../ids'
import { requireProduct } from '../products/service'
import { BizType, logContent } from '../runlog/writer'
import {
  matchesQuery,
  parseDeviceQuery,
  type QueryClause,
  type TConfigScope,
  type TConfigTarget,
  type TPushConfigInput,
  type TSaveConfigInput,
} from './schema'

// Remote configuration (ref §9). A product has a switch and a JSON configuration (plus, beyond the reference,
// configurations for a device group or a device query; precedence query > group > product). Saving creates a
// version (the last 5 per target are kept); a batch update pushes {configId, configSize, sign, signMethod, url,
// getType} on /sys/{pk}/{dn}/thing/config/push to online devices and leaves the others pending until they ask on
// /thing/config/get. The url is a signed link to this server, valid 30 minutes, bound to one device:
//   GET /config/files/{configId}.json?Device=<device id>&Expires=<unix s>&Signature=<base64 HMAC-SHA256>
// It serves exactly the saved bytes (sign = SHA-256 hex of them) and marks that device's delivery FETCHED.

export const SIGN_METHOD = 'Sha256'
const SECRET_KEY = 'config.urlSecret'

let links: { secret: string; baseUrl: string } | null = null

/** Called at start-up (and again once the HTTP port is known): the link secret and the base of links. */
export function configureConfigDownloads(c: { secret: string; baseUrl: string }) {
  links = { secret: c.secret, baseUrl: c.baseUrl.replace(/\/+$/, '') }
}

function linkConfig() {
  if (!links) throw new Error('remote-config downloads are not configured: call configureConfigDownloads() at start-up')
  return links
}

/** The URL-signing secret shared by every node (created by the first node that needs it). */
export async function ensureConfigUrlSecret(db: Db): Promise<string> {
  const fresh = randomBytes(32).toString('base64url')
  await db.prisma.setting.createMany({ data: [{ key: SECRET_KEY, value: fresh }], skipDuplicates: true })
  const row = await db.prisma.setting.findUniqueOrThrow({ where: { key: SECRET_KEY } })
  return String(row.value)
}

const filePath = (configId: string) => `/config/files/${configId}.json`
const linkSignature = (secret: string, expires: number, pathname: string, deviceId: string) =>
  createHmac('sha256', secret).update(`GET\n${expires}\n${pathname}\n${deviceId}`).digest('base64')

/** A download link for one device, valid 30 minutes from `now`. */
export function configUrl(configId: string, deviceId: string, now = Date.now()): string {
  const c = linkConfig()
  const expires = Math.floor((now + REMOTE_CONFIG_URL_TTL_MS) / 1000)
  const p = filePath(configId)
  const q = new URLSearchParams({
    Device: deviceId,
    Expires: String(expires),
    Signature: linkSignature(c.secret, expires, p, deviceId),
  })
  return `${c.baseUrl}${p}?${q}`
}

export type ConfigLinkCheck =
  | { ok: true; configId: string; deviceId: string }
  | { ok: false; status: number; code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'NoSuchKey'; message: string }

const FILE_PATH = /^\/config\/files\/([A-Za-z0-9]{1,64})\.json$/

/** Checks a download request's path and query (pure apart from the configured secret). */
export function checkConfigLink(pathname: string, query: URLSearchParams, now = Date.now()): ConfigLinkCheck {
  const m = FILE_PATH.exec(pathname)
  if (!m) return { ok: false, status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }
  const expiresRaw = query.get('Expires')
  const signature = query.get('Signature')
  const deviceId = query.get('Device')
  if (!expiresRaw || !signature || !deviceId)
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'The link is not signed (Device, Expires, Signature).',
    }
  const expires = Number(expiresRaw)
  const expected = Buffer.from(linkSignature(linkConfig().secret, expires, filePath(m[1]!), deviceId))
  const given = Buffer.from(signature)
  if (!Number.isInteger(expires) || expected.length !== given.length || !timingSafeEqual(expected, given))
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    }
  if (expires * 1000 < now) return { ok: false, status: 403, code: 'AccessDenied', message: 'Request has expired.' }
  return { ok: true, configId: m[1]!, deviceId }
}

// ─────────────────────────────── targets and versions ───────────────────────────────

export interface ConfigVersionView {
  configId: string
  scope: TConfigScope
  target: string | null
  size: number
  sign: string
  signMethod: string
  createdBy: string
  createdAt: Date
}

const versionView = (v: {
  configId: string
  scope: string
  target: string | null
  size: number
  sign: string
  signMethod: string
  createdBy: string
  createdAt: Date
}): ConfigVersionView => ({
  configId: v.configId,
  scope: v.scope as TConfigScope,
  target: v.target,
  size: v.size,
  sign: v.sign,
  signMethod: v.signMethod,
  createdBy: v.createdBy,
  createdAt: v.createdAt,
})

const targetOf = (t: TConfigTarget): { scope: TConfigScope; target: string | null } =>
  t.scope === 'PRODUCT'
    ? { scope: 'PRODUCT', target: null }
    : t.scope === 'GROUP'
      ? { scope: 'GROUP', target: t.target }
      : { scope: 'QUERY', target: (parseDeviceQuery(t.target) as { normalized: string }).normalized }

const targetWhere = (productKey: string, t: { scope: string; target: string | null }) => ({
  productKey,
  scope: t.scope,
  target: t.target,
})

const describeTarget = (t: { scope: string; target: string | null }) =>
  t.scope === 'PRODUCT' ? 'the product' : t.scope === 'GROUP' ? `the group ${t.target}` : `the query ${t.target}`

/** The product's remote-configuration row (created off on first use). */
async function productConfig(db: Db, productKey: string) {
  await requireProduct(db, productKey)
  // concurrent first reads (the page asks for the overview and a target at once) must not collide
  await db.prisma.productConfig.createMany({ data: [{ productKey }], skipDuplicates: true })
  return db.prisma.productConfig.findUniqueOrThrow({ where: { productKey } })
}

interface TargetCurrent {
  scope: TConfigScope
  target: string | null
  version: ConfigVersionView
  clauses: QueryClause[] | null
}

/** The newest version of every target of a product (the configuration devices of that target get). */
async function currentByTarget(db: Db, productKey: string): Promise<TargetCurrent[]> {
  const rows = await db.prisma.configVersion.findMany({
    where: { productKey },
    orderBy: { createdAt: 'desc' },
    omit: { content: true },
  })
  const seen = new Map<string, TargetCurrent>()
  for (const r of rows) {
    const key = `${r.scope}\n${r.target ?? ''}`
    if (seen.has(key)) continue
    const q = r.scope === 'QUERY' ? parseDeviceQuery(r.target ?? '') : null
    seen.set(key, {
      scope: r.scope as TConfigScope,
      target: r.target,
      version: versionView(r),
      clauses: q?.ok ? q.clauses : null,
    })
  }
  return [...seen.values()]
}

/** The effective target for one device: query > group > product; the most recently saved wins within a kind. */
function resolve(
  targets: TargetCurrent[],
  device: { deviceName: string; tags: Record<string, string>; groupIds: Set<string> },
): TargetCurrent | null {
  // targets are newest first
  const query = targets.find((t) => t.scope === 'QUERY' && t.clauses && matchesQuery(t.clauses, device))
  if (query) return query
  const group = targets.find((t) => t.scope === 'GROUP' && t.target && device.groupIds.has(t.target))
  if (group) return group
  return targets.find((t) => t.scope === 'PRODUCT') ?? null
}

async function deviceFacts(db: Db, where: { productKey: string; id?: string }) {
  const devices = await db.prisma.device.findMany({
    where,
    select: {
      id: true,
      deviceName: true,
      status: true,
      disabled: true,
      tags: { select: { key: true, value: true } },
      groups: { select: { groupId: true } },
    },
  })
  return devices.map((d) => ({
    id: d.id,
    deviceName: d.deviceName,
    online: d.status === 'ONLINE' && !d.disabled,
    tags: Object.fromEntries(d.tags.map((t) => [t.key, t.value])),
    groupIds: new Set(d.groups.map((g) => g.groupId)),
  }))
}

/** The configuration a device gets (with the target it comes from), or null when nothing applies. */
export async function configForDevice(db: Db, productKey: string, deviceId: string) {
  const [targets, [device]] = await Promise.all([
    currentByTarget(db, productKey),
    deviceFacts(db, { productKey, id: deviceId }),
  ])
  return device ? resolve(targets, device) : null
}

export interface PushProgress {
  pushId: string
  configId: string
  createdAt: Date
  createdBy: string
  status: string
  total: number
  /** the push (or a get reply) reached the device */
  pushed: number
  /** the device downloaded the file */
  fetched: number
  /** offline when pushed and not asked since */
  pending: number
}

async function pushProgress(
  db: Db,
  push: {
    id: string
    configId: string
    createdAt: Date
    createdBy: string
    status: string
    total: number
  },
): Promise<PushProgress> {
  const counts = await db.prisma.configDelivery.groupBy({
    by: ['status'],
    where: { pushId: push.id },
    _count: { _all: true },
  })
  const n = (s: string) => counts.find((c) => c.status === s)?._count._all ?? 0
  return {
    pushId: push.id,
    configId: push.configId,
    createdAt: push.createdAt,
    createdBy: push.createdBy,
    status: push.status,
    total: push.total,
    pushed: n('PUSHED') + n('FETCHED'),
    fetched: n('FETCHED'),
    pending: n('PENDING'),
  }
}

/** The remote-configuration page of a product: switch, targets with their current configuration and last push. */
export async function configOverview(db: Db, productKey: string) {
  const pc = await productConfig(db, productKey)
  const targets = await currentByTarget(db, productKey)
  const groupIds = targets.filter((t) => t.scope === 'GROUP').map((t) => t.target as string)
  const groups = groupIds.length
    ? await db.prisma.deviceGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } })
    : []
  const order: Record<TConfigScope, number> = { PRODUCT: 0, GROUP: 1, QUERY: 2 }
  return {
    productKey,
    enabled: pc.enabled,
    targets: targets
      .map((t) => ({
        scope: t.scope,
        target: t.target,
        /** the group's name for GROUP targets */
        label: t.scope === 'GROUP' ? (groups.find((g) => g.id === t.target)?.name ?? t.target) : t.target,
        current: t.version,
      }))
      .sort((a, b) => order[a.scope] - order[b.scope] || b.current.createdAt.getTime() - a.current.createdAt.getTime()),
  }
}

/** One target: its current configuration (with content), the kept versions, the last push's progress, push limits. */
export async function configTarget(db: Db, productKey: string, t: TConfigTarget, now = Date.now()) {
  const pc = await productConfig(db, productKey)
  const tt = targetOf(t)
  const versions = await db.prisma.configVersion.findMany({
    where: targetWhere(productKey, tt),
    orderBy: { createdAt: 'desc' },
    take: REMOTE_CONFIG_VERSIONS_KEPT,
  })
  const current = versions[0] ?? null
  const lastPush = await db.prisma.configPush.findFirst({
    where: targetWhere(productKey, tt),
    orderBy: { createdAt: 'desc' },
  })
  const nextPushAt = lastPush ? new Date(lastPush.createdAt.getTime() + REMOTE_CONFIG_PUSH_INTERVAL_MS) : null
  const currentPushed = current
    ? await db.prisma.configPush.findFirst({ where: { configId: current.configId }, select: { createdAt: true } })
    : null
  return {
    productKey,
    enabled: pc.enabled,
    scope: tt.scope,
    target: tt.target,
    current: current ? { ...versionView(current), content: current.content } : null,
    versions: versions.map(versionView),
    lastPush: lastPush ? await pushProgress(db, lastPush) : null,
    /** when the next batch update is allowed (null: now) */
    nextPushAt: nextPushAt && nextPushAt.getTime() > now ? nextPushAt : null,
    /** the current configuration was already pushed (the same one is pushed only once) */
    currentPushedAt: currentPushed?.createdAt ?? null,
  }
}

/** A kept version with its content (view, restore to the editor, diff). */
export async function configVersion(db: Db, configId: string) {
  const v = await db.prisma.configVersion.findUnique({ where: { configId } })
  if (!v)
    throw notFound(`the configuration version ${configId} (only the last ${REMOTE_CONFIG_VERSIONS_KEPT} are kept)`)
  return { ...versionView(v), productKey: v.productKey, content: v.content }
}

const disabledError = (productKey: string) =>
  new AppError(
    'PRECONDITION_FAILED',
    `remote configuration is off for the product ${productKey}: turn the switch on first`,
    Codes.REMOTE_CONFIG_DISABLED,
  )

/** Turns a product's remote configuration on or off; off cancels running pushes (devices asking get 6713). */
export async function setConfigEnabled(db: Db, actor: Actor, productKey: string, enabled: boolean) {
  await productConfig(db, productKey)
  const canceled = await db.prisma.$transaction(async (tx) => {
    await tx.productConfig.update({ where: { productKey }, data: { enabled } })
    const c = enabled
      ? { count: 0 }
      : await tx.configPush.updateMany({ where: { productKey, status: 'RUNNING' }, data: { status: 'CANCELED' } })
    await audit(
      tx,
      actor,
      enabled ? 'EnableRemoteConfig' : 'DisableRemoteConfig',
      {
        type: 'product',
        id: productKey,
      },
      { canceledPushes: c.count },
    )
    return c.count
  })
  return { productKey, enabled, canceledPushes: canceled }
}

/** Saves a configuration: a new version of its target (older ones beyond the last 5 are dropped). */
export async function saveConfig(db: Db, actor: Actor, input: TSaveConfigInput): Promise<ConfigVersionView> {
  const pc = await productConfig(db, input.productKey)
  if (!pc.enabled) throw disabledError(input.productKey)
  const tt = targetOf(input.target)
  if (tt.scope === 'GROUP' && !(await db.prisma.deviceGroup.findUnique({ where: { id: tt.target as string } })))
    throw notFound(`the device group ${tt.target}`)
  if (tt.scope !== 'PRODUCT') {
    const exists = await db.prisma.configVersion.findFirst({ where: targetWhere(input.productKey, tt) })
    if (!exists) {
      const targets = await currentByTarget(db, input.productKey)
      if (targets.filter((t) => t.scope !== 'PRODUCT').length >= REMOTE_CONFIG_MAX_TARGETS)
        throw badRequest(
          `the product already has ${REMOTE_CONFIG_MAX_TARGETS} group / query configurations: remove one first`,
        )
    }
  }
  const bytes = Buffer.from(input.content, 'utf8')
  const sign = createHash('sha256').update(bytes).digest('hex')
  const configId = randomBytes(12).toString('hex')
  const v = await db.prisma.$transaction(async (tx) => {
    const v = await tx.configVersion.create({
      data: {
        configId,
        productKey: input.productKey,
        scope: tt.scope,
        target: tt.target,
        content: input.content,
        size: bytes.length,
        sign,
        signMethod: SIGN_METHOD,
        createdBy: actor.name,
      },
    })
    if (tt.scope === 'PRODUCT')
      await tx.productConfig.update({ where: { productKey: input.productKey }, data: { currentId: configId } })
    const old = await tx.configVersion.findMany({
      where: targetWhere(input.productKey, tt),
      orderBy: { createdAt: 'desc' },
      skip: REMOTE_CONFIG_VERSIONS_KEPT,
      select: { id: true },
    })
    if (old.length) await tx.configVersion.deleteMany({ where: { id: { in: old.map((o) => o.id) } } })
    await audit(
      tx,
      actor,
      'SaveRemoteConfig',
      { type: 'product', id: input.productKey },
      {
        scope: tt.scope,
        target: tt.target,
        configId,
        size: bytes.length,
      },
    )
    return v
  })
  return versionView(v)
}

/** Removes a group / query configuration (its versions); its devices fall back to the next target in precedence. */
export async function removeConfigTarget(db: Db, actor: Actor, productKey: string, t: TConfigTarget) {
  const tt = targetOf(t)
  if (tt.scope === 'PRODUCT')
    throw badRequest('the product configuration cannot be removed; turn the switch off instead')
  const n = await db.prisma.$transaction(async (tx) => {
    const r = await tx.configVersion.deleteMany({ where: targetWhere(productKey, tt) })
    await tx.configPush.updateMany({
      where: { ...targetWhere(productKey, tt), status: 'RUNNING' },
      data: { status: 'CANCELED' },
    })
    await audit(
      tx,
      actor,
      'RemoveRemoteConfigTarget',
      { type: 'product', id: productKey },
      {
        scope: tt.scope,
        target: tt.target,
      },
    )
    return r.count
  })
  if (n === 0) throw notFound(`a configuration for ${describeTarget(tt)}`)
  return { removed: n }
}

const pushBody = (v: ConfigVersionView, url: string) => ({
  configId: v.configId,
  configSize: v.size,
  sign: v.sign,
  signMethod: v.signMethod,
  url,
  getType: 'file',
})

/**
 * Batch update: pushes a target's current configuration to its devices (those for which it is the effective one).
 * Refused when the switch is off (6713), nothing is saved (6710), this configuration was pushed before, or the
 * target was pushed less than an hour ago (the error names when the next push is allowed).
 */
export async function pushConfig(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  input: TPushConfigInput,
  now = Date.now(),
): Promise<PushProgress> {
  const tt = targetOf(input.target)
  const { productKey } = input
  await productConfig(db, productKey)
  const targets = await currentByTarget(db, productKey)
  const mine = targets.find((t) => t.scope === tt.scope && t.target === tt.target)
  const devices = await deviceFacts(db, { productKey })
  const push = await db.prisma.$transaction(async (tx) => {
    // one push decision per product at a time
    const rows = await tx.$queryRaw<{ enabled: boolean }[]>`
      SELECT enabled FROM product_config WHERE product_key = ${productKey} FOR UPDATE`
    if (!rows[0]?.enabled) throw disabledError(productKey)
    if (!mine)
      throw new AppError(
        'PRECONDITION_FAILED',
        `nothing is saved for ${describeTarget(tt)}: save a configuration before the batch update`,
        Codes.REMOTE_CONFIG_EMPTY,
      )
    const same = await tx.configPush.findFirst({ where: { configId: mine.version.configId } })
    if (same)
      throw new AppError(
        'CONFLICT',
        `this configuration was already pushed at ${same.createdAt.toISOString()}; the same configuration is pushed only once — save a changed one to push again`,
      )
    const last = await tx.configPush.findFirst({ where: targetWhere(productKey, tt), orderBy: { createdAt: 'desc' } })
    if (last && last.createdAt.getTime() + REMOTE_CONFIG_PUSH_INTERVAL_MS > now) {
      const next = new Date(last.createdAt.getTime() + REMOTE_CONFIG_PUSH_INTERVAL_MS)
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `a batch update runs at most once an hour; the last one was at ${last.createdAt.toISOString()}, the next is allowed at ${next.toISOString()}`,
        undefined,
        { nextPushAt: next.toISOString() },
      )
    }
    const targeted = devices.filter((d) => {
      const r = resolve(targets, d)
      return r?.scope === tt.scope && r.target === tt.target
    })
    const p = await tx.configPush.create({
      data: {
        productKey,
        configId: mine.version.configId,
        scope: tt.scope,
        target: tt.target,
        total: targeted.length,
        createdBy: actor.name,
        createdAt: new Date(now),
        status: targeted.length ? 'RUNNING' : 'DONE',
      },
    })
    await tx.configDelivery.createMany({
      data: targeted.map((d) => ({
        pushId: p.id,
        deviceId: d.id,
        status: d.online ? 'PUSHED' : 'PENDING',
        pushedAt: d.online ? new Date(now) : null,
      })),
    })
    if (tt.scope === 'PRODUCT')
      await tx.productConfig.update({
        where: { productKey },
        data: { lastPushAt: new Date(now), lastPushedId: mine.version.configId },
      })
    await audit(
      tx,
      actor,
      'PushRemoteConfig',
      { type: 'product', id: productKey },
      {
        scope: tt.scope,
        target: tt.target,
        configId: mine.version.configId,
        devices: targeted.length,
        online: targeted.filter((d) => d.online).length,
      },
    )
    return { p, targeted }
  })
  // after the commit: the online devices get the push now (the others when they ask)
  for (const d of push.targeted.filter((x) => x.online)) {
    const id = newMessageId()
    const topic = topics.configPush(productKey, d.deviceName)
    const params = pushBody(mine!.version, configUrl(mine!.version.configId, d.id, now))
    const text = JSON.stringify({ id, version: '1.0', params, method: 'thing.config.push' })
    await hub.publish(topic, text, 1)
    await hub.record({
      productKey,
      deviceName: d.deviceName,
      traceId: newTraceId(),
      messageId: id,
      bizType: BizType.RemoteConfig,
      operation: 'ConfigPush',
      code: 200,
      content: logContent({ Params: { ...params, url: '(signed link)' }, caller: actor.name }),
    })
  }
  return pushProgress(db, push.p)
}

/**
 * A device's /thing/config/get: 6713 when the switch is off, 6710 when nothing applies to it, else the reply data
 * with a fresh link (and its pending delivery counts as received).
 */
export async function deviceConfigGet(
  db: Db,
  s: Pick<DeviceSession, 'productKey' | 'deviceId'>,
  now = Date.now(),
): Promise<{ code: number; message: string; data: object; configId?: string }> {
  const pc = await db.prisma.productConfig.findUnique({ where: { productKey: s.productKey } })
  if (!pc?.enabled)
    return {
      code: Codes.REMOTE_CONFIG_DISABLED,
      message: 'remote configuration is off for this product (turn it on in the console)',
      data: {},
    }
  const t = await configForDevice(db, s.productKey, s.deviceId)
  if (!t)
    return {
      code: Codes.REMOTE_CONFIG_EMPTY,
      message: 'no configuration is saved for this device (save one in the console, then ask again)',
      data: {},
    }
  await db.pool.query(
    `UPDATE config_delivery d SET status = 'PUSHED', pushed_at = $3
       FROM config_push p
      WHERE d.push_id = p.id AND d.device_id = $1 AND p.config_id = $2 AND p.status = 'RUNNING' AND d.status = 'PENDING'`,
    [s.deviceId, t.version.configId, new Date(now)],
  )
  return {
    code: 200,
    message: 'success',
    configId: t.version.configId,
    data: {
      ...pushBody(t.version, configUrl(t.version.configId, s.deviceId, now)),
      configScope: t.scope.toLowerCase(),
    },
  }
}

function sendXmlError(res: ServerResponse, status: number, code: string, message: string) {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)}</Message>\n</Error>\n`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** GET/HEAD /config/files/{configId}.json?Device&Expires&Signature: the saved bytes; the download is recorded. */
export async function serveConfigFile(
  db: Db,
  hub: DeviceHub,
  req: IncomingMessage,
  res: ServerResponse,
  now = Date.now(),
) {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return sendXmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
  const c = checkConfigLink(url.pathname, url.searchParams, now)
  if (!c.ok) return sendXmlError(res, c.status, c.code, c.message)
  const v = await db.prisma.configVersion.findUnique({ where: { configId: c.configId } })
  if (!v) return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.')
  const pc = await db.prisma.productConfig.findUnique({ where: { productKey: v.productKey } })
  if (!pc?.enabled) return sendXmlError(res, 403, 'AccessDenied', 'Remote configuration is off for this product.')
  const bytes = Buffer.from(v.content, 'utf8')
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': bytes.length,
    etag: `"${v.sign}"`,
    'cache-control': 'private, max-age=0',
  })
  if (req.method === 'HEAD') return res.end()
  res.end(bytes)
  const fetched = await db.pool.query<{ push_id: string }>(
    `UPDATE config_delivery d SET status = 'FETCHED', fetched_at = $3, pushed_at = coalesce(d.pushed_at, $3)
       FROM config_push p
      WHERE d.push_id = p.id AND d.device_id = $1 AND p.config_id = $2 AND d.status <> 'FETCHED'
      RETURNING d.push_id`,
    [c.deviceId, c.configId, new Date(now)],
  )
  for (const pushId of new Set(fetched.rows.map((r) => r.push_id)))
    await db.pool.query(
      `UPDATE config_push SET status = 'DONE' WHERE id = $1 AND status = 'RUNNING'
          AND NOT EXISTS (SELECT 1 FROM config_delivery WHERE push_id = $1 AND status <> 'FETCHED')`,
      [pushId],
    )
  const d = await db.prisma.device.findUnique({ where: { id: c.deviceId }, select: { deviceName: true } })
  await hub.record({
    productKey: v.productKey,
    deviceName: d?.deviceName ?? null,
    traceId: newTraceId(),
    messageId: null,
    bizType: BizType.RemoteConfig,
    operation: 'ConfigDownload',
    code: 200,
    content: logContent({ Params: { configId: v.configId, configSize: v.size } }),
  })
}
