import { z } from 'zod'
import { parseRuleSql, RuleSqlError } from './sql'

/** Destination types (reference: data forwarding targets; RDS-like = POSTGRES, message queue = a Redis stream). */
export const FORWARD_TYPES = ['REPUBLISH', 'WEBHOOK', 'POSTGRES', 'QUEUE'] as const
export type ForwardType = (typeof FORWARD_TYPES)[number]

/** Shown instead of a stored secret; sent back unchanged, it keeps the stored one. */
export const SECRET_MASK = '******'

/** The topic classes a rule can read (FROM), by kind. */
export type RuleTopicKind = 'property' | 'event' | 'custom' | 'lifecycle'

const SEG = /^[A-Za-z0-9_.-]+$/
const DN = /^(\+|[A-Za-z0-9_.@:-]{1,192})$/

/**
 * Which topic class a FROM filter names, and of which product: `/{pk}/{dn|+}/thing/event/property/post`,
 * `/{pk}/{dn|+}/thing/event/{id|+}/post`, `/{pk}/{dn|+}/user/…` or `/as/mqtt/status/{pk}/{dn|+}` (online/offline).
 */
export function ruleTopicKind(topic: string): { kind: RuleTopicKind; productKey: string } | { error: string } {
  const s = topic.split('/')
  if (s[0] !== '' || s.length < 3)
    return { error: 'the topic must look like /{productKey}/+/thing/event/property/post' }
  if (s[1] === 'as' && s[2] === 'mqtt' && s[3] === 'status' && s.length === 6) {
    if (!SEG.test(s[4] ?? '') || !DN.test(s[5] ?? ''))
      return { error: 'a lifecycle topic is /as/mqtt/status/{productKey}/+' }
    return { kind: 'lifecycle', productKey: s[4]! }
  }
  const [, pk, dn, ...rest] = s
  if (!pk || !SEG.test(pk)) return { error: 'the topic must start with /{productKey}/' }
  if (!dn || !DN.test(dn)) return { error: 'the second level of the topic is a device name or +' }
  const tail = rest.join('/')
  if (tail === 'thing/event/property/post') return { kind: 'property', productKey: pk }
  if (rest.length === 4 && rest[0] === 'thing' && rest[1] === 'event' && rest[3] === 'post' && rest[2] !== 'property')
    return /^(\+|[A-Za-z0-9_]{1,50})$/.test(rest[2]!)
      ? { kind: 'event', productKey: pk }
      : { error: 'an event identifier has letters, digits and underscores, or is +' }
  if (rest[0] === 'user' && rest.length >= 2) {
    if (rest.slice(1).some((x, i) => x === '' || (x === '#' && i !== rest.length - 2)))
      return { error: 'a custom topic has non-empty levels; # only at the end' }
    return { kind: 'custom', productKey: pk }
  }
  return {
    error:
      'a rule reads property posts, event posts, custom /user/ topics of a product, or /as/mqtt/status/{productKey}/+',
  }
}

/** A statement checked like the server checks it: the 9307 message, or its topic class. */
export function checkRuleSql(
  sql: string,
): { ok: true; topic: string; kind: RuleTopicKind; productKey: string } | { ok: false; code: number; message: string } {
  try {
    const st = parseRuleSql(sql)
    const k = ruleTopicKind(st.topic)
    if ('error' in k) return { ok: false, code: 9307, message: k.error }
    return { ok: true, topic: st.topic, ...k }
  } catch (e) {
    if (e instanceof RuleSqlError) return { ok: false, code: e.code, message: e.message }
    throw e
  }
}

export const ZForwardRuleInput = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, _ and - only'),
  description: z.string().trim().max(100).nullish(),
  sql: z.string().trim().min(1).max(4096),
  dataType: z.enum(['JSON', 'BINARY']).default('JSON'),
})
export type TForwardRuleInput = z.infer<typeof ZForwardRuleInput>

export const ZUpdateForwardRule = z.object({ id: z.string().uuid(), rule: ZForwardRuleInput })

export const ZForwardRuleList = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
  search: z.string().trim().max(64).optional(),
})

const ZHeaders = z
  .array(
    z.object({
      name: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9-]+$/),
      value: z.string().max(1024),
    }),
  )
  .max(10)
  .default([])

const ZUrl = (protocols: string[], what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .refine(
      (u) => {
        try {
          return protocols.includes(new URL(u).protocol)
        } catch {
          return false
        }
      },
      `a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')}…)`,
    )

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

export const ZRepublishConfig = z.object({
  /** `/{pk}/{dn}/user/…`; `${field}` takes a value of the selected row, e.g. /pk/${deviceName}/user/get */
  topic: z
    .string()
    .trim()
    .min(3)
    .max(256)
    .refine(
      (t) => /^\/[^/+#]+\/[^/+#]+\/user(\/[^/+#]+)+$/.test(t),
      'a device topic /{productKey}/{deviceName}/user/…',
    ),
  qos: z.union([z.literal(0), z.literal(1)]).default(0),
})
export const ZWebhookConfig = z.object({
  url: ZUrl(['http:', 'https:'], 'http(s)'),
  headers: ZHeaders,
  timeoutMs: z.number().int().min(100).max(30_000).default(5000),
  retries: z.number().int().min(0).max(5).default(3),
  /** requests in flight at once (16 by default); over 64 connections, requests are pipelined on them */
  concurrency: z.number().int().min(1).max(512).optional(),
  /**
   * Batch mode (off by default: one request per row, what receivers expect). When set, each request carries a JSON
   * array of up to `maxRows` rows and about `maxBytes` of body (a single larger row goes alone).
   */
  batch: z
    .object({
      maxRows: z.number().int().min(2).max(1000).default(100),
      maxBytes: z.number().int().min(1024).max(4_194_304).default(262_144),
    })
    .nullish(),
})
export const ZPostgresConfig = z.object({
  /** postgres://user:password@host:port/database */
  url: ZUrl(['postgres:', 'postgresql:'], 'PostgreSQL'),
  table: z
    .string()
    .trim()
    .regex(/^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a table name'),
  /** column ← field of the selected row */
  columns: z
    .array(
      z.object({ column: z.string().trim().regex(IDENT, 'a column name'), field: z.string().trim().min(1).max(64) }),
    )
    .min(1)
    .max(50),
  retries: z.number().int().min(0).max(5).default(2),
})
export const ZQueueConfig = z.object({
  /** redis://[:password@]host:port[/db] */
  url: ZUrl(['redis:', 'rediss:'], 'Redis'),
  stream: z.string().trim().min(1).max(128),
  /** approximate cap of the stream (XADD MAXLEN ~) */
  maxLen: z.number().int().min(100).max(10_000_000).default(100_000),
  retries: z.number().int().min(0).max(5).default(2),
})

export const ZForwardDestinationConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('REPUBLISH'), config: ZRepublishConfig }),
  z.object({ type: z.literal('WEBHOOK'), config: ZWebhookConfig }),
  z.object({ type: z.literal('POSTGRES'), config: ZPostgresConfig }),
  z.object({ type: z.literal('QUEUE'), config: ZQueueConfig }),
])
export type TForwardDestinationConfig = z.infer<typeof ZForwardDestinationConfig>
export type TRepublishConfig = z.infer<typeof ZRepublishConfig>
export type TWebhookConfig = z.infer<typeof ZWebhookConfig>
export type TPostgresConfig = z.infer<typeof ZPostgresConfig>
export type TQueueConfig = z.infer<typeof ZQueueConfig>

export const ZForwardDestinationInput = z.object({
  ruleId: z.string().uuid(),
  destination: ZForwardDestinationConfig,
  enabled: z.boolean().default(true),
})
export const ZUpdateForwardDestination = z.object({
  id: z.string().uuid(),
  destination: ZForwardDestinationConfig,
  enabled: z.boolean().default(true),
})

export const ZForwardSqlTest = z.object({
  sql: z.string().max(4096),
  /** the sample message payload (JSON text) */
  payload: z.string().max(65_536),
  deviceName: z.string().trim().max(192).default('device1'),
})

export const ZDeadLetterList = z.object({
  ruleId: z.string().uuid().optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
})
