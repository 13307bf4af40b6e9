import { newMessageId, topics } from '@iotops/alink'
import { BatchWriter, type BatchWriterOptions, type Column, type Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import type { TDeviceRef } from '../devices/schema'
import { requireDevice } from '../devices/service'
import type { DeviceHub } from '../hub/hub'
import { newTraceId } from '../ids'
import { resumeFrom, tailRows, tailWindowEnd, wakeOnWrite } from '../live/tail'
import { storeWindow, type WithStore } from '../logs/dump'
import { logPage, Where } from '../logs/query'
import { BizType, logContent } from '../runlog/writer'
import { DEVICE_LOG_LEVELS, type TDeviceLogSearchInput, type TDeviceLogTailInput } from './schema'

export interface DeviceLogRecord {
  /** when the platform received it (report time) */
  ts: Date
  productKey: string
  deviceName: string
  /** when the device collected it */
  utcTime: Date | null
  level: string
  module: string
  code: string | null
  traceId: string | null
  content: string
}

/** The columns of a device-log row, for the 7-day store and the long-term one. */
export const DEVICE_LOG_COLUMNS: Column<DeviceLogRecord>[] = [
  { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
  { name: 'product_key', type: 'text[]', get: (r) => r.productKey },
  { name: 'device_name', type: 'text[]', get: (r) => r.deviceName },
  { name: 'utc_time', type: 'timestamptz[]', get: (r) => r.utcTime },
  { name: 'level', type: 'text[]', get: (r) => r.level },
  { name: 'module', type: 'text[]', get: (r) => r.module },
  { name: 'code', type: 'text[]', get: (r) => r.code },
  { name: 'trace_id', type: 'text[]', get: (r) => r.traceId },
  { name: 'content', type: 'text[]', get: (r) => r.content },
]

export function createDeviceLogWriter(db: Db, opts: BatchWriterOptions = {}) {
  return new BatchWriter<DeviceLogRecord>(db.pool, 'device_log', DEVICE_LOG_COLUMNS, opts)
}

export const DEVICE_LOG_MAX_ENTRIES = 100
export const DEVICE_LOG_MAX_CONTENT = 4096

/**
 * Parses the params of `/sys/{pk}/{dn}/thing/log/post`: a list of
 * `{utcTime, logLevel, module, code, traceContext, logContent}` as the Link SDKs send them.
 */
export function parseDeviceLogs(
  params: unknown,
  at: Date,
  device: { productKey: string; deviceName: string },
): { ok: true; records: DeviceLogRecord[] } | { ok: false; message: string } {
  if (!Array.isArray(params) || params.length === 0)
    return { ok: false, message: 'params must be a non-empty list of log entries' }
  if (params.length > DEVICE_LOG_MAX_ENTRIES)
    return { ok: false, message: `at most ${DEVICE_LOG_MAX_ENTRIES} log entries per message` }
  const records: DeviceLogRecord[] = []
  for (const [i, e] of params.entries()) {
    if (!e || typeof e !== 'object') return { ok: false, message: `entry ${i} is not an object` }
    const x = e as Record<string, unknown>
    if (typeof x.logContent !== 'string') return { ok: false, message: `entry ${i}: logContent must be a string` }
    const level = String(x.logLevel ?? '').toUpperCase()
    const utc = typeof x.utcTime === 'string' || typeof x.utcTime === 'number' ? new Date(x.utcTime) : null
    records.push({
      ts: at,
      ...device,
      utcTime: utc && !Number.isNaN(utc.getTime()) ? utc : null,
      level: (DEVICE_LOG_LEVELS as readonly string[]).includes(level) ? level : 'OTHER',
      module: String(x.module ?? '').slice(0, 64),
      code: x.code === undefined || x.code === null ? null : String(x.code).slice(0, 32),
      traceId: x.traceContext === undefined || x.traceContext === null ? null : String(x.traceContext).slice(0, 64),
      content: x.logContent.slice(0, DEVICE_LOG_MAX_CONTENT),
    })
  }
  return { ok: true, records }
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

export interface DeviceLogRow {
  ts: Date
  id: number
  productKey: string
  deviceName: string
  utcTime: Date | null
  level: string
  module: string
  code: string | null
  traceId: string | null
  content: string
}

/** Newest first, keyset-paginated; module and content keywords match substrings (case-insensitive). */
export async function searchDeviceLogs(db: Db, input: WithStore<TDeviceLogSearchInput>) {
  const { from, to, cursor, limit, store, ...f } = input
  const { table, since } = await storeWindow(db, 'device', store ?? 'recent', f.productKey)
  const where = new Where()
  if (since) where.add('ts >= ?', since)
  if (f.productKey) where.add('product_key = ?', f.productKey)
  if (f.deviceName) where.add('device_name = ?', f.deviceName)
  if (f.traceId) where.add('trace_id = ?', f.traceId)
  if (f.level) where.add('level = ?', f.level)
  if (f.module) where.add('module ILIKE ?', `%${likeEscape(f.module)}%`)
  if (f.keyword) where.add('content ILIKE ?', `%${likeEscape(f.keyword)}%`)
  return logPage<DeviceLogRow>(db, {
    table,
    columns: 'product_key, device_name, utc_time, level, module, code, trace_id, content',
    where,
    window: { from, to, cursor, limit },
    map: (r) => ({
      ts: r.ts as Date,
      id: r.id as number,
      productKey: r.product_key as string,
      deviceName: r.device_name as string,
      utcTime: r.utc_time as Date | null,
      level: r.level as string,
      module: r.module as string,
      code: r.code as string | null,
      traceId: r.trace_id as string | null,
      content: r.content as string,
    }),
  })
}

/** New device local log entries matching the filter as they are stored, oldest first. */
export function tailDeviceLogs(db: Db, hub: DeviceHub, input: TDeviceLogTailInput, signal?: AbortSignal) {
  const { since, lastEventId, ...filter } = input
  return tailRows<DeviceLogRow>({
    since: resumeFrom(lastEventId) ?? since ?? new Date(),
    fetch: async (from) => (await searchDeviceLogs(db, { ...filter, from, to: tailWindowEnd(), limit: 500 })).items,
    wake: wakeOnWrite(hub, 'device_log'),
    signal,
  })
}

/**
 * The device-log upload switch: stored on the device (devices read it on /thing/config/log/get, e.g. after
 * connecting) and pushed on /thing/config/log/push as `{mode: 1 | 0}` so an online device follows at once.
 */
export async function setLogUpload(db: Db, hub: DeviceHub, actor: Actor, ref: TDeviceRef, enabled: boolean) {
  const d = await requireDevice(db, ref)
  await db.prisma.$transaction(async (tx) => {
    await tx.device.update({ where: { id: d.id }, data: { logUpload: enabled } })
    await audit(tx, actor, enabled ? 'EnableDeviceLogUpload' : 'DisableDeviceLogUpload', {
      type: 'device',
      id: d.iotId,
    })
  })
  const id = newMessageId()
  const topic = topics.logConfigPush(d.productKey, d.deviceName)
  const body = JSON.stringify({
    id,
    version: '1.0',
    params: { mode: enabled ? 1 : 0 },
    method: 'thing.config.log.push',
  })
  await hub.publish(topic, body, 0)
  await hub.record({
    productKey: d.productKey,
    deviceName: d.deviceName,
    traceId: newTraceId(),
    messageId: id,
    bizType: BizType.DeviceLog,
    operation: topic,
    code: 200,
    content: logContent({ Content: body, caller: actor.name }),
  })
  return { logUpload: enabled, messageId: id }
}
