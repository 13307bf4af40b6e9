import { Redis } from 'ioredis'
import pg from 'pg'
import { Agent, request } from 'undici'
import type { ForwardType, TPostgresConfig, TQueueConfig, TRepublishConfig, TWebhookConfig } from './schema'

/** Reference 7.1 codes of a forwarding failure. */
export const ForwardCode = {
  BAD_PARAMETER: 9321,
  THROTTLED: 9324,
  UNAVAILABLE: 9325,
  TARGET_ERROR: 9331,
  MISCONFIGURED: 9332,
  SCRIPT_ERROR: 9362,
  SQL_ERROR: 9307,
  PAYLOAD_INVALID: 9320,
} as const

/** Why a row did not reach its destination; `retriable` failures are tried again with backoff. */
export class ForwardFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly retriable: boolean,
  ) {
    super(message)
    this.name = 'ForwardFailure'
  }
}

export interface SendContext {
  traceId: string
  productKey: string
  deviceName: string
}

export interface SendRow {
  row: Record<string, unknown>
  text: string
  ctx: SendContext
}

/** One destination's client: takes rows, throws `ForwardFailure`. */
export interface Sender {
  send(row: Record<string, unknown>, text: string, ctx: SendContext): Promise<void>
  /** all rows or none (a refusal of one row's content makes the engine send them one by one) */
  sendBatch?(rows: SendRow[]): Promise<void>
  /** at most this many rows per `sendBatch`, and about this many bytes of row text (a larger row goes alone) */
  readonly batchRows: number
  readonly batchBytes: number
  /** sends in flight at once: rows queue behind them and leave in the next batch */
  readonly concurrency: number
  close(): Promise<void>
}

export interface SenderDeps {
  /** publishes a message to a device topic (the hub's publish) */
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>
}

/** `${field}` in a template takes the value of the row's field ('' when missing). */
export const fillTemplate = (t: string, row: Record<string, unknown>) =>
  t.replace(/\$\{([^}]+)\}/g, (_m, k: string) => {
    const v = row[k.trim()]
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
  })

export function createSender(type: ForwardType, config: unknown, deps: SenderDeps): Sender {
  switch (type) {
    case 'REPUBLISH':
      return republish(config as TRepublishConfig, deps)
    case 'WEBHOOK':
      return webhook(config as TWebhookConfig)
    case 'POSTGRES':
      return postgres(config as TPostgresConfig)
    case 'QUEUE':
      return queue(config as TQueueConfig)
  }
}

function republish(c: TRepublishConfig, deps: SenderDeps): Sender {
  const one = async (row: Record<string, unknown>, text: string) => {
    const topic = fillTemplate(c.topic, row)
    if (topic.split('/').some((s, i) => i > 0 && s === '') || /[+#]/.test(topic))
      throw new ForwardFailure(ForwardCode.BAD_PARAMETER, `the republish topic ${topic} is not a valid topic`, false)
    try {
      await deps.publish(topic, text, c.qos)
    } catch (e) {
      throw new ForwardFailure(ForwardCode.TARGET_ERROR, `publish to ${topic} failed: ${msg(e)}`, true)
    }
  }
  return {
    send: one,
    // a batch of publishes at once; a failure fails the batch (retried: at least once; a bad topic: row by row)
    async sendBatch(rows) {
      await Promise.all(rows.map((r) => one(r.row, r.text)))
    },
    batchRows: 500,
    batchBytes: 4 * 1024 * 1024,
    concurrency: 2,
    async close() {},
  }
}

/**
 * A webhook: one POST per row (the row's JSON, header `x-iotops-trace-id`), up to `concurrency` (16) requests in
 * flight over kept-alive connections. In batch mode a POST carries a JSON array of rows (header `x-iotops-batch`:
 * the row count, `x-iotops-trace-ids`: their trace ids, comma-separated, when they fit in 8 KB).
 */
function webhook(c: TWebhookConfig): Sender {
  const concurrency = c.concurrency ?? 16
  // undici never pipelines POSTs: one kept-alive connection per request in flight
  const agent = new Agent({
    connections: concurrency,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: Math.min(c.timeoutMs, 10_000) },
  })
  const fixed: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    // the user's headers win, a content type too
    ...Object.fromEntries(c.headers.map((h) => [h.name.toLowerCase(), h.value])),
  }
  const post = async (body: string, extra: Record<string, string>, what: string) => {
    let status: number
    try {
      const res = await request(c.url, {
        method: 'POST',
        headers: { ...fixed, ...extra },
        body,
        dispatcher: agent,
        headersTimeout: c.timeoutMs,
        bodyTimeout: c.timeoutMs,
      })
      status = res.statusCode
      await res.body.dump().catch(() => undefined)
    } catch (e) {
      const code = (e as { code?: string }).code ?? ''
      const timeout = code.includes('TIMEOUT') // UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, UND_ERR_CONNECT_TIMEOUT
      throw new ForwardFailure(
        ForwardCode.UNAVAILABLE,
        timeout ? `the webhook did not answer within ${c.timeoutMs} ms` : `the webhook is unreachable: ${netMsg(e)}`,
        true,
      )
    }
    if (status >= 200 && status < 300) return
    if (status === 429)
      throw new ForwardFailure(ForwardCode.THROTTLED, 'the webhook answered 429 Too Many Requests', true)
    if (status >= 500) throw new ForwardFailure(ForwardCode.TARGET_ERROR, `the webhook answered ${status}`, true)
    if (status === 400 || status === 413 || status === 422)
      throw new ForwardFailure(ForwardCode.BAD_PARAMETER, `the webhook refused ${what} (${status})`, false)
    throw new ForwardFailure(
      ForwardCode.MISCONFIGURED,
      `the webhook answered ${status}; check its URL and headers`,
      false,
    )
  }
  const batch = c.batch ?? null
  return {
    send: (_row, text, ctx) => post(text, { 'x-iotops-trace-id': ctx.traceId }, 'the row'),
    ...(batch && {
      async sendBatch(rows: SendRow[]) {
        const ids = rows.map((r) => r.ctx.traceId).join(',')
        await post(
          `[${rows.map((r) => r.text).join(',')}]`,
          { 'x-iotops-batch': String(rows.length), ...(ids.length <= 8192 && { 'x-iotops-trace-ids': ids }) },
          'the rows',
        )
      },
    }),
    batchRows: batch ? (batch.maxRows ?? 100) : 1,
    batchBytes: batch ? (batch.maxBytes ?? 262_144) : 0,
    concurrency,
    close: () => agent.close().catch(() => {}),
  }
}

/** PostgreSQL error classes: connection (08), auth (28), missing database/table/column (3D, 42) → misconfigured. */
function pgFailure(e: unknown): ForwardFailure {
  const code = (e as { code?: string }).code ?? ''
  const m = msg(e)
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH'].includes(code) || code.startsWith('08'))
    return new ForwardFailure(ForwardCode.UNAVAILABLE, `the database is unreachable: ${netMsg(e)}`, true)
  if (code.startsWith('28') || code.startsWith('3D') || code.startsWith('42'))
    return new ForwardFailure(ForwardCode.MISCONFIGURED, `the database refused the insert: ${m}`, false)
  if (code.startsWith('22') || code.startsWith('23'))
    return new ForwardFailure(ForwardCode.BAD_PARAMETER, `the row does not fit the table: ${m}`, false)
  if (code === '57P01' || code === '53300')
    return new ForwardFailure(ForwardCode.UNAVAILABLE, `the database is not accepting rows: ${m}`, true)
  return new ForwardFailure(ForwardCode.TARGET_ERROR, `the database failed: ${m}`, true)
}

const quoteIdent = (s: string) =>
  s
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.')

function postgres(c: TPostgresConfig): Sender {
  const pool = new pg.Pool({
    connectionString: c.url,
    max: 2,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
  })
  pool.on('error', () => {}) // an idle client's error surfaces on the next query
  const head = `INSERT INTO ${quoteIdent(c.table)} (${c.columns.map((x) => quoteIdent(x.column)).join(', ')}) VALUES `
  const n = c.columns.length
  const valuesOf = (row: Record<string, unknown>) =>
    c.columns.map((x) => {
      const v = row[x.field]
      return v === undefined ? null : v !== null && typeof v === 'object' ? JSON.stringify(v) : v
    })
  const insert = async (rows: Record<string, unknown>[]) => {
    const text = head + rows.map((_r, i) => `(${c.columns.map((_x, j) => `$${i * n + j + 1}`).join(', ')})`).join(', ')
    try {
      await pool.query({ text, values: rows.flatMap(valuesOf), query_timeout: 10_000 } as pg.QueryConfig)
    } catch (e) {
      throw pgFailure(e)
    }
  }
  return {
    send: (row) => insert([row]),
    sendBatch: (rows) => insert(rows.map((r) => r.row)),
    // one multi-row INSERT per batch (≤ 65,535 parameters), one statement in flight per connection
    batchRows: Math.min(1000, Math.floor(65_535 / n)),
    batchBytes: 8 * 1024 * 1024,
    concurrency: 2,
    close: () => pool.end().catch(() => {}),
  }
}

function queue(c: TQueueConfig): Sender {
  let client: Redis | null = null
  const connect = async () => {
    if (client) return client
    const r = new Redis(c.url, {
      lazyConnect: true,
      connectTimeout: 3000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    r.on('error', () => {})
    try {
      await r.connect()
    } catch (e) {
      r.disconnect()
      throw new ForwardFailure(ForwardCode.UNAVAILABLE, `the queue is unreachable: ${netMsg(e)}`, true)
    }
    r.once('end', () => {
      if (client === r) client = null
    })
    client = r
    return r
  }
  return {
    async send(_row, text, ctx) {
      const r = await connect()
      try {
        await r.xadd(c.stream, 'MAXLEN', '~', String(c.maxLen), '*', 'payload', text, 'traceId', ctx.traceId)
      } catch (e) {
        const m = msg(e)
        if (/WRONGTYPE|NOAUTH|NOPERM|WRONGPASS/.test(m))
          throw new ForwardFailure(ForwardCode.MISCONFIGURED, `the queue refused the row: ${m}`, false)
        r.disconnect()
        if (client === r) client = null
        throw new ForwardFailure(ForwardCode.UNAVAILABLE, `the queue failed: ${m}`, true)
      }
    },
    async sendBatch(rows) {
      const r = await connect()
      const p = r.pipeline()
      for (const x of rows)
        p.xadd(c.stream, 'MAXLEN', '~', String(c.maxLen), '*', 'payload', x.text, 'traceId', x.ctx.traceId)
      let res: [Error | null, unknown][] | null
      try {
        res = await p.exec()
      } catch (e) {
        r.disconnect()
        if (client === r) client = null
        throw new ForwardFailure(ForwardCode.UNAVAILABLE, `the queue failed: ${msg(e)}`, true)
      }
      const err = res?.find(([e]) => e)?.[0]
      if (err) {
        if (/WRONGTYPE|NOAUTH|NOPERM|WRONGPASS/.test(err.message))
          throw new ForwardFailure(ForwardCode.MISCONFIGURED, `the queue refused the rows: ${err.message}`, false)
        throw new ForwardFailure(ForwardCode.UNAVAILABLE, `the queue failed: ${err.message}`, true)
      }
    },
    // XADDs pipelined: one round trip per batch
    batchRows: 1000,
    batchBytes: 8 * 1024 * 1024,
    concurrency: 2,
    async close() {
      const r = client
      client = null
      if (r) await r.quit().catch(() => r.disconnect())
    },
  }
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e))
/** A network error's message without credentials (URLs are never echoed). */
const netMsg = (e: unknown) => {
  const err = e as { code?: string; cause?: { code?: string; message?: string } }
  return err.cause?.code ?? err.code ?? err.cause?.message ?? msg(e)
}
