import { BatchWriter, type BatchWriterOptions, type Column, type Db } from '@iotops/db'
import type { BizTypeName } from './biz'

export { BizType, type BizTypeName } from './biz'

export interface RunLogRecord {
  ts: Date
  productKey: string | null
  deviceName: string | null
  traceId: string
  messageId: string | null
  bizType: BizTypeName | string
  operation: string
  code: number
  /** JSON text: { Content?, Params?, ResultData?, Message? } as the reference shows it */
  content: string
}

/** The columns of a run-log row, for the 7-day store and the long-term one. */
export const RUN_LOG_COLUMNS: Column<RunLogRecord>[] = [
  { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
  { name: 'product_key', type: 'text[]', get: (r) => r.productKey },
  { name: 'device_name', type: 'text[]', get: (r) => r.deviceName },
  { name: 'trace_id', type: 'text[]', get: (r) => r.traceId },
  { name: 'message_id', type: 'text[]', get: (r) => r.messageId },
  { name: 'biz_type', type: 'text[]', get: (r) => r.bizType },
  { name: 'operation', type: 'text[]', get: (r) => r.operation },
  { name: 'code', type: 'int[]', get: (r) => r.code },
  { name: 'content', type: 'text[]', get: (r) => r.content },
]

/** The run-log writer: COPY batches (the cheapest path for the node's busiest table; bench/logs.ts). */
export function createRunLogWriter(db: Db, opts: BatchWriterOptions = {}) {
  return new BatchWriter<RunLogRecord>(db.pool, 'run_log', RUN_LOG_COLUMNS, { method: 'copy', ...opts })
}
export type RunLogWriter = ReturnType<typeof createRunLogWriter>

/** Content of a run-log record, keeping it small: payloads over 8 KB are cut with a marker. */
export function logContent(fields: Record<string, unknown>): string {
  return cutContent(JSON.stringify(fields))
}
/** Content text over 8 KB cut with a marker. */
export const cutContent = (s: string) => (s.length > 8192 ? `${s.slice(0, 8192)}…(truncated, ${s.length} chars)` : s)
