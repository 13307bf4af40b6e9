import { RATE_LIMIT_EVENTS } from '@iotops/alink/limits'
import { z } from 'zod'
import { isAreaMetric } from '../metrics/codes'

export const OPERATORS = [
  '>=',
  '>',
  '<=',
  '<',
  '!=',
  'dod_up',
  'dod_down',
  'wow_up',
  'wow_down',
  'pop_up',
  'pop_down',
] as const
export type Operator = (typeof OPERATORS)[number]
export const LEVELS = ['CRITICAL', 'WARNING', 'INFO'] as const
export type Level = (typeof LEVELS)[number]
/** Silence periods offered, seconds (5 min … 24 h). */
export const SILENCE_CHOICES = [300, 900, 1800, 3600, 10800, 21600, 43200, 86400] as const
/** What an alarm history row records: raised, repeated after the silence, recovered, or gone silent. */
export const ALARM_STATUSES = ['ALARM', 'REPEAT', 'RECOVERED', 'NO_DATA'] as const
/** The relative operators compare with an earlier value and take a percentage as threshold. */
export const isRelativeOperator = (op: string) => op.includes('_')

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:mm, e.g. 08:30')

const base = {
  name: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_-]{1,64}$/u, 'use 1–64 letters, digits, _ or -'),
  level: z.enum(LEVELS),
  effectiveFrom: hhmm.default('00:00'),
  effectiveTo: hhmm.default('23:59'),
  silenceSeconds: z
    .number()
    .int()
    .refine((s) => (SILENCE_CHOICES as readonly number[]).includes(s), 'choose one of the offered silence periods'),
  contactGroupIds: z.array(z.string().uuid()).min(1, 'choose at least one contact group').max(20),
}

export const ZThresholdRuleInput = z.object({
  kind: z.literal('threshold'),
  ...base,
  metric: z.string().refine(isAreaMetric, 'choose a metric shown as an area chart'),
  /** null: every product, each evaluated on its own */
  productKey: z.string().min(1).nullable(),
  operator: z.enum(OPERATORS),
  threshold: z.number().finite('the threshold must be a number'),
  periods: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(10)]),
  granularity: z.union([z.literal(1), z.literal(5)]),
  noDataAlert: z.boolean().default(false),
})

export const ZEventRuleInput = z.object({
  kind: z.literal('event'),
  ...base,
  /** the system events that raise this alarm; all of them when empty */
  events: z.array(z.enum(RATE_LIMIT_EVENTS)).max(RATE_LIMIT_EVENTS.length),
})

/** Log rules compare a number with an absolute condition. */
export const LOG_OPERATORS = ['>=', '>', '<=', '<', '!='] as const
/** Log rules: the period (minutes) each evaluation covers. */
export const LOG_PERIODS = [1, 5, 15, 60] as const

/**
 * A log alert: a saved log-analysis query run over each closed period ({{from}}/{{to}} = the period); the first
 * numeric value of its first row (0 when it returns no rows) is compared with the threshold.
 */
export const ZLogRuleInput = z.object({
  kind: z.literal('log'),
  ...base,
  queryId: z.string().uuid('choose a saved query'),
  operator: z.enum(LOG_OPERATORS),
  threshold: z.number().finite('the threshold must be a number'),
  /** consecutive periods the condition must hold */
  periods: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(10)]).default(1),
  /** the period in minutes */
  granularity: z.union([z.literal(1), z.literal(5), z.literal(15), z.literal(60)]),
})

export const ZAlarmRuleInput = z.discriminatedUnion('kind', [ZThresholdRuleInput, ZEventRuleInput, ZLogRuleInput])
export const ZUpdateAlarmRule = z.object({ id: z.string().uuid(), rule: ZAlarmRuleInput })

export const ZAlarmRuleList = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
  name: z.string().trim().max(64).optional(),
  kind: z.enum(['threshold', 'event', 'log']).optional(),
  enabled: z.boolean().optional(),
})

export const ZAlarmHistoryQuery = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(20),
  from: z.coerce.date(),
  to: z.coerce.date(),
  ruleId: z.string().uuid().optional(),
  ruleName: z.string().trim().max(64).optional(),
  kind: z.enum(['threshold', 'event', 'watermark', 'log']).optional(),
  status: z.enum(ALARM_STATUSES).optional(),
  level: z.enum(LEVELS).optional(),
  productKey: z.string().min(1).optional(),
})

export const ZWatermarkInput = z.object({
  /** percent of the instance spec, 90 for the one-click alert */
  percent: z.number().min(1).max(100).default(90),
  contactGroupIds: z.array(z.string().uuid()).min(1, 'choose at least one contact group'),
  level: z.enum(LEVELS).default('WARNING'),
})

export type TAlarmRuleInput = z.infer<typeof ZAlarmRuleInput>
export type TThresholdRuleInput = z.infer<typeof ZThresholdRuleInput>
export type TLogRuleInput = z.infer<typeof ZLogRuleInput>
export type TAlarmRuleList = z.infer<typeof ZAlarmRuleList>
export type TAlarmHistoryQuery = z.infer<typeof ZAlarmHistoryQuery>
export type TWatermarkInput = z.infer<typeof ZWatermarkInput>
