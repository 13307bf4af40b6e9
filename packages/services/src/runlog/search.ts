import type { Db } from '@iotops/db'
import type { DeviceHub } from '../hub/hub'
import { resumeFrom, tailRows, tailWindowEnd, wakeOnWrite } from '../live/tail'
import { storeWindow, type WithStore } from '../logs/dump'
import { logPage, Where } from '../logs/query'
import type { TRunLogSearchInput, TRunLogTailInput } from '../logs/schema'

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
export async function searchRunLog(db: Db, input: WithStore<TRunLogSearchInput>) {
  const { from, to, cursor, limit, store, ...f } = input
  const { table, since } = await storeWindow(db, 'run', store ?? 'recent', f.productKey)
  const where = new Where()
  if (since) where.add('ts >= ?', since)
  if (f.productKey) where.add('product_key = ?', f.productKey)
  if (f.deviceName) where.add('device_name = ?', f.deviceName)
  if (f.traceId) where.add('trace_id = ?', f.traceId)
  if (f.messageId) where.add('message_id = ?', f.messageId)
  if (f.bizType) where.add('biz_type = ?', f.bizType)
  if (f.status === 'success') where.raw('code = 200')
  if (f.status === 'failure') where.raw('code <> 200')
  if (f.keyword) where.add("search @@ plainto_tsquery('simple', ?)", f.keyword)
  return logPage<RunLogRow>(db, {
    table,
    columns: 'product_key, device_name, trace_id, message_id, biz_type, operation, code, content',
    where,
    window: { from, to, cursor, limit },
    map: (r) => ({
      ts: r.ts as Date,
      id: r.id as number,
      productKey: r.product_key as string | null,
      deviceName: r.device_name as string | null,
      traceId: r.trace_id as string,
      messageId: r.message_id as string | null,
      bizType: r.biz_type as string,
      operation: r.operation as string,
      code: r.code as number,
      content: r.content as string,
    }),
  })
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
