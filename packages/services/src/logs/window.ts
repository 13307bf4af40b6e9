import { z } from 'zod'

/**
 * The window of a log search (time range, keyset cursor, page size), shared by every partitioned log table;
 * and the live tail of a search: its filters without the window, resumable with `lastEventId`. Pure zod.
 */
export const ZLogWindow = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** `<ts ms>:<id>` of the last row of the previous page */
  cursor: z
    .string()
    .regex(/^\d+:\d+$/, 'cursor must be <ts ms>:<id>')
    .optional(),
  limit: z.number().int().min(1).max(500).default(50),
})
export type TLogWindow = z.infer<typeof ZLogWindow>

const ZTail = z.object({ since: z.coerce.date().optional(), lastEventId: z.string().nullish() })

/** Which store a search reads: the 7-day store every product has, or a product's long-term store. */
const ZStore = z.object({ store: z.enum(['recent', 'dump']).default('recent') })

/** `filters` as a log search input (filters + window) and as a live-tail input (filters + since/lastEventId). */
export function logInputs<F extends z.ZodRawShape>(filters: F) {
  const f = z.object(filters).extend(ZStore.shape)
  return { search: f.extend(ZLogWindow.shape), tail: f.extend(ZTail.shape) }
}
