// OTA benchmark (issue 6), in one process over an embedded PostgreSQL and the real device hub:
//  1. batch creation: a static batch over 100,000 devices (tasks by one INSERT … SELECT, conflicts settled);
//  2. push rate: virtual devices (Fleet, real MQTT to the hub) take a constant-rate batch and a variable-rate
//     batch; the pushes the engine makes per minute are counted from the tasks' notified_at;
//  3. progress reports/s: every device upgrades with fast progress steps; reports stored per second;
//  4. progress processing rate (part `rate`): a few hundred devices with a running upgrade each publish progress
//     steps (QoS 1, `--inflight` unacknowledged per device) as fast as the hub acknowledges them, so the figure is
//     the hub's processing rate rather than the cost of 2,000 virtual devices.
// Prints the figures and writes bench/results/ota-<date>.json.
//
//   pnpm --filter @iotops/bench ota
//   pnpm --filter @iotops/bench ota -- --devices 100000 --online 2000 --duration 30
//   pnpm --filter @iotops/bench ota -- --parts rate --reporters 200 --inflight 10 --duration 20
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { topics } from '@iotops/alink'
import { createDb, migrate, startEmbeddedPostgres } from '@iotops/db'
import { Device } from '@iotops/device-sdk'
import { Fleet } from '@iotops/device-sdk/fleet'
import {
  DeviceHub,
  devices as deviceService,
  OtaEngine,
  otaDownload,
  otaJobs,
  ProductCache,
  products,
  SYSTEM_ACTOR,
} from '@iotops/services'
import { ratePerMinute } from '@iotops/services/schemas'

const here = path.dirname(fileURLToPath(import.meta.url))
const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    devices: { type: 'string' },
    online: { type: 'string' },
    duration: { type: 'string' },
    parts: { type: 'string' },
    reporters: { type: 'string' },
    inflight: { type: 'string' },
    out: { type: 'string' },
  },
})
const cfg = {
  devices: Number(argv.devices ?? 100_000),
  online: Number(argv.online ?? 2000),
  durationS: Number(argv.duration ?? 30),
  parts: new Set((argv.parts ?? 'create,constant,variable,progress,rate').split(',')),
  reporters: Number(argv.reporters ?? 200),
  inflight: Number(argv.inflight ?? 10),
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Pushes the rate's schedule allows by each whole second from the start (index = seconds), in 100 ms steps. */
function expectedCumulative(rate: Parameters<typeof ratePerMinute>[0], seconds: number): number[] {
  const out = [0]
  let total = 0
  for (let s = 0; s < seconds; s++) {
    for (let k = 0; k < 10; k++) total += ratePerMinute(rate, Math.floor(total)) / 600
    out.push(total)
  }
  return out
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-bench-ota-'))
fs.chmodSync(dataDir, 0o755)
const pg = await startEmbeddedPostgres(dataDir)
const db = createDb(pg.url)
type Log = Parameters<typeof DeviceHub.create>[0]['log']
// a quiet logger (the bench prints its own figures); errors still show
const log: Log = {
  info() {},
  debug() {},
  trace() {},
  warn() {},
  error: (...a: unknown[]) => console.error(...a),
  fatal: (...a: unknown[]) => console.error(...a),
  child: () => log,
} as unknown as Log
const results: Record<string, unknown> = { at: new Date().toISOString(), cfg, cpus: os.cpus().length }
let hub: DeviceHub | null = null
let engine: OtaEngine | null = null
let server: net.Server | null = null
const fleets: Fleet[] = []
try {
  await migrate(db.pool, {})
  otaDownload.configureOtaDownloads({ secret: 'bench', baseUrl: 'http://127.0.0.1:1' })

  const firmware = async (productKey: string, version: string) => {
    const f = await db.prisma.otaFirmware.create({
      data: {
        firmwareId: `fw${Math.random().toString(36).slice(2, 14)}`,
        name: `bench_${Math.random().toString(36).slice(2, 10)}`,
        productKey,
        destVersion: version,
        status: 'NO_VERIFY',
        files: {
          create: [
            { name: 'fw.bin', size: 1024n, md5: 'a'.repeat(32), sign: 'a'.repeat(32), storageKey: 'files/x/fw.bin' },
          ],
        },
      },
    })
    return f.id
  }

  // ── 1. a batch over 100,000 devices ──
  if (cfg.parts.has('create')) {
    const p = await products.createProduct(db, SYSTEM_ACTOR, {
      name: 'OtaBenchBig',
      nodeType: 'DIRECT',
      dataFormat: 'ALINK_JSON',
    })
    const t0 = performance.now()
    await db.pool.query(
      `INSERT INTO device (id, iot_id, product_id, product_key, device_name, device_secret, status, firmware, updated_at)
       SELECT gen_random_uuid(), 'iot' || n, $1, $2, 'dev' || lpad(n::text, 6, '0'), md5(n::text), 'OFFLINE',
              jsonb_build_object('default', CASE WHEN n % 10 = 0 THEN '0.9' ELSE '1.0' END), now()
       FROM generate_series(1, $3) AS n`,
      [p.id, p.productKey, cfg.devices],
    )
    const seeded = performance.now() - t0
    const fw = await firmware(p.productKey, '2.0')
    const times: number[] = []
    let tasks = 0
    for (let i = 0; i < 3; i++) {
      const s = performance.now()
      const j = await otaJobs.createStaticJob(db, SYSTEM_ACTOR, {
        firmwareId: fw,
        srcVersions: ['1.0'],
        overwrite: true,
        policy: { waves: [{ percent: 10 }, { percent: 100 }] },
      })
      times.push(performance.now() - s)
      tasks = j.total
    }
    results.create = { devices: cfg.devices, tasks, seedMs: Math.round(seeded), createMs: times.map(Math.round) }
    console.log(
      `batch creation: ${tasks.toLocaleString()} tasks of ${cfg.devices.toLocaleString()} devices in ${times.map((t) => `${Math.round(t)} ms`).join(' / ')} (3 runs; later runs also cancel the earlier batch's tasks — overwrite)`,
    )
  }

  // ── a hub with devices online ──
  const cache = new ProductCache(db)
  hub = await DeviceHub.create({
    db,
    log,
    products: cache,
    nodeId: 'bench',
    limits: { accountUplinkPerSecond: 1_000_000, deviceUplinkPerSecond: 1000, deviceConnectPerMinute: 1000 },
  })
  const h = hub
  server = net.createServer((socket) => h.handle(socket, { protocol: 'MQTT', ip: '127.0.0.1' }))
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as net.AddressInfo).port
  engine = new OtaEngine({ db, hub, log })
  engine.start()

  async function fleetProduct(name: string, n: number, stepDelayMs: number, steps: number) {
    const p = await products.createProduct(db, SYSTEM_ACTOR, { name, nodeType: 'DIRECT', dataFormat: 'ALINK_JSON' })
    const list = []
    for (let i = 0; i < n; i += 1000) {
      const r = await deviceService.batchCreateDevices(db, SYSTEM_ACTOR, {
        productKey: p.productKey,
        count: Math.min(1000, n - i),
      })
      list.push(...r.devices)
    }
    const f = new Fleet({
      devices: list,
      url: `mqtt://127.0.0.1:${port}`,
      scenario: {
        count: n,
        intervalMs: 3_600_000,
        rampUpPerSecond: 500,
        ota: { enabled: true, version: '1.0', steps, stepDelayMs },
      },
    })
    fleets.push(f)
    f.start()
    for (let i = 0; i < 120 && f.stats().connected < n; i++) await sleep(500)
    await sleep(1500) // version reports land
    return { productKey: p.productKey, fleet: f }
  }

  const perMinuteSeries = async (jobRow: string, from: number, seconds: number) => {
    const { rows } = await db.pool.query<{ s: number; n: string }>(
      `SELECT floor(extract(epoch FROM notified_at) - $2)::int AS s, count(*) AS n FROM ota_task
       WHERE job_id = $1 AND notified_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [jobRow, from / 1000],
    )
    const perSecond = new Array(seconds).fill(0)
    for (const r of rows) if (r.s >= 0 && r.s < seconds) perSecond[r.s] = Number(r.n)
    return perSecond as number[]
  }

  // ── 2a. constant rate ──
  if (cfg.parts.has('constant')) {
    const { productKey } = await fleetProduct('OtaBenchConst', cfg.online, 600_000, 1)
    const fw = await firmware(productKey, '2.0')
    const rate = 600
    const t0 = Date.now()
    const j = await otaJobs.createStaticJob(db, SYSTEM_ACTOR, {
      firmwareId: fw,
      rate: { mode: 'CONSTANT', perMinute: rate },
    })
    await sleep(cfg.durationS * 1000)
    const series = await perMinuteSeries(j.id, t0, cfg.durationS)
    const pushed = series.reduce((a, b) => a + b, 0)
    const measured = Math.round((pushed * 60) / cfg.durationS)
    const deviation = (100 * (measured - rate)) / rate
    results.constant = {
      perMinute: rate,
      seconds: cfg.durationS,
      pushed,
      measuredPerMinute: measured,
      deviationPercent: Math.round(deviation * 10) / 10,
      withinFivePercent: Math.abs(deviation) <= 5,
      perSecond: series,
    }
    console.log(
      `constant ${rate}/min: ${pushed} pushed in ${cfg.durationS} s = ${measured}/min (${deviation.toFixed(1)}%, ${Math.abs(deviation) <= 5 ? 'within' : 'OUTSIDE'} ±5%; per second: ${series.join(' ')})`,
    )
    await otaJobs.cancelJob(db, SYSTEM_ACTOR, { id: j.id })
  }

  // ── 2b. variable rate: base 120, ×2 every 60 pushed, max 1,920 ──
  if (cfg.parts.has('variable')) {
    const { productKey } = await fleetProduct('OtaBenchVar', cfg.online, 600_000, 1)
    const fw = await firmware(productKey, '2.0')
    const t0 = Date.now()
    const rate = { mode: 'VARIABLE' as const, base: 120, factor: 2, max: 1920, threshold: 60, by: 'PUSHED' as const }
    const j = await otaJobs.createStaticJob(db, SYSTEM_ACTOR, { firmwareId: fw, rate })
    const seconds = Math.max(cfg.durationS, 60)
    await sleep(seconds * 1000)
    const series = await perMinuteSeries(j.id, t0, seconds)
    // pushes per 10 s window against the schedule: the expected count follows the rate as the running total moves
    // it (a window that crosses a threshold speeds up inside it), simulated in 100 ms steps
    const expected = expectedCumulative(rate, seconds)
    const windows: { from: number; pushed: number; expectedPushed: number; perMinute: number; cumulative: number }[] =
      []
    let total = 0
    for (let s = 0; s < seconds; s += 10) {
      const n = series.slice(s, s + 10).reduce((a, b) => a + b, 0)
      const e = expected[Math.min(s + 10, seconds)]! - expected[s]!
      windows.push({ from: total, pushed: n, expectedPushed: Math.round(e), perMinute: n * 6, cumulative: total + n })
      total += n
    }
    const deviation = (100 * (total - expected[seconds]!)) / expected[seconds]!
    results.variable = {
      rate,
      seconds,
      pushed: total,
      expectedPushed: Math.round(expected[seconds]!),
      deviationPercent: Math.round(deviation * 10) / 10,
      withinFivePercent: Math.abs(deviation) <= 5,
      windows,
      perSecond: series,
    }
    console.log(
      `variable (base 120, ×2 per 60 pushed, max 1920): ${total} pushed in ${seconds} s, schedule ${Math.round(expected[seconds]!)} (${deviation.toFixed(1)}%, ${Math.abs(deviation) <= 5 ? 'within' : 'OUTSIDE'} ±5%); per 10 s: ${windows.map((w) => `${w.pushed}/${w.expectedPushed}`).join(' ')}`,
    )
    await otaJobs.cancelJob(db, SYSTEM_ACTOR, { id: j.id })
  }

  // ── 3. progress reports: every device upgrades with 20 steps 100 ms apart ──
  if (cfg.parts.has('progress')) {
    const { productKey, fleet } = await fleetProduct('OtaBenchProgress', cfg.online, 100, 20)
    const fw = await firmware(productKey, '2.0')
    const t0 = Date.now()
    const j = await otaJobs.createStaticJob(db, SYSTEM_ACTOR, {
      firmwareId: fw,
      rate: { mode: 'CONSTANT', perMinute: 10_000 },
    })
    for (let i = 0; i < 120; i++) {
      await sleep(1000)
      const d = await otaJobs.jobDetail(db, j.id)
      if (d.status === 'COMPLETED') break
    }
    const elapsed = (Date.now() - t0) / 1000
    await hub.runLog.flush()
    const { rows } = await db.pool.query<{ n: string; first: Date; last: Date }>(
      `SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM run_log
       WHERE product_key = $1 AND operation = 'OTAProgressReport' AND code = 200`,
      [productKey],
    )
    const n = Number(rows[0]?.n ?? 0)
    const span = rows[0] ? (rows[0].last.getTime() - rows[0].first.getTime()) / 1000 : 1
    const d = await otaJobs.jobDetail(db, j.id)
    results.progress = {
      devices: cfg.online,
      reports: n,
      spanSeconds: span,
      perSecond: Math.round(n / Math.max(span, 0.001)),
      batchSeconds: elapsed,
      counts: d.counts,
      fleetProgressSent: fleet.stats().ota.progressReported,
    }
    console.log(
      `progress: ${n} reports stored over ${span.toFixed(1)} s = ${Math.round(n / Math.max(span, 0.001))}/s; batch of ${cfg.online} done in ${elapsed.toFixed(1)} s (${JSON.stringify(d.counts)})`,
    )
  }

  // ── 4. progress processing rate: a few devices with a running upgrade report steps as fast as they are acked ──
  if (cfg.parts.has('rate')) {
    const p = await products.createProduct(db, SYSTEM_ACTOR, {
      name: 'OtaBenchRate',
      nodeType: 'DIRECT',
      dataFormat: 'ALINK_JSON',
    })
    const { devices: list } = await deviceService.batchCreateDevices(db, SYSTEM_ACTOR, {
      productKey: p.productKey,
      count: cfg.reporters,
    })
    const devs: Device[] = []
    for (let i = 0; i < list.length; i += 50)
      devs.push(
        ...(await Promise.all(
          list.slice(i, i + 50).map((d) =>
            Device.connect({
              url: `mqtt://127.0.0.1:${port}`,
              productKey: p.productKey,
              deviceName: d.deviceName,
              deviceSecret: d.deviceSecret,
              reconnectPeriod: 0,
            }),
          ),
        )),
      )
    await Promise.all(devs.map((d) => d.reportVersion('1.0')))
    await sleep(1000)
    const fw = await firmware(p.productKey, '2.0')
    const j = await otaJobs.createStaticJob(db, SYSTEM_ACTOR, {
      firmwareId: fw,
      rate: { mode: 'CONSTANT', perMinute: 10_000 },
    })
    for (let i = 0; i < 60; i++) {
      const d = await otaJobs.jobDetail(db, j.id)
      if ((d.counts as Record<string, number>).NOTIFIED === cfg.reporters) break
      await sleep(500)
    }
    const before = h.pipeline.ota.progressStats()
    let acked = 0
    let errors = 0
    const perSecond: number[] = []
    const t0 = performance.now()
    const end = t0 + cfg.durationS * 1000
    const tick = setInterval(() => perSecond.push(acked - perSecond.reduce((a, b) => a + b, 0)), 1000)
    await Promise.all(
      devs.flatMap((d, di) =>
        Array.from({ length: cfg.inflight }, async (_, k) => {
          let step = 1 + k
          const topic = topics.otaProgress(d.productKey, d.deviceName)
          while (performance.now() < end) {
            const s = 1 + ((step - 1) % 99)
            step += cfg.inflight
            try {
              await d.publish(
                topic,
                JSON.stringify({ id: `${di}-${step}`, params: { step: String(s), desc: 'bench' } }),
                1,
              )
              acked++
            } catch {
              errors++
            }
          }
        }),
      ),
    )
    clearInterval(tick)
    const seconds = (performance.now() - t0) / 1000
    const after = h.pipeline.ota.progressStats()
    await hub.runLog.flush()
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM run_log WHERE product_key = $1 AND operation = 'OTAProgressReport' AND code = 200
         AND content NOT LIKE '%no upgrade%'`,
      [p.productKey],
    )
    const { rows: tasks } = await db.pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM ota_task WHERE job_id = $1 GROUP BY status`,
      [j.id],
    )
    const writes = after.writes - before.writes
    const reports = after.reports - before.reports
    results.rate = {
      reporters: cfg.reporters,
      inflight: cfg.inflight,
      seconds: Math.round(seconds * 10) / 10,
      acked,
      errors,
      perSecond: Math.round(acked / seconds),
      series: perSecond,
      storedRunLogRows: Number(rows[0]?.n ?? 0),
      groupWrites: writes,
      reportsPerWrite: Math.round((reports / Math.max(writes, 1)) * 10) / 10,
      tasks: Object.fromEntries(tasks.map((t) => [t.status, Number(t.n)])),
    }
    console.log(
      `progress rate: ${acked.toLocaleString()} reports acknowledged in ${seconds.toFixed(1)} s = ${Math.round(acked / seconds).toLocaleString()}/s from ${cfg.reporters} devices (${cfg.inflight} in flight each); ${writes} group writes, ${(reports / Math.max(writes, 1)).toFixed(1)} reports each; run-log rows ${rows[0]?.n}; tasks ${JSON.stringify(results.rate && (results.rate as { tasks: unknown }).tasks)}; per second: ${perSecond.join(' ')}`,
    )
    await Promise.all(devs.map((d) => d.close(true).catch(() => {})))
  }
} finally {
  await Promise.all(fleets.map((f) => f.stop().catch(() => {})))
  await engine?.stop()
  await hub?.close().catch(() => {})
  server?.close()
  await db.close()
  await pg.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
const out =
  argv.out ?? path.join(here, 'results', `ota-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`)
if (out !== '-') {
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${path.relative(process.cwd(), out)}`)
}
