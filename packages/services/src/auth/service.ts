import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor, Role } from '../context'
import { AppError, conflict, notFound } from '../errors'
import { generatePassword, hashPassword, verifyPassword } from './password'
import type {
  TChangePasswordInput,
  TCreateApiKeyInput,
  TCreateUserInput,
  TLoginInput,
  TUpdateUserInput,
} from './schema'

export const SESSION_TTL_MS = 7 * 86_400_000
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export interface SessionUser {
  id: string
  email: string
  name: string
  role: Role
  locale: string | null
}

// ───── brute-force protection: after 5 failures for an address, each further try waits out a growing lockout ─────
const failures = new Map<string, { count: number; until: number }>()
const LOCK_AFTER = 5
function checkLock(key: string) {
  const f = failures.get(key)
  if (f && f.count >= LOCK_AFTER && f.until > Date.now()) {
    const secs = Math.ceil((f.until - Date.now()) / 1000)
    throw new AppError('TOO_MANY_REQUESTS', `too many failed sign-ins for this account; try again in ${secs} s`)
  }
}
function recordFailure(key: string) {
  const f = failures.get(key) ?? { count: 0, until: 0 }
  f.count++
  if (f.count >= LOCK_AFTER) f.until = Date.now() + Math.min(15 * 60_000, 2 ** (f.count - LOCK_AFTER) * 30_000)
  failures.set(key, f)
}

export async function login(db: Db, input: TLoginInput, meta: { ip?: string; userAgent?: string } = {}) {
  checkLock(input.email)
  const user = await db.prisma.user.findUnique({ where: { email: input.email } })
  // verify even for unknown addresses so timing does not tell which accounts exist
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()))
  if (!user || !ok || user.disabled) {
    recordFailure(input.email)
    throw new AppError('UNAUTHORIZED', 'the e-mail address or the password is wrong')
  }
  failures.delete(input.email)
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
  await db.prisma.$transaction(async (tx) => {
    await tx.session.create({
      data: { id: sha256(token), userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) },
    })
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } })
    await audit(tx, { type: 'user', id: user.id, name: user.email, role: user.role, ip: meta.ip }, 'Login', {
      type: 'user',
      id: user.id,
    })
  })
  return { token, expiresAt, user: toSessionUser(user) }
}

let dummy: string | undefined
async function dummyHash() {
  dummy ??= await hashPassword(randomBytes(8).toString('hex'))
  return dummy
}

const toSessionUser = (u: { id: string; email: string; name: string; role: Role; locale: string | null }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  locale: u.locale,
})

/** The signed-in user for a session cookie, or null when the session is unknown, expired or the user disabled. */
export async function sessionUser(db: Db, token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null
  const s = await db.prisma.session.findUnique({ where: { id: sha256(token) }, include: { user: true } })
  if (!s || s.expiresAt.getTime() < Date.now() || s.user.disabled) return null
  if (Date.now() - s.lastSeenAt.getTime() > 60_000) {
    await db.prisma.session.update({ where: { id: s.id }, data: { lastSeenAt: new Date() } }).catch(() => {})
  }
  return toSessionUser(s.user)
}

export async function logout(db: Db, token: string | undefined) {
  if (token) await db.prisma.session.deleteMany({ where: { id: sha256(token) } })
}

/** Changes one's own password; other sessions of the user are signed out. */
export async function changePassword(db: Db, actor: Actor, token: string | undefined, input: TChangePasswordInput) {
  const u = actor.id ? await db.prisma.user.findUnique({ where: { id: actor.id } }) : null
  if (!u || !(await verifyPassword(input.current, u.passwordHash))) {
    throw new AppError('BAD_REQUEST', 'the current password is wrong')
  }
  if (input.current === input.next)
    throw new AppError('BAD_REQUEST', 'choose a password different from the current one')
  const passwordHash = await hashPassword(input.next)
  await db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: u.id }, data: { passwordHash } })
    await tx.session.deleteMany({ where: { userId: u.id, id: { not: token ? sha256(token) : '' } } })
    await audit(tx, actor, 'ChangePassword', { type: 'user', id: u.id })
  })
}

export async function setLocale(db: Db, userId: string, locale: string) {
  await db.prisma.user.update({ where: { id: userId }, data: { locale } })
}

export async function createUser(db: Db, actor: Actor, input: TCreateUserInput) {
  const exists = await db.prisma.user.findUnique({ where: { email: input.email } })
  if (exists) throw conflict(`a user with the e-mail address ${input.email} already exists`)
  const passwordHash = await hashPassword(input.password)
  return db.prisma.$transaction(async (tx) => {
    const u = await tx.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } })
    await audit(tx, actor, 'CreateUser', { type: 'user', id: u.id }, { email: u.email, role: u.role })
    return toSessionUser(u)
  })
}

export async function listUsers(db: Db) {
  const users = await db.prisma.user.findMany({ orderBy: { createdAt: 'asc' } })
  return users.map((u) => ({
    ...toSessionUser(u),
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  }))
}

export async function updateUser(db: Db, actor: Actor, input: TUpdateUserInput) {
  const u = await db.prisma.user.findUnique({ where: { id: input.id } })
  if (!u) throw notFound('the user')
  if (u.id === actor.id && (input.disabled || (input.role && input.role !== 'ADMIN'))) {
    throw new AppError('BAD_REQUEST', 'you cannot disable yourself or remove your own admin role; ask another admin')
  }
  return db.prisma.$transaction(async (tx) => {
    const n = await tx.user.update({ where: { id: u.id }, data: { role: input.role, disabled: input.disabled } })
    if (input.disabled) await tx.session.deleteMany({ where: { userId: u.id } })
    await audit(tx, actor, 'UpdateUser', { type: 'user', id: u.id }, { role: input.role, disabled: input.disabled })
    return toSessionUser(n)
  })
}

/**
 * The first admin on first start: from ADMIN_EMAIL/ADMIN_PASSWORD, or with a generated password that the
 * caller prints once. Does nothing when any user exists.
 */
export async function bootstrapAdmin(db: Db, opts: { email?: string; password?: string }) {
  if ((await db.prisma.user.count()) > 0) return null
  const email = (opts.email ?? 'admin@iotops.local').toLowerCase()
  const password = opts.password ?? generatePassword()
  await db.prisma.user.create({
    data: { email, name: 'Administrator', role: 'ADMIN', passwordHash: await hashPassword(password) },
  })
  return { email, password, generated: !opts.password }
}

// ───── API keys: `iot_` + 32 random bytes; only a sha256 is stored; the key is returned once ─────

export async function createApiKey(db: Db, actor: Actor, input: TCreateApiKeyInput) {
  const key = `iot_${randomBytes(32).toString('base64url')}`
  const prefix = key.slice(0, 12)
  return db.prisma.$transaction(async (tx) => {
    const k = await tx.apiKey.create({
      data: {
        name: input.name,
        role: input.role,
        prefix,
        hash: sha256(key),
        createdById: actor.type === 'user' ? actor.id : null,
      },
    })
    await audit(tx, actor, 'CreateApiKey', { type: 'apiKey', id: k.id }, { name: k.name, role: k.role })
    return { id: k.id, name: k.name, role: k.role, prefix, key }
  })
}

export async function listApiKeys(db: Db) {
  return db.prisma.apiKey.findMany({
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, prefix: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  })
}

export async function revokeApiKey(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const k = await tx.apiKey.findUnique({ where: { id } })
    if (!k) throw notFound('the API key')
    await tx.apiKey.update({ where: { id }, data: { revokedAt: k.revokedAt ?? new Date() } })
    await audit(tx, actor, 'RevokeApiKey', { type: 'apiKey', id })
  })
}

/** The actor behind a bearer key, or null for an unknown or revoked key. */
export async function apiKeyActor(db: Db, key: string, ip?: string): Promise<Actor | null> {
  if (!key.startsWith('iot_')) return null
  const k = await db.prisma.apiKey.findUnique({ where: { hash: sha256(key) } })
  if (!k || k.revokedAt) return null
  if (!k.lastUsedAt || Date.now() - k.lastUsedAt.getTime() > 60_000) {
    await db.prisma.apiKey.update({ where: { id: k.id }, data: { lastUsedAt: new Date() } }).catch(() => {})
  }
  return { type: 'apikey', id: k.id, name: `apikey:${k.name}`, role: k.role, ip }
}
