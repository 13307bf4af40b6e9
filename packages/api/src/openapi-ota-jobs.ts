// OpenAPI actions for OTA upgrade batches and device tasks (ref §8.2.2–8.2.4 相关API), merged into the action table
// of openapi.ts. Parameter and field names follow the reference's OpenAPI.
import { AppError, otaJobs } from '@iotops/services'
import { ZCreateOtaDynamicJobInput, ZCreateOtaStaticJobInput, ZCreateOtaVerifyJobInput } from '@iotops/services/schemas'
import type { OpenApiDeps } from './openapi'
import { type Action, bool, num, type Params, required } from './openapi-params'

const str = (p: Params, k: string) => (p[k] === undefined || p[k] === null || p[k] === '' ? undefined : String(p[k]))
/** A list parameter: a JSON array (or its string), or flattened `K.1`, `K.2`, … */
function list(p: Params, k: string): unknown[] | undefined {
  const v = p[k]
  if (Array.isArray(v)) return v
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      return JSON.parse(v)
    } catch {
      throw new AppError('BAD_REQUEST', `${k} must be a JSON array`)
    }
  }
  if (typeof v === 'string' && v) return [v]
  const flat: [number, unknown][] = []
  for (const [key, val] of Object.entries(p)) {
    const m = new RegExp(`^${k.replace('.', '\\.')}\\.(\\d+)(?:\\.(\\w+))?$`).exec(key)
    if (!m) continue
    const i = Number(m[1])
    if (m[2]) {
      const e = flat.find((x) => x[0] === i)
      if (e) (e[1] as Record<string, unknown>)[m[2]] = val
      else flat.push([i, { [m[2]]: val }])
    } else flat.push([i, val])
  }
  return flat.length ? flat.sort((a, b) => a[0] - b[0]).map((x) => x[1]) : undefined
}
const strings = (p: Params, k: string) => list(p, k)?.map(String)
const tags = (p: Params) =>
  list(p, 'Tag')?.map((t) => {
    const o = t as { Key?: unknown; Value?: unknown }
    return { key: String(o.Key ?? ''), value: String(o.Value ?? '') }
  })
/** RetryInterval in minutes: -1 (or absent) none, 0 immediately, 10, 30, 60, 1440. */
const retry = (p: Params) => {
  const v = num(p, 'RetryInterval')
  return v === undefined || v === -1 ? null : v
}

async function firmwareOf(d: OpenApiDeps, p: Params) {
  const f = await d.db.prisma.otaFirmware.findFirst({ where: { firmwareId: required(p, 'FirmwareId') } })
  if (!f) throw new AppError('NOT_FOUND', `the upgrade package ${str(p, 'FirmwareId')} does not exist`)
  const pk = str(p, 'ProductKey')
  if (pk && pk !== f.productKey)
    throw new AppError('BAD_REQUEST', `the package ${f.firmwareId} belongs to product ${f.productKey}, not ${pk}`)
  return f
}

const upgradeCommon = (p: Params) => ({
  srcVersions: strings(p, 'SrcVersion'),
  push: bool(p, 'NeedPush'),
  needConfirm: bool(p, 'NeedConfirm'),
  downloadProtocol: str(p, 'DownloadProtocol')?.toUpperCase(),
  timeoutMinutes: num(p, 'TimeoutInMinutes'),
  retryInterval: retry(p),
  maxRetries: num(p, 'RetryCount'),
  rate:
    num(p, 'MaximumPerMinute') !== undefined ? { mode: 'CONSTANT', perMinute: num(p, 'MaximumPerMinute') } : undefined,
  // OverwriteMode: 1 keep earlier tasks (default), 2 overwrite them
  overwrite: num(p, 'OverwriteMode') === 2,
  multiModule: bool(p, 'MultiModuleMode'),
  tags: tags(p),
})

const created = (j: otaJobs.OtaJobDetail) => ({
  JobId: j.jobId,
  JobStatus: j.status,
  JobType: j.type === 'VERIFY' ? 'VERIFY_FIRMWARE' : 'UPGRADE_FIRMWARE',
  UtcCreate: j.createdAt.toISOString(),
  TaskCount: j.total,
})

const jobInfo = (j: otaJobs.OtaJobView) => ({
  JobId: j.jobId,
  FirmwareId: j.firmwareId,
  ProductKey: j.productKey,
  ModuleName: j.module,
  DestVersion: j.destVersion,
  JobType: j.type === 'VERIFY' ? 'VERIFY_FIRMWARE' : 'UPGRADE_FIRMWARE',
  SelectionType: j.type === 'DYNAMIC' ? 'DYNAMIC' : 'STATIC',
  TargetSelection: j.scope,
  JobStatus: j.status,
  SrcVersions: { SrcVersion: j.srcVersions },
  GrayPercent: j.grayPercent ?? undefined,
  GroupId: j.groupId ?? undefined,
  ScheduleTime: j.scheduleStart?.getTime(),
  ScheduleFinishTime: j.scheduleEnd?.getTime(),
  TimeoutInMinutes: j.timeoutMinutes ?? undefined,
  RetryInterval: j.retryInterval ?? -1,
  RetryCount: j.maxRetries,
  MaximumPerMinute: (j.rate as { perMinute?: number }).perMinute,
  NeedPush: j.push,
  NeedConfirm: j.needConfirm,
  DownloadProtocol: j.downloadProtocol,
  MultiModuleMode: j.multiModule,
  OverwriteMode: j.overwrite ? 2 : 1,
  DynamicMode: j.type === 'DYNAMIC' ? (j.onlyNewReporters ? 2 : 1) : undefined,
  Tags: { OtaTagDTO: j.tags.map((t) => ({ Key: t.key, Value: t.value })) },
  TaskCounts: j.counts,
  Reason: j.reason ?? undefined,
  UtcCreate: j.createdAt.toISOString(),
  UtcEndTime: j.finishedAt?.toISOString(),
})

const taskInfo = (t: otaJobs.OtaTaskView) => ({
  TaskId: t.taskId,
  JobId: t.jobId,
  ProductKey: t.productKey,
  DeviceName: t.deviceName,
  ModuleName: t.module,
  SrcVersion: t.srcVersion ?? undefined,
  DestVersion: t.destVersion,
  TaskStatus: t.status,
  TaskDesc: t.failReason ?? t.progressDesc ?? t.queuedReason ?? undefined,
  Progress: String(t.progress),
  UtcCreate: t.createdAt.toISOString(),
  UtcModified: t.updatedAt.toISOString(),
})

const page = (p: Params) => ({ page: num(p, 'CurrentPage') ?? 1, pageSize: num(p, 'PageSize') ?? 20 })
const pageOut = <T>(r: { total: number; page: number; pageSize: number }, key: string, items: T[]) => ({
  Total: r.total,
  CurrentPage: r.page,
  PageSize: r.pageSize,
  PageCount: Math.ceil(r.total / r.pageSize),
  Data: { [key]: items },
})

export const OTA_JOB_ACTIONS: Record<string, Action> = {
  CreateOTAVerifyJob: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const f = await firmwareOf(d, p)
      const input = ZCreateOtaVerifyJobInput.parse({
        firmwareId: f.firmwareId,
        deviceNames: strings(p, 'TargetDeviceName'),
        timeoutMinutes: num(p, 'TimeoutInMinutes'),
        push: bool(p, 'NeedPush'),
        needConfirm: bool(p, 'NeedConfirm'),
        downloadProtocol: str(p, 'DownloadProtocol')?.toUpperCase(),
        tags: tags(p),
      })
      return created(await otaJobs.createVerifyJob(d.db, actor, input))
    },
  },
  CreateOTAStaticUpgradeJob: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const f = await firmwareOf(d, p)
      const ms = (k: string) => (num(p, k) === undefined ? undefined : new Date(num(p, k)!))
      const input = ZCreateOtaStaticJobInput.parse({
        ...upgradeCommon(p),
        firmwareId: f.firmwareId,
        scope: str(p, 'TargetSelection') ?? 'ALL',
        deviceNames: strings(p, 'TargetDeviceName'),
        deviceListUploadId: str(p, 'DnListFileUrl')?.match(/[0-9a-f-]{36}/i)?.[0],
        grayPercent: num(p, 'GrayPercent'),
        groupId: str(p, 'GroupId'),
        region: str(p, 'Region'),
        scheduleStart: ms('ScheduleTime'),
        scheduleEnd: ms('ScheduleFinishTime'),
      })
      return created(await otaJobs.createStaticJobParsed(d.db, actor, input))
    },
  },
  CreateOTADynamicUpgradeJob: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const f = await firmwareOf(d, p)
      const input = ZCreateOtaDynamicJobInput.parse({
        ...upgradeCommon(p),
        firmwareId: f.firmwareId,
        scope: str(p, 'GroupId') ? 'GROUP' : 'ALL',
        groupId: str(p, 'GroupId'),
        // DynamicMode: 1 devices at the versions now and later (default), 2 only devices reporting later
        onlyNewReporters: num(p, 'DynamicMode') === 2,
      })
      return created(await otaJobs.createDynamicJob(d.db, actor, input))
    },
  },
  ListOTAJobByFirmware: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const r = await otaJobs.listJobs(d.db, { firmwareId: required(p, 'FirmwareId'), ...page(p) })
      return pageOut(r, 'SimpleOTAJobInfo', r.items.map(jobInfo))
    },
  },
  QueryOTAJob: {
    role: 'VIEWER',
    async run(d, _a, p) {
      return jobInfo(await otaJobs.jobDetail(d.db, required(p, 'JobId')))
    },
  },
  ListOTATaskByJob: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const r = await otaJobs.listTasks(d.db, {
        jobId: required(p, 'JobId'),
        status: str(p, 'TaskStatus') as never,
        deviceName: strings(p, 'DeviceNames')?.[0],
        ...page(p),
      })
      return pageOut(r, 'SimpleOTATaskInfo', r.items.map(taskInfo))
    },
  },
  CancelOTAStrategyByJob: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const j = await otaJobs.jobDetail(d.db, required(p, 'JobId'))
      if (j.type !== 'DYNAMIC')
        throw new AppError('BAD_REQUEST', `the batch ${j.jobId} is not dynamic; use CancelOTATaskByJob`)
      await otaJobs.cancelJob(d.db, actor, { id: j.id, cancelRunning: false })
      return undefined
    },
  },
  CancelOTATaskByJob: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const statuses = (
        [
          ['CancelUnconfirmedTask', 'CONFIRM'],
          ['CancelQueuedTask', 'QUEUED'],
          ['CancelScheduledTask', 'QUEUED'],
          ['CancelNotifiedTask', 'NOTIFIED'],
          ['CancelInProgressTask', 'IN_PROGRESS'],
        ] as const
      )
        .filter(([k]) => bool(p, k))
        .map(([, s]) => s)
      if (statuses.length === 0)
        throw new AppError(
          'BAD_REQUEST',
          'set at least one of CancelUnconfirmedTask, CancelQueuedTask, CancelScheduledTask, CancelNotifiedTask, CancelInProgressTask',
        )
      const r = await otaJobs.cancelTasks(d.db, actor, {
        jobId: required(p, 'JobId'),
        statuses: [...new Set(statuses)],
      })
      return { CanceledCount: r.canceled }
    },
  },
  CancelOTATaskByDevice: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const r = await otaJobs.cancelTasksByDevice(d.db, actor, {
        firmwareId: required(p, 'FirmwareId'),
        productKey: required(p, 'ProductKey'),
        deviceNames: strings(p, 'DeviceName') ?? [],
        jobId: str(p, 'JobId'),
      })
      return { CanceledCount: r.canceled }
    },
  },
  ReupgradeOTATask: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const ids = strings(p, 'TaskId') ?? []
      if (ids.length === 0) throw new AppError('BAD_REQUEST', 'TaskId is required (one or more task ids)')
      for (const taskId of ids) await otaJobs.retryTask(d.db, actor, { taskId })
      return undefined
    },
  },
  ConfirmOTATask: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const r = await otaJobs.confirmTasks(d.db, actor, { taskIds: strings(p, 'TaskId') ?? [] })
      return { ConfirmedCount: r.confirmed }
    },
  },
  ListOTAUnfinishedTaskByDevice: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const rows = await otaJobs.unfinishedTasksByDevice(d.db, {
        productKey: required(p, 'ProductKey'),
        deviceName: required(p, 'DeviceName'),
        module: str(p, 'ModuleName'),
      })
      const status = str(p, 'TaskStatus')
      return {
        SimpleOTATaskInfo: rows.filter((t) => !status || t.status === status).map(taskInfo),
      }
    },
  },
}
