// pnpm db:migration <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes
// the existing migrations to schema.prisma (like `prisma migrate dev --create-only`). Partitioned tables are
// not covered (Prisma cannot express partitioning): write their SQL by hand, see partitions.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmbeddedPostgres } from '../src/embedded'
import { MIGRATIONS_DIR } from '../src/migrate'
import { diffMigrationsToSchema } from '../src/schema-engine'

const name = process.argv[2]
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: pnpm db:migration <name>   (lower-case letters, digits and _)')
  process.exit(2)
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-migration-'))
fs.chmodSync(tmp, 0o755)
const db = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(tmp)
try {
  const sql = await diffMigrationsToSchema(process.env.DATABASE_URL ?? db!.url)
  if (!sql.trim()) {
    console.log('schema.prisma and the migrations agree: nothing to write')
  } else {
    const ts = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
    const dir = path.join(MIGRATIONS_DIR, `${ts}_${name}`)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql)
    fs.writeFileSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n')
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`)
  }
} finally {
  await db?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
