import { randomBytes } from 'node:crypto'
import pg from 'pg'

/**
 * A fresh, migrated database for one test file, cloned from the template the integration global setup
 * prepared (CREATE DATABASE … TEMPLATE is ~100 ms). Each test file gets its own data. `empty` skips the
 * template (the schema engine replays migrations into the database it is given, as its shadow database).
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<string> {
  const admin = process.env.IOTOPS_TEST_PG_ADMIN_URL
  if (!admin) throw new Error('integration tests need IOTOPS_TEST_PG_ADMIN_URL (set by test/global-setup.ts)')
  const name = `t_${randomBytes(6).toString('hex')}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  try {
    await c.query(`CREATE DATABASE "${name}"${opts.empty ? '' : ' TEMPLATE iotops_template'}`)
  } finally {
    await c.end()
  }
  const u = new URL(admin)
  u.pathname = `/${name}`
  return u.toString()
}
