import { z } from 'zod'
import { AGGREGATIONS, METRICS } from '../metrics/codes'

const metricCodes = METRICS.map((m) => m.code) as [string, ...string[]]
export const ZGranularity = z.union([z.literal(1), z.literal(5)])
export const ZAggregation = z.enum(AGGREGATIONS as unknown as ['latest', ...string[]]) as z.ZodType<
  (typeof AGGREGATIONS)[number]
>
/** Card and metric names: letters (any script), digits and underscores, 1–32 characters, as the reference allows. */
export const ZMetricName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}_]{1,32}$/u, 'use 1–32 letters, digits or underscores')

export const ZAddBasicCards = z.object({
  metrics: z
    .array(z.enum(metricCodes, { message: 'unknown metric' }))
    .min(1, 'choose at least one metric')
    .max(50),
})

export const ZPropertyCardInput = z.object({
  name: ZMetricName,
  productKey: z.string().min(1),
  identifier: z.string().min(1, 'choose a numeric property'),
  deviceName: z.string().min(1).nullable(),
  aggregations: z.array(ZAggregation).min(1, 'choose at least one aggregation').max(3, 'choose at most 3 aggregations'),
  granularity: ZGranularity,
})

export const ZUpdateCard = z.object({
  id: z.string().uuid(),
  /** basic cards: the product dimension (null = all products), granularity and the reference threshold line */
  productKey: z.string().min(1).nullable().optional(),
  granularity: ZGranularity.optional(),
  threshold: z.number().finite().nullable().optional(),
  /** property cards */
  property: ZPropertyCardInput.optional(),
})

export const ZSavePanel = z.object({
  /** every card of the board, in the new order, with its visibility */
  cards: z.array(z.object({ id: z.string().uuid(), hidden: z.boolean() })).max(50),
})

/** Custom ranges may span up to 30 days. */
export const ZBoardRange = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((r) => r.to > r.from, { message: 'the end must be after the start' })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 30 * 86_400_000, {
    message: 'the range may span 30 days at most',
  })

export const ZBoardData = z.object({
  range: ZBoardRange,
  /** the cards to fill (a page of the board); all visible cards when absent */
  ids: z.array(z.string().uuid()).max(50).optional(),
})

export type TPropertyCardInput = z.infer<typeof ZPropertyCardInput>
export type TUpdateCard = z.infer<typeof ZUpdateCard>
export type TSavePanel = z.infer<typeof ZSavePanel>
export type TBoardData = z.infer<typeof ZBoardData>
