import { z } from 'zod'
import { logInputs } from './window'

// The log service's input schemas, pure zod (the console's forms use them too): run-log search and tail, message
// trace, long-term storage, analysis queries and reports.

const { search: ZRunLogSearchInput, tail: ZRunLogTailInput } = logInputs({
  productKey: z.string().max(64).optional(),
  deviceName: z.string().max(64).optional(),
  traceId: z.string().max(64).optional(),
  messageId: z.string().max(64).optional(),
  keyword: z.string().max(128).optional(),
  status: z.enum(['all', 'success', 'failure']).default('all'),
  bizType: z.string().max(32).optional(),
})

export { ZRunLogSearchInput, ZRunLogTailInput }
export type TRunLogSearchInput = z.infer<typeof ZRunLogSearchInput>
/** A live tail: the search filters without time range and paging; `lastEventId` resumes after a reconnect. */
export type TRunLogTailInput = z.infer<typeof ZRunLogTailInput>

export const ZTraceInput = z
  .object({
    traceId: z.string().trim().max(64).optional(),
    messageId: z.string().trim().max(64).optional(),
  })
  .refine((q) => !!q.traceId || !!q.messageId, { message: 'enter a TraceId or a MessageId' })
export type TTraceInput = z.infer<typeof ZTraceInput>

const ZDays = z
  .number()
  .int('days must be a whole number')
  .min(1, 'keep logs 1–3000 days, or forever')
  .max(3000, 'keep logs 1–3000 days, or forever')
  .nullable()

/** Long-term storage of one product's logs; `null` days keep them forever. */
export const ZLogStorePolicy = z.object({
  productKey: z.string().min(1),
  runLogDump: z.boolean(),
  runLogDays: ZDays,
  deviceLogDump: z.boolean(),
  deviceLogDays: ZDays,
})
export type TLogStorePolicy = z.infer<typeof ZLogStorePolicy>

/** The tables an analysis query may read: the 7-day and the long-term log stores. */
export const ANALYSIS_TABLES = ['run_log', 'device_log', 'run_log_dump', 'device_log_dump'] as const

export const ZAnalysisQuery = z.object({
  sql: z.string().trim().min(1, 'write a SELECT query').max(20_000, 'a query has at most 20,000 characters'),
  /** values of {{from}} and {{to}} in the query */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
})
export type TAnalysisQuery = z.infer<typeof ZAnalysisQuery>

export const ZChart = z.object({
  type: z.enum(['table', 'line', 'bar', 'pie']),
  x: z.string().max(63).optional(),
  y: z.array(z.string().max(63)).max(8).optional(),
})
export const ZSavedQueryInput = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_ -]{1,64}$/u, 'use 1–64 letters, digits, spaces, _ or -'),
  sql: ZAnalysisQuery.shape.sql,
  chart: ZChart,
})
export type TSavedQueryInput = z.infer<typeof ZSavedQueryInput>

export const ZReportInput = z.object({
  productKey: z.string().min(1).nullable(),
  from: z.coerce.date(),
  to: z.coerce.date(),
})
export type TReportInput = z.infer<typeof ZReportInput>
