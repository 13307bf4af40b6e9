import { OTA_INFORM_AFTER_CONNECT_MS } from '@iotops/alink/limits'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import { SYSTEM_ACTOR } from '../context'
import type { DeviceHub, StatusChange } from '../hub/hub'
import { Metric } from '../metrics/codes'
import { inMaintenanceWindow, type TOtaPolicy, type TOtaRate, ZOtaPolicy, ZOtaRate } from './job-schema'
import { createStaticJobParsed, onJobsChanged } from './jobs'
import { OTA_KICK, type OtaProtocol, type PushJob } from './protocol'
import { pushBudget, ratePerMinute, refill } from './rate'

// The OTA engine (ref §8.2.3–8.2.4): every second, on one node of a cluster (PostgreSQL advisory lock), it starts
// and ends scheduled batches, times tasks out (counted from the first progress report), re-pushes due retries,
// pushes QUEUED tasks of online devices within each batch's rate, maintenance windows and rollout wave, moves waves
// on or pauses/aborts at their gates, aborts on the failure threshold (optionally rolling back) and completes
// batches. Devices coming online are re-notified of upgrades they were already told about by the node they reach.

export interface OtaEngineOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  tickMs?: number
  now?: () => number
}

const LOCK = 0x1a1a_0006 // advisory lock: one node of a cluster runs the OTA schedule
const ACTIVE = `('CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS')`

type JobRow = {
  id: string
  job_id: string
  firmware_id: string
  product_key: string
  module: string
  type: string
  status: string
  push: boolean
  download_protocol: string
  tags: unknown
  rate: unknown
  policy: unknown
  wave: number
  pushed: number
  created_at: Date
}

interface Stats {
  byStatus: Record<string, number>
  /** per wave: active / succeeded / failed */
  waves: Map<number, { active: number; ok: number; failed: number }>
  failures: Record<string, number>
}

export class OtaEngine {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private ticks = 0
  private readonly now: () => number
  /** pushes per batch in the last minute: [ms, count][] (this node's view while it holds the lock) */
  private readonly window = new Map<string, [number, number][]>()
  /** push allowance per batch (token bucket filled at the batch's rate) */
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private stopped = false
  private readonly onStatus = (e: StatusChange) => {
    if (e.status !== 'ONLINE' || this.stopped) return
    // a device reports its version right after connecting (ref §8.3, ≤ 2 s): re-notify only if it did not upgrade
    const t = setTimeout(() => {
      this.timers.delete(t)
      void this.renotify(e.deviceId).catch((err) => this.o.log.error({ err }, 'OTA re-notify failed'))
    }, OTA_INFORM_AFTER_CONNECT_MS + 500)
    this.timers.add(t)
    this.kick()
  }
  private readonly onKick = () => this.kick()

  constructor(private readonly o: OtaEngineOptions) {
    this.now = o.now ?? Date.now
  }

  private get protocol(): OtaProtocol {
    return this.o.hub.pipeline.ota
  }

  start() {
    this.stopped = false
    this.o.hub.on('status', this.onStatus)
    this.o.hub.on(OTA_KICK, this.onKick)
    onJobsChanged(this.onKick)
    this.timer ??= setInterval(() => this.kick(), this.o.tickMs ?? 1000)
  }

  async stop() {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.o.hub.off('status', this.onStatus)
    this.o.hub.off(OTA_KICK, this.onKick)
    onJobsChanged(() => {})
    await this.running
  }

  /** Runs a tick now (or right after the one running). */
  kick() {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    void this.tick().catch((e) => this.o.log.error({ err: e }, 'OTA tick failed'))
  }

  tick(now = this.now()): Promise<void> {
    if (this.running) return this.running
    this.running = this.locked(now).finally(() => {
      this.running = null
      if (this.again && !this.stopped) {
        this.again = false
        setImmediate(() => this.kick())
      }
    })
    return this.running
  }

  private async locked(now: number) {
    const client = await this.o.db.pool.connect()
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK])
      if (!rows[0]?.ok) {
        this.window.clear()
        this.buckets.clear()
        return
      }
      try {
        await this.run(now)
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK])
      }
    } finally {
      client.release()
    }
  }

  private q<R extends object = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    return this.o.db.pool.query<R>(sql, params)
  }

  private async run(nowMs: number) {
    const now = new Date(nowMs)
    this.ticks++
    // 1. scheduled batches start; their queued tasks now wait for the device or the rate
    const started = await this.q<{ id: string }>(
      `UPDATE ota_job SET status = 'IN_PROGRESS', updated_at = now()
       WHERE status = 'PLANNED' AND schedule_start <= $1 RETURNING id`,
      [now],
    )
    // 2. a schedule's end stops what has not started (tasks under way run to their end)
    await this.q(
      `WITH ended AS (
         UPDATE ota_job SET reason = 'the scheduled end time passed', updated_at = now()
         WHERE status IN ('IN_PROGRESS', 'PAUSED') AND schedule_end <= $1 AND reason IS NULL RETURNING id)
       UPDATE ota_task t SET status = 'CANCELED', queued_reason = NULL, finished_at = now(), updated_at = now()
       FROM ended WHERE t.job_id = ended.id AND t.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED')`,
      [now],
    )
    // 3. timeouts, from the first progress report (ref §8.2.2); never retried
    const timedOut = await this.q<{ id: string }>(
      `SELECT t.id FROM ota_task t JOIN ota_job j ON j.id = t.job_id
       WHERE t.status IN ('NOTIFIED', 'IN_PROGRESS') AND j.timeout_minutes IS NOT NULL AND t.first_progress_at IS NOT NULL
         AND t.first_progress_at + j.timeout_minutes * interval '1 minute' <= $1`,
      [now],
    )
    if (timedOut.rows.length)
      await this.protocol.failTasks(
        timedOut.rows.map((r) => r.id),
        'timeout',
        'the upgrade did not finish within the timeout',
      )
    // 4. due retries of online devices are pushed again (the status shown stays as it was, ref §8.2.4)
    const retry = await this.q<{ id: string; product_key: string; device_name: string; job_id: string }>(
      `UPDATE ota_task t SET retries = t.retries + 1, next_retry_at = NULL, progress = 0, updated_at = now()
       FROM device d, ota_job j
       WHERE d.id = t.device_id AND j.id = t.job_id AND j.status = 'IN_PROGRESS' AND d.status = 'ONLINE'
         AND t.status IN ('NOTIFIED', 'IN_PROGRESS') AND t.next_retry_at <= $1
       RETURNING t.id, t.product_key, t.device_name, t.job_id`,
      [now],
    )
    const jobs = await this.q<JobRow>(
      `SELECT id, job_id, firmware_id, product_key, module, type, status, push, download_protocol, tags, rate, policy,
              wave, pushed, created_at
       FROM ota_job WHERE status IN ('IN_PROGRESS', 'PAUSED') ORDER BY created_at`,
    )
    const byId = new Map(jobs.rows.map((j) => [j.id, j]))
    for (const [jobId, list] of group(retry.rows, (r) => r.job_id)) {
      const j = byId.get(jobId)
      if (j)
        await this.protocol.push(
          list.map((r) => ({ id: r.id, productKey: r.product_key, deviceName: r.device_name })),
          pushJob(j),
        )
    }
    // 5. waiting reasons (every 5 s, or when a schedule just started)
    if (this.ticks % 5 === 1 || started.rows.length)
      await this.q(
        `UPDATE ota_task t SET queued_reason = CASE WHEN d.status = 'ONLINE' THEN 'RATE' ELSE 'OFFLINE' END
         FROM device d, ota_job j
         WHERE d.id = t.device_id AND j.id = t.job_id AND j.status = 'IN_PROGRESS' AND j.push AND t.status = 'QUEUED'
           AND t.queued_reason IS DISTINCT FROM CASE WHEN d.status = 'ONLINE' THEN 'RATE' ELSE 'OFFLINE' END`,
      )
    // 6. per batch: gates, pushes, completion
    const stats = await this.stats(jobs.rows.map((j) => j.id))
    for (const j of jobs.rows) {
      const st: Stats = stats.get(j.id) ?? { byStatus: {}, waves: new Map(), failures: {} }
      const policy = parsePolicy(j.policy)
      if (await this.gates(j, st, policy)) continue
      if (j.status === 'IN_PROGRESS' && j.push && inMaintenanceWindow(policy, now)) await this.pushJob(j, st, nowMs)
      await this.complete(j, st)
    }
  }

  /** Task counts of the running batches: per status, per wave and per failure reason. */
  private async stats(ids: string[]) {
    const out = new Map<string, Stats>()
    if (ids.length === 0) return out
    const { rows } = await this.q<{
      job_id: string
      wave: number
      status: string
      fail_reason: string | null
      n: string
    }>(
      `SELECT job_id, wave, status, fail_reason, count(*) AS n FROM ota_task WHERE job_id = ANY($1::uuid[])
       GROUP BY job_id, wave, status, fail_reason`,
      [ids],
    )
    for (const r of rows) {
      const s: Stats = out.get(r.job_id) ?? { byStatus: {}, waves: new Map(), failures: {} }
      const n = Number(r.n)
      s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + n
      const w = s.waves.get(r.wave) ?? { active: 0, ok: 0, failed: 0 }
      if (['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS'].includes(r.status)) w.active += n
      if (r.status === 'SUCCEEDED') w.ok += n
      if (r.status === 'FAILED') {
        w.failed += n
        s.failures[r.fail_reason ?? 'upgrade'] = (s.failures[r.fail_reason ?? 'upgrade'] ?? 0) + n
      }
      s.waves.set(r.wave, w)
      out.set(r.job_id, s)
    }
    return out
  }

  /** The abort rule and the current wave's gate; true when the batch stopped or paused. */
  private async gates(j: JobRow, st: Stats, policy: TOtaPolicy): Promise<boolean> {
    const ok = st.byStatus.SUCCEEDED ?? 0
    const failed = st.byStatus.FAILED ?? 0
    const executed = ok + failed
    const a = policy.abort
    if (a && executed >= a.minExecuted) {
      const counted = a.reasons.length ? a.reasons.reduce((n, r) => n + (st.failures[r] ?? 0), 0) : failed
      if (counted * 100 >= a.percent * executed) {
        await this.abort(
          j,
          policy,
          `aborted: ${counted} of ${executed} executed upgrades failed${a.reasons.length ? ` (${a.reasons.join(', ')})` : ''}, the limit is ${a.percent}%`,
        )
        return true
      }
    }
    if (j.status !== 'IN_PROGRESS' || policy.waves.length === 0 || j.wave >= policy.waves.length - 1) return false
    let active = 0
    let wOk = 0
    let wFailed = 0
    for (const [w, c] of st.waves)
      if (w <= j.wave) {
        active += c.active
        wOk += c.ok
        wFailed += c.failed
      }
    if (active > 0) return false
    const wave = policy.waves[j.wave]!
    const done = wOk + wFailed
    const success = done ? (100 * wOk) / done : 100
    const failure = done ? (100 * wFailed) / done : 0
    const breach =
      wave.successAtLeast !== undefined && success < wave.successAtLeast
        ? `success ${success.toFixed(1)}% is below ${wave.successAtLeast}%`
        : wave.failureAtMost !== undefined && failure > wave.failureAtMost
          ? `failures ${failure.toFixed(1)}% exceed ${wave.failureAtMost}%`
          : null
    if (!breach) {
      await this.q(`UPDATE ota_job SET wave = wave + 1, updated_at = now() WHERE id = $1 AND wave = $2`, [j.id, j.wave])
      j.wave++
      return false
    }
    const why = `wave ${j.wave + 1} (${wave.percent}%): ${breach}`
    if (wave.onBreach === 'ABORT') {
      await this.abort(j, policy, `aborted at ${why}`)
      return true
    }
    await this.q(`UPDATE ota_job SET status = 'PAUSED', reason = $2, updated_at = now() WHERE id = $1`, [
      j.id,
      `paused at ${why}; resume to go on with the next wave`,
    ])
    this.o.log.info({ job: j.job_id, why }, 'OTA batch paused at a wave gate')
    return true
  }

  /**
   * Stops a batch: tasks not yet under way are canceled (devices already flashing finish). With rollback, the devices
   * already upgraded get a new static batch back to a package of the version they came from, when one exists.
   */
  private async abort(j: JobRow, policy: TOtaPolicy, why: string) {
    await this.q(
      `UPDATE ota_task SET status = 'CANCELED', queued_reason = NULL, next_retry_at = NULL, finished_at = now(),
              updated_at = now() WHERE job_id = $1 AND status IN ('CONFIRM', 'QUEUED', 'NOTIFIED')`,
      [j.id],
    )
    let reason = why
    if (policy.rollback) reason += `; ${await this.rollback(j)}`
    await this.q(
      `UPDATE ota_job SET status = 'ABORTED', reason = $2, finished_at = now(), updated_at = now() WHERE id = $1`,
      [j.id, reason.slice(0, 2000)],
    )
    this.o.log.warn({ job: j.job_id, reason }, 'OTA batch aborted')
  }

  private async rollback(j: JobRow): Promise<string> {
    const { rows } = await this.q<{ src_version: string | null; names: string[] }>(
      `SELECT src_version, array_agg(device_name) AS names FROM ota_task
       WHERE job_id = $1 AND status = 'SUCCEEDED' GROUP BY src_version`,
      [j.id],
    )
    if (rows.length === 0) return 'rollback: no device had upgraded'
    const notes: string[] = []
    for (const r of rows) {
      if (!r.src_version) {
        notes.push(`rollback: ${r.names.length} device(s) had reported no version before`)
        continue
      }
      const { rows: pkg } = await this.q<{ firmware_id: string }>(
        `SELECT firmware_id FROM ota_firmware WHERE product_key = $1 AND module = $2 AND dest_version = $3
           AND type = 'FULL' AND (NOT need_verify OR status = 'VERIFIED') ORDER BY created_at DESC LIMIT 1`,
        [j.product_key, j.module, r.src_version],
      )
      if (!pkg[0]) {
        notes.push(`rollback: no full package of version ${r.src_version} for ${r.names.length} device(s)`)
        continue
      }
      try {
        const back = await createStaticJobParsed(this.o.db, SYSTEM_ACTOR, {
          firmwareId: pkg[0].firmware_id,
          scope: 'SPECIFIC',
          deviceNames: r.names,
          push: true,
          needConfirm: false,
          downloadProtocol: 'HTTPS',
          rate: { mode: 'CONSTANT', perMinute: 10_000 },
          multiModule: false,
          overwrite: false,
          tags: [{ key: 'rollbackOf', value: j.job_id }],
        })
        notes.push(`rollback batch ${back.jobId} to ${r.src_version} for ${back.total} device(s)`)
      } catch (e) {
        notes.push(`rollback to ${r.src_version} refused: ${(e as Error).message}`)
      }
    }
    return notes.join('; ')
  }

  /** Pushes QUEUED tasks of online devices in the batch's wave, within its rate. */
  private async pushJob(j: JobRow, st: Stats, nowMs: number) {
    if ((st.byStatus.QUEUED ?? 0) === 0) return
    const rate = parseRate(j.rate)
    const count = rate.mode === 'VARIABLE' && rate.by === 'SUCCEEDED' ? (st.byStatus.SUCCEEDED ?? 0) : j.pushed
    const perMinute = ratePerMinute(rate, count)
    const tickMs = this.o.tickMs ?? 1000
    const b = this.buckets.get(j.id) ?? { tokens: 0, at: nowMs - tickMs }
    b.tokens = refill(b.tokens, perMinute, nowMs - b.at, tickMs)
    b.at = nowMs
    this.buckets.set(j.id, b)
    const budget = pushBudget(perMinute, await this.pushedLastMinute(j.id, nowMs), b.tokens)
    if (budget <= 0) return
    const { rows } = await this.q<{ id: string; product_key: string; device_name: string }>(
      // the pick is a CTE, run once: as an `IN (subquery … LIMIT … SKIP LOCKED)` the planner may run it again for
      // every row it checks, each run skipping the rows just claimed — and push far more than the budget
      `WITH picked AS MATERIALIZED (
         SELECT x.id FROM ota_task x JOIN device d ON d.id = x.device_id
         WHERE x.job_id = $1 AND x.status = 'QUEUED' AND x.wave <= $2 AND d.status = 'ONLINE'
         ORDER BY x.wave, x.created_at, x.id LIMIT $3 FOR UPDATE OF x SKIP LOCKED)
       UPDATE ota_task t SET status = 'NOTIFIED', queued_reason = NULL, notified_at = now(), updated_at = now()
       FROM picked WHERE t.id = picked.id AND t.status = 'QUEUED'
       RETURNING t.id, t.product_key, t.device_name`,
      [j.id, j.wave, budget],
    )
    if (rows.length === 0) return
    b.tokens -= rows.length
    this.window.get(j.id)!.push([nowMs, rows.length])
    await this.q('UPDATE ota_job SET pushed = pushed + $2, updated_at = now() WHERE id = $1', [j.id, rows.length])
    j.pushed += rows.length
    this.o.hub.metrics.add(Metric.OtaDevices, j.product_key, rows.length)
    await this.protocol.push(
      rows.map((r) => ({ id: r.id, productKey: r.product_key, deviceName: r.device_name })),
      pushJob(j),
    )
  }

  private async pushedLastMinute(jobId: string, nowMs: number) {
    let w = this.window.get(jobId)
    if (!w) {
      // this node just took over the schedule: count what any node pushed in the last minute
      const { rows } = await this.q<{ n: string }>(
        `SELECT count(*) AS n FROM ota_task WHERE job_id = $1 AND notified_at > $2`,
        [jobId, new Date(nowMs - 60_000)],
      )
      w = [[nowMs, Number(rows[0]?.n ?? 0)]]
      this.window.set(jobId, w)
    }
    while (w.length && w[0]![0] <= nowMs - 60_000) w.shift()
    return w.reduce((n, x) => n + x[1], 0)
  }

  /** Static and verification batches complete when no task is left running; verification settles the package. */
  private async complete(j: JobRow, st: Stats) {
    const active = ['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS'].reduce((n, s) => n + (st.byStatus[s] ?? 0), 0)
    if (j.type === 'VERIFY' && (st.byStatus.FAILED ?? 0) > 0)
      await this.q(
        `UPDATE ota_firmware SET status = 'VERIFY_FAILED', updated_at = now() WHERE id = $1 AND status = 'VERIFYING'`,
        [j.firmware_id],
      )
    if (j.type === 'DYNAMIC' || j.status !== 'IN_PROGRESS' || active > 0) return
    await this.q(
      `UPDATE ota_job SET status = 'COMPLETED', finished_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'IN_PROGRESS' AND NOT EXISTS (
         SELECT 1 FROM ota_task WHERE job_id = $1 AND status IN ${ACTIVE})`,
      [j.id],
    )
    this.window.delete(j.id)
    this.buckets.delete(j.id)
    if (j.type === 'VERIFY') {
      const ok =
        (st.byStatus.SUCCEEDED ?? 0) > 0 && (st.byStatus.FAILED ?? 0) === 0 && (st.byStatus.CANCELED ?? 0) === 0
      await this.q(`UPDATE ota_firmware SET status = $2, updated_at = now() WHERE id = $1 AND status = 'VERIFYING'`, [
        j.firmware_id,
        ok ? 'VERIFIED' : 'VERIFY_FAILED',
      ])
    }
  }

  /** A device back online is told again of upgrades it was notified of (ref §8.3: the platform re-pushes). */
  private async renotify(deviceId: string) {
    const { rows } = await this.q<JobRow & { task_id: string; task_product_key: string; device_name: string }>(
      `SELECT t.id AS task_id, t.product_key AS task_product_key, t.device_name, j.id, j.job_id, j.firmware_id,
              j.product_key, j.module, j.type, j.status, j.push, j.download_protocol, j.tags, j.rate, j.policy, j.wave,
              j.pushed, j.created_at
       FROM ota_task t JOIN ota_job j ON j.id = t.job_id JOIN device d ON d.id = t.device_id
       WHERE t.device_id = $1 AND t.status IN ('NOTIFIED', 'IN_PROGRESS') AND t.next_retry_at IS NULL
         AND j.status = 'IN_PROGRESS' AND j.push AND d.status = 'ONLINE'`,
      [deviceId],
    )
    for (const r of rows)
      await this.protocol.push(
        [{ id: r.task_id, productKey: r.task_product_key, deviceName: r.device_name }],
        pushJob(r),
      )
  }
}

const pushJob = (j: JobRow): PushJob => ({
  id: j.id,
  jobId: j.job_id,
  firmwareId: j.firmware_id,
  module: j.module,
  downloadProtocol: j.download_protocol,
  tags: j.tags,
})

function parsePolicy(v: unknown): TOtaPolicy {
  const r = ZOtaPolicy.safeParse(v ?? {})
  return r.success ? r.data : ZOtaPolicy.parse({})
}

function parseRate(v: unknown): TOtaRate {
  const r = ZOtaRate.safeParse(v)
  return r.success ? r.data : { mode: 'CONSTANT', perMinute: 10_000 }
}

function group<T>(xs: T[], key: (x: T) => string) {
  const m = new Map<string, T[]>()
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x])
  return m
}
