// Progress steps (/ota/device/progress, step 1–100) in group writes: a report joins the pending set, and one UPDATE
// stores every pending step — the latest of each device and module — while the next set gathers. Under load a write
// carries thousands of reports; alone, a report is written at once. A report resolves once its step is stored (or
// found to have no running task), so an acknowledgement still means "stored". Failures (-1..-4) and version reports
// are written on their own after `drain()`, so the steps a device sent before them land first.

/** Runs one statement; the caller binds it to the pool. */
export type ProgressQuery = (
  sql: string,
  params: unknown[],
) => Promise<{ rows: { id: string; device_id: string; module: string }[] }>

interface Pending {
  deviceId: string
  module: string
  step: number
  desc: string | null
  waiters: { resolve: (taskId: string | null) => void; reject: (e: unknown) => void }[]
}

/** At most this many tasks per statement (a bigger backlog is written in several). */
export const PROGRESS_BATCH_MAX = 5000

/**
 * One UPDATE for a set of steps: each (device, module) resolves to the device's running task of the module (the newest
 * NOTIFIED/IN_PROGRESS one, as a single report did), the status rechecked on the locked row.
 */
export const PROGRESS_SQL = `WITH v AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS v(device_id, module, step, descr)),
  c AS (
    SELECT x.id, v.device_id, v.module, v.step, v.descr FROM v CROSS JOIN LATERAL (
      SELECT id FROM ota_task WHERE device_id = v.device_id AND module = v.module AND status IN ('NOTIFIED', 'IN_PROGRESS')
      ORDER BY updated_at DESC LIMIT 1) x
    ORDER BY x.id)
  UPDATE ota_task t SET status = 'IN_PROGRESS', progress = c.step, progress_desc = c.descr, queued_reason = NULL,
         first_progress_at = coalesce(t.first_progress_at, now()), updated_at = now()
  FROM c WHERE t.id = c.id AND t.status IN ('NOTIFIED', 'IN_PROGRESS')
  RETURNING t.id, c.device_id::text AS device_id, c.module`

const key = (deviceId: string, module: string) => `${deviceId}\u0000${module}`

export class ProgressWriter {
  private pending = new Map<string, Pending>()
  private flushing: Promise<void> | null = null
  /** the write under way (it never rejects: its reports' waiters get the error) */
  private writing: Promise<void> | null = null
  /** statements run and reports they carried (for the bench and tests) */
  readonly stats = { writes: 0, reports: 0, tasks: 0 }

  constructor(
    private readonly query: ProgressQuery,
    private readonly max = PROGRESS_BATCH_MAX,
  ) {}

  /** Stores a step of the device's running task of `module`; resolves with the task's row id, or null if none runs. */
  report(deviceId: string, module: string, step: number, desc: string | null): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const k = key(deviceId, module)
      const p = this.pending.get(k)
      if (p) {
        p.step = step
        p.desc = desc
        p.waiters.push({ resolve, reject })
      } else this.pending.set(k, { deviceId, module, step, desc, waiters: [{ resolve, reject }] })
      this.stats.reports++
      this.flushing ??= this.loop()
    })
  }

  /**
   * Resolves once every step reported so far is written (or failed) — not waiting for steps reported later, so a
   * steady stream of reports cannot hold it back.
   */
  drain(): Promise<void> {
    const waits = [...this.pending.values()].map(
      (p) => new Promise<void>((done) => p.waiters.push({ resolve: () => done(), reject: () => done() })),
    )
    if (this.writing) waits.push(this.writing)
    return Promise.all(waits).then(() => undefined)
  }

  private async loop() {
    try {
      while (this.pending.size) {
        const batch: Pending[] = []
        for (const [k, p] of this.pending) {
          batch.push(p)
          this.pending.delete(k)
          if (batch.length >= this.max) break
        }
        this.writing = this.write(batch)
        await this.writing
        this.writing = null
      }
    } finally {
      this.flushing = null
    }
  }

  private async write(batch: Pending[]) {
    const params = [
      batch.map((p) => p.deviceId),
      batch.map((p) => p.module),
      batch.map((p) => p.step),
      batch.map((p) => p.desc),
    ]
    let found: Map<string, string>
    try {
      found = await this.run(params)
    } catch (e) {
      for (const p of batch) for (const w of p.waiters) w.reject(e)
      return
    }
    this.stats.writes++
    this.stats.tasks += batch.length
    for (const p of batch) {
      const id = found.get(key(p.deviceId, p.module)) ?? null
      for (const w of p.waiters) w.resolve(id)
    }
  }

  /** The UPDATE, tried again on a deadlock or serialization failure with another multi-row write of ota_task. */
  private async run(params: unknown[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.query(PROGRESS_SQL, params)
        return new Map(rows.map((r) => [key(r.device_id, r.module), r.id]))
      } catch (e) {
        const code = (e as { code?: string }).code
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw e
      }
    }
  }
}
