import type pg from 'pg'

/**
 * High-volume tables, RANGE-partitioned by day on `ts` (UTC). Retention drops whole partitions, which is
 * instant and leaves no bloat. Keep in step with EXTERNAL_TABLES in prisma.config.ts.
 */
export const PARTITIONED_TABLES = [
  'run_log',
  'device_log',
  'property_history',
  'event_history',
  'metric_point',
  'property_metric',
] as const
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number]

/** Default retention in days. Run logs follow the reference (7 days); metrics keep two weeks for week-over-week. */
export const DEFAULT_RETENTION_DAYS: Record<PartitionedTable, number> = {
  run_log: 7,
  device_log: 7,
  property_history: 30,
  event_history: 30,
  metric_point: 31,
  property_metric: 31,
}

const DAY = 86_400_000
const dayStart = (t: number) => Math.floor(t / DAY) * DAY
const suffix = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '')
const partitionName = (table: string, t: number) => `${table}_p${suffix(t)}`

/** Creates the partition holding instant `t` if it does not exist. Safe to call concurrently from several nodes. */
export async function ensurePartition(pool: pg.Pool, table: PartitionedTable, t: number): Promise<void> {
  const from = dayStart(t)
  const name = partitionName(table, from)
  try {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${table}" FOR VALUES FROM ('${new Date(from).toISOString()}') TO ('${new Date(from + DAY).toISOString()}')`,
    )
  } catch (e) {
    // two nodes racing: the other one created it first
    if (!/already exists/.test((e as Error).message)) throw e
  }
}

/** Partitions for yesterday (late data), today and the next `ahead` days, for every partitioned table. */
export async function ensurePartitions(pool: pg.Pool, now = Date.now(), ahead = 2): Promise<void> {
  for (const table of PARTITIONED_TABLES) {
    for (let d = -1; d <= ahead; d++) await ensurePartition(pool, table, now + d * DAY)
  }
}

export async function listPartitions(pool: pg.Pool, table: PartitionedTable): Promise<{ name: string; day: number }[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1`,
    [table],
  )
  return rows.flatMap((r) => {
    const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(r.name)
    return m ? [{ name: r.name, day: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) }] : []
  })
}

/** Drops partitions whose whole day is older than the retention. Returns the dropped partition names. */
export async function dropExpiredPartitions(
  pool: pg.Pool,
  retention: Partial<Record<PartitionedTable, number>> = {},
  now = Date.now(),
): Promise<string[]> {
  const dropped: string[] = []
  for (const table of PARTITIONED_TABLES) {
    const days = retention[table] ?? DEFAULT_RETENTION_DAYS[table]
    const cutoff = dayStart(now) - days * DAY
    for (const p of await listPartitions(pool, table)) {
      if (p.day + DAY <= cutoff) {
        await pool.query(`DROP TABLE IF EXISTS "${p.name}"`)
        dropped.push(p.name)
      }
    }
  }
  return dropped
}
