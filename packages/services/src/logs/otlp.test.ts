import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { RunLogRecord } from '../runlog/writer'
import { OtlpLogExporter, parseOtlpHeaders, severityOf, toOtlpRequest } from './otlp'

const rec = (i: number, code = 200): RunLogRecord => ({
  ts: new Date(1_764_000_000_000 + i),
  productKey: 'pk1',
  deviceName: 'dev1',
  traceId: `t${i}`,
  messageId: null,
  bizType: 'ThingModel',
  operation: 'check',
  code,
  content: '{"Content":"x"}',
})
const log = pino({ level: 'silent' })
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))

describe('OTLP mapping', () => {
  it('maps a record to an OTLP log record with nanosecond time, severity and attributes', () => {
    const body = toOtlpRequest([rec(5, 6306)], { serviceName: 'iotops', instanceId: 'n1' })
    const r = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
    expect(r.timeUnixNano).toBe('1764000000005000000')
    expect([r.severityNumber, r.severityText]).toEqual([17, 'ERROR'])
    expect(r.body).toEqual({ stringValue: '{"Content":"x"}' })
    expect(Object.fromEntries(r.attributes.map((a) => [a.key, Object.values(a.value)[0]]))).toEqual({
      traceId: 't5',
      productKey: 'pk1',
      deviceName: 'dev1',
      bizType: 'ThingModel',
      operation: 'check',
      code: '6306',
    })
  })
  it('grades codes: 200 INFO, 4xx WARN, others ERROR', () => {
    expect(severityOf(200).text).toBe('INFO')
    expect(severityOf(429).text).toBe('WARN')
    expect(severityOf(6306).text).toBe('ERROR')
  })
  it('parses OTLP_HEADERS like OTEL_EXPORTER_OTLP_HEADERS and names a bad pair', () => {
    expect(parseOtlpHeaders('api-key=abc%20def, x-org = 1')).toEqual({ 'api-key': 'abc def', 'x-org': '1' })
    expect(parseOtlpHeaders(undefined)).toEqual({})
    expect(() => parseOtlpHeaders('novalue')).toThrow(/"novalue" is not key=value/)
    expect(() => parseOtlpHeaders('a=%E0%A4%A')).toThrow(/URL-encoded/)
  })
})

describe('OtlpLogExporter', () => {
  it('never blocks: past the queue bound records are dropped and counted, the rest exported after the outage', async () => {
    let fail = true
    const sent: number[] = []
    const fetch = (async (_url: string, init: { body: string }) => {
      if (fail) throw new Error('connection refused')
      const n = JSON.parse(init.body).resourceLogs[0].scopeLogs[0].logRecords.length
      sent.push(n)
      return new Response('{}', { status: 200 })
    }) as unknown as typeof globalThis.fetch
    const x = new OtlpLogExporter({
      url: 'http://collector/v1/logs',
      log,
      instanceId: 'n1',
      maxQueue: 10,
      batchSize: 4,
      flushMs: 5,
      backoffMs: 20,
      maxBackoffMs: 40,
      fetch,
    })
    for (let i = 0; i < 15; i++) x.offer(rec(i))
    expect(x.stats()).toMatchObject({ queued: 10, dropped: 5 })
    await tick(60)
    expect(x.stats().failures).toBeGreaterThan(0)
    expect(x.stats().exported).toBe(0)
    fail = false
    for (let i = 0; i < 50 && x.stats().exported < 10; i++) await tick(20)
    expect(x.stats()).toMatchObject({ exported: 10, dropped: 5, queued: 0 })
    expect(sent).toEqual([4, 4, 2])
    await x.stop()
  })
  it('drops a batch the collector rejects as malformed (400) instead of retrying it forever', async () => {
    const fetch = (async () => new Response('bad', { status: 400 })) as unknown as typeof globalThis.fetch
    const x = new OtlpLogExporter({ url: 'http://c/v1/logs', log, instanceId: 'n', flushMs: 1, fetch })
    x.offer(rec(1))
    for (let i = 0; i < 50 && x.stats().dropped === 0; i++) await tick(5)
    expect(x.stats()).toMatchObject({ exported: 0, dropped: 1, queued: 0, lastError: 'HTTP 400' })
    await x.stop()
  })
})
