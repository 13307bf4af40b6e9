import type { Logger } from 'pino'
import type { RunLogRecord } from '../runlog/writer'

// Optional export of cloud run logs to an OpenTelemetry collector over OTLP/HTTP (JSON encoding). The exporter sits
// beside the run-log writer: the pipeline hands it records without waiting, a bounded queue absorbs bursts and
// outages, and what does not fit is dropped and counted — never the pipeline's own writes.

/** OTLP severity numbers (opentelemetry-proto logs.proto SeverityNumber). */
const SEVERITY = { INFO: 9, WARN: 13, ERROR: 17 } as const

/** A run-log code's severity: 200 succeeded (INFO); 4xx the device or caller erred (WARN); anything else ERROR. */
export function severityOf(code: number): { number: number; text: keyof typeof SEVERITY } {
  if (code === 200) return { number: SEVERITY.INFO, text: 'INFO' }
  if (code >= 400 && code < 500) return { number: SEVERITY.WARN, text: 'WARN' }
  return { number: SEVERITY.ERROR, text: 'ERROR' }
}

type AnyValue = { stringValue: string } | { intValue: string }
interface KeyValue {
  key: string
  value: AnyValue
}
const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } })

/** One run-log record as an OTLP LogRecord. */
export function toLogRecord(r: RunLogRecord) {
  const sev = severityOf(r.code)
  const nanos = `${BigInt(r.ts.getTime()) * 1_000_000n}`
  const attributes: KeyValue[] = [str('traceId', r.traceId)]
  if (r.productKey) attributes.push(str('productKey', r.productKey))
  if (r.deviceName) attributes.push(str('deviceName', r.deviceName))
  if (r.messageId) attributes.push(str('messageId', r.messageId))
  attributes.push(str('bizType', r.bizType), str('operation', r.operation), {
    key: 'code',
    value: { intValue: String(r.code) },
  })
  return {
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: sev.number,
    severityText: sev.text,
    body: { stringValue: r.content },
    attributes,
  }
}

/** The OTLP/HTTP JSON body (ExportLogsServiceRequest) for a batch of records. */
export function toOtlpRequest(records: RunLogRecord[], resource: { serviceName: string; instanceId: string }) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [str('service.name', resource.serviceName), str('service.instance.id', resource.instanceId)],
        },
        scopeLogs: [{ scope: { name: 'iotops.runlog' }, logRecords: records.map(toLogRecord) }],
      },
    ],
  }
}

/**
 * `OTLP_HEADERS` as OTEL_EXPORTER_OTLP_HEADERS writes them: `key=value` pairs separated by commas, values
 * URL-encoded. Throws a message naming the bad pair.
 */
export function parseOtlpHeaders(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!s) return out
  for (const pair of s.split(',')) {
    if (!pair.trim()) continue
    const i = pair.indexOf('=')
    const key = i > 0 ? pair.slice(0, i).trim() : ''
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key))
      throw new Error(`"${pair.trim().slice(0, 40)}" is not key=value with a valid header name`)
    let value: string
    try {
      value = decodeURIComponent(pair.slice(i + 1).trim())
    } catch {
      throw new Error(`the value of ${key} is not URL-encoded correctly`)
    }
    out[key] = value
  }
  return out
}

export interface OtlpExporterOptions {
  /** the collector's logs endpoint, e.g. http://collector:4318/v1/logs */
  url: string
  headers?: Record<string, string>
  log: Logger
  instanceId: string
  /** records held at most; beyond, new records are dropped (counted) */
  maxQueue?: number
  batchSize?: number
  /** how long a partial batch waits before it is sent */
  flushMs?: number
  /** first retry delay; doubles per failure up to `maxBackoffMs` */
  backoffMs?: number
  maxBackoffMs?: number
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
}

export interface OtlpStats {
  /** records accepted by the collector */
  exported: number
  /** records dropped because the queue was full */
  dropped: number
  /** records waiting */
  queued: number
  /** failed export attempts */
  failures: number
  lastError: string | null
}

/**
 * Batches run-log records to an OTLP/HTTP logs endpoint. `offer` never blocks and never throws. A failed batch
 * (network error, 429, 5xx) is retried with exponential backoff while new records keep queuing up to `maxQueue`;
 * a batch the collector rejects as malformed (other 4xx) is dropped and counted, since resending cannot help.
 * Drops are logged at most once a minute with the running total.
 */
export class OtlpLogExporter {
  private queue: RunLogRecord[] = []
  private timer: NodeJS.Timeout | null = null
  private sending: Promise<void> | null = null
  private failuresInRow = 0
  private stopped = false
  private lastDropLog = 0
  private droppedSinceLog = 0
  private readonly s: OtlpStats = { exported: 0, dropped: 0, queued: 0, failures: 0, lastError: null }
  private readonly maxQueue: number
  private readonly batchSize: number
  private readonly flushMs: number
  private readonly fetch: typeof globalThis.fetch

  constructor(private readonly o: OtlpExporterOptions) {
    this.maxQueue = o.maxQueue ?? 10_000
    this.batchSize = o.batchSize ?? 512
    this.flushMs = o.flushMs ?? 1000
    this.fetch = o.fetch ?? globalThis.fetch
  }

  stats(): OtlpStats {
    return { ...this.s, queued: this.queue.length }
  }

  /** Takes a record for export; drops it (counted) when the queue is full. */
  offer(r: RunLogRecord): void {
    if (this.stopped) return
    if (this.queue.length >= this.maxQueue) {
      this.s.dropped++
      this.droppedSinceLog++
      const now = Date.now()
      if (now - this.lastDropLog >= 60_000) {
        this.o.log.warn(
          { dropped: this.droppedSinceLog, droppedTotal: this.s.dropped, queue: this.maxQueue },
          'OTLP export queue full: run-log records dropped from the export (they are still stored)',
        )
        this.lastDropLog = now
        this.droppedSinceLog = 0
      }
      return
    }
    this.queue.push(r)
    if (this.queue.length >= this.batchSize) this.schedule(0)
    else this.schedule(this.flushMs)
  }

  private schedule(ms: number) {
    if (this.sending || this.stopped) return
    // a pending timer stays: a later flush must not cut short a backoff, a full batch may cut short a flush wait
    if (this.timer && (ms > 0 || this.failuresInRow > 0)) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.sending = this.sendBatch().finally(() => {
        this.sending = null
        if (this.queue.length > 0)
          this.schedule(this.retryDelay() ?? (this.queue.length >= this.batchSize ? 0 : this.flushMs))
      })
    }, ms)
  }

  private retryDelay(): number | null {
    if (this.failuresInRow === 0) return null
    return Math.min((this.o.backoffMs ?? 1000) * 2 ** (this.failuresInRow - 1), this.o.maxBackoffMs ?? 60_000)
  }

  /** Sends the oldest batch; on a retryable failure it stays at the head of the queue. */
  private async sendBatch(): Promise<void> {
    const batch = this.queue.slice(0, this.batchSize)
    if (batch.length === 0) return
    const outcome = await this.post(batch)
    if (outcome === 'ok' || outcome === 'rejected') {
      this.queue.splice(0, batch.length)
      if (outcome === 'ok') this.s.exported += batch.length
      else this.s.dropped += batch.length
      this.failuresInRow = 0
      return
    }
    this.failuresInRow++
    this.s.failures++
  }

  private async post(batch: RunLogRecord[]): Promise<'ok' | 'retry' | 'rejected'> {
    try {
      const res = await this.fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.o.headers },
        body: JSON.stringify(toOtlpRequest(batch, { serviceName: 'iotops', instanceId: this.o.instanceId })),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      })
      await res.arrayBuffer().catch(() => {})
      if (res.ok) return 'ok'
      this.s.lastError = `HTTP ${res.status}`
      if (res.status === 429 || res.status >= 500 || res.status === 408) {
        this.o.log.warn({ status: res.status, records: batch.length }, 'OTLP export failed; retrying')
        return 'retry'
      }
      this.o.log.error(
        { status: res.status, records: batch.length },
        'OTLP collector rejected a batch; dropped from the export',
      )
      return 'rejected'
    } catch (e) {
      this.s.lastError = (e as Error).message
      this.o.log.warn({ err: (e as Error).message, records: batch.length }, 'OTLP export failed; retrying')
      return 'retry'
    }
  }

  /** Stops accepting records and tries once more to send what is queued (bounded by `graceMs`). */
  async stop(graceMs = 3000): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const deadline = Date.now() + graceMs
    await this.sending
    while (this.queue.length > 0 && Date.now() < deadline) {
      const before = this.queue.length
      await Promise.race([this.sendBatch(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))])
      if (this.queue.length === before) break
    }
    if (this.queue.length > 0)
      this.o.log.warn({ records: this.queue.length }, 'OTLP export: records not exported at shutdown')
  }
}
