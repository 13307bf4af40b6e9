// Integration tier: one real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server), with a
// migrated template database that each test file clones (packages/db/src/testing.ts).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createDb, ensurePartitions, migrate, startEmbeddedPostgres } from './index'

export default async function setup() {
  let stop: (() => Promise<void>) | undefined
  let adminUrl = process.env.TEST_DATABASE_URL
  let dir: string | undefined
  if (!adminUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-test-'))
    fs.chmodSync(dir, 0o755)
    const db = await startEmbeddedPostgres(dir)
    adminUrl = db.url
    stop = db.stop
  }
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  await c.query('DROP DATABASE IF EXISTS iotops_template')
  await c.query('CREATE DATABASE iotops_template')
  await c.end()
  const u = new URL(adminUrl)
  u.pathname = '/iotops_template'
  const db = createDb(u.toString(), { max: 2 })
  await migrate(db.pool)
  await ensurePartitions(db.pool)
  await db.close()
  process.env.IOTOPS_TEST_PG_ADMIN_URL = adminUrl
  return async () => {
    await stop?.()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
}
