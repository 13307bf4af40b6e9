import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client'
import { dropExpiredPartitions, ensurePartition, listPartitions } from './partitions'
import { createTestDatabase } from './testing'
import { BatchWriter } from './writers'

let db: Db
beforeAll(async () => {
  db = createDb(await createTestDatabase(), { max: 4 })
})
afterAll(() => db.close())

const DAY = 86_400_000

describe('time partitions', () => {
  it('a row for a day without a partition creates it; nothing is dropped', async () => {
    const w = new BatchWriter<{ ts: Date; v: string }>(db.pool, 'device_log', [
      { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
      { name: 'product_key', type: 'text[]', get: () => 'pk' },
      { name: 'device_name', type: 'text[]', get: () => 'dn' },
      { name: 'level', type: 'text[]', get: () => 'INFO' },
      { name: 'module', type: 'text[]', get: () => 'm' },
      { name: 'content', type: 'text[]', get: (r) => r.v },
    ])
    const old = new Date(Date.now() - 20 * DAY)
    await Promise.all([w.pushAndWait({ ts: old, v: 'late' }), w.pushAndWait({ ts: new Date(), v: 'now' })])
    const { rows } = await db.pool.query('SELECT content FROM device_log ORDER BY ts')
    expect(rows.map((r) => r.content)).toEqual(['late', 'now'])
    const days = (await listPartitions(db.pool, 'device_log')).map((p) => p.day)
    expect(days).toContain(Math.floor(old.getTime() / DAY) * DAY)
  })

  it('retention drops whole partitions older than the retention and keeps the rest', async () => {
    const now = Date.now()
    const insert = (ts: Date, content: string) =>
      db.pool.query(
        `INSERT INTO run_log (ts, trace_id, biz_type, operation, code, content) VALUES ($1, 't', 'x', 'y', 200, $2)`,
        [ts, content],
      )
    await ensurePartition(db.pool, 'run_log', now - 10 * DAY)
    await insert(new Date(now - 10 * DAY), 'old')
    await insert(new Date(now), 'new')
    const dropped = await dropExpiredPartitions(db.pool, { run_log: 7 }, now)
    expect(dropped.some((n) => n.startsWith('run_log_p'))).toBe(true)
    const { rows } = await db.pool.query('SELECT content FROM run_log')
    expect(rows.map((r) => r.content)).toEqual(['new'])
  })
})
