import type pg from 'pg'

/** The long-term log stores: LIST-partitioned by product, each product's partition RANGE-partitioned by month. */
export const DUMP_TABLES = ['run_log_dump', 'device_log_dump'] as const
export type DumpTable = (typeof DUMP_TABLES)[number]

const monthStart = (t: number) => {
  const d = new Date(t)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}
const nextMonth = (t: number) => {
  const d = new Date(t)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}
const productPartition = (table: DumpTable, productKey: string) => `${table}_${productKey}`
const monthPartition = (table: DumpTable, productKey: string, t: number) =>
  `${productPartition(table, productKey)}_${new Date(monthStart(t)).toISOString().slice(0, 7).replace('-', '')}`
/** ProductKeys are letters and digits; anything else never reaches a table name. */
const checkKey = (productKey: string) => {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(productKey)) throw new Error(`not a ProductKey: ${productKey}`)
  return productKey
}
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`

async function createIgnoringRace(pool: pg.Pool, sql: string) {
  try {
    await pool.query(sql)
  } catch (e) {
    // two nodes racing: the other one created it first
    if (!/already exists/.test((e as Error).message)) throw e
  }
}

/** Creates the product's partition and the month partition holding instant `t`, if missing. */
export async function ensureDumpPartition(pool: pg.Pool, table: DumpTable, productKey: string, t: number) {
  const pk = checkKey(productKey)
  const parent = productPartition(table, pk)
  await createIgnoringRace(
    pool,
    `CREATE TABLE IF NOT EXISTS "${parent}" PARTITION OF "${table}" FOR VALUES IN (${literal(pk)}) PARTITION BY RANGE ("ts")`,
  )
  const from = new Date(monthStart(t)).toISOString()
  const to = new Date(nextMonth(t)).toISOString()
  await createIgnoringRace(
    pool,
    `CREATE TABLE IF NOT EXISTS "${monthPartition(table, pk, t)}" PARTITION OF "${parent}" FOR VALUES FROM ('${from}') TO ('${to}')`,
  )
}

/** The month partitions of a product's store, with the instant each one ends. */
export async function listDumpPartitions(pool: pg.Pool, table: DumpTable, productKey: string) {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1`,
    [productPartition(table, checkKey(productKey))],
  )
  return rows.flatMap((r) => {
    const m = /_(\d{4})(\d{2})$/.exec(r.name)
    return m ? [{ name: r.name, end: Date.UTC(Number(m[1]), Number(m[2]), 1) }] : []
  })
}

/**
 * Drops the product's month partitions that lie wholly before the retention (`days`; null keeps everything).
 * Rows of a month only partly past it stay until the month goes, and searches do not show them.
 */
export async function dropExpiredDumpPartitions(
  pool: pg.Pool,
  table: DumpTable,
  productKey: string,
  days: number | null,
  now = Date.now(),
): Promise<string[]> {
  if (days === null) return []
  const cutoff = now - days * 86_400_000
  const dropped: string[] = []
  for (const p of await listDumpPartitions(pool, table, productKey)) {
    if (p.end <= cutoff) {
      await pool.query(`DROP TABLE IF EXISTS "${p.name}"`)
      dropped.push(p.name)
    }
  }
  return dropped
}
