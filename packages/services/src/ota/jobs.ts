import { createInterface } from 'node:readline'
import type { Db, Tx } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { toCsv } from '../csv'
import { AppError, badRequest, conflict, notFound } from '../errors'
import { randomAlnum } from '../ids'
import type { PageOf } from '../paging'
import { findFirmware } from './firmware'
import {
  OTA_ACTIVE_TASK_STATUSES,
  OTA_PACKAGE_EXPORT_MAX,
  type OtaFailReason,
  type OtaJobStatus,
  type OtaTaskStatus,
  type TCreateOtaDynamicJob,
  type TCreateOtaDynamicJobInput,
  type TCreateOtaStaticJob,
  type TCreateOtaStaticJobInput,
  type TCreateOtaVerifyJobInput,
  type TOtaJobList,
  type TOtaPackageTaskFilter,
  type TOtaPackageTaskList,
  type TOtaPolicy,
  type TOtaTaskList,
  type TUpdateOtaJobInput,
  ZCancelOtaJobInput,
  ZCancelOtaTasksByDeviceInput,
  ZCancelOtaTasksInput,
  ZConfirmOtaTasksInput,
  ZCreateOtaDynamicJobInput,
  ZCreateOtaStaticJobInput,
  ZCreateOtaVerifyJobInput,
  ZOtaJobList,
  ZOtaPackageTaskFilter,
  ZOtaPackageTaskList,
  ZOtaRegionsInput,
  ZOtaTaskList,
  ZOtaUnfinishedByDeviceInput,
  ZUpdateOtaJobInput,
} from './job-schema'
import { openUpload } from './upload'

// Upgrade batches (ref §8.2.2–8.2.4): verification, static and dynamic batches and their device tasks. Tasks are
// created with one INSERT … SELECT over `device` (scope, source versions, waves), conflicts with running tasks are
// settled in two UPDATEs; the engine (engine.ts) pushes what is QUEUED, the protocol (protocol.ts) moves tasks on.

/** ref §8.2.2: MQTT downloads need a one-file package of at most 16 MB. */
export const OTA_MQTT_MAX_BYTES = 16 * 1024 * 1024
const ACTIVE = OTA_ACTIVE_TASK_STATUSES as readonly string[]
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TX = { timeout: 120_000, maxWait: 10_000 }

/** Wakes the engine on this node (the hub relays it); set by the engine at start. */
let wake: () => void = () => {}
export function onJobsChanged(fn: () => void) {
  wake = fn
}

export const newJobId = () => randomAlnum(20)

export interface OtaJobView {
  id: string
  jobId: string
  firmwareId: string
  firmwareName: string
  productKey: string
  module: string
  destVersion: string
  type: string
  status: string
  scope: string
  grayPercent: number | null
  groupId: string | null
  region: string | null
  srcVersions: string[]
  scheduleStart: Date | null
  scheduleEnd: Date | null
  push: boolean
  needConfirm: boolean
  downloadProtocol: string
  timeoutMinutes: number | null
  retryInterval: number | null
  maxRetries: number
  rate: unknown
  multiModule: boolean
  overwrite: boolean
  onlyNewReporters: boolean
  tags: { key: string; value: string }[]
  policy: unknown
  wave: number
  pushed: number
  reason: string | null
  createdBy: string
  createdAt: Date
  finishedAt: Date | null
  /** tasks per status */
  counts: Record<string, number>
  total: number
}

export interface OtaJobDetail extends OtaJobView {
  /** QUEUED tasks per waiting reason */
  queued: Record<string, number>
  /** FAILED tasks per reason */
  failures: Record<string, number>
}

export interface OtaTaskView {
  id: string
  taskId: string
  jobId: string
  productKey: string
  deviceName: string
  module: string
  srcVersion: string | null
  destVersion: string
  status: string
  queuedReason: string | null
  progress: number
  progressDesc: string | null
  failReason: string | null
  retries: number
  nextRetryAt: Date | null
  wave: number
  notifiedAt: Date | null
  firstProgressAt: Date | null
  finishedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

type JobRow = Awaited<ReturnType<Db['prisma']['otaJob']['findFirstOrThrow']>> & {
  firmware?: { firmwareId: string; name: string; destVersion: string }
}

// ───────────────────────────── create ─────────────────────────────

type Firmware = Awaited<ReturnType<typeof findFirmware>>

function checkDownloadProtocol(f: Firmware, protocol: string) {
  if (protocol !== 'MQTT') return
  if (f.files.length !== 1)
    throw badRequest('MQTT download needs a package with exactly one file; choose HTTPS for multi-file packages')
  if (Number(f.files[0]!.size) > OTA_MQTT_MAX_BYTES)
    throw badRequest('MQTT download takes packages of at most 16 MB; choose HTTPS')
}

/** DIFF packages apply to their source version only (ref §8.2.3). */
function sourceVersions(f: Firmware, given: string[] | undefined): string[] {
  if (f.type === 'DIFF') {
    if (given?.length && (given.length !== 1 || given[0] !== f.srcVersion))
      throw badRequest(`a differential package applies to version ${f.srcVersion} only`)
    return [f.srcVersion!]
  }
  if (given?.includes(f.destVersion))
    throw badRequest(`the source versions may not include the package's own version ${f.destVersion}`)
  return given ?? []
}

function requireVerified(f: Firmware) {
  if (f.needVerify && f.status !== 'VERIFIED')
    throw new AppError(
      'PRECONDITION_FAILED',
      f.status === 'VERIFYING'
        ? `the package ${f.name} is being verified; batches can start once every test device has upgraded`
        : f.status === 'VERIFY_FAILED'
          ? `the package ${f.name} failed verification; verify it again before upgrading devices`
          : `the package ${f.name} must be verified first: run a verification batch on 1–10 test devices`,
    )
}

interface Selection {
  /** SQL condition on `d` (device), with parameters from $5 on */
  where: string
  params: unknown[]
  /** keep devices already at the target version (explicitly listed devices) */
  keepCurrent?: boolean
  grayPercent?: number
}

interface TaskPlan {
  jobRowId: string
  firmware: Firmware
  srcVersions: string[]
  selection: Selection
  status: 'CONFIRM' | 'QUEUED'
  /** 'SCHEDULED' | null (push off) | 'AUTO' (OFFLINE or RATE by the device's status) */
  reason: 'SCHEDULED' | 'AUTO' | null
  waves: TOtaPolicy['waves']
  /**
   * A new batch: settle the conflicts of ref §8.1 in the INSERT itself (a task that meets a running upgrade of the
   * device is created FAILED with 'conflict', as `settleConflicts` would mark it); the caller then cancels the
   * replaced tasks with `cancelReplaced`. Without it the caller runs `settleConflicts`.
   */
  conflicts?: { multiModule: boolean; overwrite: boolean }
}

/**
 * One INSERT … SELECT: the devices of the product in scope whose reported version (of the package's module) is
 * one of the source versions, each with its rollout wave. Returns the number of tasks created.
 */
async function insertTasks(tx: Tx, p: TaskPlan): Promise<number> {
  const f = p.firmware
  const params: unknown[] = [p.jobRowId, f.productKey, f.module, f.destVersion]
  const add = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  let where = p.selection.where
  for (const v of p.selection.params) where = where.replace('$?', add(v))
  const conds = ['d.product_key = $2', where]
  if (p.srcVersions.length) conds.push(`(d.firmware->>$3) = ANY(${add(p.srcVersions)}::text[])`)
  if (!p.selection.keepCurrent) conds.push(`(d.firmware->>$3) IS DISTINCT FROM $4`)
  const gray = p.selection.grayPercent
  const waves = p.waves
  // rollout waves: devices in a random order, wave i takes up to ceil(n × percent_i / 100)
  const waveExpr = waves.length
    ? `CASE ${waves
        .slice(0, -1)
        .map((w, i) => `WHEN rn <= ceil(n * ${Number(w.percent)} / 100.0) THEN ${i}`)
        .join(' ')} ELSE ${waves.length - 1} END`
    : '0'
  const reason =
    p.status === 'CONFIRM' || p.reason === null
      ? 'NULL'
      : p.reason === 'SCHEDULED'
        ? `'SCHEDULED'`
        : `CASE WHEN status = 'ONLINE' THEN 'RATE' ELSE 'OFFLINE' END`
  // the other running tasks of the devices, in one pass (a hash join, not one index probe per device): with
  // overwrite or multi-module, the not-yet-started ones of the same scope are canceled, so only IN_PROGRESS ones clash
  const k = p.conflicts
  const replaces = !!k && (k.overwrite || k.multiModule)
  const sameScope = k?.multiModule ? 'o.module = $3' : 'true'
  const busy = k
    ? `, busy AS MATERIALIZED (
      SELECT o.device_id,
             bool_or(${sameScope} AND ${replaces ? `o.status = 'IN_PROGRESS'` : 'true'}) AS clash,
             ${k.multiModule ? `count(DISTINCT o.module) FILTER (WHERE NOT (o.module = $3 AND o.status <> 'IN_PROGRESS'))` : '0'} AS modules
      FROM ota_task o
      WHERE o.product_key = $2 AND o.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS') AND o.job_id <> $1::uuid
      GROUP BY o.device_id)`
    : ''
  const clash = k ? `coalesce(b.clash OR b.modules >= 5, false)` : 'false'
  const sql = `
    WITH c AS (
      SELECT d.id, d.device_name, d.status::text AS status, d.firmware->>$3 AS version
      FROM device d WHERE ${conds.join(' AND ')}
    ), g AS (
      SELECT * FROM c ${gray ? `ORDER BY random() LIMIT (SELECT ceil(count(*) * ${Number(gray)} / 100.0) FROM c)` : ''}
    ), w AS (
      SELECT *, ${waves.length ? 'row_number() OVER (ORDER BY random()) AS rn, count(*) OVER () AS n' : '0 AS rn, 0 AS n'} FROM g
    )${busy}
    INSERT INTO ota_task (id, task_id, job_id, device_id, product_key, device_name, module, src_version, dest_version,
                          status, queued_reason, fail_reason, finished_at, wave, created_at, updated_at)
    SELECT gen_random_uuid(), substr(md5(random()::text || random()::text), 1, 24), $1::uuid, w.id, $2, device_name,
           $3, version, $4,
           CASE WHEN ${clash} THEN 'FAILED' ELSE '${p.status}' END,
           CASE WHEN ${clash} THEN NULL ELSE ${reason} END,
           CASE WHEN ${clash} THEN 'conflict' END,
           CASE WHEN ${clash} THEN now() END,
           ${waveExpr}, now(), now()
    FROM w ${k ? 'LEFT JOIN busy b ON b.device_id = w.id' : ''}
    ORDER BY w.id`
  // rows in device order (the (job, device) and (device, status) index insertions land next to each other instead of
  // at random), task ids from the cheap generator (one strong random call per row, not two); sorts and CTEs in memory
  await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`)
  return tx.$executeRawUnsafe(sql, ...params)
}

/** Runs one SQL statement, returning the affected row count (a Prisma transaction or a pg client). */
export type Exec = (sql: string, ...params: unknown[]) => Promise<number>
const txExec =
  (tx: Tx): Exec =>
  (sql, ...params) =>
    tx.$executeRawUnsafe(sql, ...params)

/**
 * ref §8.1 conflicts: a device is in one running upgrade at a time (one per module with multi-module upgrades, at
 * most 5 modules). Overwrite (or, with multi-module, the same module) cancels the older tasks that have not started;
 * a new task that still meets a running one fails with 'conflict'. `taskId` limits it to one new task.
 */
export async function settleConflicts(
  exec: Exec,
  jobRowId: string,
  multiModule: boolean,
  overwrite: boolean,
  taskId?: string,
) {
  const sameScope = multiModule ? 'o.module = n.module' : 'true'
  const one = taskId ? 'AND n.id = $2::uuid' : ''
  const params = taskId ? [jobRowId, taskId] : [jobRowId]
  if (overwrite || multiModule) await cancelReplaced(exec, jobRowId, multiModule, taskId)
  await exec(
    `UPDATE ota_task n SET status = 'FAILED', fail_reason = 'conflict', queued_reason = NULL, finished_at = now(),
            updated_at = now()
     WHERE n.job_id = $1::uuid ${one} AND n.status IN ('CONFIRM', 'QUEUED') AND (
       EXISTS (SELECT 1 FROM ota_task o WHERE o.device_id = n.device_id AND o.job_id <> $1::uuid
               AND o.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS') AND ${sameScope})
       ${
         multiModule
           ? `OR (SELECT count(DISTINCT o.module) FROM ota_task o WHERE o.device_id = n.device_id
                 AND o.job_id <> $1::uuid AND o.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS')) >= 5`
           : ''
       })`,
    ...params,
  )
}

/** Overwrite / multi-module: the older tasks of the batch's devices (same module with multi-module) not yet started. */
export async function cancelReplaced(exec: Exec, jobRowId: string, multiModule: boolean, taskId?: string) {
  const sameScope = multiModule ? 'o.module = n.module' : 'true'
  const one = taskId ? 'AND n.id = $2::uuid' : ''
  await exec(
    `UPDATE ota_task o SET status = 'CANCELED', progress_desc = 'replaced by a newer batch', finished_at = now(),
            updated_at = now(), next_retry_at = NULL, queued_reason = NULL
     FROM ota_task n
     WHERE n.job_id = $1::uuid ${one} AND o.device_id = n.device_id AND o.job_id <> $1::uuid
       AND o.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED') AND ${sameScope}`,
    ...(taskId ? [jobRowId, taskId] : [jobRowId]),
  )
}

interface JobBase {
  firmware: Firmware
  type: 'VERIFY' | 'STATIC' | 'DYNAMIC'
  status: OtaJobStatus
  scope: string
  data: Record<string, unknown>
}

async function createJob(
  db: Db,
  actor: Actor,
  b: JobBase,
  plan: Omit<TaskPlan, 'jobRowId' | 'firmware'> | null,
  multiModule: boolean,
  overwrite: boolean,
): Promise<OtaJobDetail> {
  const job = await db.prisma.$transaction(async (tx) => {
    const j = await tx.otaJob.create({
      data: {
        jobId: newJobId(),
        firmwareId: b.firmware.id,
        productKey: b.firmware.productKey,
        module: b.firmware.module,
        type: b.type,
        status: b.status,
        scope: b.scope,
        multiModule,
        overwrite,
        createdBy: actor.name,
        ...b.data,
      },
    })
    let n = 0
    if (plan) {
      // the conflict check is part of the INSERT; the older tasks it replaces are canceled after it
      n = await insertTasks(tx, {
        ...plan,
        jobRowId: j.id,
        firmware: b.firmware,
        conflicts: { multiModule, overwrite },
      })
      if (overwrite || multiModule) await cancelReplaced(txExec(tx), j.id, multiModule)
    }
    if (b.type === 'VERIFY')
      await tx.otaFirmware.update({ where: { id: b.firmware.id }, data: { status: 'VERIFYING' } })
    await audit(
      tx,
      actor,
      `ota.job.create.${b.type.toLowerCase()}`,
      { type: 'ota_job', id: j.jobId },
      {
        firmwareId: b.firmware.firmwareId,
        scope: b.scope,
        tasks: n,
      },
    )
    return j
  }, TX)
  wake()
  return jobDetail(db, job.id)
}

const commonData = (
  i: { push: boolean; needConfirm: boolean; downloadProtocol: string; tags?: { key: string; value: string }[] },
  srcVersions: string[],
) => ({
  push: i.push,
  needConfirm: i.needConfirm,
  downloadProtocol: i.downloadProtocol,
  tags: i.tags ?? [],
  srcVersions,
})

/** ref §8.2.2: a verification batch on 1–10 test devices; the package is VERIFYING until they all finish. */
export async function createVerifyJob(db: Db, actor: Actor, raw: TCreateOtaVerifyJobInput): Promise<OtaJobDetail> {
  const input = ZCreateOtaVerifyJobInput.parse(raw)
  const f = await findFirmware(db, input.firmwareId)
  checkDownloadProtocol(f, input.downloadProtocol)
  if (f.status === 'VERIFYING') throw conflict(`the package ${f.name} is already being verified`)
  const src = sourceVersions(f, input.srcVersions)
  await requireDevices(db, f.productKey, input.deviceNames)
  return createJob(
    db,
    actor,
    {
      firmware: f,
      type: 'VERIFY',
      status: 'IN_PROGRESS',
      scope: 'SPECIFIC',
      data: { ...commonData(input, src), timeoutMinutes: input.timeoutMinutes, rate: {} },
    },
    {
      srcVersions: src,
      selection: { where: 'd.device_name = ANY($?::text[])', params: [input.deviceNames], keepCurrent: true },
      status: input.needConfirm ? 'CONFIRM' : 'QUEUED',
      reason: input.push ? 'AUTO' : null,
      waves: [],
    },
    false,
    false,
  )
}

async function requireDevices(db: Db, productKey: string, names: string[]) {
  const { rows } = await db.pool.query<{ device_name: string }>(
    'SELECT device_name FROM device WHERE product_key = $1 AND device_name = ANY($2::text[])',
    [productKey, names],
  )
  const found = new Set(rows.map((r) => r.device_name))
  const missing = names.filter((n) => !found.has(n))
  if (missing.length)
    throw badRequest(
      `${missing.length} device(s) are not devices of product ${productKey}: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      6100,
    )
}

/** The names in an uploaded CSV device list: the first column, a header line `deviceName` skipped. */
export async function readDeviceList(db: Db, uploadId: string): Promise<string[]> {
  const lines = createInterface({ input: await openUpload(db, uploadId), crlfDelay: Infinity })
  const names: string[] = []
  for await (const line of lines) {
    const name = line.split(',')[0]!.trim().replace(/^"|"$/g, '')
    if (!name || (names.length === 0 && /^device_?name$/i.test(name))) continue
    names.push(name)
    if (names.length > 1_000_000) throw badRequest('a device list has at most 1,000,000 devices')
  }
  return names
}

/** Checks an uploaded device list against the product: valid/invalid counts and the first invalid names. */
export async function checkDeviceList(db: Db, input: { productKey: string; uploadId: string }) {
  const names = await readDeviceList(db, input.uploadId)
  const invalid = await invalidNames(db, input.productKey, names)
  return {
    total: names.length,
    valid: names.length - invalid.length,
    invalid: invalid.length,
    invalidSample: invalid.slice(0, 100),
  }
}

/** The names of a list that are malformed, repeated or not devices of the product (for invalid.csv). */
export async function invalidNames(db: Db, productKey: string, names: string[]): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT x.name FROM unnest($2::text[]) WITH ORDINALITY AS x(name, i)
     WHERE NOT EXISTS (SELECT 1 FROM device d WHERE d.product_key = $1 AND d.device_name = x.name)
     ORDER BY x.i`,
    [productKey, names],
  )
  const seen = new Set<string>()
  const dup: string[] = []
  for (const n of names) {
    if (seen.has(n)) dup.push(n)
    seen.add(n)
  }
  return [...rows.map((r) => r.name), ...dup]
}

function staticSelection(i: TCreateOtaStaticJob, names: string[] | null): Selection {
  switch (i.scope) {
    case 'SPECIFIC':
      return { where: 'd.device_name = ANY($?::text[])', params: [names ?? []], keepCurrent: true }
    case 'GRAY':
      return { where: 'true', params: [], grayPercent: i.grayPercent }
    case 'GROUP':
      return {
        where: 'EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = $?::uuid)',
        params: [i.groupId],
      }
    case 'REGION':
      return { where: '(d.province = $? OR d.city = $?)', params: [i.region, i.region] }
    default:
      return { where: 'true', params: [] }
  }
}

/** ref §8.2.3: a static batch — the devices in scope now. */
export async function createStaticJob(db: Db, actor: Actor, raw: TCreateOtaStaticJobInput): Promise<OtaJobDetail> {
  const input = ZCreateOtaStaticJobInput.parse(raw)
  return createStaticJobParsed(db, actor, input)
}

export async function createStaticJobParsed(db: Db, actor: Actor, input: TCreateOtaStaticJob): Promise<OtaJobDetail> {
  const f = await findFirmware(db, input.firmwareId)
  requireVerified(f)
  checkDownloadProtocol(f, input.downloadProtocol)
  const src = input.scope === 'SPECIFIC' ? sourceVersions(f, undefined) : sourceVersions(f, input.srcVersions)
  let names: string[] | null = null
  if (input.scope === 'SPECIFIC') {
    // the uploaded list is checked as uploaded (unknown and repeated names, as checkDeviceList reports them)
    const listed = input.deviceListUploadId ? await readDeviceList(db, input.deviceListUploadId) : []
    names = [...new Set([...(input.deviceNames ?? []), ...listed])]
    if (input.deviceListUploadId) {
      const bad = await invalidNames(db, f.productKey, listed)
      if (bad.length)
        throw badRequest(
          `the device list has ${bad.length} invalid name(s) (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}); check the list and upload it again`,
        )
      if (input.deviceNames?.length) await requireDevices(db, f.productKey, input.deviceNames)
    } else await requireDevices(db, f.productKey, names)
  }
  if (input.scope === 'GROUP') {
    const g = await db.prisma.deviceGroup.findUnique({ where: { id: input.groupId! } })
    if (!g) throw notFound('the device group')
  }
  const scheduled = !!input.scheduleStart
  return createJob(
    db,
    actor,
    {
      firmware: f,
      type: 'STATIC',
      status: scheduled ? 'PLANNED' : 'IN_PROGRESS',
      scope: input.scope,
      data: {
        ...commonData(input, src),
        ...upgradeData(input),
        grayPercent: input.scope === 'GRAY' ? input.grayPercent : null,
        groupId: input.scope === 'GROUP' ? input.groupId : null,
        region: input.scope === 'REGION' ? input.region : null,
        scheduleStart: input.scheduleStart ?? null,
        scheduleEnd: input.scheduleEnd ?? null,
      },
    },
    {
      srcVersions: src,
      selection: staticSelection(input, names),
      status: input.needConfirm ? 'CONFIRM' : 'QUEUED',
      reason: scheduled ? 'SCHEDULED' : input.push ? 'AUTO' : null,
      waves: input.policy?.waves ?? [],
    },
    input.multiModule,
    input.overwrite,
  )
}

const upgradeData = (i: TCreateOtaStaticJob | TCreateOtaDynamicJob) => ({
  timeoutMinutes: i.timeoutMinutes ?? null,
  retryInterval: i.retryInterval ?? null,
  maxRetries: i.retryInterval != null ? (i.maxRetries ?? 1) : 0,
  rate: i.rate,
  policy: (i.policy ?? {}) as object,
})

/**
 * ref §8.2.3: a dynamic batch — the devices in scope now (unless only new reporters) and those that report a
 * matching version later. One per package; a version-based one needs source versions for a full package.
 */
export async function createDynamicJob(db: Db, actor: Actor, raw: TCreateOtaDynamicJobInput): Promise<OtaJobDetail> {
  const input = ZCreateOtaDynamicJobInput.parse(raw)
  const f = await findFirmware(db, input.firmwareId)
  requireVerified(f)
  checkDownloadProtocol(f, input.downloadProtocol)
  const src = sourceVersions(f, input.srcVersions)
  if (input.scope === 'ALL' && src.length === 0)
    throw badRequest('a dynamic batch over all devices needs the source versions to upgrade from')
  const running = await db.prisma.otaJob.findFirst({
    where: { firmwareId: f.id, type: 'DYNAMIC', status: { in: ['IN_PROGRESS', 'PAUSED', 'PLANNED'] } },
  })
  if (running)
    throw conflict(
      `the package already has a dynamic batch (${running.jobId}); a package has one: cancel it before starting another`,
    )
  if (input.scope === 'GROUP') {
    const g = await db.prisma.deviceGroup.findUnique({ where: { id: input.groupId! } })
    if (!g) throw notFound('the device group')
  }
  const selection: Selection =
    input.scope === 'GROUP'
      ? {
          where: 'EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = $?::uuid)',
          params: [input.groupId],
        }
      : { where: 'true', params: [] }
  return createJob(
    db,
    actor,
    {
      firmware: f,
      type: 'DYNAMIC',
      status: 'IN_PROGRESS',
      scope: input.scope,
      data: {
        ...commonData(input, src),
        ...upgradeData(input),
        groupId: input.scope === 'GROUP' ? input.groupId : null,
        onlyNewReporters: input.onlyNewReporters,
      },
    },
    input.onlyNewReporters
      ? null
      : {
          srcVersions: src,
          selection,
          status: input.needConfirm ? 'CONFIRM' : 'QUEUED',
          reason: input.push ? 'AUTO' : null,
          waves: [],
        },
    input.multiModule,
    input.overwrite,
  )
}

// ───────────────────────────── read ─────────────────────────────

async function findJob(db: Db, id: string) {
  const j = await db.prisma.otaJob.findFirst({
    where: UUID.test(id) ? { id } : { jobId: id },
    include: { firmware: { select: { firmwareId: true, name: true, destVersion: true } } },
  })
  if (!j) throw notFound(`the upgrade batch ${id}`)
  return j
}

async function countsOf(db: Db, jobRowIds: string[]) {
  const { rows } = await db.pool.query<{ job_id: string; status: string; n: string }>(
    'SELECT job_id, status, count(*) AS n FROM ota_task WHERE job_id = ANY($1::uuid[]) GROUP BY job_id, status',
    [jobRowIds],
  )
  const out = new Map<string, Record<string, number>>()
  for (const r of rows) {
    const m = out.get(r.job_id) ?? {}
    m[r.status] = Number(r.n)
    out.set(r.job_id, m)
  }
  return out
}

function jobView(j: JobRow, counts: Record<string, number>): OtaJobView {
  return {
    id: j.id,
    jobId: j.jobId,
    firmwareId: j.firmware?.firmwareId ?? j.firmwareId,
    firmwareName: j.firmware?.name ?? '',
    productKey: j.productKey,
    module: j.module,
    destVersion: j.firmware?.destVersion ?? '',
    type: j.type,
    status: j.status,
    scope: j.scope,
    grayPercent: j.grayPercent,
    groupId: j.groupId,
    region: j.region,
    srcVersions: j.srcVersions,
    scheduleStart: j.scheduleStart,
    scheduleEnd: j.scheduleEnd,
    push: j.push,
    needConfirm: j.needConfirm,
    downloadProtocol: j.downloadProtocol,
    timeoutMinutes: j.timeoutMinutes,
    retryInterval: j.retryInterval,
    maxRetries: j.maxRetries,
    rate: j.rate,
    multiModule: j.multiModule,
    overwrite: j.overwrite,
    onlyNewReporters: j.onlyNewReporters,
    tags: (j.tags ?? []) as { key: string; value: string }[],
    policy: j.policy,
    wave: j.wave,
    pushed: j.pushed,
    reason: j.reason,
    createdBy: j.createdBy,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
  }
}

export async function listJobs(db: Db, raw: TOtaJobList): Promise<PageOf<OtaJobView>> {
  const i = ZOtaJobList.parse(raw)
  const firmwareRow = i.firmwareId ? (await findFirmware(db, i.firmwareId)).id : undefined
  const where = {
    ...(firmwareRow ? { firmwareId: firmwareRow } : {}),
    ...(i.productKey ? { productKey: i.productKey } : {}),
    ...(i.status ? { status: i.status } : {}),
    ...(i.type ? { type: i.type } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.otaJob.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      skip: (i.page - 1) * i.pageSize,
      take: i.pageSize,
      include: { firmware: { select: { firmwareId: true, name: true, destVersion: true } } },
    }),
    db.prisma.otaJob.count({ where }),
  ])
  const counts = await countsOf(
    db,
    rows.map((r) => r.id),
  )
  return { items: rows.map((r) => jobView(r, counts.get(r.id) ?? {})), total, page: i.page, pageSize: i.pageSize }
}

/** A batch with its task counts per status, per queued reason and per failure reason. */
export async function jobDetail(db: Db, id: string): Promise<OtaJobDetail> {
  const j = await findJob(db, id)
  const { rows } = await db.pool.query<{
    status: string
    queued_reason: string | null
    fail_reason: string | null
    n: string
  }>(
    `SELECT status, queued_reason, fail_reason, count(*) AS n FROM ota_task WHERE job_id = $1
     GROUP BY status, queued_reason, fail_reason`,
    [j.id],
  )
  const counts: Record<string, number> = {}
  const queued: Record<string, number> = {}
  const failures: Record<string, number> = {}
  for (const r of rows) {
    const n = Number(r.n)
    counts[r.status] = (counts[r.status] ?? 0) + n
    if (r.status === 'QUEUED')
      queued[r.queued_reason ?? 'DEVICE_REQUEST'] = (queued[r.queued_reason ?? 'DEVICE_REQUEST'] ?? 0) + n
    if (r.status === 'FAILED' && r.fail_reason) failures[r.fail_reason] = (failures[r.fail_reason] ?? 0) + n
  }
  return { ...jobView(j, counts), queued, failures }
}

const taskView = (t: Awaited<ReturnType<Db['prisma']['otaTask']['findFirstOrThrow']>>, jobId: string): OtaTaskView => ({
  id: t.id,
  taskId: t.taskId,
  jobId,
  productKey: t.productKey,
  deviceName: t.deviceName,
  module: t.module,
  srcVersion: t.srcVersion,
  destVersion: t.destVersion,
  status: t.status,
  queuedReason: t.queuedReason,
  progress: t.progress,
  progressDesc: t.progressDesc,
  failReason: t.failReason,
  retries: t.retries,
  nextRetryAt: t.nextRetryAt,
  wave: t.wave,
  notifiedAt: t.notifiedAt,
  firstProgressAt: t.firstProgressAt,
  finishedAt: t.finishedAt,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
})

export async function listTasks(db: Db, raw: TOtaTaskList): Promise<PageOf<OtaTaskView>> {
  const i = ZOtaTaskList.parse(raw)
  const j = await findJob(db, i.jobId)
  const where = {
    jobId: j.id,
    ...(i.status ? { status: i.status } : {}),
    ...(i.deviceName ? { deviceName: { contains: i.deviceName } } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.otaTask.findMany({
      where,
      orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
      skip: (i.page - 1) * i.pageSize,
      take: i.pageSize,
    }),
    db.prisma.otaTask.count({ where }),
  ])
  return { items: rows.map((t) => taskView(t, j.jobId)), total, page: i.page, pageSize: i.pageSize }
}

/** A device's task in a package's combined device list: the task and the batch it belongs to. */
export interface OtaPackageTaskView extends OtaTaskView {
  jobType: string
}

function packageTaskWhere(firmwareRowId: string, i: { status?: string; deviceName?: string }) {
  return {
    job: { firmwareId: firmwareRowId },
    ...(i.status ? { status: i.status } : {}),
    ...(i.deviceName ? { deviceName: { contains: i.deviceName } } : {}),
  }
}

/**
 * The devices of a package across all its batches (newest change first), filtered by state and device name, with
 * the package's task counts per state (the filter's device name applies to them, the state does not).
 */
export async function listPackageTasks(
  db: Db,
  raw: TOtaPackageTaskList,
): Promise<PageOf<OtaPackageTaskView> & { counts: Record<string, number> }> {
  const i = ZOtaPackageTaskList.parse(raw)
  const f = await findFirmware(db, i.firmwareId)
  const where = packageTaskWhere(f.id, i)
  const [rows, total, grouped] = await Promise.all([
    db.prisma.otaTask.findMany({
      where,
      include: { job: { select: { jobId: true, type: true } } },
      orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
      skip: (i.page - 1) * i.pageSize,
      take: i.pageSize,
    }),
    db.prisma.otaTask.count({ where }),
    db.prisma.otaTask.groupBy({
      by: ['status'],
      where: packageTaskWhere(f.id, { deviceName: i.deviceName }),
      _count: { _all: true },
    }),
  ])
  return {
    items: rows.map(({ job, ...t }) => ({ ...taskView(t, job.jobId), jobType: job.type })),
    total,
    page: i.page,
    pageSize: i.pageSize,
    counts: Object.fromEntries(grouped.map((g) => [g.status, g._count._all])),
  }
}

/** The same list as CSV (at most OTA_PACKAGE_EXPORT_MAX rows, newest change first); the file name names the package. */
export async function packageTasksCsv(db: Db, raw: TOtaPackageTaskFilter): Promise<{ fileName: string; csv: string }> {
  const i = ZOtaPackageTaskFilter.parse(raw)
  const f = await findFirmware(db, i.firmwareId)
  const params: unknown[] = [f.id]
  const conds = ['j.firmware_id = $1']
  if (i.status) {
    params.push(i.status)
    conds.push(`t.status = $${params.length}`)
  }
  if (i.deviceName) {
    params.push(`%${i.deviceName.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    conds.push(`t.device_name LIKE $${params.length}`)
  }
  const { rows } = await db.pool.query<Record<string, string | number | Date | null>>(
    `SELECT t.device_name, t.product_key, j.job_id, j.type, t.module, t.src_version, t.dest_version, t.status,
            t.queued_reason, t.progress, t.fail_reason, t.progress_desc, t.retries, t.updated_at
     FROM ota_task t JOIN ota_job j ON j.id = t.job_id WHERE ${conds.join(' AND ')}
     ORDER BY t.updated_at DESC, t.id LIMIT ${OTA_PACKAGE_EXPORT_MAX}`,
    params,
  )
  const head = [
    ...['DeviceName', 'ProductKey', 'JobId', 'JobType', 'Module', 'SrcVersion', 'DestVersion', 'Status'],
    ...['QueuedReason', 'Progress', 'FailReason', 'Description', 'Retries', 'UpdatedAt'],
  ]
  return { fileName: `ota-${f.firmwareId}-devices.csv`, csv: toCsv(head, rows.map(Object.values)) }
}

/** The provinces and cities the product's devices report, with device counts (most devices first). */
export async function reportedRegions(db: Db, raw: unknown) {
  const i = ZOtaRegionsInput.parse(raw)
  const { rows } = await db.pool.query<{ kind: 'province' | 'city'; name: string; province: string | null; n: string }>(
    `SELECT 'province' AS kind, province AS name, NULL AS province, count(*) AS n FROM device
       WHERE product_key = $1 AND province IS NOT NULL AND province <> '' GROUP BY province
     UNION ALL
     SELECT 'city', city, min(province), count(*) FROM device
       WHERE product_key = $1 AND city IS NOT NULL AND city <> '' GROUP BY city
     ORDER BY n DESC, name LIMIT 500`,
    [i.productKey],
  )
  return rows.map((r) => ({ kind: r.kind, name: r.name, province: r.province, devices: Number(r.n) }))
}

/** ref ListOTAUnfinishedTaskByDevice: a device's tasks still running (optionally of one module). */
export async function unfinishedTasksByDevice(db: Db, raw: unknown) {
  const i = ZOtaUnfinishedByDeviceInput.parse(raw)
  const rows = await db.prisma.otaTask.findMany({
    where: {
      productKey: i.productKey,
      deviceName: i.deviceName,
      status: { in: [...ACTIVE] },
      ...(i.module ? { module: i.module } : {}),
    },
    include: { job: { select: { jobId: true } } },
    orderBy: { createdAt: 'desc' },
  })
  return rows.map(({ job, ...t }) => taskView(t, job.jobId))
}

// ───────────────────────────── write ─────────────────────────────

export async function updateJob(db: Db, actor: Actor, raw: TUpdateOtaJobInput): Promise<OtaJobDetail> {
  const i = ZUpdateOtaJobInput.parse(raw)
  const j = await findJob(db, i.id)
  if (!['IN_PROGRESS', 'PLANNED', 'PAUSED'].includes(j.status))
    throw new AppError('PRECONDITION_FAILED', `the batch is ${j.status.toLowerCase()}; only running batches change`)
  const data: Record<string, unknown> = {}
  if (i.rate) {
    const mode = (j.rate as { mode?: string }).mode
    if (mode && mode !== i.rate.mode)
      throw badRequest('the rate mode (constant or variable) cannot change; only its values can')
    data.rate = i.rate
  }
  if (i.tags) data.tags = i.tags
  if (i.srcVersions !== undefined || i.timeoutMinutes !== undefined) {
    if (j.type !== 'DYNAMIC')
      throw badRequest('source versions and the timeout change only on dynamic batches (ref: batch management)')
    if (i.srcVersions !== undefined) {
      if (j.scope === 'GROUP') throw badRequest('a group-based dynamic batch takes no source versions')
      if (i.srcVersions.length === 0) throw badRequest('a dynamic batch needs at least one source version')
      data.srcVersions = i.srcVersions
    }
    if (i.timeoutMinutes !== undefined) data.timeoutMinutes = i.timeoutMinutes
  }
  const added = i.srcVersions?.filter((v) => !j.srcVersions.includes(v)) ?? []
  await db.prisma.$transaction(async (tx) => {
    await tx.otaJob.update({ where: { id: j.id }, data })
    // new source versions: the devices at them now join the batch (ref §8.2.3 step 6)
    if (added.length && !j.onlyNewReporters) {
      const f = await findFirmware(db, j.firmwareId)
      await insertTasks(tx, {
        jobRowId: j.id,
        firmware: f,
        srcVersions: added,
        selection: {
          where: 'NOT EXISTS (SELECT 1 FROM ota_task x WHERE x.job_id = $?::uuid AND x.device_id = d.id)',
          params: [j.id],
        },
        status: j.needConfirm ? 'CONFIRM' : 'QUEUED',
        reason: j.push ? 'AUTO' : null,
        waves: [],
      })
      await settleConflicts(txExec(tx), j.id, j.multiModule, j.overwrite)
    }
    await audit(tx, actor, 'ota.job.update', { type: 'ota_job', id: j.jobId }, JSON.parse(JSON.stringify(data)))
  }, TX)
  wake()
  return jobDetail(db, j.id)
}

const CANCEL_SQL = (statuses: string) =>
  `UPDATE ota_task SET status = 'CANCELED', queued_reason = NULL, next_retry_at = NULL, finished_at = now(), updated_at = now()
   WHERE job_id = $1::uuid AND status IN (${statuses})`

/**
 * ref §8.2.4 cancel: a static or verification batch cancels every unfinished task; a dynamic batch stops matching
 * new devices and, with `cancelRunning`, cancels its unfinished tasks too.
 */
export async function cancelJob(db: Db, actor: Actor, raw: unknown): Promise<OtaJobDetail> {
  const i = ZCancelOtaJobInput.parse(raw)
  const j = await findJob(db, i.id)
  if (['COMPLETED', 'CANCELED', 'ABORTED'].includes(j.status))
    throw new AppError('PRECONDITION_FAILED', `the batch is already ${j.status.toLowerCase()}`)
  await db.prisma.$transaction(async (tx) => {
    await tx.otaJob.update({ where: { id: j.id }, data: { status: 'CANCELED', finishedAt: new Date() } })
    if (j.type !== 'DYNAMIC' || i.cancelRunning)
      await tx.$executeRawUnsafe(CANCEL_SQL(`'CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS'`), j.id)
    // a canceled verification leaves the package as it was before it (to verify again)
    if (j.type === 'VERIFY') {
      const f = await tx.otaFirmware.findUniqueOrThrow({ where: { id: j.firmwareId } })
      if (f.status === 'VERIFYING')
        await tx.otaFirmware.update({
          where: { id: f.id },
          data: { status: f.needVerify ? 'UNVERIFIED' : 'NO_VERIFY' },
        })
    }
    await audit(tx, actor, 'ota.job.cancel', { type: 'ota_job', id: j.jobId }, { cancelRunning: i.cancelRunning })
  }, TX)
  return jobDetail(db, j.id)
}

/** ref CancelOTATaskByJob: some tasks of a batch, by id or by status. */
export async function cancelTasks(db: Db, actor: Actor, raw: unknown): Promise<{ canceled: number }> {
  const i = ZCancelOtaTasksInput.parse(raw)
  const j = await findJob(db, i.jobId)
  const n = await db.prisma.$transaction(async (tx) => {
    const statuses = i.statuses?.length ? i.statuses : [...ACTIVE]
    const r = await tx.$executeRawUnsafe(
      `UPDATE ota_task SET status = 'CANCELED', queued_reason = NULL, next_retry_at = NULL, finished_at = now(), updated_at = now()
       WHERE job_id = $1::uuid AND status = ANY($2::text[]) ${i.taskIds?.length ? 'AND (task_id = ANY($3::text[]) OR id::text = ANY($3::text[]))' : ''}`,
      j.id,
      statuses,
      ...(i.taskIds?.length ? [i.taskIds] : []),
    )
    await audit(
      tx,
      actor,
      'ota.task.cancel',
      { type: 'ota_job', id: j.jobId },
      { taskIds: i.taskIds ?? null, statuses },
    )
    return r
  }, TX)
  return { canceled: n }
}

/** ref CancelOTATaskByDevice: the unfinished tasks of some devices under a package (optionally one batch). */
export async function cancelTasksByDevice(db: Db, actor: Actor, raw: unknown): Promise<{ canceled: number }> {
  const i = ZCancelOtaTasksByDeviceInput.parse(raw)
  const f = await findFirmware(db, i.firmwareId)
  const job = i.jobId ? await findJob(db, i.jobId) : null
  const n = await db.prisma.$transaction(async (tx) => {
    const r = await tx.$executeRawUnsafe(
      `UPDATE ota_task t SET status = 'CANCELED', queued_reason = NULL, next_retry_at = NULL, finished_at = now(), updated_at = now()
       FROM ota_job j WHERE t.job_id = j.id AND j.firmware_id = $1::uuid AND t.product_key = $2
         AND t.device_name = ANY($3::text[]) AND t.status IN ('CONFIRM', 'QUEUED', 'NOTIFIED')
         ${job ? 'AND j.id = $4::uuid' : ''}`,
      f.id,
      i.productKey,
      i.deviceNames,
      ...(job ? [job.id] : []),
    )
    await audit(
      tx,
      actor,
      'ota.task.cancel',
      { type: 'ota_firmware', id: f.firmwareId },
      { deviceNames: i.deviceNames },
    )
    return r
  }, TX)
  return { canceled: n }
}

async function findTask(db: Db, id: string) {
  const t = await db.prisma.otaTask.findFirst({
    where: UUID.test(id) ? { id } : { taskId: id },
    include: { job: true },
  })
  if (!t) throw notFound(`the upgrade task ${id}`)
  return t
}

/** ref ReupgradeOTATask: a failed or canceled task goes back to the queue (the batch must still run). */
export async function retryTask(db: Db, actor: Actor, raw: { taskId: string }): Promise<OtaTaskView> {
  const t = await findTask(db, raw.taskId)
  if (!['FAILED', 'CANCELED'].includes(t.status))
    throw new AppError(
      'PRECONDITION_FAILED',
      `only failed or canceled tasks are upgraded again (this one is ${t.status})`,
    )
  if (!['IN_PROGRESS', 'PAUSED'].includes(t.job.status))
    throw new AppError('PRECONDITION_FAILED', `the batch ${t.job.jobId} is ${t.job.status.toLowerCase()}`)
  const other = await db.prisma.otaTask.findFirst({
    where: {
      deviceId: t.deviceId,
      id: { not: t.id },
      status: { in: [...ACTIVE] },
      ...(t.job.multiModule ? { module: t.module } : {}),
    },
  })
  if (other) throw conflict(`the device ${t.deviceName} is in another upgrade (task ${other.taskId}); cancel it first`)
  const updated = await db.prisma.$transaction(async (tx) => {
    const u = await tx.otaTask.update({
      where: { id: t.id },
      data: {
        status: 'QUEUED',
        queuedReason: 'RATE',
        failReason: null,
        progress: 0,
        progressDesc: null,
        finishedAt: null,
        firstProgressAt: null,
        nextRetryAt: null,
        retries: 0,
        updatedAt: new Date(),
      },
    })
    await audit(tx, actor, 'ota.task.retry', { type: 'ota_task', id: t.taskId })
    return u
  })
  wake()
  return taskView(updated, t.job.jobId)
}

/** ref ConfirmOTATask: tasks waiting in CONFIRM go to the queue. */
export async function confirmTasks(db: Db, actor: Actor, raw: unknown): Promise<{ confirmed: number }> {
  const i = ZConfirmOtaTasksInput.parse(raw)
  const n = await db.prisma.$transaction(async (tx) => {
    const r = await tx.$executeRawUnsafe(
      `UPDATE ota_task t SET status = 'QUEUED', queued_reason = CASE WHEN j.push THEN 'RATE' ELSE NULL END, updated_at = now()
       FROM ota_job j WHERE t.job_id = j.id AND t.status = 'CONFIRM'
         AND (t.task_id = ANY($1::text[]) OR t.id::text = ANY($1::text[]))`,
      i.taskIds,
    )
    await audit(tx, actor, 'ota.task.confirm', null, { taskIds: i.taskIds })
    return r
  })
  wake()
  return { confirmed: n }
}

/** A paused batch (a wave gate was breached) moves on to its next wave. */
export async function resumeJob(db: Db, actor: Actor, raw: { id: string }): Promise<OtaJobDetail> {
  const j = await findJob(db, raw.id)
  if (j.status !== 'PAUSED') throw new AppError('PRECONDITION_FAILED', 'only a paused batch resumes')
  const waves = ((j.policy as TOtaPolicy | null)?.waves ?? []).length
  await db.prisma.$transaction(async (tx) => {
    await tx.otaJob.update({
      where: { id: j.id },
      data: { status: 'IN_PROGRESS', wave: Math.min(j.wave + 1, Math.max(0, waves - 1)), reason: null },
    })
    await audit(tx, actor, 'ota.job.resume', { type: 'ota_job', id: j.jobId })
  })
  wake()
  return jobDetail(db, j.id)
}

export type { OtaFailReason, OtaTaskStatus }

/**
 * The invalid names of an uploaded device list as CSV (`deviceName,reason`), for
 * `GET /api/ota/device-lists/{uploadId}/invalid.csv?productKey=…` (ref §8.2.3: download the invalid list, fix it,
 * upload again).
 */
export async function invalidDeviceListCsv(db: Db, productKey: string, uploadId: string): Promise<string> {
  const names = await readDeviceList(db, uploadId)
  const invalid = await invalidNames(db, productKey, names)
  const { rows } = await db.pool.query<{ device_name: string }>(
    'SELECT device_name FROM device WHERE product_key = $1 AND device_name = ANY($2::text[])',
    [productKey, [...new Set(invalid)]],
  )
  const known = new Set(rows.map((r) => r.device_name))
  return toCsv(
    ['deviceName', 'reason'],
    invalid.map((n) => [n, known.has(n) ? 'listed more than once' : `not a device of product ${productKey}`]),
  )
}
