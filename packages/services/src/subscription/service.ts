import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import { randomAlnum } from '../ids'
import { Metric } from '../metrics/codes'
import { type ConsumerConnection, subscriptionChanges, subscriptionEngine } from './engine'
import {
  SUBSCRIPTION_LIMITS,
  type SubscriptionMessageType,
  type TConsumerGroupInput,
  type TServerSubscriptionInput,
  ZConsumerGroupInput,
  ZServerSubscriptionInput,
} from './schema'

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex')
/** A consumer token: `cg_` + 40 random characters (shown once; only its hash is stored). */
const newToken = () => `cg_${randomBytes(30).toString('base64url')}`

const changed = () => subscriptionChanges.emit('changed')

export interface ConsumerGroupView {
  id: string
  groupId: string
  name: string
  description: string | null
  createdAt: Date
  /** messages waiting (unacked) */
  backlog: number
  /** acked messages per second over the last minute (all nodes), as last sampled */
  consumeRate: number
  /** open consumer connections (all nodes) */
  consumers: ConsumerConnection[]
  /** products whose subscriptions push to this group */
  productKeys: string[]
}

export async function listGroups(db: Db): Promise<ConsumerGroupView[]> {
  return groupViews(db)
}

/** One group as the console shows it (backlog, rate, consumers of every node); NOT_FOUND when there is none. */
export async function groupView(db: Db, groupId: string): Promise<ConsumerGroupView> {
  const [g] = await groupViews(db, groupId)
  if (!g) throw notFound(`the consumer group ${groupId}`)
  return g
}

async function groupViews(db: Db, only?: string): Promise<ConsumerGroupView[]> {
  const [groups, subs, counts] = await Promise.all([
    db.prisma.consumerGroup.findMany({ where: only ? { groupId: only } : {}, orderBy: { createdAt: 'asc' } }),
    db.prisma.serverSubscription.findMany({ select: { productKey: true, groupIds: true } }),
    db.pool.query<{ group_id: string; n: string }>(
      'SELECT group_id, count(*) AS n FROM subscription_message WHERE $1::text IS NULL OR group_id = $1 GROUP BY group_id',
      [only ?? null],
    ),
  ])
  const backlog = new Map(counts.rows.map((r) => [r.group_id, Number(r.n)]))
  const engine = subscriptionEngine()
  const connections = (await engine?.connections(only)) ?? []
  return groups.map((g) => ({
    id: g.id,
    groupId: g.groupId,
    name: g.name,
    description: g.description,
    createdAt: g.createdAt,
    backlog: backlog.get(g.groupId) ?? 0,
    consumeRate: engine?.rates.get(g.groupId) ?? 0,
    consumers: connections.filter((c) => c.groupId === g.groupId),
    productKeys: subs.filter((s) => s.groupIds.includes(g.groupId)).map((s) => s.productKey),
  }))
}

/** A group's own fields (no backlog counted); NOT_FOUND when there is none. */
export async function getGroup(db: Db, groupId: string) {
  const g = await db.prisma.consumerGroup.findUnique({ where: { groupId } })
  if (!g) throw notFound(`the consumer group ${groupId}`)
  return g
}

/** Every group's id, name and creation time, oldest first (no backlog counted; at most maxGroups of them). */
export function listGroupNames(db: Db) {
  return db.prisma.consumerGroup.findMany({
    select: { groupId: true, name: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  })
}

/** The ids among `groupIds` that name no consumer group. */
export async function unknownGroups(db: Db, groupIds: string[]) {
  const known = await db.prisma.consumerGroup.findMany({
    where: { groupId: { in: groupIds } },
    select: { groupId: true },
  })
  return groupIds.filter((id) => !known.some((k) => k.groupId === id))
}

/** A product's subscription row, or null. */
export function getSubscription(db: Db, productKey: string) {
  return db.prisma.serverSubscription.findUnique({ where: { productKey } })
}

/** Creates a consumer group; the consumer token is in the result once and never again. */
export async function createGroup(db: Db, actor: Actor, input: TConsumerGroupInput) {
  const v = ZConsumerGroupInput.parse(input)
  if ((await db.prisma.consumerGroup.count()) >= SUBSCRIPTION_LIMITS.maxGroups)
    throw badRequest(`at most ${SUBSCRIPTION_LIMITS.maxGroups} consumer groups; delete unused ones first`)
  if (await db.prisma.consumerGroup.findUnique({ where: { name: v.name } }))
    throw conflict(`a consumer group named ${v.name} already exists`)
  const token = newToken()
  const g = await db.prisma.$transaction(async (tx) => {
    const g = await tx.consumerGroup.create({
      data: {
        groupId: `CG_${randomAlnum(16)}`,
        name: v.name,
        description: v.description || null,
        tokenHash: hashToken(token),
      },
    })
    await audit(tx, actor, 'subscription.group.create', { type: 'consumerGroup', id: g.groupId }, { name: g.name })
    return g
  })
  changed()
  return { groupId: g.groupId, name: g.name, description: g.description, token }
}

/** Replaces the group's consumer token (the old one stops working for new connections); the new one is shown once. */
export async function rotateToken(db: Db, actor: Actor, groupId: string) {
  const token = newToken()
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.consumerGroup.updateMany({ where: { groupId }, data: { tokenHash: hashToken(token) } })
    if (r.count === 0) throw notFound(`the consumer group ${groupId}`)
    await audit(tx, actor, 'subscription.group.rotateToken', { type: 'consumerGroup', id: groupId })
  })
  // open streams of the group end (9602): their acks would carry the old token
  await subscriptionEngine()?.reload()
  return { groupId, token }
}

export async function updateGroup(db: Db, actor: Actor, groupId: string, input: TConsumerGroupInput) {
  const v = ZConsumerGroupInput.parse(input)
  const other = await db.prisma.consumerGroup.findUnique({ where: { name: v.name } })
  if (other && other.groupId !== groupId) throw conflict(`a consumer group named ${v.name} already exists`)
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.consumerGroup.updateMany({
      where: { groupId },
      data: { name: v.name, description: v.description || null },
    })
    if (r.count === 0) throw notFound(`the consumer group ${groupId}`)
    await audit(tx, actor, 'subscription.group.update', { type: 'consumerGroup', id: groupId }, v)
  })
}

/** Deletes a group that no product subscription uses, with its waiting messages. */
export async function deleteGroup(db: Db, actor: Actor, groupId: string) {
  const used = await db.prisma.serverSubscription.findMany({ where: { groupIds: { has: groupId } } })
  if (used.length)
    throw new AppError(
      'PRECONDITION_FAILED',
      `the consumer group is used by the subscriptions of ${used.map((s) => s.productKey).join(', ')}; remove it there first`,
    )
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.consumerGroup.deleteMany({ where: { groupId } })
    if (r.count === 0) throw notFound(`the consumer group ${groupId}`)
    await tx.subscriptionMessage.deleteMany({ where: { groupId } })
    await audit(tx, actor, 'subscription.group.delete', { type: 'consumerGroup', id: groupId })
  })
  subscriptionEngine()?.closeConsumers('the consumer group was deleted', groupId)
  changed()
}

/** Drops a group's waiting messages (the console's "clear backlog"). */
export async function clearBacklog(db: Db, actor: Actor, groupId: string) {
  if (!(await db.prisma.consumerGroup.findUnique({ where: { groupId } })))
    throw notFound(`the consumer group ${groupId}`)
  const engine = subscriptionEngine()
  const cleared = engine
    ? await engine.clear(groupId)
    : (await db.prisma.subscriptionMessage.deleteMany({ where: { groupId } })).count
  await db.prisma.$transaction((tx) =>
    audit(tx, actor, 'subscription.group.clear', { type: 'consumerGroup', id: groupId }, { cleared }),
  )
  return { cleared }
}

/** The group a consumer token opens, or null (unknown group, wrong or missing token). */
export async function authenticateConsumer(db: Db, groupId: string, token: string | undefined) {
  if (!token) return null
  const g = await db.prisma.consumerGroup.findUnique({ where: { groupId } })
  if (!g?.tokenHash) return null
  const a = Buffer.from(g.tokenHash, 'hex')
  const b = Buffer.from(hashToken(token), 'hex')
  return a.length === b.length && timingSafeEqual(a, b) ? g : null
}

export interface ServerSubscriptionView {
  id: string
  productKey: string
  productName: string | null
  messageTypes: SubscriptionMessageType[]
  groupIds: string[]
  updatedAt: Date
}

export async function listSubscriptions(db: Db): Promise<ServerSubscriptionView[]> {
  const subs = await db.prisma.serverSubscription.findMany({ orderBy: { createdAt: 'asc' } })
  const names = new Map(
    (
      await db.prisma.product.findMany({
        where: { productKey: { in: subs.map((s) => s.productKey) } },
        select: { productKey: true, name: true },
      })
    ).map((p) => [p.productKey, p.name]),
  )
  return subs.map((s) => ({
    id: s.id,
    productKey: s.productKey,
    productName: names.get(s.productKey) ?? null,
    messageTypes: s.messageTypes as SubscriptionMessageType[],
    groupIds: s.groupIds,
    updatedAt: s.updatedAt,
  }))
}

/** Creates or replaces a product's subscription (one per product). */
export async function saveSubscription(db: Db, actor: Actor, input: TServerSubscriptionInput) {
  const v = ZServerSubscriptionInput.parse(input)
  if (!(await db.prisma.product.findUnique({ where: { productKey: v.productKey } })))
    throw notFound(`the product ${v.productKey}`)
  const groupIds = [...new Set(v.groupIds)]
  const known = await db.prisma.consumerGroup.findMany({ where: { groupId: { in: groupIds } } })
  const missing = groupIds.filter((g) => !known.some((k) => k.groupId === g))
  if (missing.length) throw badRequest(`unknown consumer group: ${missing.join(', ')}`)
  const messageTypes = [...new Set(v.messageTypes)]
  const s = await db.prisma.$transaction(async (tx) => {
    const s = await tx.serverSubscription.upsert({
      where: { productKey: v.productKey },
      create: { productKey: v.productKey, messageTypes, groupIds },
      update: { messageTypes, groupIds },
    })
    await audit(
      tx,
      actor,
      'subscription.save',
      { type: 'serverSubscription', id: v.productKey },
      { messageTypes, groupIds },
    )
    return s
  })
  await subscriptionEngine()?.reload()
  return { id: s.id, productKey: s.productKey, messageTypes, groupIds }
}

export async function deleteSubscription(db: Db, actor: Actor, productKey: string) {
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.serverSubscription.deleteMany({ where: { productKey } })
    if (r.count === 0) throw notFound(`the subscription of ${productKey}`)
    await audit(tx, actor, 'subscription.delete', { type: 'serverSubscription', id: productKey })
  })
  await subscriptionEngine()?.reload()
}

/** A group's backlog and consume-rate minute points (the per-group series the engine samples). */
export async function groupMetrics(db: Db, groupId: string, hours = 1) {
  const { rows } = await db.pool.query<{ metric: string; t: string; value: number }>(
    `SELECT metric, (extract(epoch FROM ts) * 1000)::bigint AS t, value FROM metric_point
     WHERE product_key = $1 AND metric = ANY($2) AND ts >= $3 ORDER BY ts`,
    [groupId, [Metric.AmqpAccumulate, Metric.AmqpConsumeRate], new Date(Date.now() - hours * 3_600_000)],
  )
  const pick = (m: string) => rows.filter((r) => r.metric === m).map((r) => ({ ts: Number(r.t), value: r.value }))
  return { backlog: pick(Metric.AmqpAccumulate), consumeRate: pick(Metric.AmqpConsumeRate) }
}
