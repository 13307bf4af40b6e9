import type { Db } from '@iotops/db'
import { expandFanout } from '../forward/fanout'
import type { TTraceInput } from '../logs/schema'
import type { RunLogRow } from './search'

export interface TraceHop extends RunLogRow {
  ok: boolean
  /** milliseconds since the previous hop of the trace (null for the first) */
  sincePrevMs: number | null
}

export interface MessageTrace {
  traceIds: string[]
  hops: TraceHop[]
  /** the first hop that failed, if any */
  failedAt: number | null
  /** first to last hop, ms */
  totalMs: number
}

/** At most this many hops are shown (a trace is a handful; a runaway loop must not flood the page). */
const MAX_HOPS = 500

/**
 * Every run-log record of a message, oldest first: the trace of a TraceId, or for a MessageId every trace the
 * message took part in (the API call that sent a command and the device's reply share the MessageId). Each hop is
 * green (code 200) or red, with its latency from the previous hop.
 */
export async function messageTrace(db: Db, q: TTraceInput): Promise<MessageTrace> {
  let traceIds: string[]
  if (q.traceId) traceIds = [q.traceId]
  else {
    const { rows } = await db.pool.query<{ trace_id: string }>(
      'SELECT DISTINCT trace_id FROM run_log WHERE message_id = $1 LIMIT 20',
      [q.messageId],
    )
    traceIds = rows.map((r) => r.trace_id)
  }
  if (traceIds.length === 0) return { traceIds, hops: [], failedAt: null, totalMs: 0 }
  const { rows } = await db.pool.query(
    `SELECT ts, id, product_key, device_name, trace_id, message_id, biz_type, operation, code, content
     FROM run_log WHERE trace_id = ANY($1) OR ($2::text IS NOT NULL AND message_id = $2)
     ORDER BY ts, id LIMIT ${MAX_HOPS}`,
    [traceIds, q.messageId ?? null],
  )
  const records: RunLogRow[] = rows.flatMap((r) =>
    expandFanout({
      ts: r.ts as Date,
      id: Number(r.id),
      productKey: r.product_key,
      deviceName: r.device_name,
      traceId: r.trace_id,
      messageId: r.message_id,
      bizType: r.biz_type,
      operation: r.operation,
      code: r.code,
      content: r.content,
    }),
  )
  // a fan-out record's hops take the times their destinations answered
  records.sort((a, b) => a.ts.getTime() - b.ts.getTime() || a.id - b.id)
  const hops: TraceHop[] = records.slice(0, MAX_HOPS).map((r, i, all) => ({
    ...r,
    ok: r.code === 200,
    sincePrevMs: i > 0 ? r.ts.getTime() - all[i - 1]!.ts.getTime() : null,
  }))
  const failed = hops.findIndex((h) => !h.ok)
  return {
    traceIds: [...new Set(hops.map((h) => h.traceId))],
    hops,
    failedAt: failed >= 0 ? failed : null,
    totalMs: hops.length ? hops[hops.length - 1]!.ts.getTime() - hops[0]!.ts.getTime() : 0,
  }
}
