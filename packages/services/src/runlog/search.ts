import type { Db } from '@iotops/db'
import { z } from 'zod'
import type { DeviceHub } from '../hub/hub'
import { resumeFrom, tailRows, tailWindowEnd, wakeOnWrite } from '../live/tail'

export const ZRunLogSearchInput = z.object({
  productKey: z.string().max(64).optional(),
  deviceName: z.string().max(64).optional(),
  traceId: z.string().max(64).optional(),
  messageId: z.string().max(64).optional(),
  keyword: z.string().max(128).optional(),
  status: z.enum(['all', 'success', 'failure']).default('all'),
  bizType: z.string().max(32).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** `<ts ms>:<id>` of the last row of the previous page */
  cursor: z
    .string()
    .regex(/^\d+:\d+$/)
    .optional(),
  limit: z.number().int().min(1).max(500).default(50),
})
export type TRunLogSearchInput = z.infer<typeof ZRunLogSearchInput>

/** A live tail: the search filters without time range and paging; `lastEventId` resumes after a reconnect. */
export const ZRunLogTailInput = ZRunLogSearchInput.omit({ from: true, to: true, cursor: true, limit: true }).extend({
  since: z.coerce.date().optional(),
  lastEventId: z.string().nullish(),
})
export type TRunLogTailInput = z.infer<typeof ZRunLogTailInput>

export interface RunLogRow {
  ts: Date
  id: number
  productKey: string | null
  deviceName: string | null
  traceId: string
  messageId: string | null
  bizType: string
  operation: string
  code: number
  content: string
}

/** Newest first, keyset-paginated. The keyword matches whole tokens of device name, operation and content. */
export async function searchRunLog(db: Db, input: TRunLogSearchInput) {
  const where: string[] = []
  const args: unknown[] = []
  const add = (sql: string, v: unknown) => {
    args.push(v)
    where.push(sql.replace('?', `$${args.length}`))
  }
  const to = input.to ?? new Date()
  const from = input.from ?? new Date(to.getTime() - 86_400_000)
  add('ts >= ?', from)
  add('ts <= ?', to)
  if (input.productKey) add('product_key = ?', input.productKey)
  if (input.deviceName) add('device_name = ?', input.deviceName)
  if (input.traceId) add('trace_id = ?', input.traceId)
  if (input.messageId) add('message_id = ?', input.messageId)
  if (input.bizType) add('biz_type = ?', input.bizType)
  if (input.status === 'success') where.push('code = 200')
  if (input.status === 'failure') where.push('code <> 200')
  if (input.keyword) add("search @@ plainto_tsquery('simple', ?)", input.keyword)
  if (input.cursor) {
    const [ms, id] = input.cursor.split(':').map(Number)
    args.push(new Date(ms!), id)
    where.push(`(ts, id) < ($${args.length - 1}, $${args.length})`)
  }
  args.push(input.limit + 1)
  const { rows } = await db.pool.query(
    `SELECT ts, id::float8 AS id, product_key, device_name, trace_id, message_id, biz_type, operation, code, content
     FROM run_log WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT $${args.length}`,
    args,
  )
  const items: RunLogRow[] = rows.slice(0, input.limit).map((r) => ({
    ts: r.ts,
    id: r.id,
    productKey: r.product_key,
    deviceName: r.device_name,
    traceId: r.trace_id,
    messageId: r.message_id,
    bizType: r.biz_type,
    operation: r.operation,
    code: r.code,
    content: r.content,
  }))
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > input.limit && last ? `${last.ts.getTime()}:${last.id}` : null }
}

/** New run-log records matching the filter as they are stored, oldest first. */
export function tailRunLog(db: Db, hub: DeviceHub, input: TRunLogTailInput, signal?: AbortSignal) {
  const { since, lastEventId, ...filter } = input
  return tailRows<RunLogRow>({
    since: resumeFrom(lastEventId) ?? since ?? new Date(),
    fetch: async (from) => (await searchRunLog(db, { ...filter, from, to: tailWindowEnd(), limit: 500 })).items,
    wake: wakeOnWrite(hub, 'run_log'),
    signal,
  })
}
