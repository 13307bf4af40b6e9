import type { Db } from '@iotops/db'
import type { TLogWindow } from './window'

/** WHERE clauses with numbered parameters: `add('device_name = ?', v)`, one value per `?`. */
export class Where {
  readonly clauses: string[] = []
  readonly args: unknown[] = []
  add(sql: string, ...values: unknown[]): this {
    let i = 0
    this.clauses.push(sql.replace(/\?/g, () => `$${this.args.push(values[i++])}`))
    return this
  }
  raw(sql: string): this {
    this.clauses.push(sql)
    return this
  }
}

/**
 * One page of a partitioned log table, newest first, keyset-paginated on (ts, id): the window defaults to the
 * 24 hours before `to` (now), so a query always prunes to a few partitions.
 */
export async function logPage<R extends { ts: Date; id: number }>(
  db: Db,
  q: { table: string; columns: string; where: Where; window: TLogWindow; map: (row: Record<string, unknown>) => R },
) {
  const { where, window } = q
  const to = window.to ?? new Date()
  where.add('ts >= ?', window.from ?? new Date(to.getTime() - 86_400_000)).add('ts <= ?', to)
  if (window.cursor) {
    const [ms, id] = window.cursor.split(':').map(Number)
    where.add('(ts, id) < (?, ?)', new Date(ms!), id)
  }
  const { rows } = await db.pool.query(
    `SELECT ts, id::float8 AS id, ${q.columns} FROM ${q.table} WHERE ${where.clauses.join(' AND ')}
     ORDER BY ts DESC, id DESC LIMIT $${where.args.push(window.limit + 1)}`,
    where.args,
  )
  const items = rows.slice(0, window.limit).map(q.map)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > window.limit && last ? `${last.ts.getTime()}:${last.id}` : null }
}
