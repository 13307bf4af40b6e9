import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client'
import { listPartitions } from './partitions'
import { createTestDatabase } from './testing'
import { BatchWriter, type Column } from './writers'

let db: Db
let url: string
beforeAll(async () => {
  url = await createTestDatabase()
  db = createDb(url, { max: 4 })
})
afterAll(() => db.close())

const DAY = 86_400_000

interface Rec {
  ts: Date
  deviceName: string | null
  messageId: string | null
  code: number
  content: string
}
const COLUMNS: Column<Rec>[] = [
  { name: 'ts', type: 'timestamptz[]', get: (r) => r.ts },
  { name: 'product_key', type: 'text[]', get: () => 'pkcopy' },
  { name: 'device_name', type: 'text[]', get: (r) => r.deviceName },
  { name: 'trace_id', type: 'text[]', get: () => 'trace-copy' },
  { name: 'message_id', type: 'text[]', get: (r) => r.messageId },
  { name: 'biz_type', type: 'text[]', get: () => 'uplink' },
  { name: 'operation', type: 'text[]', get: () => 'op' },
  { name: 'code', type: 'int[]', get: (r) => r.code },
  { name: 'content', type: 'text[]', get: (r) => r.content },
]
const rows = async (from: Date) =>
  (
    await db.pool.query(
      `SELECT ts, device_name, message_id, code, content, search::text AS search FROM run_log
        WHERE product_key = 'pkcopy' AND ts >= $1 ORDER BY ts, id`,
      [from],
    )
  ).rows

describe('batch writer through COPY', () => {
  it('stores every value exactly as the INSERT does: tabs, newlines, backslashes, quotes, nulls, unicode', async () => {
    const start = new Date(Date.now() - 1000)
    const nasty = ['a\tb', 'line1\nline2\r\n', 'C:\\dir\\n', '\\N', '{"Content":"{\\"t\\":1}"}', '温度 ✓ "q"', '']
    for (const method of ['copy', 'insert'] as const) {
      const w = new BatchWriter<Rec>(db.pool, 'run_log', COLUMNS, { method })
      expect(w.method).toBe(method)
      await Promise.all(
        nasty.map((content, i) =>
          w.pushAndWait({
            ts: new Date(start.getTime() + i),
            deviceName: i === 0 ? null : `dev${i}`,
            messageId: i === 1 ? null : `m${i}`,
            code: 200 + i,
            content: `${method}:${content}`,
          }),
        ),
      )
    }
    const got = await rows(start)
    const by = (m: string) =>
      got.filter((r) => r.content.startsWith(`${m}:`)).map((r) => ({ ...r, content: r.content.slice(m.length + 1) }))
    expect(by('copy').map((r) => r.content)).toEqual(nasty)
    expect(by('copy').map(({ content: _, search: __, ...r }) => r)).toEqual(
      by('insert').map(({ content: _, search: __, ...r }) => r),
    )
    expect(by('copy')[0]).toMatchObject({ device_name: null, message_id: 'm0', code: 200 })
    expect(by('copy')[1]).toMatchObject({ device_name: 'dev1', message_id: null })
    // the generated keyword column is computed for COPY rows too
    expect(by('copy')[5]!.search).toContain("'温度'")
  })

  it('creates a missing day partition, isolates a row PostgreSQL rejects, and writes the rest of its batch', async () => {
    const rejected: unknown[] = []
    const w = new BatchWriter<Rec>(db.pool, 'run_log', COLUMNS, {
      method: 'copy',
      onRejected: (_e, r) => rejected.push(...r),
    })
    const old = new Date(Math.floor((Date.now() - 30 * DAY) / DAY) * DAY + 3_600_000)
    const bad: Rec = { ts: old, deviceName: 'bad', messageId: null, code: 200, content: 'nul \u0000 byte' }
    await Promise.all([
      w.pushAndWait({ ts: old, deviceName: 'old1', messageId: null, code: 200, content: 'kept 1' }),
      w.pushAndWait(bad),
      w.pushAndWait({
        ts: new Date(old.getTime() + 1),
        deviceName: 'old2',
        messageId: null,
        code: 200,
        content: 'kept 2',
      }),
    ])
    expect((await listPartitions(db.pool, 'run_log')).map((p) => p.day)).toContain(
      Math.floor(old.getTime() / DAY) * DAY,
    )
    expect((await rows(old)).filter((r) => r.ts < new Date(old.getTime() + DAY)).map((r) => r.content)).toEqual([
      'kept 1',
      'kept 2',
    ])
    expect(rejected).toEqual([bad])
    expect(w.written).toBe(2)
  })

  it('keeps a batch when the database fails for a passing reason and writes it on retry; flush waits for it', async () => {
    // a pool whose statements give up on a lock after 200 ms: a locked table is a passing failure
    const pool = new pg.Pool({ connectionString: url, options: '-c lock_timeout=200', max: 2 })
    const errors: number[] = []
    const w = new BatchWriter<Rec>(pool, 'run_log', COLUMNS, { method: 'copy', onError: (_e, n) => errors.push(n) })
    const start = new Date()
    const locker = await db.pool.connect()
    try {
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE run_log IN ACCESS EXCLUSIVE MODE')
      for (let i = 0; i < 5; i++)
        w.push({ ts: start, deviceName: `r${i}`, messageId: null, code: 200, content: `retry ${i}` })
      await new Promise((r) => setTimeout(r, 700))
      expect(errors).toEqual([5])
      expect(w.pending).toBe(5)
    } finally {
      await locker.query('ROLLBACK')
      locker.release()
    }
    await w.flush()
    expect((await rows(start)).filter((r) => r.content.startsWith('retry')).map((r) => r.content)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `retry ${i}`),
    )
    expect(w.pending).toBe(0)
    expect(w.written).toBe(5)
    await pool.end()
  })
})
