import type { Db } from '@iotops/db'
import { notFound } from '../errors'
import { findFirmware } from './firmware'
import { ZOtaAnalysisInput, ZOtaDistributionInput } from './job-schema'

// OTA data analysis (ref §8.2.5): the version distribution of a product's module, and the success rate of a
// package (all batches or one) by source version, with the failure reasons. Finished tasks only (succeeded/failed).

export interface VersionShare {
  version: string
  devices: number
  /** percent of the devices that reported a version of the module */
  percent: number
}

/** Versions per device of a module (from the devices' version reports), and the devices of one version. */
export async function distribution(db: Db, raw: unknown) {
  const i = ZOtaDistributionInput.parse(raw)
  const { rows } = await db.pool.query<{ version: string; n: string }>(
    `SELECT firmware->>$2 AS version, count(*) AS n FROM device
     WHERE product_key = $1 AND firmware ? $2 GROUP BY 1 ORDER BY n DESC, version`,
    [i.productKey, i.module],
  )
  const total = rows.reduce((n, r) => n + Number(r.n), 0)
  const versions: VersionShare[] = rows.map((r) => ({
    version: r.version,
    devices: Number(r.n),
    percent: total ? round2((100 * Number(r.n)) / total) : 0,
  }))
  const filter = i.version ? 'AND firmware->>$2 = $3' : 'AND firmware ? $2'
  const params = i.version ? [i.productKey, i.module, i.version] : [i.productKey, i.module]
  const [list, count] = await Promise.all([
    db.pool.query<{ device_name: string; version: string }>(
      `SELECT device_name, firmware->>$2 AS version FROM device WHERE product_key = $1 ${filter}
       ORDER BY device_name LIMIT ${i.pageSize} OFFSET ${(i.page - 1) * i.pageSize}`,
      params,
    ),
    db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM device WHERE product_key = $1 ${filter}`, params),
  ])
  return {
    productKey: i.productKey,
    module: i.module,
    total,
    versions,
    devices: {
      items: list.rows.map((r) => ({ deviceName: r.device_name, version: r.version })),
      total: Number(count.rows[0]?.n ?? 0),
      page: i.page,
      pageSize: i.pageSize,
    },
  }
}

export interface SourceVersionStat {
  /** null: the device had reported no version */
  srcVersion: string | null
  upgrades: number
  percent: number
  succeeded: number
  failed: number
  successRate: number
  failureRate: number
}

/** Success rate of a package (or one of its batches) by source version, and the failure reasons. */
export async function analysis(db: Db, raw: unknown) {
  const i = ZOtaAnalysisInput.parse(raw)
  const f = await findFirmware(db, i.firmwareId)
  let jobRow: string | null = null
  if (i.jobId) {
    const j = await db.prisma.otaJob.findFirst({
      where: {
        firmwareId: f.id,
        OR: [{ jobId: i.jobId }, ...(/^[0-9a-f-]{36}$/i.test(i.jobId) ? [{ id: i.jobId }] : [])],
      },
    })
    if (!j) throw notFound(`the batch ${i.jobId} of package ${f.firmwareId}`)
    jobRow = j.id
  }
  const scope = `t.job_id IN (SELECT id FROM ota_job WHERE firmware_id = $1) ${jobRow ? 'AND t.job_id = $2' : ''}`
  const params = jobRow ? [f.id, jobRow] : [f.id]
  const [bySource, reasons] = await Promise.all([
    db.pool.query<{ src_version: string | null; ok: string; failed: string }>(
      `SELECT t.src_version, count(*) FILTER (WHERE t.status = 'SUCCEEDED') AS ok,
              count(*) FILTER (WHERE t.status = 'FAILED') AS failed
       FROM ota_task t WHERE ${scope} AND t.status IN ('SUCCEEDED', 'FAILED') GROUP BY t.src_version`,
      params,
    ),
    db.pool.query<{ reason: string; n: string }>(
      `SELECT coalesce(t.fail_reason, 'upgrade') AS reason, count(*) AS n FROM ota_task t
       WHERE ${scope} AND t.status = 'FAILED' GROUP BY 1 ORDER BY n DESC, reason`,
      params,
    ),
  ])
  const succeeded = bySource.rows.reduce((n, r) => n + Number(r.ok), 0)
  const failed = bySource.rows.reduce((n, r) => n + Number(r.failed), 0)
  const total = succeeded + failed
  const sources: SourceVersionStat[] = bySource.rows
    .map((r) => {
      const ok = Number(r.ok)
      const bad = Number(r.failed)
      const n = ok + bad
      return {
        srcVersion: r.src_version,
        upgrades: n,
        percent: total ? round2((100 * n) / total) : 0,
        succeeded: ok,
        failed: bad,
        successRate: n ? round2((100 * ok) / n) : 0,
        failureRate: n ? round2((100 * bad) / n) : 0,
      }
    })
    .sort((a, b) => b.upgrades - a.upgrades || String(a.srcVersion).localeCompare(String(b.srcVersion)))
  return {
    firmwareId: f.firmwareId,
    jobId: i.jobId ?? null,
    destVersion: f.destVersion,
    succeeded,
    failed,
    successRate: total ? round2((100 * succeeded) / total) : 0,
    sources,
    successRanking: [...sources].sort((a, b) => b.successRate - a.successRate || b.upgrades - a.upgrades),
    failureRanking: [...sources].sort((a, b) => b.failureRate - a.failureRate || b.upgrades - a.upgrades),
    failureReasons: reasons.rows.map((r) => ({
      reason: r.reason,
      count: Number(r.n),
      percent: failed ? round2((100 * Number(r.n)) / failed) : 0,
    })),
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100
