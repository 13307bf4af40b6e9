import { z } from 'zod'
import { ZPage } from '../paging'
import { parseCron } from './cron'

// Pure zod: scene-linkage rules, alert rules and alerts of the alert center. Nothing here may import I/O.

export const COMPARE_OPS = ['>', '>=', '<', '<=', '==', '!='] as const
export type CompareOp = (typeof COMPARE_OPS)[number]
/** A property trigger also fires on any change of the value. */
export const TRIGGER_OPS = [...COMPARE_OPS, 'changed'] as const
export type TriggerOp = (typeof TRIGGER_OPS)[number]
export const EVENT_TYPES = ['info', 'alert', 'error'] as const
export const ALERT_LEVELS = [1, 2, 3, 4, 5] as const
/** Notification channels of an alert rule besides the alert center itself (always on). */
export const ALERT_CHANNELS = ['dingtalk', 'email', 'webhook'] as const
export type AlertChannel = (typeof ALERT_CHANNELS)[number]
export const ALERT_STATUSES = ['PENDING', 'HANDLED', 'IGNORED'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]
export const ALERT_ACTIVITIES = [
  'raised',
  'repeated',
  'acknowledged',
  'assigned',
  'handled',
  'ignored',
  'escalated',
  'notified',
  'inhibited',
] as const

const ZProductKey = z.string().trim().min(1, 'choose a product').max(64)
const ZDeviceName = z.string().trim().min(1).max(64)
const ZIdentifier = z
  .string()
  .trim()
  .regex(
    /^([A-Za-z0-9_]{1,50}:)?[A-Za-z0-9_]{1,50}$/,
    'an identifier has 1–50 letters, digits or _ (module:identifier in a module)',
  )
/** A threshold: a number, a string (enum/text) or a boolean, compared with the reported value. */
const ZThreshold = z.union([z.number(), z.string().max(256), z.boolean()])

/** An IANA time zone such as Asia/Shanghai; checked with the runtime's own tables. */
export const ZTimeZone = z
  .string()
  .trim()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz })
      return true
    } catch {
      return false
    }
  }, 'enter an IANA time zone such as Asia/Shanghai or UTC')

export const ZCron = z
  .string()
  .trim()
  .max(120)
  .superRefine((v, ctx) => {
    const r = parseCron(v)
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error })
  })

const ZHhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:mm (00:00–23:59)')

// ── triggers ──

export const ZPropertyTrigger = z
  .object({
    type: z.literal('property'),
    productKey: ZProductKey,
    /** empty: any device of the product */
    deviceName: ZDeviceName.optional(),
    identifier: ZIdentifier,
    op: z.enum(TRIGGER_OPS),
    value: ZThreshold.optional(),
  })
  .refine((t) => t.op === 'changed' || t.value !== undefined, {
    message: 'a comparison needs a value',
    path: ['value'],
  })
export const ZEventTrigger = z.object({
  type: z.literal('event'),
  productKey: ZProductKey,
  deviceName: ZDeviceName.optional(),
  /** empty: any type */
  eventType: z.enum(EVENT_TYPES).optional(),
  /** empty: any event */
  identifier: ZIdentifier.optional(),
})
export const ZStatusTrigger = z.object({
  type: z.literal('status'),
  productKey: ZProductKey,
  deviceName: ZDeviceName.optional(),
  status: z.enum(['ONLINE', 'OFFLINE']),
})
export const ZScheduleTrigger = z.object({
  type: z.literal('schedule'),
  /** five fields: minute hour day-of-month month day-of-week */
  cron: ZCron,
  timezone: ZTimeZone.default('UTC'),
})
export const ZSceneTrigger = z.discriminatedUnion('type', [
  ZPropertyTrigger,
  ZEventTrigger,
  ZStatusTrigger,
  ZScheduleTrigger,
])
export type TSceneTrigger = z.infer<typeof ZSceneTrigger>

// ── conditions ──

export const ZTimeCondition = z.object({
  type: z.literal('time'),
  /** 0 = Sunday … 6 = Saturday; empty: every day */
  days: z.array(z.number().int().min(0).max(6)).max(7).default([]),
  /** from > to spans midnight (22:00–06:00) */
  from: ZHhMm,
  to: ZHhMm,
  timezone: ZTimeZone.default('UTC'),
})
export const ZPropertyCondition = z.object({
  type: z.literal('property'),
  productKey: ZProductKey,
  deviceName: ZDeviceName,
  identifier: ZIdentifier,
  op: z.enum(COMPARE_OPS),
  value: ZThreshold,
})
export const ZSceneCondition = z.discriminatedUnion('type', [ZTimeCondition, ZPropertyCondition])
export type TSceneCondition = z.infer<typeof ZSceneCondition>

// ── actions ──

const ZJsonObject = z.record(z.string(), z.unknown())

export const ZAlertAction = z.object({ type: z.literal('alert'), alertRuleId: z.string().uuid('choose an alert rule') })
export const ZSetPropertyAction = z.object({
  type: z.literal('setProperty'),
  productKey: ZProductKey,
  /** empty: the device that triggered the run (of this product) */
  deviceName: ZDeviceName.optional(),
  items: ZJsonObject.refine((o) => Object.keys(o).length > 0, 'give at least one property'),
})
export const ZInvokeServiceAction = z.object({
  type: z.literal('invokeService'),
  productKey: ZProductKey,
  deviceName: ZDeviceName.optional(),
  identifier: ZIdentifier,
  args: ZJsonObject.default({}),
})
export const ZPublishAction = z.object({
  type: z.literal('publish'),
  productKey: ZProductKey,
  /** a custom topic the devices may subscribe to: /{pk}/{dn}/user/… ; `${deviceName}` is the triggering device */
  topic: z
    .string()
    .trim()
    .regex(/^\/[^/]+\/[^/]+\/user\/.+$/, 'a custom topic looks like /{productKey}/{deviceName}/user/…'),
  payload: z.string().max(64 * 1024, 'a payload has at most 64 KB'),
  qos: z.union([z.literal(0), z.literal(1)]).default(0),
})
export const ZWebhookAction = z.object({
  type: z.literal('webhook'),
  url: z
    .string()
    .trim()
    .max(2048)
    .refine((v) => {
      try {
        const u = new URL(v)
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
      } catch {
        return false
      }
    }, 'enter an http:// or https:// URL'),
})
export const ZSceneAction = z.discriminatedUnion('type', [
  ZAlertAction,
  ZSetPropertyAction,
  ZInvokeServiceAction,
  ZPublishAction,
  ZWebhookAction,
])
export type TSceneAction = z.infer<typeof ZSceneAction>

// ── scene rules ──

export const ZSceneName = z.string().trim().min(1, 'a name has 1–64 characters').max(64, 'a name has 1–64 characters')

export const ZSceneRuleInput = z.object({
  name: ZSceneName,
  description: z.string().trim().max(256, 'a description has at most 256 characters').optional(),
  enabled: z.boolean().default(true),
  triggers: z.array(ZSceneTrigger).min(1, 'add at least one trigger').max(10, 'at most 10 triggers'),
  conditions: z.array(ZSceneCondition).max(10, 'at most 10 conditions').default([]),
  actions: z.array(ZSceneAction).min(1, 'add at least one action').max(10, 'at most 10 actions'),
})
export type TSceneRuleInput = z.input<typeof ZSceneRuleInput>
export type TSceneRule = z.infer<typeof ZSceneRuleInput>
export const ZUpdateSceneRule = z.object({ id: z.string().uuid(), rule: ZSceneRuleInput })
export const ZSceneRuleList = ZPage.extend({
  name: z.string().trim().max(64).optional(),
  enabled: z.boolean().optional(),
  /** scene rules raising alerts of this alert rule */
  alertRuleId: z.string().uuid().optional(),
})
export const ZSceneRunList = ZPage.extend({ ruleId: z.string().uuid(), passed: z.boolean().optional() })

// ── alert rules ──

/** 4–32 of letters, digits, CJK (Han, kana), _ and - (reference §10). */
export const ZAlertRuleName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_\-\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]{4,32}$/u,
    'a name has 4–32 characters: letters, digits, Chinese/Japanese characters, _ and -',
  )

export const ZAlertRuleInput = z
  .object({
    name: ZAlertRuleName,
    description: z.string().trim().max(256, 'a description has at most 256 characters').optional(),
    level: z.number().int().min(1, 'a level is 1–5').max(5, 'a level is 1–5'),
    /** besides the alert center (always) */
    channels: z.array(z.enum(ALERT_CHANNELS)).max(3).default([]),
    contactGroupIds: z.array(z.string().uuid()).max(20, 'at most 20 contact groups').default([]),
    /** re-notify an unacknowledged pending alert every N minutes (empty: never) */
    escalateMinutes: z.number().int().min(1).max(1440, 'at most 1440 minutes (a day)').nullable().default(null),
    enabled: z.boolean().default(true),
    /** scene rules that raise this alert (their alert action is added or removed) */
    sceneRuleIds: z.array(z.string().uuid()).max(50).default([]),
  })
  .refine((r) => r.channels.length === 0 || r.contactGroupIds.length > 0, {
    message: 'choose the contact groups that receive the notifications',
    path: ['contactGroupIds'],
  })
export type TAlertRuleInput = z.input<typeof ZAlertRuleInput>
export const ZUpdateAlertRule = z.object({ id: z.string().uuid(), rule: ZAlertRuleInput })
export const ZAlertRuleList = ZPage.extend({
  name: z.string().trim().max(64).optional(),
  enabled: z.boolean().optional(),
})

// ── alerts ──

export const ZAlertList = ZPage.extend({
  /** 'PENDING' (the pending tab) or all */
  status: z.enum(ALERT_STATUSES).optional(),
  level: z.number().int().min(1).max(5).optional(),
  alertRuleId: z.string().uuid().optional(),
  productKey: z.string().trim().max(64).optional(),
  deviceName: z.string().trim().max(64).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
})
export type TAlertList = z.input<typeof ZAlertList>
const ZRemark = z.string().trim().min(1, 'write a remark').max(500, 'a remark has at most 500 characters')
export const ZAlertHandle = z.object({ id: z.string().uuid(), remark: ZRemark })
export const ZAlertIgnore = z.object({ id: z.string().uuid(), remark: ZRemark.optional() })
export const ZAlertAssign = z.object({ id: z.string().uuid(), assignee: z.string().trim().min(1).max(64) })
