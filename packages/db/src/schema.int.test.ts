import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from './client'
import { DUMP_TABLES } from './dump'
import { PARTITIONED_TABLES } from './partitions'
import { diffMigrationsToSchema, SCHEMA_PATH } from './schema-engine'
import { createTestDatabase } from './testing'

let db: Db
let url: string
beforeAll(async () => {
  url = await createTestDatabase()
  db = createDb(url, { max: 2 })
})
afterAll(() => db.close())

describe('migrations ↔ schema.prisma', () => {
  it('the migrations build exactly the tables, columns, indexes and enums schema.prisma declares', async () => {
    const sql = await diffMigrationsToSchema(await createTestDatabase({ empty: true }))
    expect(sql.trim(), `schema.prisma and prisma/migrations disagree; run pnpm db:migration <name>:\n${sql}`).toBe('')
    // the wasm schema engine replays every migration: 2 s alone, much longer beside the other integration files
  }, 120_000)

  it('each hand-written partitioned table has exactly the columns of its model and is partitioned', async () => {
    for (const table of [...PARTITIONED_TABLES, ...DUMP_TABLES]) {
      const expected = modelColumns(table)
      expect(expected.length, `a model mapped to ${table}`).toBeGreaterThan(0)
      const { rows } = await db.pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
        [table],
      )
      expect(rows.map((r) => r.column_name).sort()).toEqual(expected)
      const { rows: kind } = await db.pool.query<{ relkind: string }>(
        'SELECT relkind FROM pg_class WHERE relname = $1',
        [table],
      )
      expect(kind[0]?.relkind).toBe('p')
    }
  })
})

/** The database column names of the model mapped to `table`, read from schema.prisma. */
function modelColumns(table: string): string[] {
  const schema = fs.readFileSync(SCHEMA_PATH, 'utf8')
  const block = [...schema.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)]
    .map((m) => m[1]!)
    .find((b) => b.includes(`@@map("${table}")`))
  if (!block) return []
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z]\w*\s+\S/.test(l))
    .map((l) => /@map\("([^"]+)"\)/.exec(l)?.[1] ?? l.split(/\s+/)[0]!)
    .sort()
}
