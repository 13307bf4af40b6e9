import type pg from 'pg'
import { ensurePartition, type PartitionedTable } from './partitions'

export interface Column<R> {
  name: string
  /** PostgreSQL array type used with unnest(), e.g. 'text[]', 'int[]', 'timestamptz[]', 'jsonb[]' */
  type: string
  get: (row: R) => unknown
}

export interface BatchWriterOptions {
  maxRows?: number
  intervalMs?: number
  onError?: (err: Error, rows: number) => void
}

/**
 * Buffers rows and inserts them in one statement per batch (`INSERT … SELECT * FROM unnest($1::t[], …)`):
 * ~10× cheaper per row than Prisma createMany. A failed batch stays buffered and is retried; a row for a
 * day without a partition creates the partition first. `flush()` on shutdown writes everything accepted.
 */
export class BatchWriter<R extends { ts: Date }> {
  private buf: R[] = []
  private waiters: (() => void)[] = []
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> | null = null
  private readonly sql: string
  private readonly maxRows: number
  private readonly intervalMs: number
  written = 0

  constructor(
    private readonly pool: pg.Pool,
    private readonly table: PartitionedTable,
    private readonly columns: Column<R>[],
    private readonly opts: BatchWriterOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? 2000
    this.intervalMs = opts.intervalMs ?? 10
    const cols = columns.map((c) => `"${c.name}"`).join(', ')
    const args = columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')
    this.sql = `INSERT INTO "${table}" (${cols}) SELECT * FROM unnest(${args})`
  }

  get pending(): number {
    return this.buf.length
  }

  push(row: R): void {
    this.buf.push(row)
    if (this.buf.length >= this.maxRows) this.kick()
    else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.intervalMs)
  }

  /** Like push(), and resolves once the row is in the database (for acknowledging only what is durable). */
  pushAndWait(row: R): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      this.push(row)
    })
  }

  /** a background flush; its failure is reported through onError and retried, never thrown */
  private kick(): void {
    this.flush().catch(() => {})
  }

  /** Writes everything buffered so far; resolves when it is in the database. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (this.flushing) await this.flushing
    if (this.buf.length === 0) return
    const rows = this.buf
    const waiters = this.waiters
    this.buf = []
    this.waiters = []
    this.flushing = this.write(rows)
      .then(() => {
        for (const w of waiters) w()
      })
      .catch((e: Error) => {
        // keep the rows: put them back in front and try again shortly
        this.buf = rows.concat(this.buf)
        this.waiters = waiters.concat(this.waiters)
        this.opts.onError?.(e, rows.length)
        if (!this.timer) this.timer = setTimeout(() => this.kick(), 1000)
        throw e
      })
      .finally(() => {
        this.flushing = null
      })
    await this.flushing
    if (this.buf.length > 0 && !this.timer) this.timer = setTimeout(() => this.kick(), this.intervalMs)
  }

  private async write(rows: R[]): Promise<void> {
    const params = this.columns.map((c) => rows.map((r) => c.get(r)))
    try {
      await this.pool.query(this.sql, params)
    } catch (e) {
      if ((e as { code?: string }).code !== '23514') throw e // no partition of relation found for row
      const days = new Set(rows.map((r) => Math.floor(r.ts.getTime() / 86_400_000)))
      for (const d of days) await ensurePartition(this.pool, this.table, d * 86_400_000)
      await this.pool.query(this.sql, params)
    }
    this.written += rows.length
  }
}
