import { randomUUID } from 'node:crypto'
import type { Db } from '@iotops/db'
import { Fleet, type FleetLogEntry, type FleetStats } from '@iotops/device-sdk/fleet'
import { FLEET_MAX_DEVICES, type TFleetScenario } from '@iotops/device-sdk/scenario'
import type { Logger } from 'pino'
import type { Actor } from '../context'
import { AppError, badRequest, notFound } from '../errors'
import { ensureFleetDevices, getScenario } from './scenarios'
import type { TStartFleetInput } from './schema'

interface Run {
  id: string
  productKey: string
  scenarioName: string
  scenario: TFleetScenario
  startedBy: string
  startedAt: Date
  stoppedAt: Date | null
  fleet: Fleet
  /** the stats when it stopped (the fleet object is released) */
  final: FleetStats | null
  /** notable happenings, newest last, at most LOG_MAX */
  log: FleetLogEntry[]
}

const LOG_MAX = 200
/** finished runs kept for display */
const KEEP_FINISHED = 20

/**
 * Fleets of virtual devices running inside this node, connecting to its own MQTT listener with the devices'
 * real credentials — every message goes through the same pipeline as a real device's. At most
 * FLEET_MAX_DEVICES virtual devices per node across runs. Runs live on the node that started them.
 */
export class FleetRuns {
  private readonly runs = new Map<string, Run>()

  constructor(private readonly deps: { db: Db; log: Logger; mqttUrl: () => string }) {}

  private get running() {
    return [...this.runs.values()].filter((r) => !r.stoppedAt)
  }

  async start(actor: Actor, input: TStartFleetInput) {
    const saved = input.scenarioId ? await getScenario(this.deps.db, { id: input.scenarioId }) : null
    if (saved && saved.productKey !== input.productKey)
      throw badRequest(`the scenario ${saved.name} is for the product ${saved.productKey}`)
    const scenario = saved?.config ?? input.config!
    const busy = this.running.reduce((n, r) => n + r.scenario.count, 0)
    if (busy + scenario.count > FLEET_MAX_DEVICES)
      throw new AppError(
        'PRECONDITION_FAILED',
        `this node runs ${busy} virtual devices already; at most ${FLEET_MAX_DEVICES} in all (asked for ${scenario.count} more)`,
      )
    const clash = this.running.find(
      (r) => r.productKey === input.productKey && r.scenario.deviceNamePrefix === scenario.deviceNamePrefix,
    )
    if (clash) throw new AppError('CONFLICT', `a fleet with these devices (${scenario.deviceNamePrefix}…) is running`)
    const set = await ensureFleetDevices(this.deps.db, actor, input.productKey, scenario)
    if (set.disabled.length)
      throw new AppError(
        'PRECONDITION_FAILED',
        `${set.disabled.length} of the fleet's devices are disabled (${set.disabled.slice(0, 5).join(', ')}…); enable them or use another name prefix`,
        6208,
      )
    if (set.online.length)
      throw new AppError(
        'PRECONDITION_FAILED',
        `${set.online.length} of the fleet's devices are online already (${set.online.slice(0, 5).join(', ')}…); a virtual device would take their place`,
      )
    const run: Run = {
      id: randomUUID(),
      productKey: input.productKey,
      scenarioName: saved?.name ?? scenario.name ?? '',
      scenario,
      startedBy: actor.name,
      startedAt: new Date(),
      stoppedAt: null,
      final: null,
      log: [],
      fleet: new Fleet({
        devices: set.devices,
        scenario,
        url: this.deps.mqttUrl(),
        log: (e) => {
          run.log.push(e)
          if (run.log.length > LOG_MAX) run.log.splice(0, run.log.length - LOG_MAX)
        },
      }),
    }
    this.runs.set(run.id, run)
    run.fleet.start()
    this.deps.log.info(
      { run: run.id, productKey: run.productKey, count: scenario.count, by: actor.name },
      'fleet simulation started',
    )
    this.prune()
    return { runId: run.id, created: set.created }
  }

  async stop(runId: string) {
    const run = this.runs.get(runId)
    if (!run) throw notFound('the fleet run')
    if (run.stoppedAt) return
    run.stoppedAt = new Date()
    await run.fleet.stop()
    run.final = run.fleet.stats()
    this.deps.log.info({ run: run.id, productKey: run.productKey }, 'fleet simulation stopped')
  }

  list(productKey?: string) {
    return [...this.runs.values()]
      .filter((r) => !productKey || r.productKey === productKey)
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .map((r) => ({
        id: r.id,
        productKey: r.productKey,
        scenarioName: r.scenarioName,
        count: r.scenario.count,
        deviceNamePrefix: r.scenario.deviceNamePrefix,
        intervalMs: r.scenario.intervalMs,
        startedBy: r.startedBy,
        startedAt: r.startedAt,
        stoppedAt: r.stoppedAt,
        running: !r.stoppedAt,
        stats: r.final ?? r.fleet.stats(),
        log: r.log.slice(-20),
      }))
  }

  /** The runs with their counters, once a second until `signal` aborts (the page's live view). */
  async *watch(productKey: string | undefined, signal?: AbortSignal) {
    while (!signal?.aborted) {
      yield this.list(productKey)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000)
        signal?.addEventListener('abort', () => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  async stopAll() {
    await Promise.all(this.running.map((r) => this.stop(r.id)))
  }

  private prune() {
    const done = [...this.runs.values()].filter((r) => r.stoppedAt)
    for (const r of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) this.runs.delete(r.id)
  }
}
