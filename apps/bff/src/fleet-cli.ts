// `pnpm iotops fleet run` — a headless fleet simulation (issue 4) for CI load tests: N virtual devices of a
// product run a scenario against a node's broker, with live counters every 5 s, a summary at the end and an
// exit code that fails the job when nothing connected or too many messages failed.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import type { Db } from '@iotops/db'
import { Fleet, type FleetLogEntry, type FleetStats, fleetErrorRatio, ZFleetScenario } from '@iotops/device-sdk/fleet'
import { type Actor, fleet as fleetService } from '@iotops/services'
import type { Config } from './env'

export const FLEET_USAGE = `  fleet run --product PK [--scenario file.json | --scenario-name NAME] [--count N] [--duration S]
            [--url mqtt://host:port] [--max-error-ratio R] [--json]
                                                    run N virtual devices of a product: a scenario file (example in
                                                    packages/device-sdk/scenarios/) or one saved on the simulator page`

export interface FleetCliDeps {
  config: Config
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>
  actor: Actor
  /** where lines go (default console.log) */
  out?: (line: string) => void
  /** resolves to stop the run early (default: SIGINT/SIGTERM) */
  interrupted?: Promise<void>
}

const STATS_EVERY_MS = 5000

/** Runs `fleet <sub> …`; returns the process exit code. */
export async function runFleetCli(sub: string | undefined, argv: string[], deps: FleetCliDeps): Promise<number> {
  const out = deps.out ?? ((l: string) => console.log(l))
  if (sub !== 'run') {
    out(`usage: pnpm iotops\n${FLEET_USAGE}`)
    return 2
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      product: { type: 'string' },
      count: { type: 'string' },
      scenario: { type: 'string' },
      'scenario-name': { type: 'string' },
      duration: { type: 'string' },
      url: { type: 'string' },
      'max-error-ratio': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
  })
  const productKey = values.product
  if (!productKey) throw new Error('--product is required (the ProductKey whose devices to simulate)')
  const num = (name: string, v: string | undefined, min: number, max: number) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in ${min}…${max}`)
    return n
  }
  const durationS = num('duration', values.duration, 1, 7 * 86_400)
  const maxErrorRatio = num('max-error-ratio', values['max-error-ratio'], 0, 1) ?? 0.01
  const count = num('count', values.count, 1, 10_000)

  if (values.scenario && values['scenario-name']) throw new Error('give --scenario or --scenario-name, not both')
  let raw: Record<string, unknown> = {}
  const saved = values['scenario-name']
  if (saved) {
    const s = await deps.withDb((db) => fleetService.getScenario(db, { name: saved }))
    if (s.productKey !== productKey) throw new Error(`the scenario ${saved} is for the product ${s.productKey}`)
    raw = s.config
  } else if (values.scenario) {
    try {
      raw = JSON.parse(fs.readFileSync(values.scenario, 'utf8')) as Record<string, unknown>
    } catch (e) {
      throw new Error(`cannot read the scenario ${values.scenario}: ${(e as Error).message}`)
    }
  }
  const scenario = ZFleetScenario.parse(count === undefined ? raw : { ...raw, count })
  const url = values.url ?? `mqtt://127.0.0.1:${deps.config.MQTT_PORT}`

  const set = await deps.withDb((db) => fleetService.ensureFleetDevices(db, deps.actor, productKey, scenario))
  const list = set.devices
  const last = list.at(-1)?.deviceName
  out(
    `[fleet] product ${productKey}: ${list.length} devices ${list[0]?.deviceName}${list.length > 1 ? `…${last}` : ''} (${set.created} created${set.disabled.length ? `, ${set.disabled.length} disabled: they will be refused` : ''}${set.online.length ? `, ${set.online.length} online: their connections will be replaced` : ''})`,
  )
  out(
    `[fleet] ${list.length} devices of ${productKey} → ${url}; every ${scenario.intervalMs} ms ±${Math.round(scenario.jitter * 100)} %, QoS ${scenario.qos}, ramp-up ${scenario.rampUpPerSecond}/s${durationS ? `, for ${durationS} s` : ' until Ctrl-C'}`,
  )

  const fleet = new Fleet({ devices: list, scenario, url, log: (e) => logLine(out, e) })
  let peakConnected = 0
  const started = Date.now()
  fleet.start()
  const ticker = setInterval(() => {
    const s = fleet.stats()
    peakConnected = Math.max(peakConnected, s.connected)
    out(statsLine(s, started))
  }, STATS_EVERY_MS)
  const stopSignal = deps.interrupted ?? signalled()
  await Promise.race([stopSignal, ...(durationS ? [sleep(durationS * 1000)] : [])])
  clearInterval(ticker)
  peakConnected = Math.max(peakConnected, fleet.stats().connected)
  out('[fleet] stopping: disconnecting every device…')
  await fleet.stop()

  const s = fleet.stats()
  const ratio = fleetErrorRatio(s)
  for (const line of summary(s, peakConnected, ratio, maxErrorRatio)) out(line)
  if (values.json) out(JSON.stringify({ ...s, peakConnected, errorRatio: ratio }))
  if (peakConnected === 0) {
    out('[fleet] FAILED: no device connected')
    return 1
  }
  if (ratio > maxErrorRatio) {
    out(`[fleet] FAILED: error ratio ${fmtRatio(ratio)} is above --max-error-ratio ${maxErrorRatio}`)
    return 1
  }
  out('[fleet] OK')
  return 0
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const on = () => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve()
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
const fmtRatio = (r: number) => `${(r * 100).toFixed(r < 0.001 ? 3 : 2)} %`
const fmtCodes = (r: Record<string, number>) =>
  Object.keys(r).length
    ? Object.entries(r)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')
    : '-'

export function statsLine(s: FleetStats, started: number): string {
  const t = Math.round((Date.now() - started) / 1000)
  const ota =
    s.ota.upgradesReceived || s.ota.informed
      ? ` | ota upgrades ${s.ota.upgradesReceived} ok ${s.ota.succeeded} failed ${s.ota.failed}`
      : ''
  return (
    `[fleet] ${t}s connected ${s.connected}/${s.target} (connecting ${s.connecting})` +
    ` | msgs/s ${s.msgsPerSecond} acked/s ${s.ackedPerSecond} replies/s ${s.repliesPerSecond}` +
    ` | replies ok ${s.repliesOk} error ${s.repliesError} timeouts ${s.errors.timeouts}` +
    ` | refused ${fmtCodes(s.errors.connectRefused)} drops ${s.errors.disconnects} churn ${s.churn.disconnects}${ota}`
  )
}

function summary(s: FleetStats, peak: number, ratio: number, max: number): string[] {
  const secs = Math.max(1, ((s.stoppedAt ?? Date.now()) - (s.startedAt ?? Date.now())) / 1000)
  return [
    '[fleet] summary',
    `  devices        ${s.target}, peak connected ${peak}`,
    `  messages       sent ${s.sentTotal} (${s.propertyPosts} property posts, ${s.eventPosts} events), acked ${s.ackedTotal}, skipped ticks ${s.skippedTicks}; average ${Math.round(s.sentTotal / secs)} msgs/s over ${Math.round(secs)} s`,
    `  replies        code 200: ${s.repliesOk}, other: ${s.repliesError} (${fmtCodes(s.errors.replyCodes)}), timeouts ${s.errors.timeouts}; latency avg ${s.replyLatencyMs.avg} ms, max ${s.replyLatencyMs.max} ms`,
    `  connections    refused ${sum(s.errors.connectRefused)} (${fmtCodes(s.errors.connectRefused)}), failed ${s.errors.connectFailed}, dropped ${s.errors.disconnects}, churn ${s.churn.disconnects} drops / ${s.churn.reconnects} reconnects`,
    `  ota            informed ${s.ota.informed}, upgrades ${s.ota.upgradesReceived} (ignored ${s.ota.upgradesIgnored}), progress ${s.ota.progressReported}, succeeded ${s.ota.succeeded}, failed ${s.ota.failed}`,
    `  error ratio    ${fmtRatio(ratio)} (limit ${fmtRatio(max)})`,
  ]
}

function logLine(out: (line: string) => void, e: FleetLogEntry) {
  if (e.level === 'info') return
  out(`[fleet] ${e.level} ${e.kind}${e.device ? ` ${e.device}` : ''}: ${e.message}`)
}
