import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { ensurePartition, type PartitionedTable } from './partitions'

export interface Column<R> {
  name: string
  /** PostgreSQL array type used with unnest(), e.g. 'text[]', 'int[]', 'timestamptz[]', 'jsonb[]' */
  type: string
  get: (row: R) => unknown
}

export interface BatchWriterOptions {
  /** rows per INSERT */
  maxRows?: number
  /** how long a lone row waits for company */
  intervalMs?: number
  /** INSERTs in flight at once */
  concurrency?: number
  onError?: (err: Error, rows: number) => void
  /** rows PostgreSQL rejects for their content (SQLSTATE classes 22, 23): they can never be written */
  onRejected?: (err: Error, rows: unknown[]) => void
  /** after each successful INSERT (e.g. to wake live tails), with the rows it stored */
  onWritten?: (count: number, rows: unknown[]) => void
  /**
   * How a batch is sent: 'insert' (`INSERT … SELECT * FROM unnest(…)`, the default) or 'copy' (`COPY … FROM STDIN`,
   * text format; cheaper per row for wide batches). 'copy' needs every column to be a scalar (`<type>[]` in `type`);
   * otherwise the writer uses 'insert'. Retry, partition creation and rejected-row isolation are the same for both.
   */
  method?: 'insert' | 'copy'
}

interface Entry<R> {
  row: R
  done?: () => void
}

/**
 * One value in COPY's text format: `\N` for null; backslash, newline, carriage return and tab escaped; dates as ISO
 * 8601 (UTC); buffers as bytea hex; objects (json/jsonb) as JSON.
 */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  let s: string
  // an invalid date goes as text PostgreSQL rejects (22007), so the row is isolated like the INSERT's would be
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'invalid date' : v.toISOString()
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`
  if (typeof v === 'string') s = v
  else if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  else if (typeof v === 'boolean') return v ? 't' : 'f'
  else s = JSON.stringify(v)
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : s
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

const isDataError = (e: unknown) =>
  /^2[23]/.test((e as { code?: string }).code ?? '') && (e as { code?: string }).code !== '23514'

/**
 * Buffers rows and inserts them in batches (`INSERT … SELECT * FROM unnest($1::t[], …)`, or `COPY … FROM STDIN`
 * with `method: 'copy'`), ~10× cheaper per row than Prisma createMany, with up to `concurrency` batches in flight. A batch that fails for a passing reason
 * stays buffered and is retried; a row for a day without a partition creates the partition first; a row
 * PostgreSQL rejects for its content is isolated (the batch is split) and reported, so it cannot block the rest.
 * `pushAndWait` resolves once the row is stored; `flush()` on shutdown writes everything accepted.
 */
export class BatchWriter<R extends { ts: Date }> {
  private buf: Entry<R>[] = []
  private timer: NodeJS.Timeout | null = null
  private readonly running = new Set<Promise<void>>()
  private readonly sql: string
  private readonly copySql: string | null
  private readonly maxRows: number
  private readonly intervalMs: number
  private readonly concurrency: number
  written = 0

  /**
   * `table` is a day-partitioned table, or any partitioned table with `makePartitions` creating what the rows of a
   * batch need when PostgreSQL finds no partition for them.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly table: PartitionedTable | string,
    private readonly columns: Column<R>[],
    private readonly opts: BatchWriterOptions & { makePartitions?: (rows: R[]) => Promise<void> } = {},
  ) {
    this.maxRows = opts.maxRows ?? 1000
    this.intervalMs = opts.intervalMs ?? 10
    this.concurrency = opts.concurrency ?? 3
    const cols = columns.map((c) => `"${c.name}"`).join(', ')
    const args = columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')
    this.sql = `INSERT INTO "${table}" (${cols}) SELECT * FROM unnest(${args})`
    // COPY's text format has no simple encoding for array columns (`text[][]` in unnest terms): INSERT for those
    const scalar = columns.every((c) => /^[a-z_][a-z0-9_ ]*(\(\d+(,\d+)?\))?\[\]$/i.test(c.type.trim()))
    this.copySql = opts.method === 'copy' && scalar ? `COPY "${table}" (${cols}) FROM STDIN` : null
  }

  /** 'copy' when batches go through COPY, else 'insert'. */
  get method(): 'insert' | 'copy' {
    return this.copySql ? 'copy' : 'insert'
  }

  get pending(): number {
    return this.buf.length
  }

  push(row: R): void {
    this.enqueue({ row })
  }

  /** Like push(), and resolves once the row is in the database (for acknowledging only what is durable). */
  pushAndWait(row: R): Promise<void> {
    return new Promise((resolve) => this.enqueue({ row, done: resolve }))
  }

  private enqueue(e: Entry<R>) {
    this.buf.push(e)
    if (this.buf.length >= this.maxRows) this.pump()
    else this.timer ??= setTimeout(() => this.pump(), this.intervalMs)
  }

  /** Starts INSERTs for what is buffered, up to the concurrency limit. */
  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (this.buf.length > 0 && this.running.size < this.concurrency) {
      const batch = this.buf.splice(0, this.maxRows)
      const p = this.writeBatch(batch)
        .catch((e: Error) => {
          // keep the rows: back in front, retried shortly
          this.buf = batch.concat(this.buf)
          this.opts.onError?.(e, batch.length)
          this.timer ??= setTimeout(() => this.pump(), 1000)
        })
        .finally(() => {
          this.running.delete(p)
          if (this.buf.length > 0 && !this.timer) this.pump()
        })
      this.running.add(p)
    }
  }

  /** Writes everything buffered so far; resolves when it is in the database (or reported as rejected). */
  async flush(): Promise<void> {
    for (let tries = 0; this.buf.length > 0 || this.running.size > 0; tries++) {
      this.pump()
      await Promise.all([...this.running])
      if (this.buf.length > 0 && tries > 0) await new Promise((r) => setTimeout(r, 200))
    }
  }

  private async writeBatch(batch: Entry<R>[]): Promise<void> {
    try {
      await this.insert(batch.map((e) => e.row))
    } catch (e) {
      if (!isDataError(e)) throw e
      if (batch.length === 1) {
        this.opts.onRejected?.(e as Error, [batch[0]!.row])
        batch[0]!.done?.()
        return
      }
      const half = Math.ceil(batch.length / 2)
      await this.writeBatch(batch.slice(0, half))
      await this.writeBatch(batch.slice(half))
      return
    }
    this.written += batch.length
    for (const e of batch) e.done?.()
    this.opts.onWritten?.(
      batch.length,
      batch.map((e) => e.row),
    )
  }

  private async insert(rows: R[]): Promise<void> {
    const send = this.copySql ? () => this.copy(this.copySql!, rows) : this.unnest(rows)
    try {
      await send()
    } catch (e) {
      if ((e as { code?: string }).code !== '23514') throw e // no partition of relation found for row
      if (this.opts.makePartitions) await this.opts.makePartitions(rows)
      else {
        const days = new Set(rows.map((r) => Math.floor(r.ts.getTime() / 86_400_000)))
        for (const d of days) await ensurePartition(this.pool, this.table as PartitionedTable, d * 86_400_000)
      }
      await send()
    }
  }

  private unnest(rows: R[]): () => Promise<unknown> {
    const params = this.columns.map((c) => rows.map((r) => c.get(r)))
    return () => this.pool.query(this.sql, params)
  }

  /** One COPY … FROM STDIN of the rows (all or nothing, like the INSERT). */
  private async copy(sql: string, rows: R[]): Promise<void> {
    const lines: string[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!
      let line = ''
      for (let c = 0; c < this.columns.length; c++) line += (c ? '\t' : '') + copyText(this.columns[c]!.get(r))
      lines[i] = line
    }
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      await pipeline(Readable.from([`${lines.join('\n')}\n`]), client.query(copyFrom(sql)))
    } catch (e) {
      // a connection whose COPY failed half-way is not reused
      broken = e as Error
      throw e
    } finally {
      client.release(broken)
    }
  }
}
