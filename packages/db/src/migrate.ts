import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'

/** prisma/migrations at the repository root: one folder per migration, each with migration.sql. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations')

export interface Migration {
  name: string
  sql: string
  checksum: string
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

// The same bookkeeping table Prisma Migrate keeps, so `prisma migrate status` on a machine that has the
// native engine agrees with us.
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`
// any constant: several nodes starting at once apply migrations one at a time
const LOCK_KEY = 7_240_311

/**
 * Applies every migration not yet recorded, each in its own transaction, under an advisory lock.
 * Refuses to continue if an applied migration's file was edited afterwards.
 */
export async function migrate(pool: pg.Pool, opts: { dir?: string; log?: (msg: string) => void } = {}) {
  const migrations = readMigrations(opts.dir)
  const client = await pool.connect()
  const applied: string[] = []
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY])
    await client.query(BOOKKEEPING)
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]))
    for (const m of migrations) {
      const prev = done.get(m.name)
      if (prev !== undefined) {
        if (prev !== m.checksum) {
          throw new Error(
            `migration ${m.name} was changed after it was applied to this database; add a new migration instead of editing an applied one`,
          )
        }
        continue
      }
      opts.log?.(`applying migration ${m.name}`)
      await client.query('BEGIN')
      try {
        await client.query(m.sql)
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        )
        await client.query('COMMIT')
      } catch (e) {
        await client.query('ROLLBACK')
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`)
      }
      applied.push(m.name)
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {})
    client.release()
  }
  return { applied, total: migrations.length }
}
