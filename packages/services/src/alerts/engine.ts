import { randomUUID } from 'node:crypto'
import type { Db, Prisma } from '@iotops/db'
import type { Logger } from 'pino'
import type { Actor } from '../context'
import { invokeThingService, pubToDevice, setDeviceProperty } from '../hub/downlink'
import type { DeviceHub, StatusChange } from '../hub/hub'
import type { PropertyValue } from '../hub/state'
import { escalateDue, raiseAlert } from './alerts'
import { ruleChanges } from './changes'
import {
  type ConditionResult,
  evaluateProperty,
  evaluateTime,
  matchTrigger,
  type SceneEvent,
  type TriggerMatch,
} from './evaluate'
import type { TSceneAction, TSceneCondition, TSceneTrigger } from './schema'

export interface SceneEngineOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  /** wakes the notification worker after alerts were queued */
  kick?: () => void
  /** schedule / escalation clock (ms) */
  tickMs?: number
  /** how often rules are re-read for changes made on other nodes (ms) */
  refreshMs?: number
  /** runs in flight at once (actions may wait for a device up to 8 s) */
  concurrency?: number
  /** queued runs past this are refused (logged and counted) */
  maxQueue?: number
  now?: () => number
}

interface Rule {
  id: string
  name: string
  triggers: TSceneTrigger[]
  conditions: TSceneCondition[]
  actions: TSceneAction[]
}

interface Job {
  rule: Rule
  match: TriggerMatch
  at: number
}

export interface ActionResult {
  index: number
  type: TSceneAction['type']
  ok: boolean
  result?: unknown
  error?: string
}

const LOCK = 0x1a1a_0007 // advisory lock: one node fires schedules and escalations at a time
const RUN_RETENTION_DAYS = 30
const MAX_CACHE = 200_000

/**
 * Scene-linkage rules evaluated in-process from the hub's events: property posts, event posts and status changes
 * of the devices connected to this node, plus a minute clock for schedule triggers. Matching is synchronous and
 * in memory (rules are cached by product); a matching trigger becomes a queued run, so the device pipeline never
 * waits for conditions or actions. Each run is stored with its trigger, each condition's value and outcome and
 * each action's result or error.
 */
export class SceneEngine {
  private byProduct = new Map<string, Rule[]>()
  private schedules: Rule[] = []
  /** the last value of each watched property, for `changed` triggers: `pk/dn/identifier` → value */
  private readonly last = new Map<string, unknown>()
  private readonly queue: Job[] = []
  private active = 0
  private idleWaiters: (() => void)[] = []
  private timer: NodeJS.Timeout | null = null
  private refreshTimer: NodeJS.Timeout | null = null
  private lastSlot = 0
  private lastPrune = 0
  private loading: Promise<void> | null = null
  private ticking: Promise<void> | null = null
  private stopped = false
  /** runs refused because the queue was full */
  dropped = 0
  private readonly now: () => number

  private readonly onProperties = (p: { productKey: string; deviceName: string; values: PropertyValue[] }) =>
    this.offer({
      kind: 'property',
      productKey: p.productKey,
      deviceName: p.deviceName,
      values: p.values.map((v) => ({ identifier: v.identifier, value: v.value })),
      at: this.now(),
    })
  private readonly onEvent = (e: {
    productKey: string
    deviceName: string
    identifier: string
    type: string
    params: unknown
  }) =>
    this.offer({
      kind: 'event',
      productKey: e.productKey,
      deviceName: e.deviceName,
      identifier: e.identifier,
      eventType: e.type,
      params: e.params,
      at: this.now(),
    })
  private readonly onStatus = (c: StatusChange) =>
    this.offer({
      kind: 'status',
      productKey: c.productKey,
      deviceName: c.deviceName,
      status: c.status,
      code: c.code,
      at: c.at.getTime(),
    })
  private readonly onChanged = () => void this.reload()

  constructor(private readonly o: SceneEngineOptions) {
    this.now = o.now ?? Date.now
  }

  async start() {
    await this.reload()
    this.o.hub.on('properties', this.onProperties)
    this.o.hub.on('event', this.onEvent)
    this.o.hub.on('status', this.onStatus)
    ruleChanges.on('changed', this.onChanged)
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 5000)
    this.refreshTimer = setInterval(() => void this.reload(), this.o.refreshMs ?? 10_000)
  }

  /** Stops listening; runs already queued finish (for at most `graceMs`). */
  async stop(graceMs = 5000) {
    this.stopped = true
    this.o.hub.off('properties', this.onProperties)
    this.o.hub.off('event', this.onEvent)
    this.o.hub.off('status', this.onStatus)
    ruleChanges.off('changed', this.onChanged)
    if (this.timer) clearInterval(this.timer)
    if (this.refreshTimer) clearInterval(this.refreshTimer)
    this.timer = this.refreshTimer = null
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())])
    if (this.queue.length) this.o.log.warn({ left: this.queue.length }, 'scene runs not started before shutdown')
    this.queue.length = 0
    await this.ticking
  }

  /** Resolves when no run is queued or in flight. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((r) => this.idleWaiters.push(r))
  }

  /** Re-reads the enabled rules (after a change here, or periodically for changes made on other nodes). */
  reload(): Promise<void> {
    this.loading ??= this.load()
      .catch((e) => this.o.log.error({ err: e }, 'loading scene rules failed'))
      .finally(() => {
        this.loading = null
      })
    return this.loading
  }

  private async load() {
    const rows = await this.o.db.prisma.sceneRule.findMany({ where: { enabled: true }, orderBy: { createdAt: 'asc' } })
    const rules: Rule[] = rows.map((r) => ({
      id: r.id,
      name: r.name,
      triggers: r.triggers as unknown as TSceneTrigger[],
      conditions: r.conditions as unknown as TSceneCondition[],
      actions: r.actions as unknown as TSceneAction[],
    }))
    const byProduct = new Map<string, Rule[]>()
    for (const r of rules)
      for (const pk of new Set(r.triggers.flatMap((t) => (t.type === 'schedule' ? [] : [t.productKey]))))
        byProduct.set(pk, [...(byProduct.get(pk) ?? []), r])
    // `changed` triggers compare with the value before a report: start from the stored latest values
    for (const r of rules)
      for (const t of r.triggers) {
        if (t.type !== 'property' || t.op !== 'changed') continue
        const { rows: values } = await this.o.db.pool.query<{ dn: string; value: unknown }>(
          `SELECT d.device_name AS dn, p.value FROM device_property p JOIN device d ON d.id = p.device_id
           WHERE d.product_key = $1 AND p.identifier = $2 AND ($3::text IS NULL OR d.device_name = $3) LIMIT 10000`,
          [t.productKey, t.identifier, t.deviceName ?? null],
        )
        for (const v of values) {
          const k = `${t.productKey}/${v.dn}/${t.identifier}`
          if (!this.last.has(k)) this.last.set(k, v.value)
        }
      }
    this.byProduct = byProduct
    this.schedules = rules.filter((r) => r.triggers.some((t) => t.type === 'schedule'))
  }

  /** A device happening: matched against the cached rules at once, matching runs queued. */
  offer(e: SceneEvent) {
    if (this.stopped || e.kind === 'schedule') return
    const rules = this.byProduct.get(e.productKey)
    const prev = (pk: string, dn: string, id: string) => this.last.get(`${pk}/${dn}/${id}`)
    const jobs: Job[] = []
    if (rules) {
      for (const rule of rules) {
        const match = matchTrigger(rule.triggers, e, prev)
        if (match) jobs.push({ rule, match, at: e.at })
      }
    }
    if (e.kind === 'property' && rules) {
      if (this.last.size > MAX_CACHE) this.last.clear()
      for (const v of e.values) this.last.set(`${e.productKey}/${e.deviceName}/${v.identifier}`, v.value)
    }
    for (const j of jobs) this.enqueue(j)
  }

  private enqueue(j: Job) {
    if (this.queue.length >= (this.o.maxQueue ?? 10_000)) {
      this.dropped++
      this.o.log.warn({ rule: j.rule.name, dropped: this.dropped }, 'scene run queue full; run refused')
      return
    }
    this.queue.push(j)
    this.pump()
  }

  private pump() {
    while (this.active < (this.o.concurrency ?? 4) && this.queue.length) {
      const j = this.queue.shift()!
      this.active++
      void this.run(j)
        .catch((e) => this.o.log.error({ err: e, rule: j.rule.name }, 'scene run failed'))
        .finally(() => {
          this.active--
          if (this.queue.length) this.pump()
          else if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w()
        })
    }
  }

  /** One run: conditions in order (all must pass), then every action in order; stored with the details. */
  async run(j: Job) {
    const runId = randomUUID()
    const conditions: ConditionResult[] = []
    for (const [i, c] of j.rule.conditions.entries()) {
      try {
        if (c.type === 'time') conditions.push(evaluateTime(c, i, j.at))
        else conditions.push(evaluateProperty(c, i, await this.currentValue(c.productKey, c.deviceName, c.identifier)))
      } catch (e) {
        conditions.push({ index: i, type: c.type, value: null, passed: false, reason: (e as Error).message })
      }
    }
    const passed = conditions.every((c) => c.passed)
    const actions: ActionResult[] = []
    if (passed) {
      for (const [i, a] of j.rule.actions.entries()) {
        try {
          actions.push({ index: i, type: a.type, ok: true, result: await this.act(j, runId, a, conditions) })
        } catch (e) {
          const err = e as Error & { code?: number }
          actions.push({
            index: i,
            type: a.type,
            ok: false,
            error: err.code ? `${err.message} (${err.code})` : err.message,
          })
        }
      }
    }
    const ok = actions.every((a) => a.ok)
    const at = new Date(this.now())
    try {
      await this.o.db.prisma.$transaction([
        this.o.db.prisma.sceneRun.create({
          data: {
            id: runId,
            ruleId: j.rule.id,
            at,
            trigger: j.match as unknown as Prisma.InputJsonValue,
            conditions: conditions as unknown as Prisma.InputJsonValue,
            passed,
            actions: actions as unknown as Prisma.InputJsonValue,
            ok,
          },
        }),
        this.o.db.prisma.sceneRule.update({ where: { id: j.rule.id }, data: { lastRunAt: at } }),
      ])
    } catch (e) {
      // the rule was deleted while it ran
      this.o.log.warn({ err: e, rule: j.rule.name }, 'scene run not recorded')
    }
    return { runId, passed, ok, conditions, actions }
  }

  private async currentValue(productKey: string, deviceName: string, identifier: string) {
    const { rows } = await this.o.db.pool.query<{ value: unknown }>(
      `SELECT p.value FROM device_property p JOIN device d ON d.id = p.device_id
       WHERE d.product_key = $1 AND d.device_name = $2 AND p.identifier = $3`,
      [productKey, deviceName, identifier],
    )
    return rows.length ? rows[0]!.value : undefined
  }

  private target(j: Job, a: { productKey: string; deviceName?: string }) {
    if (a.deviceName) return { productKey: a.productKey, deviceName: a.deviceName }
    if (j.match.productKey === a.productKey && j.match.deviceName)
      return { productKey: a.productKey, deviceName: j.match.deviceName }
    throw new Error(`no device of ${a.productKey} triggered this run; name the device in the action`)
  }

  private async act(j: Job, runId: string, a: TSceneAction, conditions: ConditionResult[]): Promise<unknown> {
    const actor: Actor = { type: 'system', id: null, name: `scene:${j.rule.name}`, role: 'ADMIN' }
    switch (a.type) {
      case 'alert': {
        const rule = await this.o.db.prisma.alertRule.findUnique({ where: { id: a.alertRuleId } })
        if (!rule) throw new Error('the alert rule no longer exists')
        if (!rule.enabled) return { skipped: `the alert rule ${rule.name} is stopped` }
        const r = await raiseAlert(this.o.db, {
          rule,
          scene: { id: j.rule.id, name: j.rule.name },
          runId,
          productKey: j.match.productKey ?? null,
          deviceName: j.match.deviceName ?? null,
          trigger: j.match as unknown as Record<string, unknown>,
          conditions,
          at: new Date(j.at),
        })
        if (r.notified) this.o.kick?.()
        return { alertRule: rule.name, ...r }
      }
      case 'setProperty':
        return setDeviceProperty(this.o.hub, actor, { ...this.target(j, a), items: a.items })
      case 'invokeService': {
        const r = await invokeThingService(this.o.hub, actor, {
          ...this.target(j, a),
          identifier: a.identifier,
          args: a.args,
        })
        if (r.code !== null && r.code !== 200)
          throw Object.assign(new Error(r.message ?? 'the service failed'), { code: r.code })
        return r
      }
      case 'publish': {
        const topic = a.topic.replaceAll('${deviceName}', j.match.deviceName ?? '${deviceName}')
        if (topic.includes('${deviceName}')) throw new Error('no device triggered this run to fill ${deviceName}')
        return pubToDevice(this.o.hub, actor, {
          productKey: a.productKey,
          topic,
          payload: Buffer.from(a.payload, 'utf8'),
          qos: a.qos,
        })
      }
      case 'webhook': {
        const res = await fetch(a.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'IoT-Ops-Scene' },
          body: JSON.stringify({
            scene: { id: j.rule.id, name: j.rule.name },
            runId,
            at: new Date(j.at).toISOString(),
            trigger: j.match,
            conditions,
          }),
          signal: AbortSignal.timeout(5000),
        })
        if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`)
        return { status: res.status }
      }
    }
  }

  /** The minute clock: schedule triggers of the current minute, escalations, run pruning (one node at a time). */
  tick(now = this.now()): Promise<void> {
    this.ticking ??= this.doTick(now)
      .catch((e) => this.o.log.error({ err: e }, 'scene clock failed'))
      .finally(() => {
        this.ticking = null
      })
    return this.ticking
  }

  private async doTick(now: number) {
    const slot = Math.floor(now / 60_000) * 60_000
    const client = await this.o.db.pool.connect()
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK])
      if (!rows[0]?.ok) return
      try {
        if (slot !== this.lastSlot) {
          this.lastSlot = slot
          await this.fireSchedules(slot)
        }
        if (await escalateDue(this.o.db, new Date(now))) this.o.kick?.()
        if (now - this.lastPrune > 3_600_000) {
          this.lastPrune = now
          await this.o.db.pool.query(`DELETE FROM scene_run WHERE at < $1`, [
            new Date(now - RUN_RETENTION_DAYS * 86_400_000),
          ])
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK])
      }
    } finally {
      client.release()
    }
  }

  /** Runs the schedule triggers of one minute; a minute another node already ran is skipped. */
  async fireSchedules(slot: number) {
    const iso = new Date(slot).toISOString()
    for (const rule of this.schedules) {
      const match = matchTrigger(rule.triggers, { kind: 'schedule', at: slot }, () => undefined)
      if (!match) continue
      const done = await this.o.db.pool.query(
        `SELECT 1 FROM scene_run WHERE rule_id = $1 AND at >= $2 AND trigger->>'slot' = $3 LIMIT 1`,
        [rule.id, new Date(Math.min(slot, this.now()) - 60_000), iso],
      )
      if (done.rowCount) continue
      // run here, under the lock, so a second node sees the run before it looks
      await this.run({ rule, match, at: slot })
    }
  }
}
