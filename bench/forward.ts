// Forwarding benchmark: devices post properties (QoS 1, a window of messages in flight per device) into a whole node
// (embedded PostgreSQL, broker, pipeline) first with no forwarding rule, then with one rule forwarding every post to
// three destinations — republish (a subscribed MQTT client), a webhook (an HTTP server) and a PostgreSQL table (a
// second database on the node's server). Prints ingest msgs/s for both runs, rows/s per destination inside the
// measured window, the forwarding lag (message accepted by the pipeline → row at the destination, p50/p95/max) and
// the rows left behind (dead letters, missing rows).
//
//   pnpm --filter @iotops/bench forward -- [--devices 200] [--window 16] [--duration 10] [--webhook-batch 0]
//                                           [--webhook-concurrency 16] [--rates 7300,14600] [--engine-only]
//
// The defaults are the foundation ingest bench's load (200 devices × 16 in flight, plain property posts). The node
// runs in this process; the load generator (bench/lib/loadgen.ts) and the destinations' far ends (webhook receiver,
// republish subscriber: this file with `--sink`) each run in their own process, as they would outside the node.
// `--webhook-batch N` turns on the webhook's batch mode (a JSON array of ≤ N rows per request);
// `--webhook-concurrency N` sets its requests in flight.
//
// Then the forwarding engine on its own: for each of `--rates` (msgs/s; the first is the foundation ingest bench's
// 7.3k) the bench hands the engine that many accepted property posts per second, as the pipeline does (`accepted`
// on the hub, every 10 ms), for the same duration — forwarding's throughput and lag without the ingest pipeline
// competing for the two cores. `--engine-only` skips the whole-node runs.
//
// Prints the figures and writes bench/results/forward-<date>.json (`--out FILE`, `-` to skip).
import { fork } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SENSOR_TSL } from '@iotops/alink/fixtures'
import type { Db } from '@iotops/db'
import { type Actor, type DeviceHub, devices, forward, newTraceId, products } from '@iotops/services'
import pino from 'pino'
import { Histogram } from './lib/histogram'
import type { BenchDevice, LoadgenInit, LoadgenResult } from './lib/loadgen'
import { type TreeCpu, treeCpu } from './lib/proc'

const here = path.dirname(fileURLToPath(import.meta.url))

const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    devices: { type: 'string' },
    window: { type: 'string' },
    duration: { type: 'string' },
    'webhook-batch': { type: 'string' },
    'webhook-concurrency': { type: 'string' },
    rates: { type: 'string' },
    'engine-only': { type: 'boolean' },
    out: { type: 'string' },
    sink: { type: 'boolean' },
  },
})
const DEVICES = Number(argv.devices ?? 200)
const WINDOW = Number(argv.window ?? 16)
const DURATION = Number(argv.duration ?? 10)
const WEBHOOK_BATCH = Number(argv['webhook-batch'] ?? 0)
const WEBHOOK_CONCURRENCY = argv['webhook-concurrency'] ? Number(argv['webhook-concurrency']) : undefined
const ENGINE_ONLY = argv['engine-only'] ?? false
const RATES = (argv.rates ?? '7300,14600')
  .split(',')
  .map(Number)
  .filter((r) => r > 0)
const results: Record<string, unknown> & { runs: Record<string, unknown>[] } = {
  at: new Date().toISOString(),
  cfg: { devices: DEVICES, window: WINDOW, duration: DURATION, webhookBatch: WEBHOOK_BATCH, rates: RATES },
  cpus: os.cpus().length,
  runs: [],
}
const ACTOR: Actor = { type: 'system', id: null, name: 'bench', role: 'ADMIN' }

/** What the sink process saw of one destination. */
interface SinkStats {
  rows: number
  /** rows received inside the measured window */
  inWindow: number
  p50: number
  p95: number
  max: number
  /** ms since epoch of the last row */
  lastAt: number
}
type SinkReport = { webhook: SinkStats; republish: SinkStats; requests: number; disconnects: number }

const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0

/**
 * The far ends of the webhook and republish destinations, in their own process: an HTTP server taking a row (or an
 * array of rows, in batch mode) per POST, and an MQTT client subscribed to the republish topic. The lag of a row is
 * its arrival time minus its `time` field (`timestamp()`: when the pipeline accepted the message).
 */
async function sink() {
  const lags = { webhook: [] as number[], republish: [] as number[] }
  const inWin = { webhook: 0, republish: 0 }
  const last = { webhook: 0, republish: 0 }
  let win = { t0: Number.POSITIVE_INFINITY, t1: 0 }
  let requests = 0
  let disconnects = 0
  const take = (k: 'webhook' | 'republish', row: { time?: number }) => {
    const now = Date.now()
    lags[k].push(now - Number(row.time))
    last[k] = now
    if (now >= win.t0 && now <= win.t1) inWin[k]++
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { time?: number } | { time?: number }[]
      for (const r of Array.isArray(body) ? body : [body]) take('webhook', r)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const stats = (k: 'webhook' | 'republish'): SinkStats => {
    const sorted = Float64Array.from(lags[k]).sort()
    const arr = Array.from(sorted)
    return {
      rows: arr.length,
      inWindow: inWin[k],
      p50: percentile(arr, 0.5),
      p95: percentile(arr, 0.95),
      max: arr.length ? arr[arr.length - 1]! : 0,
      lastAt: last[k],
    }
  }
  const { Device } = await import('@iotops/device-sdk')
  let sub: Awaited<ReturnType<typeof Device.connect>> | null = null
  process.on('message', async (m: { type: string } & Record<string, unknown>) => {
    if (m.type === 'subscribe') {
      sub = await Device.connect({ url: m.url as string, ...(m.device as Required<BenchDevice>) })
      sub.client.on('message', (_t, payload) => take('republish', JSON.parse(payload.toString('utf8'))))
      // republish is QoS 0 here: rows published while the subscriber is disconnected are lost (MQTT at most once)
      sub.client.on('close', () => {
        disconnects++
      })
      await sub.client.subscribeAsync(m.topic as string, { qos: 0 })
      process.send?.({ type: 'subscribed' })
    } else if (m.type === 'window') {
      win = { t0: m.t0 as number, t1: m.t1 as number }
      for (const k of ['webhook', 'republish'] as const) {
        lags[k] = []
        inWin[k] = 0
        last[k] = 0
      }
      requests = 0
    } else if (m.type === 'report')
      process.send?.({
        type: 'report',
        webhook: stats('webhook'),
        republish: stats('republish'),
        requests,
        disconnects,
      })
    else if (m.type === 'exit') {
      await sub?.close()
      server.close()
      process.exit(0)
    }
  })
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port })
}

/** The node's entry points, loaded by path so this file's typecheck does not pull in the console's (Next.js) types. */
interface RunningNode {
  db: Db
  hub: DeviceHub
  forwardEngine: forward.ForwardEngine
  mqttPort: number
  close(): Promise<void>
}
const bff = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/bff/src')
const { loadConfig } = (await import(path.join(bff, 'env.ts'))) as { loadConfig(env: Record<string, string>): unknown }
const { startNode } = (await import(path.join(bff, 'node.ts'))) as {
  startNode(config: unknown, o: { log: unknown }): Promise<RunningNode>
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-bench-fwd-'))
  fs.chmodSync(dataDir, 0o755)
  const node = await startNode(
    loadConfig({
      PORT: '0',
      MQTT_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONSOLE: 'off',
      ADMIN_EMAIL: 'bench@example.com',
      ADMIN_PASSWORD: 'bench-password-1',
      LOG_LEVEL: 'warn',
      DEVICE_UPLINK_QPS: '1000000',
      ACCOUNT_UPLINK_QPS: '100000000',
    }),
    { log: pino({ level: 'warn' }) },
  )
  const url = `mqtt://127.0.0.1:${node.mqttPort}`
  const sinkProc = fork(fileURLToPath(import.meta.url), ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const fromSink = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string } & T) => {
        if (m.type !== type) return
        sinkProc.off('message', on)
        resolve(m)
      }
      sinkProc.on('message', on)
    })
  try {
    const hookPort = (await fromSink<{ port: number }>('ready')).port
    const p = await products.createProduct(node.db, ACTOR, {
      name: 'BenchFwd',
      nodeType: 'DIRECT',
      dataFormat: 'ALINK_JSON',
    })
    await products.importThingModel(node.db, ACTOR, { productKey: p.productKey, tsl: JSON.stringify(SENSOR_TSL) })
    await products.createTopicClass(node.db, ACTOR, { productKey: p.productKey, suffix: 'get', operation: 'SUB' })
    const list = []
    for (let i = 0; i < DEVICES + 1; i++)
      list.push(await devices.createDevice(node.db, ACTOR, { productKey: p.productKey }))
    const sinkDevice = list.pop()!

    // destinations: a second database on the node's own PostgreSQL, the sink's webhook and republish subscriber
    const dbUrl = new URL(
      (node.db.pool as unknown as { options: { connectionString: string } }).options.connectionString,
    )
    await node.db.pool.query('CREATE DATABASE bench_sink')
    dbUrl.pathname = '/bench_sink'
    const pg = (await import('pg')).default
    const sinkDb = new pg.Client({ connectionString: dbUrl.toString() })
    await sinkDb.connect()
    await sinkDb.query(
      'CREATE TABLE readings (id bigserial PRIMARY KEY, device text, temperature int, at bigint, received_at timestamptz NOT NULL DEFAULT clock_timestamp())',
    )
    const hookUrl = `http://127.0.0.1:${hookPort}/hook`
    const republishTopic = `/${p.productKey}/${sinkDevice.deviceName}/user/get`
    sinkProc.send({ type: 'subscribe', url, device: sinkDevice, topic: republishTopic })
    await fromSink('subscribed')

    // the load: bench/lib/loadgen.ts in its own process (as the ingest bench), QoS 1 with a window per device
    const benchDevices: BenchDevice[] = list.map((d) => ({ ...d }))
    const run = async (label: string) => {
      const child = fork(path.join(here, 'lib', 'loadgen.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      const init: LoadgenInit = {
        target: 'iotops',
        url,
        devices: benchDevices,
        window: WINDOW,
        subscriber: false,
        drainMs: 30_000,
        payload: 'plain',
      }
      let window = { t0: 0, t1: 0 }
      // CPU of this process (the node) and of its PostgreSQL over the measured window
      let cpuAt0: TreeCpu | null = null
      let cpu = { node: 0, postgres: 0 }
      // the node's event loop: under load a turn is long, and a destination that needs a round trip per row gets
      // one row per turn and connection
      const loop = monitorEventLoopDelay({ resolution: 10 })
      const sample = (t: number, f: () => void) => setTimeout(f, Math.max(0, t - Date.now()))
      const result = await new Promise<LoadgenResult>((resolve, reject) => {
        child.on('message', (m: { type: string; message?: string } & LoadgenResult) => {
          if (m.type === 'ready') {
            const t0 = Date.now() + 200
            window = { t0, t1: t0 + DURATION * 1000 }
            sample(window.t0, () => {
              cpuAt0 = treeCpu(process.pid)
              loop.enable()
            })
            sample(window.t1, () => {
              if (cpuAt0) cpu = cpuSince(cpuAt0, DURATION)
              loop.disable()
            })
            sinkProc.send({ type: 'window', ...window })
            child.send({ type: 'go', ...window })
          } else if (m.type === 'result') resolve(m)
          else if (m.type === 'error') reject(new Error(`load generator: ${m.message}`))
        })
        child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)))
        child.send({ type: 'init', ...init })
      })
      child.send({ type: 'exit' })
      const rate = Math.round(result.ackedInWindow / DURATION)
      const h = Histogram.from(result.ackLatency)
      const us = (c: number) => Math.round((c * 1e6) / Math.max(1, rate))
      console.log(
        `${label}: ${result.ackedInWindow} posts acknowledged in ${DURATION} s = ${rate} msgs/s (ack p50 ${Math.round(h.quantile(0.5))} ms, p95 ${Math.round(h.quantile(0.95))} ms); ` +
          `CPU node ${Math.round(cpu.node * 100)} % (${us(cpu.node)} µs/post), postgres ${Math.round(cpu.postgres * 100)} % (${us(cpu.postgres)} µs/post); ` +
          `event-loop delay p50 ${Math.round(loop.percentile(50) / 1e6)} ms, p99 ${Math.round(loop.percentile(99) / 1e6)} ms`,
      )
      results.runs.push({
        label,
        msgsPerSec: rate,
        ackP50: Math.round(h.quantile(0.5)),
        ackP95: Math.round(h.quantile(0.95)),
        cpuUsPerMsg: { node: us(cpu.node), postgres: us(cpu.postgres) },
        loadavg: os.loadavg(),
      })
      return { acked: result.acked, rate, window }
    }

    console.log(`load: ${DEVICES} devices × ${WINDOW} QoS 1 posts in flight, ${DURATION} s measured; ${loadavg()}`)
    let base: Awaited<ReturnType<typeof run>> | null = null
    if (!ENGINE_ONLY) {
      await run('ingest, no rule (warm-up)')
      base = await run('ingest, no rule')
    }
    const rule = await forward.createRule(node.db, ACTOR, {
      name: 'bench',
      sql: `SELECT items.temperature.value AS temperature, deviceName() AS deviceName, timestamp() AS time FROM "/${p.productKey}/+/thing/event/property/post"`,
    })
    await forward.addDestination(node.db, ACTOR, rule.id, {
      type: 'REPUBLISH',
      config: { topic: republishTopic, qos: 0 },
    })
    await forward.addDestination(node.db, ACTOR, rule.id, {
      type: 'WEBHOOK',
      config: {
        url: hookUrl,
        headers: [],
        timeoutMs: 5000,
        retries: 3,
        ...(WEBHOOK_BATCH > 1 && { batch: { maxRows: WEBHOOK_BATCH, maxBytes: 262_144 } }),
        ...(WEBHOOK_CONCURRENCY && { concurrency: WEBHOOK_CONCURRENCY }),
      },
    })
    await forward.addDestination(node.db, ACTOR, rule.id, {
      type: 'POSTGRES',
      config: {
        url: dbUrl.toString(),
        table: 'readings',
        columns: [
          { column: 'device', field: 'deviceName' },
          { column: 'temperature', field: 'temperature' },
          { column: 'at', field: 'time' },
        ],
        retries: 2,
      },
    })
    await forward.setRuleEnabled(node.db, ACTOR, rule.id, true)
    console.log(
      `webhook: ${WEBHOOK_BATCH > 1 ? `batch mode, ≤ ${WEBHOOK_BATCH} rows per request` : 'one request per row'}, ${WEBHOOK_CONCURRENCY ?? 16} in flight`,
    )
    // every row of the run at each destination, with its lag; the sink and the table start empty for each run
    let deadSeen = '0'
    let throttledSeen = 0
    const report = async (sent: number, window: { t0: number; t1: number }, started: number) => {
      await Promise.race([node.forwardEngine.idle(), new Promise((r) => setTimeout(r, 60_000))])
      const drainSecs = (performance.now() - started) / 1000
      await new Promise((r) => setTimeout(r, 1000)) // rows still on the wire to the sink
      sinkProc.send({ type: 'report' })
      const rep = await fromSink<SinkReport>('report')
      const pgq = await sinkDb.query<{ n: string; win: string; p50: number; p95: number; mx: number; last: number }>(
        `SELECT count(*) AS n,
                count(*) FILTER (WHERE received_at BETWEEN to_timestamp($1 / 1000.0) AND to_timestamp($2 / 1000.0)) AS win,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at) * 1000 - at)::float AS p50,
                percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM received_at) * 1000 - at)::float AS p95,
                max(extract(epoch FROM received_at) * 1000 - at)::float AS mx,
                max(extract(epoch FROM received_at) * 1000)::float AS last
         FROM readings`,
        [window.t0, window.t1],
      )
      const pgr = pgq.rows[0]!
      const postgres: SinkStats = {
        rows: Number(pgr.n),
        inWindow: Number(pgr.win),
        p50: pgr.p50 ?? 0,
        p95: pgr.p95 ?? 0,
        max: pgr.mx ?? 0,
        lastAt: pgr.last ?? 0,
      }
      // dead letters of this run, per destination type and code
      const dead = await node.db.pool.query<{ type: string; code: number; n: number }>(
        `SELECT d.type, l.code, count(*)::int AS n FROM forward_dead_letter l JOIN forward_destination d ON d.id = l.destination_id
         WHERE l.id > $1 GROUP BY 1, 2`,
        [deadSeen],
      )
      deadSeen = (await node.db.pool.query<{ m: string }>('SELECT coalesce(max(id), 0) AS m FROM forward_dead_letter'))
        .rows[0]!.m
      const deadOf = (type: string) => dead.rows.filter((r) => r.type === type)
      console.log(
        `forwarded ${sent} posts (window and drain) within ${drainSecs.toFixed(1)} s of the run's start; refused by a full queue ${node.forwardEngine.throttled - throttledSeen}`,
      )
      throttledSeen = node.forwardEngine.throttled
      const line = (name: string, type: string, st: SinkStats) => {
        const dl = deadOf(type)
        const lost = sent - st.rows - dl.reduce((a, r) => a + r.n, 0)
        console.log(
          `  ${name.padEnd(9)} ${String(st.rows).padStart(7)} of ${sent} rows; ${Math.round(st.inWindow / DURATION)} rows/s in the window; ` +
            `all in ${((st.lastAt - window.t0) / 1000).toFixed(1)} s; lag p50 ${Math.round(st.p50)} ms, p95 ${Math.round(st.p95)} ms, max ${Math.round(st.max)} ms; ` +
            `dead letters ${dl.length ? dl.map((r) => `${r.n} × ${r.code}`).join(', ') : 0}; unaccounted ${lost}`,
        )
      }
      line('republish', 'REPUBLISH', rep.republish)
      line('webhook', 'WEBHOOK', rep.webhook)
      line('postgres', 'POSTGRES', postgres)
      const summary = (type: string, st: SinkStats) => ({
        rows: st.rows,
        rowsPerSecInWindow: Math.round(st.inWindow / DURATION),
        lagP50: Math.round(st.p50),
        lagP95: Math.round(st.p95),
        lagMax: Math.round(st.max),
        deadLetters: Object.fromEntries(deadOf(type).map((r) => [r.code, r.n])),
      })
      Object.assign(results.runs[results.runs.length - 1]!, {
        sent,
        drainSecs,
        republish: summary('REPUBLISH', rep.republish),
        webhook: summary('WEBHOOK', rep.webhook),
        postgres: summary('POSTGRES', postgres),
      })
      console.log(`  webhook requests: ${rep.requests}; republish subscriber disconnects: ${rep.disconnects}`)
      await sinkDb.query('TRUNCATE readings')
    }

    if (base) {
      const t0 = performance.now()
      const fwd = await run('ingest with 3 destinations')
      await report(fwd.acked, fwd.window, t0)
      console.log(`ingest with forwarding / without: ${(fwd.rate / base.rate).toFixed(2)}; ${loadavg()}`)
    }

    // the engine alone at fixed rates: accepted posts handed over as the pipeline does, every 10 ms
    const sample = list.slice(0, 50)
    for (const rate of RATES) {
      const t0 = Date.now() + 200
      const window = { t0, t1: t0 + DURATION * 1000 }
      sinkProc.send({ type: 'window', ...window })
      await new Promise((r) => setTimeout(r, 200))
      const cpu0 = treeCpu(process.pid)
      const started = performance.now()
      let sent = 0
      while (Date.now() < window.t1) {
        const due = Math.floor(((Date.now() - window.t0) / 1000) * rate)
        for (; sent < due; sent++) {
          const d = sample[sent % sample.length]!
          const id = String(sent % 1_000_000)
          node.hub.emit('accepted', {
            productKey: p.productKey,
            deviceName: d.deviceName,
            topic: `/sys/${p.productKey}/${d.deviceName}/thing/event/property/post`,
            payload: Buffer.from(
              `{"id":"${id}","version":"1.0","params":{"temperature":${sent % 100},"humidity":${(sent % 1000) / 10}},"method":"thing.event.property.post"}`,
            ),
            traceId: newTraceId(),
            messageId: null,
            at: new Date(),
          })
        }
        await new Promise((r) => setTimeout(r, 10))
      }
      const cpu = cpuSince(cpu0, DURATION)
      const us = (c: number) => Math.round((c * 1e6) / Math.max(1, sent / DURATION))
      results.runs.push({
        label: `engine alone, ${rate} msgs/s offered`,
        cpuUsPerMsg: { node: us(cpu.node), postgres: us(cpu.postgres) },
        loadavg: os.loadavg(),
      })
      console.log(
        `forwarding engine alone, ${rate} msgs/s offered: ${sent} posts in ${DURATION} s; CPU node ${Math.round(cpu.node * 100)} % (${us(cpu.node)} µs/post), postgres ${Math.round(cpu.postgres * 100)} % (${us(cpu.postgres)} µs/post); ${loadavg()}`,
      )
      await report(sent, window, started)
    }
    await sinkDb.end()
    const out =
      argv.out ?? path.join(here, 'results', `forward-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`)
    if (out !== '-') {
      fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
      console.log(`wrote ${path.relative(process.cwd(), out)}`)
    }
  } finally {
    sinkProc.send({ type: 'exit' })
    await node.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** CPU of this process (the node) and of its PostgreSQL since `before`, in cores. */
function cpuSince(before: TreeCpu, secs: number) {
  const cpu = { node: 0, postgres: 0 }
  for (const [pid, a] of treeCpu(process.pid)) {
    const d = Math.max(0, a.cpu - (before.get(pid)?.cpu ?? a.cpu))
    if (pid === process.pid) cpu.node += d
    else if (a.name === 'postgres') cpu.postgres += d
  }
  return { node: cpu.node / secs, postgres: cpu.postgres / secs }
}

const loadavg = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`

;(argv.sink ? sink() : main()).then(
  () => {
    if (!argv.sink) process.exit(0)
  },
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
