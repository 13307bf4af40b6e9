import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { LimitHit } from '../hub/ratelimit'
import { logAlarmMessage, runLogPeriod, stepLog } from '../logs/alerts'
import { metricDef } from '../metrics/codes'
import { metricPoints } from '../metrics/query'
import { type AlarmNotice, enqueue } from '../notify'
import { INITIAL_STATE, inWindow, type RuleState, referenceOffset, step, type Transition } from './evaluate'
import { eventMessage, thresholdMessage } from './message'
import type { Level, Operator } from './schema'

export interface AlarmEngineOptions {
  db: Db
  log: Logger
  /** wakes the notification worker after new notices are queued */
  kick?: () => void
  instanceId: string
  regionId: string
  /** how often closed periods are looked for */
  tickMs?: number
  /** how long after a period ends its points are complete (the recorder flushes every 5 s) */
  lagMs?: number
  now?: () => number
}

/** A limit event as the hub reports it. */
export type LimitEvent = LimitHit & { resource: string; at: Date }

const LOCK = 0x1a1a_0003 // advisory lock: one node of a cluster evaluates at a time
/** After downtime, at most this many missed periods per rule are evaluated (older ones are skipped). */
const MAX_CATCH_UP = 30
/** Log rules run a query per period: after downtime only the latest few missed periods are run. */
const MAX_LOG_CATCH_UP = 3

type RuleRow = Awaited<ReturnType<Db['prisma']['alarmRule']['findFirstOrThrow']>>

/**
 * Evaluates threshold and log rules when their periods close and turns system events into event alarms. Every transition
 * is written to the alarm history and queued for the rule's contact groups in the same breath; delivery (with
 * rate limits and digests) is the notifier's job.
 */
export class AlarmEngine {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private readonly now: () => number

  constructor(private readonly o: AlarmEngineOptions) {
    this.now = o.now ?? Date.now
  }

  start() {
    this.timer ??= setInterval(
      () => void this.tick().catch((e) => this.o.log.error({ err: e }, 'alarm evaluation failed')),
      this.o.tickMs ?? 5000,
    )
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** Evaluates every period that has closed since the last tick, on one node of the cluster. */
  tick(now = this.now()): Promise<void> {
    if (this.running) return this.running
    this.running = this.evaluateAll(now).finally(() => {
      this.running = null
    })
    return this.running
  }

  private async evaluateAll(now: number) {
    const client = await this.o.db.pool.connect()
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK])
      if (!rows[0]?.ok) return
      try {
        const rules = await this.o.db.prisma.alarmRule.findMany({
          where: { enabled: true, kind: { in: ['threshold', 'log'] } },
        })
        for (const r of rules) {
          if (r.kind === 'log') await this.evaluateLogRule(r, now)
          else await this.evaluateRule(r, now)
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK])
      }
    } finally {
      client.release()
    }
  }

  private async evaluateRule(rule: RuleRow, now: number) {
    const def = metricDef(rule.metric)
    if (def?.chart !== 'area') return
    const g = rule.granularity * 60_000
    const closedEnd = Math.floor((now - (this.o.lagMs ?? 8000)) / g) * g
    // the products judged: one, or every product on its own; instance-level metrics have one series (''); a consumer
    // group metric judges one group, or every group on its own
    const targets = def.instance
      ? ['']
      : rule.productKey
        ? [rule.productKey]
        : def.dimension === 'consumerGroup'
          ? (await this.o.db.prisma.consumerGroup.findMany({ select: { groupId: true } })).map((g) => g.groupId)
          : (await this.o.db.prisma.product.findMany({ select: { productKey: true } })).map((p) => p.productKey)
    const states = new Map(
      (await this.o.db.prisma.alarmState.findMany({ where: { ruleId: rule.id } })).map((s) => [s.productKey, s]),
    )
    // a new (or edited, or re-enabled) rule starts with the period it was saved in
    const startOf = (pk: string) => {
      const s = states.get(pk)
      const first = s?.evaluatedTo?.getTime() ?? Math.floor(rule.updatedAt.getTime() / g) * g
      return Math.max(first, closedEnd - MAX_CATCH_UP * g)
    }
    const from = Math.min(...targets.map(startOf))
    if (!(from < closedEnd)) return
    const op = rule.operator as Operator
    const offset = referenceOffset(op, g)
    const window = { from: new Date(from), to: new Date(closedEnd), granularity: rule.granularity }
    const q = { metric: rule.metric, productKey: def.instance ? '' : rule.productKey, perProduct: true }
    const [points, refs] = await Promise.all([
      metricPoints(this.o.db, { ...q, ...window }),
      offset === null
        ? Promise.resolve([])
        : metricPoints(this.o.db, {
            ...q,
            from: new Date(from - offset),
            to: new Date(closedEnd - offset),
            granularity: rule.granularity,
          }),
    ])
    const value = new Map(points.map((p) => [`${p.productKey}|${p.ts}`, p.value]))
    const reference = new Map(refs.map((p) => [`${p.productKey}|${p.ts + (offset ?? 0)}`, p.value]))
    const spec = {
      operator: op,
      threshold: rule.threshold,
      periods: rule.periods,
      silenceSeconds: rule.silenceSeconds,
      noDataAlert: rule.noDataAlert,
      counter: def.kind === 'counter',
    }
    for (const pk of targets) {
      const stored = states.get(pk)
      let s: RuleState = stored
        ? {
            state: stored.state as RuleState['state'],
            streak: stored.streak,
            missing: stored.missing,
            since: stored.since?.getTime() ?? null,
            lastNotifiedAt: stored.lastNotifiedAt?.getTime() ?? null,
          }
        : INITIAL_STATE
      let last: number | null = stored?.lastValue ?? null
      const start = startOf(pk)
      for (let t = start; t < closedEnd; t += g) {
        if (!inWindow(rule.effectiveFrom, rule.effectiveTo, t + g)) continue
        const v = value.get(`${pk}|${t}`) ?? null
        const r = step(spec, s, { start: t, end: t + g, value: v, reference: reference.get(`${pk}|${t}`) ?? null })
        s = r.state
        if (v !== null) last = v
        if (r.transition)
          await this.raise(rule, pk, r.transition, s, { start: t, end: t + g, value: v ?? (spec.counter ? 0 : null) })
      }
      const row = {
        state: s.state,
        streak: s.streak,
        missing: s.missing,
        since: s.since !== null ? new Date(s.since) : null,
        lastNotifiedAt: s.lastNotifiedAt !== null ? new Date(s.lastNotifiedAt) : null,
        evaluatedTo: new Date(closedEnd),
        lastValue: last,
      }
      await this.o.db.prisma.alarmState.upsert({
        where: { ruleId_productKey: { ruleId: rule.id, productKey: pk } },
        create: { ruleId: rule.id, productKey: pk, ...row },
        update: row,
      })
    }
  }

  /**
   * A log rule: its saved query is run over each closed period (at most the last few after downtime) and the
   * number it returns moves the rule's state; a failing query is recorded as NO_DATA with its reason.
   */
  private async evaluateLogRule(rule: RuleRow, now: number) {
    const g = rule.granularity * 60_000
    const closedEnd = Math.floor((now - (this.o.lagMs ?? 8000)) / g) * g
    const stored = await this.o.db.prisma.alarmState.findUnique({
      where: { ruleId_productKey: { ruleId: rule.id, productKey: '' } },
    })
    const first = stored?.evaluatedTo?.getTime() ?? Math.floor(rule.updatedAt.getTime() / g) * g
    const start = Math.max(first, closedEnd - MAX_LOG_CATCH_UP * g)
    if (!(start < closedEnd)) return
    let s: RuleState = stored
      ? {
          state: stored.state as RuleState['state'],
          streak: stored.streak,
          missing: stored.missing,
          since: stored.since?.getTime() ?? null,
          lastNotifiedAt: stored.lastNotifiedAt?.getTime() ?? null,
        }
      : INITIAL_STATE
    let last: number | null = stored?.lastValue ?? null
    const spec = {
      operator: rule.operator as Operator,
      threshold: rule.threshold,
      periods: rule.periods,
      silenceSeconds: rule.silenceSeconds,
    }
    for (let t = start; t < closedEnd; t += g) {
      if (!inWindow(rule.effectiveFrom, rule.effectiveTo, t + g)) continue
      const outcome = await runLogPeriod(this.o.db, rule.queryId, new Date(t), new Date(t + g), this.o.log)
      const r = stepLog(spec, s, { start: t, end: t + g, outcome })
      s = r.state
      if (outcome.value !== null) last = outcome.value
      if (r.transition) {
        const since = r.transition === 'RECOVERED' ? null : s.since
        const msg = logAlarmMessage({
          instanceId: this.o.instanceId,
          regionId: this.o.regionId,
          rule,
          query: outcome.query,
          transition: r.transition,
          at: t + g,
          value: outcome.value,
          error: outcome.error,
          durationSeconds: since !== null ? Math.round((t + g - since) / 1000) : null,
        })
        await this.record(rule, 'log', r.transition, null, outcome.value, msg, null)
      }
    }
    const row = {
      state: s.state,
      streak: s.streak,
      missing: s.missing,
      since: s.since !== null ? new Date(s.since) : null,
      lastNotifiedAt: s.lastNotifiedAt !== null ? new Date(s.lastNotifiedAt) : null,
      evaluatedTo: new Date(closedEnd),
      lastValue: last,
    }
    await this.o.db.prisma.alarmState.upsert({
      where: { ruleId_productKey: { ruleId: rule.id, productKey: '' } },
      create: { ruleId: rule.id, productKey: '', ...row },
      update: row,
    })
  }

  private async raise(
    rule: RuleRow,
    productKey: string,
    transition: Transition,
    s: RuleState,
    p: { start: number; end: number; value: number | null },
  ) {
    const def = metricDef(rule.metric)
    const kind = def?.chart === 'area' && def.instance ? 'watermark' : 'threshold'
    const since = transition === 'RECOVERED' ? null : s.since
    const msg = thresholdMessage({
      instanceId: this.o.instanceId,
      regionId: this.o.regionId,
      rule,
      productKey,
      transition,
      at: p.end,
      value: p.value,
      durationSeconds: since !== null ? Math.round((p.end - since) / 1000) : null,
    })
    await this.record(rule, kind, transition, productKey || null, p.value, msg, null)
  }

  /** A system event (a limit reached) against every enabled event rule that watches it. */
  async onLimit(e: LimitEvent) {
    const rules = await this.o.db.prisma.alarmRule.findMany({ where: { enabled: true, kind: 'event' } })
    const matching = rules.filter((r) => r.events.length === 0 || r.events.includes(e.event))
    if (matching.length === 0) return
    const groups =
      e.productKey && e.deviceName
        ? (
            await this.o.db.pool.query<{ group_id: string }>(
              `SELECT m.group_id FROM device_group_member m JOIN device d ON d.id = m.device_id
               WHERE d.product_key = $1 AND d.device_name = $2`,
              [e.productKey, e.deviceName],
            )
          ).rows.map((r) => r.group_id)
        : []
    for (const rule of matching) {
      // the rule's silence period per event and resource, kept in its state rows
      const key = `${e.event}|${e.resource}`
      const st = await this.o.db.prisma.alarmState.findUnique({
        where: { ruleId_productKey: { ruleId: rule.id, productKey: key } },
      })
      const at = e.at.getTime()
      if (st?.lastNotifiedAt && at - st.lastNotifiedAt.getTime() < rule.silenceSeconds * 1000) continue
      await this.o.db.prisma.alarmState.upsert({
        where: { ruleId_productKey: { ruleId: rule.id, productKey: key } },
        create: { ruleId: rule.id, productKey: key, state: 'ALARM', since: e.at, lastNotifiedAt: e.at },
        update: { state: 'ALARM', lastNotifiedAt: e.at },
      })
      const msg = eventMessage({ instanceId: this.o.instanceId, regionId: this.o.regionId, rule, event: e, groups })
      await this.record(rule, 'event', 'ALARM', e.productKey ?? null, null, msg, msg.resource)
    }
  }

  private async record(
    rule: RuleRow,
    kind: 'threshold' | 'event' | 'watermark' | 'log',
    status: Transition,
    productKey: string | null,
    value: number | null,
    msg: { subject: string; text: string; data: Record<string, unknown>; durationSeconds?: number | null },
    resource: string | null,
  ) {
    const h = await this.o.db.prisma.alarmHistory.create({
      data: {
        ruleId: rule.id,
        ruleName: rule.name,
        kind,
        status,
        level: rule.level,
        metric: kind === 'event' ? String(msg.data.event) : kind === 'log' ? `log:${msg.data.query}` : rule.metric,
        productKey,
        value,
        threshold: kind === 'event' ? null : rule.threshold,
        duration: msg.durationSeconds ?? null,
        resource,
        message: msg.text,
        details: msg.data as object,
      },
    })
    const notice: AlarmNotice = {
      alarmId: h.id,
      level: rule.level as Level,
      status,
      subject: msg.subject,
      text: msg.text,
      data: { alarmId: h.id, ...msg.data },
    }
    await enqueue(this.o.db, notice, rule.contactGroupIds)
    this.o.kick?.()
    this.o.log.info({ rule: rule.name, status, productKey }, 'alarm')
  }
}
