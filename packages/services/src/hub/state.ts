import { BatchWriter, type Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { DeviceSession } from './hub'

export interface PropertyValue {
  deviceId: string
  identifier: string
  value: unknown
  num: number | null
  ts: Date
}

export interface EventRecord {
  ts: Date
  deviceId: string
  identifier: string
  type: string
  params: unknown
}

/**
 * Device state written by the pipeline: status changes (immediately), property history and events (batched
 * inserts) and the latest value of each property (coalesced in memory, newest wins, upserted in one statement).
 */
export function createStateStore(db: Db, log: Logger) {
  const onError = (what: string) => (e: Error) => log.error({ err: e }, `${what} write failed; retrying`)
  const onRejected = (what: string) => (e: Error, rows: unknown[]) =>
    log.error(
      { err: e, rows: rows.length },
      `${what}: PostgreSQL rejected rows for their content; they were not stored`,
    )
  const history = new BatchWriter<PropertyValue>(
    db.pool,
    'property_history',
    [
      { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
      { name: 'device_id', type: 'uuid[]', get: (r) => r.deviceId },
      { name: 'identifier', type: 'text[]', get: (r) => r.identifier },
      { name: 'value', type: 'jsonb[]', get: (r) => JSON.stringify(r.value) },
      { name: 'num', type: 'float8[]', get: (r) => r.num },
    ],
    { onError: onError('property history'), onRejected: onRejected('property history') },
  )
  const events = new BatchWriter<EventRecord>(
    db.pool,
    'event_history',
    [
      { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
      { name: 'device_id', type: 'uuid[]', get: (r) => r.deviceId },
      { name: 'identifier', type: 'text[]', get: (r) => r.identifier },
      { name: 'type', type: 'text[]', get: (r) => r.type },
      { name: 'params', type: 'jsonb[]', get: (r) => JSON.stringify(r.params) },
    ],
    { onError: onError('event history'), onRejected: onRejected('event history') },
  )

  let latest = new Map<string, PropertyValue>()
  let latestWaiters: (() => void)[] = []
  let latestTimer: NodeJS.Timeout | null = null
  let latestFlushing: Promise<void> | null = null

  async function flushLatest(): Promise<void> {
    if (latestTimer) clearTimeout(latestTimer)
    latestTimer = null
    while (latestFlushing) await latestFlushing
    if (latest.size === 0) return
    const batch = latest
    const waiters = latestWaiters
    latest = new Map()
    latestWaiters = []
    const rows = [...batch.values()]
    latestFlushing = db.pool
      .query(
        `INSERT INTO device_property (device_id, identifier, value, time)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])
         ON CONFLICT (device_id, identifier) DO UPDATE SET value = EXCLUDED.value, time = EXCLUDED.time
         WHERE device_property.time <= EXCLUDED.time`,
        [
          rows.map((r) => r.deviceId),
          rows.map((r) => r.identifier),
          rows.map((r) => JSON.stringify(r.value)),
          rows.map((r) => r.ts),
        ],
      )
      .then(() => {
        for (const w of waiters) w()
      })
      .catch((e: Error) => {
        // a device deleted meanwhile makes the batch fail its foreign key: retry without its rows
        log.error({ err: e }, 'latest property write failed; retrying')
        for (const r of rows) {
          const k = `${r.deviceId}|${r.identifier}`
          const cur = latest.get(k)
          if (!cur || cur.ts <= r.ts) latest.set(k, r)
        }
        latestWaiters = waiters.concat(latestWaiters)
        if (!latestTimer) latestTimer = setTimeout(() => void flushLatest().catch(() => {}), 1000)
        if ((e as { code?: string }).code === '23503') void dropMissingDevices()
      })
      .finally(() => {
        latestFlushing = null
      })
    await latestFlushing
  }

  async function dropMissingDevices() {
    const ids = [...new Set([...latest.values()].map((r) => r.deviceId))]
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM device WHERE id = ANY($1::uuid[])', [ids])
    const exists = new Set(rows.map((r) => r.id))
    for (const [k, r] of latest) if (!exists.has(r.deviceId)) latest.delete(k)
  }

  return {
    history,
    events,
    /** Records accepted property values; resolves when they are stored. */
    properties(values: PropertyValue[]): Promise<void> {
      const done: Promise<void>[] = []
      for (const v of values) {
        const k = `${v.deviceId}|${v.identifier}`
        const cur = latest.get(k)
        if (!cur || cur.ts <= v.ts) latest.set(k, v)
        done.push(history.pushAndWait(v))
      }
      done.push(new Promise((resolve) => latestWaiters.push(resolve)))
      if (!latestTimer) latestTimer = setTimeout(() => void flushLatest().catch(() => {}), 10)
      return Promise.all(done).then(() => {})
    },
    event(e: EventRecord): Promise<void> {
      return events.pushAndWait(e)
    },
    async online(s: DeviceSession, at: Date) {
      await db.pool.query(
        `UPDATE device SET status = 'ONLINE', last_online_at = $2, activated_at = coalesce(activated_at, $2), ip = $3,
           client_id = $4, protocol = $5, updated_at = now() WHERE id = $1`,
        [s.deviceId, at, s.ip, s.connId, s.protocol],
      )
    },
    /** Offline only if this connection is still the device's current one (not replaced, here or on another node). */
    async offline(s: { deviceId: string; connId: string }, at: Date) {
      await db.pool.query(
        `UPDATE device SET status = 'OFFLINE', last_offline_at = $2, updated_at = now()
         WHERE id = $1 AND status = 'ONLINE' AND client_id = $3`,
        [s.deviceId, at, s.connId],
      )
    },
    async close() {
      await history.flush()
      await events.flush()
      await flushLatest()
    },
  }
}
export type StateStore = ReturnType<typeof createStateStore>
