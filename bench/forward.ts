// Forwarding benchmark: devices post properties (QoS 1, a window of messages in flight per device) into a whole node
// (embedded PostgreSQL, broker, pipeline) first with no forwarding rule, then with one rule forwarding every post to
// three destinations — republish (a subscribed MQTT client), a webhook (a local HTTP server) and a PostgreSQL table
// (a second database on the node's server). Prints ingest msgs/s for both runs, forwarded rows/s per destination,
// the forwarding latency (message accepted → delivered) and the rows left behind (queued or dead letters).
//
//   pnpm --filter @iotops/bench exec tsx forward.ts [--devices 50] [--window 8] [--duration 15]
//
// The node runs in this process with the webhook receiver and the republish subscriber (they share its event loop,
// so the figures are a lower bound); the load generator is bench/lib/loadgen.ts in its own process.
import { fork } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SENSOR_TSL } from '@iotops/alink/fixtures'
import type { Db } from '@iotops/db'
import { type Actor, type DeviceHub, devices, forward, products } from '@iotops/services'
import pino from 'pino'
import type { BenchDevice, LoadgenInit, LoadgenResult } from './lib/loadgen'

const here = path.dirname(fileURLToPath(import.meta.url))

const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { devices: { type: 'string' }, window: { type: 'string' }, duration: { type: 'string' } },
})
const DEVICES = Number(argv.devices ?? 50)
const WINDOW = Number(argv.window ?? 8)
const DURATION = Number(argv.duration ?? 15)
const ACTOR: Actor = { type: 'system', id: null, name: 'bench', role: 'ADMIN' }

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
  try {
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
    const sink = list.pop()!

    // destinations: a second database on the node's own PostgreSQL, a local webhook, a subscribed client
    const dbUrl = new URL(
      (node.db.pool as unknown as { options: { connectionString: string } }).options.connectionString,
    )
    await node.db.pool.query('CREATE DATABASE bench_sink')
    dbUrl.pathname = '/bench_sink'
    const pg = (await import('pg')).default
    const sinkDb = new pg.Client({ connectionString: dbUrl.toString() })
    await sinkDb.connect()
    await sinkDb.query('CREATE TABLE readings (id bigserial PRIMARY KEY, device text, temperature int, at bigint)')
    let hooks = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        hooks++
        res.writeHead(200).end('{}')
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    let republished = 0
    const { Device } = await import('@iotops/device-sdk')
    const sub = await Device.connect({ url, ...sink })
    sub.client.on('message', (t) => {
      if (t.endsWith('/user/get')) republished++
    })
    await sub.client.subscribeAsync(`/${p.productKey}/${sink.deviceName}/user/get`, { qos: 0 })

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
        drainMs: 10_000,
        payload: 'plain',
      }
      const result = await new Promise<LoadgenResult>((resolve, reject) => {
        child.on('message', (m: { type: string; message?: string } & LoadgenResult) => {
          if (m.type === 'ready') {
            const t0 = Date.now() + 200
            child.send({ type: 'go', t0, t1: t0 + DURATION * 1000 })
          } else if (m.type === 'result') resolve(m)
          else if (m.type === 'error') reject(new Error(`load generator: ${m.message}`))
        })
        child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)))
        child.send({ type: 'init', ...init })
      })
      child.send({ type: 'exit' })
      const rate = Math.round(result.ackedInWindow / DURATION)
      console.log(`${label}: ${result.ackedInWindow} posts acknowledged in ${DURATION} s = ${rate} msgs/s`)
      return { acked: result.acked, rate }
    }

    await run('ingest, no rule (warm-up)')
    const base = await run('ingest, no rule')
    const rule = await forward.createRule(node.db, ACTOR, {
      name: 'bench',
      sql: `SELECT items.temperature.value AS temperature, deviceName() AS deviceName, timestamp() AS time FROM "/${p.productKey}/+/thing/event/property/post"`,
    })
    await forward.addDestination(node.db, ACTOR, rule.id, {
      type: 'REPUBLISH',
      config: { topic: `/${p.productKey}/${sink.deviceName}/user/get`, qos: 0 },
    })
    await forward.addDestination(node.db, ACTOR, rule.id, {
      type: 'WEBHOOK',
      config: { url: hookUrl, headers: [], timeoutMs: 5000, retries: 3 },
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
    const t0 = performance.now()
    const fwd = await run('ingest with 3 destinations')
    await node.forwardEngine.idle()
    const drainSecs = (performance.now() - t0) / 1000
    const rows = Number((await sinkDb.query('SELECT count(*) AS n FROM readings')).rows[0].n)
    await node.hub.metrics.flush()
    const m = await node.db.pool.query<{ metric: string; v: number }>(
      `SELECT metric, sum(value)::float AS v, max(value)::float AS mx FROM metric_point WHERE product_key = $1 AND metric LIKE '%RuleEngine%' GROUP BY metric`,
      [p.productKey],
    )
    const metric = (code: string) => m.rows.find((r) => r.metric === code)?.v ?? 0
    const dead = await node.db.prisma.forwardDeadLetter.count()
    console.log(
      `forwarded within ${drainSecs.toFixed(1)} s of the run's start: republish ${republished}, webhook ${hooks}, postgres ${rows} of ${fwd.acked} posts; dead letters ${dead}`,
    )
    for (const t of ['REPUBLISH', 'WEBHOOK', 'POSTGRES'] as const) {
      const codes = forward.forwardMetrics(t)
      const n = metric(codes.count)
      console.log(
        `  ${t}: ${n} rows, ${Math.round(n / drainSecs)} rows/s, latency avg ${(metric(codes.latencySum) / Math.max(1, n)).toFixed(1)} ms, max (largest minute) ${Math.max(...m.rows.filter((r) => r.metric === codes.latencyMax).map((r) => (r as unknown as { mx: number }).mx), 0)} ms`,
      )
    }
    console.log(`ingest with forwarding / without: ${(fwd.rate / base.rate).toFixed(2)}`)
    await sub.close()
    await sinkDb.end()
    server.close()
  } finally {
    await node.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
