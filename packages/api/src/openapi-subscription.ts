// OpenAPI actions for the server-side subscription (reference: CreateConsumerGroup, QueryConsumerGroupList,
// QueryConsumerGroupByGroupId, UpdateConsumerGroup, DeleteConsumerGroup, QueryConsumerGroupStatus,
// ResetConsumerGroupPosition, CreateSubscribeRelation, QuerySubscribeRelation, UpdateSubscribeRelation,
// DeleteSubscribeRelation), merged into the action table of openapi.ts. The reference's AMQP consumer groups are our
// consumer groups (consumed over the HTTP stream, docs/API.md "Server-side subscription").
import { AppError, products, subscription } from '@iotops/services'
import {
  SUBSCRIPTION_MESSAGE_TYPES,
  type SubscriptionMessageType,
  ZConsumerGroupInput,
  ZGroupRef,
} from '@iotops/services/schemas'
import type { z } from 'zod'
import type { OpenApiDeps } from './openapi'
import { type Action, bool, type Params, required, str } from './openapi-params'

/** An integer parameter in [min, max], or `def` when absent. */
const int = (p: Params, k: string, min: number, max: number, def: number) => {
  const v = p[k]
  if (v === undefined || v === null || v === '') return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new AppError('BAD_REQUEST', `${k} must be an integer ${max === Infinity ? `≥ ${min}` : `${min}–${max}`}`)
  return n
}
/** A value checked by one field of a service schema; its message is kept, prefixed with the parameter's name. */
function valid<T>(schema: z.ZodType<T>, k: string, v: unknown): T {
  const r = schema.safeParse(v)
  if (!r.success) throw new AppError('BAD_REQUEST', `${k}: ${r.error.issues.map((i) => i.message).join('; ')}`)
  return r.data
}
/** A list parameter: a JSON array (or its string), a comma-separated string, or flattened `K.1`, `K.2`, … */
function list(p: Params, k: string): string[] | undefined {
  const v = p[k]
  if (Array.isArray(v)) return v.map(String)
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      const a = JSON.parse(v)
      if (Array.isArray(a)) return a.map(String)
    } catch {
      // reported below
    }
    throw new AppError('BAD_REQUEST', `${k} must be a JSON array of strings`)
  }
  if (typeof v === 'string')
    return v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
  if (v !== undefined && v !== null) throw new AppError('BAD_REQUEST', `${k} must be a list of strings`)
  const flat = Object.entries(p)
    .map(([key, val]) => [/^(.+)\.(\d+)$/.exec(key), val] as const)
    .filter(([m]) => m?.[1] === k)
    .sort(([a], [b]) => Number(a![2]) - Number(b![2]))
    .map(([, val]) => String(val))
  return flat.length ? flat : undefined
}

const groupIdOf = (p: Params) => valid(ZGroupRef.shape.groupId, 'GroupId', required(p, 'GroupId'))
const groupNameOf = (p: Params, k: string) => valid(ZConsumerGroupInput.shape.name, k, required(p, k))

async function groupOf(d: OpenApiDeps, p: Params) {
  return subscription.getGroup(d.db, groupIdOf(p))
}

const groupInfo = (g: { groupId: string; name: string; createdAt: Date }) => ({
  GroupId: g.groupId,
  GroupName: g.name,
  CreateTime: g.createdAt.toISOString(),
})

/**
 * The reference's message-type flags → our message types. DeviceDataFlag ("messages reported by devices") is
 * the device's thing-model posts and its replies to property set / service calls; DeviceStatusChangeFlag is
 * online/offline (our `lifecycle`, not the reference's DeviceLifeCycleFlag of device creation/deletion);
 * OtaEventFlag is the OTA progress devices report.
 */
const FLAGS = {
  DeviceDataFlag: ['property', 'event', 'reply'],
  DeviceStatusChangeFlag: ['lifecycle'],
  OtaEventFlag: ['ota'],
} as const satisfies Record<string, readonly SubscriptionMessageType[]>
type Flag = keyof typeof FLAGS
const FLAG_NAMES = Object.keys(FLAGS) as Flag[]
/** Flags of the reference whose messages this platform does not produce: refused when true, answered false. */
const UNSUPPORTED_FLAGS = [
  'DeviceLifeCycleFlag',
  'DeviceTopoLifeCycleFlag',
  'FoundDeviceListFlag',
  'ThingHistoryFlag',
  'DeviceTagFlag',
  'OtaVersionFlag',
  'OtaJobFlag',
] as const

/** The message types the flags ask for (an absent flag is false, as in the reference). */
function messageTypesOf(p: Params): SubscriptionMessageType[] {
  for (const k of UNSUPPORTED_FLAGS)
    if (bool(p, k))
      throw new AppError('BAD_REQUEST', `${k} is not supported; use ${FLAG_NAMES.join(', ')} (see docs/API.md)`)
  const types = new Set<SubscriptionMessageType>(FLAG_NAMES.filter((k) => bool(p, k)).flatMap((k) => FLAGS[k]))
  if (!types.size) throw new AppError('BAD_REQUEST', `set at least one of ${FLAG_NAMES.join(', ')} to true`)
  return SUBSCRIPTION_MESSAGE_TYPES.filter((t) => types.has(t))
}

/** Type: only AMQP (consumer groups); the reference's MNS queues do not exist here. */
function typeOf(p: Params) {
  const t = required(p, 'Type').toUpperCase()
  if (t === 'MNS') throw new AppError('BAD_REQUEST', 'Type MNS is not supported; use AMQP (consumer groups)')
  if (t !== 'AMQP') throw new AppError('BAD_REQUEST', `Type must be AMQP (got ${str(p, 'Type')})`)
  return t
}

async function productKeyOf(d: OpenApiDeps, p: Params) {
  const productKey = required(p, 'ProductKey')
  await products.requireProduct(d.db, productKey)
  return productKey
}

async function relationOf(d: OpenApiDeps, p: Params) {
  const productKey = await productKeyOf(d, p)
  typeOf(p)
  const s = await subscription.getSubscription(d.db, productKey)
  if (!s)
    throw new AppError(
      'NOT_FOUND',
      `the product ${productKey} has no AMQP subscription; create one with CreateSubscribeRelation`,
    )
  return s
}

/** groups one subscription pushes to (ZServerSubscriptionInput.groupIds) */
const MAX_GROUPS = 10
/** ConsumerGroupIds: 1–10 existing groups (unknown ones are 404). */
async function groupIdsOf(d: OpenApiDeps, p: Params, required: boolean) {
  const ids = list(p, 'ConsumerGroupIds')
  if (ids === undefined && !required) return undefined
  if (!ids?.length) throw new AppError('BAD_REQUEST', 'ConsumerGroupIds is required: a list of 1–10 consumer group ids')
  const unique = [...new Set(ids.map((x) => x.trim()))]
  if (unique.length > MAX_GROUPS)
    throw new AppError('BAD_REQUEST', `ConsumerGroupIds: at most ${MAX_GROUPS} consumer groups`)
  for (const id of unique) valid(ZGroupRef.shape.groupId, `ConsumerGroupIds (${id})`, id)
  const missing = await subscription.unknownGroups(d.db, unique)
  if (missing.length)
    throw new AppError(
      'NOT_FOUND',
      `the consumer group${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`,
    )
  return unique
}

/** A subscription as QuerySubscribeRelation answers it; a flag is true when any of its message types is pushed. */
const relationInfo = (s: { productKey: string; messageTypes: string[]; groupIds: string[]; updatedAt?: Date }) => ({
  ProductKey: s.productKey,
  Type: 'AMQP',
  ...Object.fromEntries(
    FLAG_NAMES.map((k) => [k, (FLAGS[k] as readonly string[]).some((t) => s.messageTypes.includes(t))]),
  ),
  ...Object.fromEntries(UNSUPPORTED_FLAGS.map((k) => [k, false])),
  ConsumerGroupIds: s.groupIds,
  /** our message types exactly (a subscription made in the console may hold only some of a flag's types) */
  MessageTypes: s.messageTypes,
  GmtModified: s.updatedAt?.toISOString(),
})

export const SUBSCRIPTION_ACTIONS: Record<string, Action> = {
  CreateConsumerGroup: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const g = await subscription.createGroup(d.db, actor, { name: groupNameOf(p, 'GroupName') })
      // the consumer token is answered here once, as in the console; no other action returns it
      return { GroupId: g.groupId, Token: g.token }
    },
  },
  QueryConsumerGroupList: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      const page = int(p, 'CurrentPage', 1, Infinity, 1)
      const pageSize = int(p, 'PageSize', 1, 1000, 10)
      const fuzzy = bool(p, 'Fuzzy') ?? false
      const name = str(p, 'GroupName')?.trim()
      if (fuzzy && !name) throw new AppError('BAD_REQUEST', 'GroupName is required when Fuzzy is true')
      // at most 1000 groups (SUBSCRIPTION_LIMITS.maxGroups): filtered and paged here; no backlog is counted
      const all = await subscription.listGroupNames(d.db)
      const q = name?.toLowerCase()
      const hits = !name ? all : all.filter((g) => (fuzzy ? g.name.toLowerCase().includes(q!) : g.name === name))
      return {
        Total: hits.length,
        CurrentPage: page,
        PageSize: pageSize,
        PageCount: Math.ceil(hits.length / pageSize),
        List: hits.slice((page - 1) * pageSize, page * pageSize).map(groupInfo),
      }
    },
  },
  QueryConsumerGroupByGroupId: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      return groupInfo(await groupOf(d, p))
    },
  },
  UpdateConsumerGroup: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const g = await groupOf(d, p)
      const name = groupNameOf(p, 'NewGroupName')
      // the description (set in the console) is kept
      await subscription.updateGroup(d.db, actor, g.groupId, { name, description: g.description ?? undefined })
      return undefined
    },
  },
  DeleteConsumerGroup: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await subscription.deleteGroup(d.db, actor, (await groupOf(d, p)).groupId)
      return undefined
    },
  },
  QueryConsumerGroupStatus: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      const groupId = groupIdOf(p)
      // the console's figures: backlog of the group, consumers and consume rate of every node
      const g = await subscription.groupView(d.db, groupId)
      // the last minute with acks, from the sampled consume rate (kept as long as unacked messages, 24 h)
      const m = await subscription.groupMetrics(d.db, groupId, 24)
      const last = m.consumeRate.findLast((x) => x.value > 0)
      return {
        GroupId: g.groupId,
        GroupName: g.name,
        AccumulationCount: g.backlog,
        /** messages acked per minute (the engine samples acks per second over the last minute) */
        ConsumerSpeed: Math.round(g.consumeRate * 60),
        LastConsumerTime: last ? new Date(last.ts).toISOString() : undefined,
        ClientConnectionStatusList: g.consumers.map((c) => ({
          ClientId: c.id,
          ClientIpPort: c.ip ?? '',
          OnlineTime: c.connectedAt,
          InflightCount: c.inflight,
        })),
      }
    },
  },
  ResetConsumerGroupPosition: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const r = await subscription.clearBacklog(d.db, actor, (await groupOf(d, p)).groupId)
      return { ClearedCount: r.cleared }
    },
  },
  CreateSubscribeRelation: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const productKey = await productKeyOf(d, p)
      typeOf(p)
      const messageTypes = messageTypesOf(p)
      const groupIds = (await groupIdsOf(d, p, true))!
      if (await subscription.getSubscription(d.db, productKey))
        throw new AppError(
          'CONFLICT',
          `the product ${productKey} already has an AMQP subscription; change it with UpdateSubscribeRelation`,
        )
      return relationInfo(await subscription.saveSubscription(d.db, actor, { productKey, messageTypes, groupIds }))
    },
  },
  QuerySubscribeRelation: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      return relationInfo(await relationOf(d, p))
    },
  },
  UpdateSubscribeRelation: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const prev = await relationOf(d, p)
      // the flags replace the message types (absent = false); ConsumerGroupIds, when absent, keeps the groups
      const messageTypes = messageTypesOf(p)
      const groupIds = (await groupIdsOf(d, p, false)) ?? prev.groupIds
      return relationInfo(
        await subscription.saveSubscription(d.db, actor, { productKey: prev.productKey, messageTypes, groupIds }),
      )
    },
  },
  DeleteSubscribeRelation: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await subscription.deleteSubscription(d.db, actor, (await relationOf(d, p)).productKey)
      return undefined
    },
  },
}
