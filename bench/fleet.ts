// Fleet-simulation benchmark (issue 4): 10,000 virtual devices (`Fleet` of @iotops/device-sdk, one process)
// posting properties at 1 msg/s each against one IoT Ops node. Prints connected devices, achieved msgs/s (PUBACKed
// and `_reply` code 200), the fleet process's memory per virtual device and the node's memory and CPU; writes
// bench/results/fleet-<date>.json.
//
//   pnpm --filter @iotops/bench fleet
//   pnpm --filter @iotops/bench fleet -- --devices 2000 --duration 20
//
// Options (argv, or env BENCH_<NAME> with dashes as underscores):
//   --devices N      virtual devices (10000)              --interval MS   ms between posts per device (1000)
//   --ramp R         connections per second (250; the node allows 500/s per account)
//   --warmup S       unmeasured seconds once all are connected (10)   --duration S   measured seconds (30)
//   --qos Q          0 or 1 (1)                           --max-inflight M  unacked QoS 1 posts per device (2)
//   --posts-start M  after-ramp-up: devices post once all are connected (default); on-connect: each as soon as it
//                    is connected (the node then has to accept CONNECTs under full message load)
//   --quiet-wait S   before starting, wait up to S s for the machine to be idle (< 25 % of one core busy) (120)
//   --keep-data      keep the node's DATA_DIR and server.log   --out FILE   result JSON ("-" to skip)
import { type ChildProcess, fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { FleetStats, TFleetScenarioInput } from '@iotops/device-sdk/fleet'
import type { RunnerMem, RunnerReply, RunnerRequest } from './lib/fleet-runner'
import { cpuPercent, machineCpu, sleep, stopChild, sumCpu, treeCpu } from './lib/proc'
import { startIotops, type Target } from './lib/targets'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')

const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    devices: { type: 'string' },
    interval: { type: 'string' },
    ramp: { type: 'string' },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    qos: { type: 'string' },
    'max-inflight': { type: 'string' },
    'posts-start': { type: 'string' },
    'quiet-wait': { type: 'string' },
    'keep-data': { type: 'boolean' },
    out: { type: 'string' },
  },
})
const opt = (name: keyof typeof argv, dflt: string): string => {
  const v = argv[name] ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
  return v === undefined || v === '' ? dflt : String(v)
}
const int = (name: keyof typeof argv, dflt: number, min: number, max: number) => {
  const n = Number(opt(name, String(dflt)))
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number in ${min}…${max}`)
  return n
}
const cfg = {
  devices: int('devices', 10_000, 1, 10_000),
  intervalMs: int('interval', 1000, 1000, 3_600_000),
  ramp: int('ramp', 250, 1, 5000),
  warmupS: int('warmup', 10, 0, 600),
  durationS: int('duration', 30, 1, 3600),
  qos: int('qos', 1, 0, 1) as 0 | 1,
  maxInflight: int('max-inflight', 2, 1, 100),
  postsStart: opt('posts-start', 'after-ramp-up'),
  quietWaitS: int('quiet-wait', 120, 0, 3600),
  keepData: argv['keep-data'] ?? process.env.BENCH_KEEP_DATA === '1',
  out: opt('out', ''),
}
if (cfg.postsStart !== 'after-ramp-up' && cfg.postsStart !== 'on-connect')
  throw new Error('--posts-start must be after-ramp-up or on-connect')
const log = (s: string) => console.log(`[fleet-bench] ${s}`)

/** The fleet child: one request at a time, answered by a reply of the same type. */
class Runner {
  private waiting: { type: string; resolve: (r: RunnerReply) => void; reject: (e: Error) => void } | null = null
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: RunnerReply) => {
      const w = this.waiting
      if (!w) return
      this.waiting = null
      if (m.type === 'error') w.reject(new Error(`fleet process: ${m.message}`))
      else w.resolve(m)
    })
    child.once('exit', (code) => this.waiting?.reject(new Error(`the fleet process exited (${code})`)))
  }
  ask<T extends RunnerReply['type']>(req: RunnerRequest & { type: T }): Promise<Extract<RunnerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting = { type: req.type, resolve: resolve as (r: RunnerReply) => void, reject }
      this.child.send(req)
    })
  }
}

/** RSS of one process (VmRSS), and PSS summed over the rest of its tree (PostgreSQL shares its buffers). */
function treeMemory(rootPid: number): { rootRss: number; childrenPss: number } {
  const kb = (file: string, field: string) => {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(file, 'utf8'))
      return m ? Number(m[1]) * 1024 : 0
    } catch {
      return 0
    }
  }
  let childrenPss = 0
  for (const pid of treeCpu(rootPid).keys()) if (pid !== rootPid) childrenPss += kb(`/proc/${pid}/smaps_rollup`, 'Pss')
  return { rootRss: kb(`/proc/${rootPid}/status`, 'VmRSS'), childrenPss }
}

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
  log(`machine still busy (${busy} % CPU) after ${cfg.quietWaitS} s; measuring anyway (see "CPU other")`)
}

const MB = 1024 * 1024
const r1 = (x: number) => Math.round(x * 10) / 10
const refusedTotal = (s: FleetStats) => Object.values(s.errors.connectRefused).reduce((a, b) => a + b, 0)

async function main() {
  log(
    `${cfg.devices} virtual devices × 1 post per ${cfg.intervalMs} ms (QoS ${cfg.qos}, ≤ ${cfg.maxInflight} unacked), ramp-up ${cfg.ramp}/s, ` +
      `posts start ${cfg.postsStart}, warm-up ${cfg.warmupS} s + ${cfg.durationS} s; ${os.cpus().length} CPUs, Node ${process.version}`,
  )
  await waitQuiet()
  let target: Target | null = null
  let child: ChildProcess | null = null
  const cleanup = async () => {
    if (child) await stopChild(child, 15_000)
    await target?.stop()
  }
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)))
  try {
    target = await startIotops({ root, devices: cfg.devices, serverNodeFlags: [], keepData: cfg.keepData, log })
    const t = target
    const scenario: TFleetScenarioInput = {
      name: 'fleet bench',
      count: cfg.devices,
      intervalMs: cfg.intervalMs,
      jitter: 0.1,
      qos: cfg.qos,
      rampUpPerSecond: cfg.ramp,
      maxInflight: cfg.maxInflight,
      postAfterRampUp: cfg.postsStart === 'after-ramp-up',
      // a saturated node answers CONNECTs late: wait rather than retry
      connectTimeoutMs: 60_000,
      properties: {
        temperature: { kind: 'random', min: 15, max: 35, decimals: 0 },
        humidity: { kind: 'randomWalk', min: 30, max: 70, step: 1, decimals: 1 },
      },
    }
    child = fork(path.join(here, 'lib', 'fleet-runner.ts'), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const runner = new Runner(child)
    const devices = t.devices.map((d) => ({
      productKey: d.productKey,
      deviceName: d.deviceName,
      deviceSecret: d.deviceSecret!,
    }))
    const init = await runner.ask({ type: 'init', url: t.url, devices, scenario })
    const memBefore: RunnerMem = init.mem
    const nodeMemBefore = treeMemory(t.pid)
    log(
      `fleet process before connecting: RSS ${r1(memBefore.rss / MB)} MB (heap ${r1(memBefore.heapUsed / MB)} MB); ` +
        `node RSS ${r1(nodeMemBefore.rootRss / MB)} MB`,
    )

    // ramp-up: until every device is connected (or stalls)
    const t0 = Date.now()
    await runner.ask({ type: 'start' })
    // until all are connected; gives up when the count has not grown for 30 s
    let s = (await runner.ask({ type: 'stats' })).stats
    let lastLine = 0
    let best = 0
    let bestAt = Date.now()
    while (s.connected < cfg.devices && Date.now() - bestAt < 30_000) {
      await sleep(500)
      s = (await runner.ask({ type: 'stats' })).stats
      if (s.connected > best) {
        best = s.connected
        bestAt = Date.now()
      }
      if (Date.now() - lastLine >= 5000) {
        lastLine = Date.now()
        log(
          `ramp-up ${Math.round((Date.now() - t0) / 1000)} s: connected ${s.connected}, connecting ${s.connecting}, ` +
            `refused ${refusedTotal(s)}, failed ${s.errors.connectFailed}, sent/s ${s.msgsPerSecond}, acked/s ${s.ackedPerSecond}`,
        )
      }
      const gone = t.exited()
      if (gone) throw new Error(gone)
    }
    const connectMs = Date.now() - t0
    log(`${s.connected} of ${cfg.devices} connected after ${r1(connectMs / 1000)} s; warm-up ${cfg.warmupS} s…`)
    await sleep(cfg.warmupS * 1000)

    // the measured window
    const a = await runner.ask({ type: 'stats' })
    const ta = Date.now()
    const nodeCpuA = treeCpu(t.pid)
    const fleetCpuA = treeCpu(child.pid!)
    const machineA = machineCpu()
    const rssSamples: number[] = []
    const nodeRssSamples: number[] = []
    const connectedSamples: number[] = []
    const end = ta + cfg.durationS * 1000
    while (Date.now() < end) {
      await sleep(Math.min(2000, end - Date.now()))
      const x = await runner.ask({ type: 'stats' })
      rssSamples.push(x.mem.rss)
      connectedSamples.push(x.stats.connected)
      nodeRssSamples.push(treeMemory(t.pid).rootRss)
    }
    const b = await runner.ask({ type: 'stats' })
    const tb = Date.now()
    const nodeCpuB = treeCpu(t.pid)
    const fleetCpuB = treeCpu(child.pid!)
    const machineB = machineCpu()
    const seconds = (tb - ta) / 1000
    const gone = t.exited()
    if (gone) throw new Error(`the node stopped during the measurement: ${gone}`)

    // memory with every device connected, after a full GC (what the fleet keeps, not its garbage)
    const afterGc = await runner.ask({ type: 'stats', gc: true })
    const nodeMem = treeMemory(t.pid)
    const sa = a.stats
    const sb = b.stats
    const n = sb.connected
    const d = (f: (x: FleetStats) => number) => f(sb) - f(sa)
    const replies = d((x) => x.repliesOk + x.repliesError)
    const nodeCpu = cpuPercent(nodeCpuA, nodeCpuB, seconds)
    const fleetCpu = sumCpu(cpuPercent(fleetCpuA, fleetCpuB, seconds))
    const machine = ((machineB.busy - machineA.busy) / seconds) * 100
    const maxRss = Math.max(...rssSamples, afterGc.mem.rss)
    const perDevice = (bytes: number) => r1(bytes / Math.max(1, n) / 1024)

    const result = {
      devices: cfg.devices,
      connected: n,
      connectedMin: Math.min(...connectedSamples, n),
      connectSeconds: r1(connectMs / 1000),
      offeredMsgsPerSec: Math.round((cfg.devices * 1000) / cfg.intervalMs),
      sentPerSec: Math.round(d((x) => x.sentTotal) / seconds),
      ackedPerSec: Math.round(d((x) => x.ackedTotal) / seconds),
      repliesPerSec: Math.round(replies / seconds),
      reply200Ratio: replies ? Math.round((d((x) => x.repliesOk) / replies) * 10000) / 10000 : null,
      skippedTicksPerSec: Math.round(d((x) => x.skippedTicks) / seconds),
      replyTimeoutsInWindow: d((x) => x.errors.timeouts),
      replyLatencyMs: sb.replyLatencyMs,
      errors: sb.errors,
      fleetMemory: {
        rssBeforeMB: r1(memBefore.rss / MB),
        rssConnectedAfterGcMB: r1(afterGc.mem.rss / MB),
        rssMaxDuringWindowMB: r1(maxRss / MB),
        heapUsedBeforeMB: r1(memBefore.heapUsed / MB),
        heapUsedConnectedAfterGcMB: r1(afterGc.mem.heapUsed / MB),
        /** (RSS with N connected, after GC − RSS before connecting) / N */
        kbPerDeviceDelta: perDevice(afterGc.mem.rss - memBefore.rss),
        /** the same with the highest RSS seen during the window (garbage included) */
        kbPerDeviceDeltaPeak: perDevice(maxRss - memBefore.rss),
        /** whole process RSS / N (modules, device list and all) */
        kbPerDeviceTotal: perDevice(afterGc.mem.rss),
        heapKbPerDevice: perDevice(afterGc.mem.heapUsed - memBefore.heapUsed),
        targetKbPerDevice: 25,
      },
      node: {
        rssBeforeMB: r1(nodeMemBefore.rootRss / MB),
        rssMB: r1(nodeMem.rootRss / MB),
        rssMaxDuringWindowMB: r1(Math.max(...nodeRssSamples, nodeMem.rootRss) / MB),
        kbPerConnection: perDevice(nodeMem.rootRss - nodeMemBefore.rootRss),
        postgresPssMB: r1(nodeMem.childrenPss / MB),
      },
      cpu: {
        node: nodeCpu,
        nodeTotal: sumCpu(nodeCpu),
        fleet: r1(fleetCpu),
        fleetEventLoopUtilisation:
          Math.round(
            ((b.elu.active - a.elu.active) / Math.max(1, b.elu.active + b.elu.idle - a.elu.active - a.elu.idle)) * 1000,
          ) / 1000,
        other: Math.max(0, r1(machine - sumCpu(nodeCpu) - fleetCpu)),
        fleetUsPerMessage:
          sb.sentTotal > sa.sentTotal ? Math.round((fleetCpu * 10_000) / (d((x) => x.sentTotal) / seconds)) : 0,
      },
      stopSeconds: 0,
    }
    const stop = await runner.ask({ type: 'stop' })
    result.stopSeconds = r1(stop.ms / 1000)

    console.log('')
    console.log(`| figure | value |`)
    console.log(`|---|---|`)
    const row = (k: string, v: string | number) => console.log(`| ${k} | ${v} |`)
    row(
      'devices connected (end of window / lowest in window)',
      `${result.connected} / ${result.connectedMin} of ${cfg.devices}`,
    )
    row('connect ramp-up', `${result.connectSeconds} s at ${cfg.ramp}/s`)
    row('offered load', `${result.offeredMsgsPerSec} msgs/s`)
    row('achieved (PUBACKed) msgs/s', result.ackedPerSec)
    row('sent msgs/s / `_reply` per s', `${result.sentPerSec} / ${result.repliesPerSec}`)
    row('`_reply` code 200 ratio', result.reply200Ratio ?? '-')
    row('ticks skipped (device had unacked posts) /s', result.skippedTicksPerSec)
    row('reply latency avg / max', `${sb.replyLatencyMs.avg} / ${sb.replyLatencyMs.max} ms`)
    row(
      'fleet RSS per device: (connected − before) / N',
      `${result.fleetMemory.kbPerDeviceDelta} KB (peak in window ${result.fleetMemory.kbPerDeviceDeltaPeak} KB; target ≤ 25)`,
    )
    row(
      'fleet RSS total / N',
      `${result.fleetMemory.kbPerDeviceTotal} KB (${result.fleetMemory.rssConnectedAfterGcMB} MB)`,
    )
    row('fleet heap per device', `${result.fleetMemory.heapKbPerDevice} KB`)
    row(
      'node RSS (before → connected)',
      `${result.node.rssBeforeMB} → ${result.node.rssMB} MB (${result.node.kbPerConnection} KB per connection)`,
    )
    row('PostgreSQL PSS', `${result.node.postgresPssMB} MB`)
    row(
      'CPU % of one core',
      `node+postgres ${result.cpu.nodeTotal} (${Object.entries(nodeCpu)
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}), fleet ${result.cpu.fleet} (${result.cpu.fleetUsPerMessage} µs/msg, event loop ${Math.round(result.cpu.fleetEventLoopUtilisation * 100)} % busy), other ${result.cpu.other}`,
    )
    row('stop() (disconnect all)', `${result.stopSeconds} s`)
    console.log('')
    const met = result.fleetMemory.kbPerDeviceDelta <= 25
    log(
      `memory per virtual device ${result.fleetMemory.kbPerDeviceDelta} KB — target ≤ 25 KB ${met ? 'MET' : 'NOT MET'}`,
    )
    log(
      `${result.ackedPerSec} msgs/s achieved of ${result.offeredMsgsPerSec} offered${result.ackedPerSec < result.offeredMsgsPerSec * 0.98 ? ' (the node is the limit: see CPU)' : ''}`,
    )
    if (result.cpu.other > 15)
      log(`other processes used ${result.cpu.other} % CPU during the window — figures are disturbed`)

    if (cfg.out !== '-') {
      const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '')
      const file = cfg.out || path.join(here, 'results', `fleet-${stamp}.json`)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      const doc = {
        bench: 'fleet',
        at: new Date().toISOString(),
        commit: t.version,
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model.trim(),
          memGiB: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
          platform: `${os.platform()} ${os.release()}`,
        },
        params: { ...cfg, out: undefined, scenario },
        result,
        final: sb,
      }
      fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
      log(`wrote ${path.relative(process.cwd(), file)}`)
    }
    child.send({ type: 'exit' })
  } finally {
    await cleanup()
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`[fleet-bench] failed: ${e.message}`)
    process.exit(1)
  },
)
