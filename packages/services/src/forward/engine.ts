import { EventEmitter } from 'node:events'
import { BatchWriter, type Column, type Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { AcceptedMessage, DeviceHub, StatusChange } from '../hub/hub'
import { lifecycleBody } from '../hub/lifecycle'
import { Metric } from '../metrics/codes'
import { BizType } from '../runlog/biz'
import { createRunLogWriter, cutContent, logContent, type RunLogRecord, type RunLogWriter } from '../runlog/writer'
import { createSender, ForwardCode, ForwardFailure, type SendContext, type Sender } from './destinations'
import { type FanoutHop, fanoutContent } from './fanout'
import { type ForwardType, type RuleTopicKind, ruleTopicKind } from './schema'
import { parseRuleSql, type RuleMessage, RuleSqlError, type RuleStatement, runRuleSql, topicMatches } from './sql'

/** Run-log business type of forwarding records (reference 7.2: 规则引擎(云产品流转) RuleEngine). */
export const RULE_ENGINE_BIZ = BizType.RuleEngine

/** In-process signal: forwarding rules or destinations changed (this node reloads at once; others poll). */
export const forwardChanges = new EventEmitter()
const liveEngines = new Set<ForwardEngine>()
/**
 * Tells this node's engine that rules changed (a stopped or deleted rule's id leaves its routing at once) and waits
 * for it to reload, so a rule started or stopped here takes effect before the call returns; other nodes poll.
 */
export async function forwardChanged(stopped?: string): Promise<void> {
  forwardChanges.emit('changed', stopped)
  await Promise.all([...liveEngines].map((e) => e.reload()))
}

/**
 * Metric codes per destination type. The count follows the reference's `MessageCountForwardedThroughRuleEngine_<target>`
 * (REPUBLISH, RDS for PostgreSQL, MQ for the queue; WEBHOOK is ours); size, latency and failures use the same suffix.
 */
export const FORWARD_METRIC_SUFFIX: Record<ForwardType, string> = {
  REPUBLISH: 'REPUBLISH',
  WEBHOOK: 'WEBHOOK',
  POSTGRES: 'RDS',
  QUEUE: 'MQ',
}
const METRICS_BY_SUFFIX = {
  REPUBLISH: [
    Metric.ForwardedRepublish,
    Metric.ForwardedBytesRepublish,
    Metric.ForwardFailedRepublish,
    Metric.ForwardLatencyMaxRepublish,
  ],
  RDS: [Metric.ForwardedRds, Metric.ForwardedBytesRds, Metric.ForwardFailedRds, Metric.ForwardLatencyMaxRds],
  MQ: [Metric.ForwardedMq, Metric.ForwardedBytesMq, Metric.ForwardFailedMq, Metric.ForwardLatencyMaxMq],
  WEBHOOK: [
    Metric.ForwardedWebhook,
    Metric.ForwardedBytesWebhook,
    Metric.ForwardFailedWebhook,
    Metric.ForwardLatencyMaxWebhook,
  ],
} as const
export const forwardMetrics = (t: ForwardType) => {
  const s = FORWARD_METRIC_SUFFIX[t]
  const [count, bytes, failures, latencyMax] = METRICS_BY_SUFFIX[s as keyof typeof METRICS_BY_SUFFIX]
  return {
    count,
    bytes,
    failures,
    latencyMax,
    // the sum (for the average) and the minimum are kept beside the charted maximum
    latencySum: `MessageLatencyForwardedThroughRuleEngine_${s}_sum`,
    latencyMin: `MessageLatencyForwardedThroughRuleEngine_${s}_min`,
  }
}

interface Job {
  row: Record<string, unknown>
  text: string
  ctx: SendContext
  at: number
  fan: Fanout
}

interface DeadLetterRow {
  ts: Date
  ruleId: string
  destinationId: string
  traceId: string
  payload: string
  code: number
  error: string
  attempts: number
}
const DEAD_LETTER_COLUMNS: Column<DeadLetterRow>[] = [
  { name: 'at', type: 'timestamptz[]', get: (r) => r.ts },
  { name: 'rule_id', type: 'uuid[]', get: (r) => r.ruleId },
  { name: 'destination_id', type: 'uuid[]', get: (r) => r.destinationId },
  { name: 'trace_id', type: 'text[]', get: (r) => r.traceId },
  { name: 'payload', type: 'text[]', get: (r) => r.payload },
  { name: 'code', type: 'int[]', get: (r) => r.code },
  { name: 'error', type: 'text[]', get: (r) => r.error },
  { name: 'attempts', type: 'int[]', get: (r) => r.attempts },
]

/** A message's row of one rule, shared by the jobs of the rule's destinations until the last one answers. */
interface Fanout {
  rule: Rule
  /** destinations still to answer */
  pending: number
  /** those that took the row */
  ok: FanoutHop[]
}

/** The head of a queue: up to `rows` jobs and about `bytes` of row text (always at least one job). */
export function takeBatch<J extends { text: string }>(queue: J[], rows: number, bytes: number): J[] {
  if (rows <= 1) return queue.splice(0, 1)
  let n = 0
  let size = 0
  const max = Math.min(rows, queue.length)
  while (n < max) {
    size += queue[n]!.text.length
    if (n > 0 && size > bytes) break
    n++
  }
  return queue.splice(0, n)
}

class Destination {
  readonly queue: Job[] = []
  active = 0
  failuresInRow = 0
  openUntil = 0
  /** the run-log operation of its records */
  readonly operation: string
  constructor(
    readonly id: string,
    readonly type: ForwardType,
    readonly signature: string,
    readonly sender: Sender,
  ) {
    this.operation = type.toLowerCase()
  }
}

interface Rule {
  id: string
  name: string
  productKey: string
  filter: string
  kind: RuleTopicKind
  statement: RuleStatement
  binary: boolean
  destinations: Destination[]
  /** `"ruleName":…,"ruleId":…,"Content":` — the fixed part of its green records (rebuilt on reload: a rename shows) */
  okPrefix: string
}

export interface ForwardEngineOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  /** messages waiting for their rules (past it: 9324, dead letters) */
  queueLimit?: number
  /** rows waiting per destination */
  destinationQueueLimit?: number
  /** cap on sends in flight per destination (each sender has its own: webhook 16 by default, others 2) */
  concurrency?: number
  /** consecutive failures that open a destination's circuit, and for how long */
  breakerThreshold?: number
  breakerOpenMs?: number
  /** first retry delay (doubles each retry, ≤ 5 s) */
  backoffMs?: number
  reloadMs?: number
}

/**
 * The forwarding engine of a node: the pipeline hands it each accepted message (`hub` event `accepted`, one
 * synchronous push into a bounded queue — never awaited by the pipeline); a worker matches rules by product and
 * topic, runs their SQL and queues each selected row per destination. Each destination has its own bounded queue,
 * a few sends in flight, retries with backoff and a circuit breaker, so a slow or broken destination never holds up
 * the others. Every outcome is a run-log record (bizType RuleEngine, the message's traceId, code 200 or the
 * reference code); rows that fail for good become dead letters (replayable).
 */
export class ForwardEngine {
  private byProduct = new Map<string, Rule[]>()
  private destinations = new Map<string, Destination>()
  private readonly inbox: AcceptedMessage[] = []
  private draining = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private pruneTimer: NodeJS.Timeout | null = null
  private loading: Promise<void> | null = null
  private readonly lastErrorAt = new Map<string, number>()
  private idleWaiters: (() => void)[] = []
  /** messages and rows refused because a queue was full */
  throttled = 0
  private readonly o: Required<Omit<ForwardEngineOptions, 'db' | 'hub' | 'log'>> & ForwardEngineOptions

  private readonly onAccepted = (m: AcceptedMessage) => this.offer(m)
  private readonly onStatus = (c: StatusChange & { ip?: string | null }) =>
    this.offer({
      productKey: c.productKey,
      deviceName: c.deviceName,
      topic: `/as/mqtt/status/${c.productKey}/${c.deviceName}`,
      payload: Buffer.from(lifecycleBody(c)),
      traceId: '',
      messageId: null,
      at: c.at,
    })
  /** a stopped or deleted rule leaves this node's routing at once, before the reload reads the tables */
  private readonly onChanged = (stopped?: string) => {
    if (stopped) {
      for (const [pk, rules] of this.byProduct) {
        const left = rules.filter((r) => r.id !== stopped)
        if (left.length === 0) this.byProduct.delete(pk)
        else if (left.length !== rules.length) this.byProduct.set(pk, left)
      }
    }
    void this.reload()
  }

  /**
   * Forwarding's own run-log writer (same table, its own batches and statements in flight), so the records of a busy
   * rule never queue in front of the pipeline's rows, whose write each QoS 1 PUBACK waits for.
   */
  private readonly runLog: RunLogWriter
  /** Rows failed for good, written in COPY batches (an overload fails many rows at once). */
  private readonly deadLetters: BatchWriter<DeadLetterRow>

  constructor(opts: ForwardEngineOptions) {
    this.runLog = createRunLogWriter(opts.db, {
      maxRows: 1000,
      intervalMs: 50,
      concurrency: 2,
      onError: (e) => opts.log.error({ err: e }, 'forward run-log write failed; retrying'),
      onRejected: (e, rows) => opts.log.error({ err: e, rows: rows.length }, 'forward run-log rows rejected'),
      onWritten: () => opts.hub.emit('written', 'run_log'),
    })
    this.deadLetters = new BatchWriter(opts.db.pool, 'forward_dead_letter', DEAD_LETTER_COLUMNS, {
      method: 'copy',
      maxRows: 1000,
      intervalMs: 250,
      concurrency: 1,
      onError: (e) => opts.log.error({ err: e }, 'dead-letter write failed; retrying'),
      // a rule or destination deleted meanwhile (foreign key): the others are stored
      onRejected: (e, rows) =>
        opts.log.warn({ err: e, rows: rows.length }, 'dead letters of a deleted rule not stored'),
    })
    this.o = {
      queueLimit: 20_000,
      destinationQueueLimit: 10_000,
      concurrency: 512,
      breakerThreshold: 5,
      breakerOpenMs: 30_000,
      backoffMs: 200,
      reloadMs: 5_000,
      ...opts,
    }
  }

  async start() {
    await this.reload()
    this.o.hub.on('accepted', this.onAccepted)
    this.o.hub.on('status', this.onStatus)
    forwardChanges.on('changed', this.onChanged)
    liveEngines.add(this)
    this.timer = setInterval(() => void this.reload(), this.o.reloadMs)
    this.pruneTimer = setInterval(() => void this.prune(), 3_600_000)
    this.pruneTimer.unref()
  }

  /** Stop taking messages, finish what is queued (≤ `deadlineMs`; the rest become dead letters), close clients. */
  async stop(deadlineMs = 10_000) {
    this.stopped = true
    this.o.hub.off('accepted', this.onAccepted)
    this.o.hub.off('status', this.onStatus)
    forwardChanges.off('changed', this.onChanged)
    liveEngines.delete(this)
    if (this.timer) clearInterval(this.timer)
    if (this.pruneTimer) clearInterval(this.pruneTimer)
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, deadlineMs).unref())])
    const f = new ForwardFailure(ForwardCode.UNAVAILABLE, 'the node shut down before sending', false)
    for (const d of this.destinations.values()) for (const j of d.queue.splice(0)) this.fail(d, j, f, 0)
    await this.deadLetters.flush()
    await this.runLog.flush()
    await Promise.allSettled([...this.destinations.values()].map((d) => d.sender.close()))
    this.destinations.clear()
  }

  /** Dead letters are kept 7 days (replayed ones too: they show what happened), like the run log they point to. */
  async prune(now = Date.now()) {
    await this.o.db.prisma.forwardDeadLetter
      .deleteMany({ where: { at: { lt: new Date(now - 7 * 86_400_000) } } })
      .catch((e) => this.o.log.warn({ err: e }, 'dead-letter prune failed'))
  }

  /** Resolves when nothing is queued or in flight and the dead letters so far are stored. */
  async idle(): Promise<void> {
    if (!this.isIdle()) await new Promise<void>((r) => this.idleWaiters.push(r))
    await this.deadLetters.flush()
  }
  private isIdle() {
    if (this.inbox.length > 0 || this.draining) return false
    for (const d of this.destinations.values()) if (d.queue.length > 0 || d.active > 0) return false
    return true
  }
  private checkIdle() {
    if (this.idleWaiters.length && this.isIdle()) for (const w of this.idleWaiters.splice(0)) w()
  }

  /** Called synchronously by the pipeline: O(1), never throws. */
  offer(m: AcceptedMessage) {
    if (this.stopped || !this.byProduct.has(m.productKey)) return
    if (this.inbox.length >= this.o.queueLimit) {
      this.throttled++
      // evaluated here so each destination gets its dead letter: nothing is dropped silently
      try {
        this.overflow(m)
      } catch (e) {
        this.o.log.error({ err: e }, 'forward overflow handling failed')
      }
      return
    }
    this.inbox.push(m)
    if (!this.draining) {
      this.draining = true
      setImmediate(() => this.drain())
    }
  }

  /**
   * Routes what the inbox holds, for up to ~20 ms per turn of the event loop (under load a turn is long and many
   * messages arrive per turn: a fixed count per turn would fall behind). The rows of the whole slice are queued
   * first, then each destination sends: they leave in batches, not one by one.
   */
  private drain() {
    const until = performance.now() + 20
    const touched = new Set<Destination>()
    let i = 0
    const inbox = this.inbox
    while (i < inbox.length) {
      const m = inbox[i++]!
      try {
        this.route(m, (d, job) => {
          if (this.enqueue(d, job)) touched.add(d)
        })
      } catch (e) {
        this.o.log.error({ err: e }, 'forward routing failed')
      }
      if ((i & 63) === 0 && performance.now() > until) break
    }
    inbox.splice(0, i)
    for (const d of touched) this.pump(d)
    if (this.inbox.length > 0) setImmediate(() => this.drain())
    else {
      this.draining = false
      this.checkIdle()
    }
  }

  private overflow(m: AcceptedMessage) {
    const f = new ForwardFailure(ForwardCode.THROTTLED, 'forwarding queue full', false)
    this.route(m, (d, job) => this.fail(d, job, f, 0))
  }

  /** Runs the matching rules of a message and hands each selected row to each destination. */
  private route(m: AcceptedMessage, to: (d: Destination, job: Job) => void) {
    const rules = this.byProduct.get(m.productKey)
    if (!rules) return
    const topic = ruleTopic(m.topic)
    let data: { ok: true; value: unknown } | { ok: false; message: string } | null = null
    for (const rule of rules) {
      if (!topicMatches(rule.filter, topic)) continue
      data ??= ruleInput(m, topic, rule)
      const msg: RuleMessage = {
        productKey: m.productKey,
        deviceName: m.deviceName,
        topic,
        messageId: m.messageId,
        traceId: m.traceId,
        at: m.at.getTime(),
      }
      if (!data.ok) {
        this.ruleError(rule, m, ForwardCode.PAYLOAD_INVALID, data.message)
        continue
      }
      let row: Record<string, unknown> | null
      try {
        row = runRuleSql(rule.statement, rule.binary ? { payload: m.payload.toString('base64') } : data.value, msg)
      } catch (e) {
        if (e instanceof RuleSqlError) this.ruleError(rule, m, e.code, e.message)
        else this.ruleError(rule, m, ForwardCode.SCRIPT_ERROR, `the rule failed: ${(e as Error).message}`)
        continue
      }
      if (!row) continue
      const text = JSON.stringify(row)
      const ctx = { traceId: m.traceId || newTrace(), productKey: m.productKey, deviceName: m.deviceName }
      const fan: Fanout = { rule, pending: rule.destinations.length, ok: [] }
      for (const d of rule.destinations) to(d, { row, text, ctx, at: m.at.getTime(), fan })
    }
  }

  /** Queues a row for a destination (false: its queue is full — 9324, a dead letter). */
  private enqueue(d: Destination, job: Job): boolean {
    if (d.queue.length >= this.o.destinationQueueLimit) {
      this.throttled++
      this.fail(d, job, new ForwardFailure(ForwardCode.THROTTLED, 'the destination queue is full', false), 0)
      return false
    }
    d.queue.push(job)
    return true
  }

  /**
   * Starts sends while the destination has a free slot (its sender's `concurrency`, capped by the engine's); each
   * send takes the rows queued so far, up to the sender's batch size, so batches grow with the load.
   */
  private pump(d: Destination) {
    const limit = Math.max(1, Math.min(d.sender.concurrency, this.o.concurrency))
    while (d.active < limit && d.queue.length > 0) {
      const jobs = takeBatch(d.queue, d.sender.batchRows, d.sender.batchBytes)
      d.active++
      void this.deliver(d, jobs)
        .catch((e) => this.o.log.error({ err: e }, 'forward delivery failed unexpectedly'))
        .finally(() => {
          d.active--
          this.pump(d)
          this.checkIdle()
        })
    }
  }

  private async deliver(d: Destination, jobs: Job[]) {
    const retries = retriesOf(d)
    let attempt = 0
    for (;;) {
      if (Date.now() < d.openUntil) {
        const f = new ForwardFailure(ForwardCode.UNAVAILABLE, 'circuit open: the destination failed repeatedly', false)
        for (const j of jobs) this.fail(d, j, f, attempt)
        return
      }
      attempt++
      try {
        if (d.sender.sendBatch) await d.sender.sendBatch(jobs)
        else await d.sender.send(jobs[0]!.row, jobs[0]!.text, jobs[0]!.ctx)
        d.failuresInRow = 0
        this.succeed(d, jobs)
        return
      } catch (e) {
        const f =
          e instanceof ForwardFailure ? e : new ForwardFailure(ForwardCode.TARGET_ERROR, (e as Error).message, true)
        // a batch refused for its content (9321): each row on its own, so only the bad row fails; other refusals
        // (a misconfigured destination) would refuse every row alike
        if (jobs.length > 1 && f.code === ForwardCode.BAD_PARAMETER) {
          for (const j of jobs) await this.deliver(d, [j])
          return
        }
        if (f.retriable && attempt <= retries && !this.stopped) {
          await sleep(Math.min(5000, this.o.backoffMs * 2 ** (attempt - 1)))
          continue
        }
        if (f.code === ForwardCode.UNAVAILABLE || f.code === ForwardCode.TARGET_ERROR) {
          d.failuresInRow++
          if (d.failuresInRow >= this.o.breakerThreshold) d.openUntil = Date.now() + this.o.breakerOpenMs
        }
        for (const j of jobs) this.fail(d, j, f, attempt)
        return
      }
    }
  }

  /** Metrics once per product of a delivered batch (count, bytes, latency sum/min/max); each row's fan-out noted. */
  private succeed(d: Destination, jobs: Job[]) {
    const now = Date.now()
    const m = forwardMetrics(d.type)
    const metrics = this.o.hub.metrics
    let pk = jobs[0]!.fan.rule.productKey
    let count = 0
    let bytes = 0
    let sum = 0
    let min = Number.POSITIVE_INFINITY
    let max = 0
    const flush = () => {
      if (count === 0) return
      metrics.add(Metric.Forwarded, pk, count, now)
      metrics.add(m.count, pk, count, now)
      metrics.add(m.bytes, pk, bytes, now)
      metrics.add(m.latencySum, pk, sum, now)
      this.extremes(m.latencyMin, m.latencyMax, pk, min, max, now)
      count = bytes = sum = max = 0
      min = Number.POSITIVE_INFINITY
    }
    const ts = new Date(now)
    for (const job of jobs) {
      const rule = job.fan.rule
      if (rule.productKey !== pk) {
        flush()
        pk = rule.productKey
      }
      const latency = Math.max(0, now - job.at)
      count++
      bytes += Buffer.byteLength(job.text)
      sum += latency
      if (latency < min) min = latency
      if (latency > max) max = latency
      job.fan.ok.push({ destinationId: d.id, operation: d.operation, latencyMs: latency })
      this.answered(job, ts)
    }
    flush()
  }

  /**
   * A destination is done with a job (took it or failed for good). After the rule's last one, the message's green
   * record lists those that took it (fanout.ts); content as logContent would write it, without re-encoding the
   * rule for every row.
   */
  private answered(job: Job, ts: Date) {
    const fan = job.fan
    if (--fan.pending > 0 || fan.ok.length === 0) return
    const content = fanoutContent(fan.ok, job.at, `${fan.rule.okPrefix}${JSON.stringify(job.text)}}`)
    this.write({
      ts,
      productKey: job.ctx.productKey,
      deviceName: job.ctx.deviceName,
      traceId: job.ctx.traceId,
      messageId: null,
      bizType: RULE_ENGINE_BIZ,
      operation: fan.ok.map((h) => h.operation).join(','),
      code: 200,
      content: cutContent(content),
    })
  }

  /** Per-minute min/max latency as gauges: the minute's running extreme is the latest sample, so it wins. */
  private readonly minMax = new Map<string, { minute: number; min: number; max: number }>()
  private extremes(minCode: string, maxCode: string, pk: string, lo: number, hi: number, at: number) {
    const minute = Math.floor(at / 60_000)
    const k = `${minCode}|${pk}`
    let e = this.minMax.get(k)
    if (!e || e.minute !== minute) {
      e = { minute, min: lo, max: hi }
      this.minMax.set(k, e)
      this.o.hub.metrics.gauge(minCode, pk, lo, at)
      this.o.hub.metrics.gauge(maxCode, pk, hi, at)
      return
    }
    if (lo < e.min) {
      e.min = lo
      this.o.hub.metrics.gauge(minCode, pk, lo, at)
    }
    if (hi > e.max) {
      e.max = hi
      this.o.hub.metrics.gauge(maxCode, pk, hi, at)
    }
  }

  /** A row a destination failed for good: red record, metric, the rule's last error, and a dead letter. */
  private fail(d: Destination, job: Job, f: ForwardFailure, attempts: number) {
    const rule = job.fan.rule
    this.o.hub.metrics.add(forwardMetrics(d.type).failures, rule.productKey, 1)
    this.record(rule, d, job, f.code, { Content: job.text, Message: f.message, attempts })
    this.noteError(rule, `${d.type}: ${f.message} (${f.code})`)
    this.answered(job, new Date())
    this.deadLetters.push({
      ts: new Date(),
      ruleId: rule.id,
      destinationId: d.id,
      traceId: job.ctx.traceId,
      payload: job.text,
      code: f.code,
      error: f.message,
      attempts,
    })
  }

  private record(
    rule: Rule,
    d: Destination | null,
    job: Job | null,
    code: number,
    content: Record<string, unknown>,
    ts = new Date(),
  ) {
    const ctx = job?.ctx
    this.write({
      ts,
      productKey: ctx?.productKey ?? rule.productKey,
      deviceName: ctx?.deviceName ?? null,
      traceId: ctx?.traceId ?? newTrace(),
      messageId: null,
      bizType: RULE_ENGINE_BIZ,
      operation: d ? d.operation : 'sql',
      code,
      content: logContent({ ruleName: rule.name, ruleId: rule.id, destinationId: d?.id, ...content }),
    })
  }

  private ruleError(rule: Rule, m: AcceptedMessage, code: number, message: string) {
    this.write({
      ts: new Date(),
      productKey: m.productKey,
      deviceName: m.deviceName,
      traceId: m.traceId || newTrace(),
      messageId: m.messageId,
      bizType: RULE_ENGINE_BIZ,
      operation: 'sql',
      code,
      content: logContent({ ruleName: rule.name, ruleId: rule.id, Message: message }),
    })
    this.noteError(rule, `${message} (${code})`)
  }

  /** A RuleEngine run-log record: our writer, plus the long-term store and the OTLP tap, as `hub.record` does. */
  private write(rec: RunLogRecord) {
    this.o.hub.logDump.offerRunLog(rec)
    this.o.hub.runLogTap?.(rec)
    this.runLog.push(rec)
  }

  /** The rule's last error, written at most once a second per rule. */
  private noteError(rule: Rule, error: string) {
    const now = Date.now()
    if (now - (this.lastErrorAt.get(rule.id) ?? 0) < 1000) return
    this.lastErrorAt.set(rule.id, now)
    void this.o.db.prisma.forwardRule
      .updateMany({ where: { id: rule.id }, data: { lastError: error.slice(0, 500), lastErrorAt: new Date(now) } })
      .catch(() => {})
  }

  /** Loads enabled rules with their destinations; clients of unchanged destinations are kept. */
  reload(): Promise<void> {
    // a change during a load is read by one more load after it (the running one may have read the old rows)
    if (this.loading) {
      this.reloadAgain ??= this.loading.then(() => {
        this.reloadAgain = null
        return this.reload()
      })
      return this.reloadAgain
    }
    this.loading = this.load()
      .catch((e) => this.o.log.error({ err: e }, 'forward rules reload failed'))
      .finally(() => {
        this.loading = null
      })
    return this.loading
  }
  private reloadAgain: Promise<void> | null = null

  private async load() {
    if (this.stopped) return
    const rows = await this.o.db.prisma.forwardRule.findMany({
      where: { enabled: true },
      include: { destinations: { where: { enabled: true, isError: false } } },
    })
    const byProduct = new Map<string, Rule[]>()
    const keep = new Map<string, Destination>()
    for (const r of rows) {
      let statement: RuleStatement
      try {
        statement = parseRuleSql(r.sql)
      } catch {
        continue // saved statements were checked; one that no longer parses is skipped
      }
      const k = ruleTopicKind(statement.topic)
      if ('error' in k) continue
      const dests: Destination[] = []
      for (const dr of r.destinations) {
        const signature = JSON.stringify([dr.type, dr.config])
        let d = this.destinations.get(dr.id)
        if (!d || d.signature !== signature) {
          d = new Destination(
            dr.id,
            dr.type as ForwardType,
            signature,
            createSender(dr.type as ForwardType, dr.config, {
              publish: (topic, payload, qos) => this.o.hub.publish(topic, payload, qos),
            }),
          )
        }
        keep.set(dr.id, d)
        dests.push(d)
      }
      const rule: Rule = {
        id: r.id,
        name: r.name,
        productKey: k.productKey,
        filter: statement.topic,
        kind: k.kind,
        statement,
        binary: r.dataType === 'BINARY',
        destinations: dests,
        okPrefix: `${JSON.stringify({ ruleName: r.name, ruleId: r.id }).slice(1, -1)},"Content":`,
      }
      const list = byProduct.get(rule.productKey) ?? []
      list.push(rule)
      byProduct.set(rule.productKey, list)
    }
    for (const [id, d] of this.destinations) {
      if (keep.get(id) === d) continue
      // replaced or removed: let queued rows finish on the old client, then close it
      void waitEmpty(d).then(() => d.sender.close())
    }
    this.destinations = keep
    this.byProduct = byProduct
  }
}

const retriesOf = (d: Destination) => {
  try {
    const c = JSON.parse(d.signature)[1] as { retries?: number }
    return typeof c.retries === 'number' ? c.retries : 2
  } catch {
    return 2
  }
}

async function waitEmpty(d: Destination) {
  while (d.queue.length > 0 || d.active > 0) await sleep(200)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let traceSeq = 0
const newTrace = () => `fwd${Date.now().toString(36)}${(traceSeq++).toString(36)}`

/** The rule-side topic of a device topic: `/sys/{pk}/{dn}/…` → `/{pk}/{dn}/…`; others unchanged. */
export function ruleTopic(topic: string): string {
  return topic.startsWith('/sys/') ? topic.slice(4) : topic
}

/**
 * What a rule's SQL reads for a message, in the reference's forwarding formats: property posts as
 * `{ items: { id: { value, time } }, … }`, event posts as `{ identifier, value, time, … }`, lifecycle and custom
 * topics as their JSON payload.
 */
export function ruleInput(
  m: Pick<AcceptedMessage, 'payload' | 'productKey' | 'deviceName' | 'at'>,
  topic: string,
  rule: { kind: RuleTopicKind; binary: boolean },
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (rule.binary) return { ok: true, value: { payload: m.payload.toString('base64') } }
  let body: unknown
  try {
    body = JSON.parse(m.payload.toString('utf8'))
  } catch {
    return { ok: false, message: 'the payload is not JSON; give the rule the BINARY data type to forward it' }
  }
  const at = m.at.getTime()
  if (rule.kind === 'property' || rule.kind === 'event') {
    const req = (body ?? {}) as { id?: unknown; params?: unknown }
    const params = (req.params ?? {}) as Record<string, unknown>
    const base = {
      requestId: req.id === undefined ? null : String(req.id),
      productKey: m.productKey,
      deviceName: m.deviceName,
      gmtCreate: at,
    }
    if (rule.kind === 'property') {
      const items: Record<string, { value: unknown; time: number }> = {}
      for (const [k, v] of Object.entries(params)) {
        items[k] =
          v && typeof v === 'object' && !Array.isArray(v) && 'value' in v
            ? { value: (v as { value: unknown }).value, time: Number((v as { time?: unknown }).time ?? at) || at }
            : { value: v, time: at }
      }
      return { ok: true, value: { ...base, items } }
    }
    const identifier = topic.split('/')[5] ?? ''
    const value = 'value' in params ? params.value : params
    return { ok: true, value: { ...base, identifier, value, time: Number(params.time ?? at) || at } }
  }
  return { ok: true, value: body }
}
