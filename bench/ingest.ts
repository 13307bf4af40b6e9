// Ingest benchmark: N simulated devices post properties (QoS 1) as fast as a per-device window allows, first
// through a whole IoT Ops node (auth → ACL → limits → Alink router → PostgreSQL → _reply; the PUBACK is sent only
// once the rows are durable), then through a bare mosquitto (QoS 1 in, forwarded to one QoS 1 subscriber on
// `/sys/#`). Prints msgs/s and ack latency for both and the ratio; writes bench/results/ingest-<date>.json.
//
//   pnpm bench                                 (from the repo root; = pnpm --filter @iotops/bench bench)
//   pnpm --filter @iotops/bench bench -- --devices 200 --duration 20 --window 16
//
// Options (argv, or env BENCH_<NAME> with dashes as underscores):
//   --devices N        simulated devices (200)            --duration S   measured seconds (20)
//   --warmup S         unmeasured seconds first (3)       --window W     QoS 1 messages in flight per device (16)
//   --procs P          load-generator processes (1)       --targets L    iotops,mosquitto (both, in that order)
//   --repeat R         rounds of all targets, alternating; the median run per target is reported (1)
//   --quiet-wait S     before each run, wait up to S s for the machine to be idle (< 25 % of one core busy) (120)
//   --server-flags=F   extra node flags for the IoT Ops server, e.g. --server-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"
//   --mosquitto PATH   (/usr/sbin/mosquitto)              --keep-data    keep the node's DATA_DIR and server.log
//   --payload P        timed: values as {value, time}, time strictly increasing per device (default);
//                      plain: bare values, stamped by the platform with its receive time (ms)
//   --server-root DIR  run the server from another checkout (A/B a change on a scratch copy)
//   --out FILE         result JSON (bench/results/ingest-<date>.json); "-" to skip
import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Histogram } from './lib/histogram'
import type { BenchDevice, LoadgenInit, LoadgenResult } from './lib/loadgen'
import { cpuPercent, machineCpu, sleep, stopChild, sumCpu, treeCpu } from './lib/proc'
import { type DbStats, type StoredRows, startIotops, startMosquitto, type Target } from './lib/targets'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')

const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    devices: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    window: { type: 'string' },
    procs: { type: 'string' },
    repeat: { type: 'string' },
    'quiet-wait': { type: 'string' },
    targets: { type: 'string' },
    'server-flags': { type: 'string' },
    mosquitto: { type: 'string' },
    'keep-data': { type: 'boolean' },
    out: { type: 'string' },
    payload: { type: 'string' },
    'server-root': { type: 'string' },
  },
})
const opt = (name: keyof typeof argv, dflt: string): string => {
  const v = argv[name] ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
  return v === undefined || v === '' ? dflt : String(v)
}
const int = (name: keyof typeof argv, dflt: number, min: number, max: number) => {
  const n = Number(opt(name, String(dflt)))
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in ${min}…${max}`)
  return n
}

const cfg = {
  devices: int('devices', 200, 1, 20_000),
  durationS: int('duration', 20, 1, 600),
  warmupS: int('warmup', 3, 0, 120),
  window: int('window', 16, 1, 1000),
  procs: int('procs', 1, 1, 16),
  repeat: int('repeat', 1, 1, 20),
  quietWaitS: int('quiet-wait', 120, 0, 3600),
  targets: opt('targets', 'iotops,mosquitto')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as ('iotops' | 'mosquitto')[],
  serverFlags: opt('server-flags', '').split(/\s+/).filter(Boolean),
  mosquitto: opt('mosquitto', '/usr/sbin/mosquitto'),
  keepData: argv['keep-data'] ?? process.env.BENCH_KEEP_DATA === '1',
  out: opt('out', ''),
  payload: opt('payload', 'timed') as 'timed' | 'plain',
  serverRoot: path.resolve(opt('server-root', root)),
  drainMs: 30_000,
}
if (cfg.payload !== 'timed' && cfg.payload !== 'plain') throw new Error('--payload must be timed or plain')
for (const t of cfg.targets)
  if (t !== 'iotops' && t !== 'mosquitto') throw new Error(`unknown target ${t}; use iotops, mosquitto`)

const log = (s: string) => console.log(`[bench] ${s}`)

interface TargetResult {
  target: string
  version: string
  devices: number
  msgsPerSec: number
  ackedInWindow: number
  published: number
  acked: number
  unacked: number
  publishErrors: number
  disconnects: number
  ackLatencyMs: { p50: number; p95: number; p99: number; max: number; mean: number; samples: number }
  /** iotops: _reply messages (code 200) for the messages sent; reply latency */
  replies?: { received: number; ok: number; perSec: number; latencyMs: { p50: number; p99: number } }
  /** mosquitto: what the `/sys/#` QoS 1 subscriber received */
  subscriber?: { received: number; perSec: number }
  /** % of one core over the measured window (200 = both cores) */
  cpu: {
    systemUnderTest: Record<string, number>
    systemUnderTestTotal: number
    loadgen: number
    loadgenElu: number[]
    /** everything else on the machine over the window (other sessions, the orchestrator, the kernel) */
    other: number
    /** CPU time per acknowledged message (µs): the system under test, and the load generator */
    usPerMessage: { systemUnderTest: number; loadgen: number }
  }
  db?: { transactionsPerSec: number; transactionsPerMessage: number; rowsInsertedPerMessage: number }
  stored?: StoredRows & { propertyRowsPerAckedMessage: number }
  connectMs: number
  round?: number
}

const q = (h: Histogram, p: number) => Math.round(h.quantile(p) * 100) / 100

async function runTarget(t: Target): Promise<TargetResult> {
  // load generators: separate processes (fork keeps tsx's loader), devices split evenly
  const slices: BenchDevice[][] = Array.from({ length: cfg.procs }, () => [])
  for (const [i, d] of t.devices.entries()) slices[i % cfg.procs]!.push(d)
  const children: ChildProcess[] = []
  const results: LoadgenResult[] = []
  try {
    const ready = slices.map((devices, i) => {
      const child = fork(path.join(here, 'lib', 'loadgen.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      children.push(child)
      const init: LoadgenInit = {
        target: t.name,
        url: t.url,
        devices,
        window: cfg.window,
        subscriber: t.name === 'mosquitto' && i === 0,
        drainMs: cfg.drainMs,
        payload: cfg.payload,
      }
      return new Promise<{ connectMs: number; child: ChildProcess }>((resolve, reject) => {
        child.on('message', (m: { type: string; message?: string; connectMs?: number } & LoadgenResult) => {
          if (m.type === 'ready') resolve({ connectMs: m.connectMs!, child })
          else if (m.type === 'result') results.push(m)
          else if (m.type === 'error') reject(new Error(`load generator: ${m.message}`))
        })
        child.once('exit', (code) => reject(new Error(`load generator exited (${code}) before it was ready`)))
        child.send({ type: 'init', ...init })
      })
    })
    const r = await Promise.all(ready)
    const connectMs = Math.max(...r.map((x) => x.connectMs))
    log(
      `${t.name}: ${t.devices.length} devices connected in ${connectMs} ms; warm-up ${cfg.warmupS} s, measuring ${cfg.durationS} s…`,
    )

    const t0 = Date.now() + 200 + cfg.warmupS * 1000
    const t1 = t0 + cfg.durationS * 1000
    const done = children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.on('message', (m: { type: string }) => m.type === 'result' && resolve())
          c.once('exit', () => resolve())
        }),
    )
    for (const c of children) c.send({ type: 'go', t0, t1 })

    await sleep(Math.max(0, t0 - Date.now()))
    const sut0 = treeCpu(t.pid)
    const gen0 = children.map((c) => treeCpu(c.pid!))
    const m0 = machineCpu()
    const db0 = (await t.dbStats?.()) ?? null
    await sleep(Math.max(0, t1 - Date.now()))
    const sut1 = treeCpu(t.pid)
    const gen1 = children.map((c) => treeCpu(c.pid!))
    const m1 = machineCpu()
    const db1 = (await t.dbStats?.()) ?? null
    const seconds = (t1 - t0) / 1000
    const gone = t.exited()
    if (gone) throw new Error(`${t.name} stopped during the measurement: ${gone}`)
    log(`${t.name}: measured; draining…`)
    await Promise.race([Promise.all(done), sleep(cfg.drainMs + 15_000)])
    if (results.length < children.length)
      throw new Error(`${children.length - results.length} load generator(s) did not report`)
    const stored = (await t.storedRows?.()) ?? null

    const ack = new Histogram()
    const reply = new Histogram()
    for (const x of results) {
      ack.merge(Histogram.from(x.ackLatency))
      reply.merge(Histogram.from(x.replyLatency))
    }
    const sum = (f: (x: LoadgenResult) => number) => results.reduce((a, x) => a + f(x), 0)
    const ackedInWindow = sum((x) => x.ackedInWindow)
    const acked = sum((x) => x.acked)
    const sutCpu = cpuPercent(sut0, sut1, seconds)
    const genCpu = gen0.reduce((a, g, i) => a + sumCpu(cpuPercent(g, gen1[i]!, seconds)), 0)
    const res: TargetResult = {
      target: t.name,
      version: t.version,
      devices: t.devices.length,
      msgsPerSec: Math.round(ackedInWindow / seconds),
      ackedInWindow,
      published: sum((x) => x.published),
      acked,
      unacked: sum((x) => x.unacked),
      publishErrors: sum((x) => x.publishErrors),
      disconnects: sum((x) => x.disconnects),
      ackLatencyMs: {
        p50: q(ack, 0.5),
        p95: q(ack, 0.95),
        p99: q(ack, 0.99),
        max: Math.round(ack.max * 100) / 100,
        mean: Math.round(ack.mean * 100) / 100,
        samples: ack.count,
      },
      cpu: {
        systemUnderTest: sutCpu,
        systemUnderTestTotal: sumCpu(sutCpu),
        loadgen: Math.round(genCpu * 10) / 10,
        loadgenElu: results.map((x) => x.elu),
        other: Math.max(0, Math.round((((m1.busy - m0.busy) / seconds) * 100 - sumCpu(sutCpu) - genCpu) * 10) / 10),
        usPerMessage: {
          systemUnderTest: ackedInWindow ? Math.round((sumCpu(sutCpu) * 10_000) / (ackedInWindow / seconds)) : 0,
          loadgen: ackedInWindow ? Math.round((genCpu * 10_000) / (ackedInWindow / seconds)) : 0,
        },
      },
      connectMs,
    }
    if (t.name === 'iotops') {
      res.replies = {
        received: sum((x) => x.replies),
        ok: sum((x) => x.repliesOk),
        perSec: Math.round(sum((x) => x.repliesInWindow) / seconds),
        latencyMs: { p50: q(reply, 0.5), p99: q(reply, 0.99) },
      }
    } else {
      res.subscriber = {
        received: sum((x) => x.subReceived),
        perSec: Math.round(sum((x) => x.subReceivedInWindow) / seconds),
      }
    }
    if (db0 && db1) res.db = dbFigures(db0, db1, seconds, ackedInWindow)
    if (stored)
      res.stored = {
        ...stored,
        propertyRowsPerAckedMessage: Math.round((stored.propertyHistory / Math.max(1, acked)) * 1000) / 1000,
      }
    return res
  } finally {
    for (const c of children) if (c.connected) c.send({ type: 'exit' })
    await Promise.all(children.map((c) => stopChild(c, 10_000)))
  }
}

function dbFigures(a: DbStats, b: DbStats, seconds: number, msgs: number) {
  const tx = b.xactCommit - a.xactCommit
  return {
    transactionsPerSec: Math.round(tx / seconds),
    transactionsPerMessage: Math.round((tx / Math.max(1, msgs)) * 1000) / 1000,
    rowsInsertedPerMessage: Math.round(((b.tupInserted - a.tupInserted) / Math.max(1, msgs)) * 100) / 100,
  }
}

function table(rows: TargetResult[]) {
  const head = [
    'target',
    'msgs/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'delivered/s',
    'CPU SUT %',
    'SUT µs/msg',
    'CPU loadgen %',
    'CPU other %',
  ]
  const body = rows.map((r) => [
    r.target,
    String(r.msgsPerSec),
    String(r.ackLatencyMs.p50),
    String(r.ackLatencyMs.p95),
    String(r.ackLatencyMs.p99),
    String(r.ackLatencyMs.max),
    String(r.replies?.perSec ?? r.subscriber?.perSec ?? ''),
    `${r.cpu.systemUnderTestTotal} (${Object.entries(r.cpu.systemUnderTest)
      .filter(([, v]) => v >= 0.5)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    String(r.cpu.usPerMessage.systemUnderTest),
    String(r.cpu.loadgen),
    String(r.cpu.other),
  ])
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...body.map(line)].join('\n')
}

/** Other work on a 2-core machine distorts the figures: wait (bounded) until it is idle. */
async function waitQuiet() {
  const end = Date.now() + cfg.quietWaitS * 1000
  let busy = 0
  do {
    const a = machineCpu()
    await sleep(2000)
    busy = Math.round(((machineCpu().busy - a.busy) / 2) * 100)
    if (busy < 25) return
    log(`machine busy (${busy} % CPU from other processes); waiting for it to settle…`)
  } while (Date.now() < end)
  log(`machine still busy (${busy} % CPU) after ${cfg.quietWaitS} s; measuring anyway (see "CPU other %")`)
}

async function main() {
  log(
    `ingest: ${cfg.devices} devices × window ${cfg.window}, QoS 1, ${cfg.payload} payload, warm-up ${cfg.warmupS} s + ${cfg.durationS} s, ` +
      `${cfg.repeat} round(s), ${cfg.procs} load-generator process(es); ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}`,
  )
  const runs: TargetResult[] = []
  let current: Target | null = null
  let interrupted = false
  const onSignal = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    log('interrupted: stopping the system under test…')
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // rounds alternate the targets so that a slow spell on the machine hits both alike
  for (let round = 1; round <= cfg.repeat; round++) {
    for (const name of cfg.targets) {
      if (cfg.repeat > 1) log(`round ${round}/${cfg.repeat}: ${name}`)
      await waitQuiet()
      current =
        name === 'iotops'
          ? await startIotops({
              root: cfg.serverRoot,
              devices: cfg.devices,
              serverNodeFlags: cfg.serverFlags,
              keepData: cfg.keepData,
              log,
            })
          : await startMosquitto({ bin: cfg.mosquitto, devices: cfg.devices, log })
      try {
        const r = await runTarget(current)
        runs.push({ ...r, round })
        log(
          `${name}: ${r.msgsPerSec} msgs/s, ack p99 ${r.ackLatencyMs.p99} ms; other load on the machine ${r.cpu.other} % CPU`,
        )
      } finally {
        await current.stop()
        current = null
      }
    }
  }

  // per target: the run with the median throughput
  const median = (name: string) => {
    const l = runs.filter((r) => r.target === name).sort((a, b) => a.msgsPerSec - b.msgsPerSec)
    return l.length ? l[Math.floor((l.length - 1) / 2)]! : undefined
  }
  const io = median('iotops')
  const mq = median('mosquitto')
  const summary = [io, mq].filter((x): x is TargetResult => !!x)
  if (cfg.repeat > 1) console.log(`\nall runs:\n${table(runs)}\n\nmedian run per target:`)
  console.log(`\n${table(summary)}\n`)
  const ratio = io && mq ? Math.round((io.msgsPerSec / mq.msgsPerSec) * 1000) / 1000 : null
  if (ratio !== null)
    console.log(`ratio iotops / mosquitto: ${ratio.toFixed(3)}× (target ≥ 0.5×) — ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`)
  // what each target would reach with the whole machine to itself and the load generator, from CPU per message
  // (robust against other work on a shared box; an estimate, not a measurement)
  const capacity = (r: TargetResult | undefined) =>
    r?.msgsPerSec
      ? Math.round((os.cpus().length * 1e6) / (r.cpu.usPerMessage.systemUnderTest + r.cpu.usPerMessage.loadgen))
      : null
  const capIo = capacity(io)
  const capMq = capacity(mq)
  const cpuRatio = capIo && capMq ? Math.round((capIo / capMq) * 1000) / 1000 : null
  for (const r of summary)
    console.log(
      `${r.target}: ${r.cpu.usPerMessage.systemUnderTest} µs CPU per message in the system under test + ${r.cpu.usPerMessage.loadgen} µs in the load generator → ≈ ${capacity(r)} msgs/s with all ${os.cpus().length} cores`,
    )
  if (cpuRatio !== null) console.log(`CPU-normalised ratio iotops / mosquitto: ${cpuRatio.toFixed(3)}×`)
  for (const r of summary) {
    if (r.replies)
      console.log(
        `iotops _reply: ${r.replies.ok}/${r.replies.received} code 200 for ${r.acked} acked; reply p50 ${r.replies.latencyMs.p50} ms, p99 ${r.replies.latencyMs.p99} ms`,
      )
    if (r.stored)
      console.log(
        `iotops stored: property_history ${r.stored.propertyHistory} rows = ${r.stored.propertyRowsPerAckedMessage} per acked message (expect 2); run_log ${JSON.stringify(r.stored.runLogByBizType)}`,
      )
    if (r.db)
      console.log(
        `iotops PostgreSQL: ${r.db.transactionsPerSec} tx/s, ${r.db.transactionsPerMessage} tx and ${r.db.rowsInsertedPerMessage} rows inserted per message`,
      )
    if (r.subscriber) console.log(`mosquitto subscriber: ${r.subscriber.received} received of ${r.acked} acked`)
  }
  for (const r of runs) {
    if (r.unacked || r.publishErrors || r.disconnects)
      console.log(
        `${r.target} round ${r.round}: ${r.unacked} unacked, ${r.publishErrors} publish errors, ${r.disconnects} disconnects`,
      )
    if (r.cpu.other > 15)
      console.log(
        `${r.target} round ${r.round}: other processes used ${r.cpu.other} % CPU during the window — figures are disturbed`,
      )
  }

  if (cfg.out !== '-') {
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '')
    const file = cfg.out || path.join(here, 'results', `ingest-${stamp}.json`)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const doc = {
      bench: 'ingest',
      at: new Date().toISOString(),
      commit: io?.version,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model.trim(),
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      params: {
        devices: cfg.devices,
        durationS: cfg.durationS,
        warmupS: cfg.warmupS,
        window: cfg.window,
        qos: 1,
        payload: cfg.payload,
        repeat: cfg.repeat,
        loadgenProcs: cfg.procs,
        serverFlags: cfg.serverFlags,
        serverRoot: cfg.serverRoot === root ? undefined : cfg.serverRoot,
      },
      ratio,
      target: 0.5,
      cpuNormalised: { iotopsMsgsPerSec: capIo, mosquittoMsgsPerSec: capMq, ratio: cpuRatio },
      median: { iotops: io, mosquitto: mq },
      runs,
    }
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
    log(`wrote ${path.relative(process.cwd(), file)}`)
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`[bench] failed: ${e.message}`)
    process.exit(1)
  },
)
