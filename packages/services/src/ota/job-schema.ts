import { OTA_MAX_PUSH_PER_MINUTE, OTA_TIMEOUT_MINUTES } from '@iotops/alink/limits'
import { z } from 'zod'
import { ZDeviceName } from '../devices/schema'
import { ZPage } from '../paging'
import { ZProductKey } from '../products/schema'

// Pure zod: OTA upgrade batches ("jobs") and their device tasks (ref §8.2.2–8.2.4). Nothing here may import I/O:
// the console's batch forms use these schemas and checks as they are.

export const OTA_JOB_TYPES = ['VERIFY', 'STATIC', 'DYNAMIC'] as const
export type OtaJobType = (typeof OTA_JOB_TYPES)[number]
/** ota_job.status */
export const OTA_JOB_STATUSES = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELED', 'PAUSED', 'ABORTED'] as const
export type OtaJobStatus = (typeof OTA_JOB_STATUSES)[number]
/** ota_task.status (ref §8.2.4: 待确认, 待推送, 已推送, 升级中, 升级成功, 升级失败, 已取消) */
export const OTA_TASK_STATUSES = [
  'CONFIRM',
  'QUEUED',
  'NOTIFIED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
] as const
export type OtaTaskStatus = (typeof OTA_TASK_STATUSES)[number]
/** Tasks still running: a device with one of these for a module is "in an upgrade" (ref §8.1 conflicts). */
export const OTA_ACTIVE_TASK_STATUSES = ['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS'] as const
/** ref §8.2.4: why a QUEUED task waits — device offline, scheduled start, or the push rate. */
export const OTA_QUEUED_REASONS = ['OFFLINE', 'SCHEDULED', 'RATE'] as const
/** ota_task.failReason; the negative progress steps map to upgrade/download/verify/flash (ref §8.3). */
export const OTA_FAIL_REASONS = [
  'timeout',
  'version',
  'upgrade',
  'download',
  'verify',
  'flash',
  'conflict',
  'cancelled',
] as const
export type OtaFailReason = (typeof OTA_FAIL_REASONS)[number]
export const OTA_STEP_FAIL_REASON: Record<string, OtaFailReason> = {
  '-1': 'upgrade',
  '-2': 'download',
  '-3': 'verify',
  '-4': 'flash',
}
/** ref §8.2.4: no automatic retry after these. */
export const OTA_NO_RETRY_REASONS: readonly OtaFailReason[] = ['timeout', 'cancelled', 'conflict']

export const OTA_SCOPES = ['ALL', 'SPECIFIC', 'GRAY', 'GROUP', 'REGION'] as const
export type OtaScope = (typeof OTA_SCOPES)[number]
export const OTA_DYNAMIC_SCOPES = ['ALL', 'GROUP'] as const
export const OTA_DOWNLOAD_PROTOCOLS = ['HTTPS', 'MQTT'] as const
/** ref §8.2.3: retry after a failure — immediately (0) or after 10/30/60/1440 minutes; null = never. */
export const OTA_RETRY_INTERVALS = [0, 10, 30, 60, 1440] as const
/** ref §8.2.3: at most 1, 2 or 5 retries. */
export const OTA_MAX_RETRIES = [1, 2, 5] as const

/** ref §8.2.3 schedule: start 5 minutes – 7 days ahead; end 1 hour – 30 days after the start. */
export const OTA_SCHEDULE = {
  startMinMs: 5 * 60_000,
  startMaxMs: 7 * 24 * 3_600_000,
  endMinMs: 3_600_000,
  endMaxMs: 30 * 24 * 3_600_000,
} as const
/** ref §8.2.3 push rates. */
export const OTA_RATE_LIMITS = {
  constant: { min: 10, max: OTA_MAX_PUSH_PER_MINUTE },
  base: { min: 1, max: OTA_MAX_PUSH_PER_MINUTE },
  factor: { min: 1.2, max: 5 },
  max: { min: 10, max: OTA_MAX_PUSH_PER_MINUTE },
  threshold: { min: 1, max: 100_000 },
} as const
/** ref §8.2.2: a verification batch upgrades 1–10 test devices. */
export const OTA_VERIFY_MAX_DEVICES = 10
/** ref §8.2.3: a device list (manual choice or CSV upload) has at most 1,000,000 names. */
export const OTA_DEVICE_LIST_MAX = 1_000_000
/** A device list given inline (the console's picker; larger lists go through a CSV upload). */
export const OTA_INLINE_DEVICE_NAMES_MAX = 10_000
/** ref §8.1: a device matches one version-based dynamic batch at most 10 times. */
export const OTA_DYNAMIC_MAX_MATCHES = 10
export const OTA_MAX_TAGS = 10

const int = (what: string, min: number, max: number) =>
  z
    .number({ message: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} is ${min}–${max.toLocaleString('en-US')}`)
    .max(max, `${what} is ${min}–${max.toLocaleString('en-US')}`)

export const ZOtaConstantRate = z.object({
  mode: z.literal('CONSTANT'),
  perMinute: int('the push rate (devices per minute)', OTA_RATE_LIMITS.constant.min, OTA_RATE_LIMITS.constant.max),
})
export const ZOtaVariableRate = z
  .object({
    mode: z.literal('VARIABLE'),
    base: int('the base rate', OTA_RATE_LIMITS.base.min, OTA_RATE_LIMITS.base.max),
    factor: z
      .number({ message: 'the increase factor must be a number' })
      .min(OTA_RATE_LIMITS.factor.min, 'the increase factor is 1.20–5.00')
      .max(OTA_RATE_LIMITS.factor.max, 'the increase factor is 1.20–5.00')
      .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, 'the increase factor has at most 2 decimals'),
    max: int('the maximum rate', OTA_RATE_LIMITS.max.min, OTA_RATE_LIMITS.max.max),
    threshold: int('the step threshold', OTA_RATE_LIMITS.threshold.min, OTA_RATE_LIMITS.threshold.max),
    /** the count the threshold is measured on: devices pushed or devices upgraded */
    by: z.enum(['PUSHED', 'SUCCEEDED']).default('PUSHED'),
  })
  .refine((v) => v.base <= v.max, { path: ['base'], message: 'the base rate may not exceed the maximum rate' })
export const ZOtaRate = z.discriminatedUnion('mode', [ZOtaConstantRate, ZOtaVariableRate])
export type TOtaRate = z.output<typeof ZOtaRate>

/** ref §8.2.2 batch tags, pushed to devices in extData: `key` / `value`. */
export const ZOtaTag = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,29}$/, 'a tag key has 1–30 letters, digits and _ . - and starts with a letter'),
  value: z.string().trim().min(1, 'a tag needs a value').max(128, 'a tag value has at most 128 characters'),
})
export const ZOtaTags = z
  .array(ZOtaTag)
  .max(OTA_MAX_TAGS, `a batch has at most ${OTA_MAX_TAGS} tags`)
  .refine((t) => new Set(t.map((x) => x.key)).size === t.length, 'each tag key may appear once')
export type TOtaTag = z.infer<typeof ZOtaTag>

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:mm (00:00–23:59)')
/** A maintenance window: pushes happen only inside one (days 0 = Sunday … 6 = Saturday, in `timeZone`). */
export const ZOtaWindow = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1, 'pick at least one day').max(7),
  from: HHMM,
  /** exclusive; earlier than `from` = the window runs past midnight */
  to: HHMM,
})
export const ZOtaWave = z.object({
  /** cumulative share of the batch's devices reached by the end of this wave */
  percent: int('a wave share (%)', 1, 100),
  /** gate to leave the wave: at least this success rate (%) among its finished devices */
  successAtLeast: int('the success gate (%)', 0, 100).optional(),
  /** gate to leave the wave: at most this failure rate (%) */
  failureAtMost: int('the failure gate (%)', 0, 100).optional(),
  onBreach: z.enum(['PAUSE', 'ABORT']).default('PAUSE'),
})
export const ZOtaPolicy = z
  .object({
    waves: z.array(ZOtaWave).max(10, 'at most 10 waves').default([]),
    /** stop the batch when failures reach `percent` of executed tasks, counted once `minExecuted` have finished */
    abort: z
      .object({
        percent: int('the abort threshold (%)', 1, 100),
        minExecuted: int('the minimum executed', 1, 1_000_000),
        /** failure reasons counted (empty = all) */
        reasons: z.array(z.enum(OTA_FAIL_REASONS)).default([]),
      })
      .optional(),
    /** on abort: a new batch back to the previous version's package for the devices already upgraded */
    rollback: z.boolean().default(false),
    windows: z.array(ZOtaWindow).max(14, 'at most 14 windows').default([]),
    /** IANA time zone of the windows (default UTC) */
    timeZone: z.string().max(64).default('UTC'),
  })
  .superRefine((p, ctx) => {
    for (let i = 1; i < p.waves.length; i++)
      if (p.waves[i]!.percent <= p.waves[i - 1]!.percent)
        ctx.addIssue({ code: 'custom', path: ['waves', i, 'percent'], message: 'each wave reaches more devices' })
    if (p.waves.length > 0 && p.waves.at(-1)!.percent !== 100)
      ctx.addIssue({ code: 'custom', path: ['waves'], message: 'the last wave reaches 100% of the devices' })
    if (p.rollback && !p.abort && !p.waves.some((w) => w.onBreach === 'ABORT'))
      ctx.addIssue({ code: 'custom', path: ['rollback'], message: 'rollback needs an abort rule or an aborting wave' })
    if (!isTimeZone(p.timeZone))
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown time zone "${p.timeZone}"` })
  })
export type TOtaPolicy = z.output<typeof ZOtaPolicy>

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** Whether `at` falls in one of the windows (no windows = always). Pure; the engine and the console share it. */
export function inMaintenanceWindow(policy: Pick<TOtaPolicy, 'windows' | 'timeZone'>, at: Date): boolean {
  if (!policy.windows || policy.windows.length === 0) return true
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: policy.timeZone || 'UTC',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'))
  const minute = Number(get('hour')) * 60 + Number(get('minute'))
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5))
  return policy.windows.some((w) => {
    const from = toMin(w.from)
    const to = toMin(w.to)
    if (from < to) return w.days.includes(day) && minute >= from && minute < to
    // past midnight: the evening part belongs to the day, the morning part to the day after
    return (w.days.includes(day) && minute >= from) || (w.days.includes((day + 6) % 7) && minute < to)
  })
}

export const ZTimeoutMinutes = int('the upgrade timeout (minutes)', OTA_TIMEOUT_MINUTES.min, OTA_TIMEOUT_MINUTES.max)
export const ZSrcVersions = z
  .array(z.string().trim().min(1).max(64, 'a version has at most 64 characters'))
  .max(100, 'at most 100 source versions')
  .refine((v) => new Set(v).size === v.length, 'a source version is listed twice')

/** A package by its public FirmwareId or row id. */
const ZFirmwareIdRef = z.string().trim().min(1, 'choose the package').max(64)

const common = {
  firmwareId: ZFirmwareIdRef,
  srcVersions: ZSrcVersions.optional(),
  /** cloud push (default); otherwise devices ask on thing/ota/firmware/get */
  push: z.boolean().default(true),
  /** tasks wait in CONFIRM until ConfirmOTATask */
  needConfirm: z.boolean().default(false),
  downloadProtocol: z.enum(OTA_DOWNLOAD_PROTOCOLS).default('HTTPS'),
  tags: ZOtaTags.optional(),
}

export const ZCreateOtaVerifyJobInput = z.object({
  ...common,
  deviceNames: z
    .array(ZDeviceName)
    .min(1, 'pick 1–10 test devices')
    .max(OTA_VERIFY_MAX_DEVICES, 'a verification batch has 1–10 test devices')
    .refine((v) => new Set(v).size === v.length, 'a device is listed twice'),
  timeoutMinutes: ZTimeoutMinutes,
})
export type TCreateOtaVerifyJobInput = z.input<typeof ZCreateOtaVerifyJobInput>
export type TCreateOtaVerifyJob = z.output<typeof ZCreateOtaVerifyJobInput>

const upgrade = {
  ...common,
  timeoutMinutes: ZTimeoutMinutes.optional(),
  retryInterval: z
    .number()
    .refine((v) => (OTA_RETRY_INTERVALS as readonly number[]).includes(v), {
      message: 'the retry interval is 0 (immediately), 10, 30, 60 or 1440 minutes',
    })
    .nullable()
    .optional(),
  maxRetries: z
    .number()
    .refine((v) => (OTA_MAX_RETRIES as readonly number[]).includes(v), { message: 'the retry limit is 1, 2 or 5' })
    .optional(),
  rate: ZOtaRate.default({ mode: 'CONSTANT', perMinute: OTA_MAX_PUSH_PER_MINUTE }),
  multiModule: z.boolean().default(false),
  overwrite: z.boolean().default(false),
  policy: ZOtaPolicy.optional(),
}

type UpgradeShape = {
  timeoutMinutes?: number
  retryInterval?: number | null
  maxRetries?: number
  multiModule: boolean
  overwrite: boolean
}
function checkUpgrade(v: UpgradeShape, ctx: z.RefinementCtx) {
  if (v.multiModule && v.overwrite)
    ctx.addIssue({
      code: 'custom',
      path: ['overwrite'],
      message: 'multi-module upgrades and overwriting earlier tasks cannot both be on',
    })
  if (v.retryInterval != null) {
    if (v.maxRetries === undefined)
      ctx.addIssue({ code: 'custom', path: ['maxRetries'], message: 'choose how many retries (1, 2 or 5)' })
    if (v.timeoutMinutes !== undefined && v.retryInterval >= v.timeoutMinutes)
      ctx.addIssue({
        code: 'custom',
        path: ['retryInterval'],
        message: 'the retry interval must be shorter than the upgrade timeout (no retry happens after a timeout)',
      })
  }
}

/** Why a schedule is refused (null when it is fine), `now` in ms. ref §8.2.3. */
export function scheduleProblem(start: Date | undefined, end: Date | undefined, now: number): string | null {
  if (!start) return end ? 'an end time needs a start time' : null
  const ahead = start.getTime() - now
  // one minute of grace: a form filled at "now + 5 min" reaches the server a little later
  if (ahead < OTA_SCHEDULE.startMinMs - 60_000 || ahead > OTA_SCHEDULE.startMaxMs)
    return 'the start time is 5 minutes to 7 days from now'
  if (end) {
    const span = end.getTime() - start.getTime()
    if (span < OTA_SCHEDULE.endMinMs || span > OTA_SCHEDULE.endMaxMs)
      return 'the end time is 1 hour to 30 days after the start time'
  }
  return null
}

export const ZCreateOtaStaticJobInput = z
  .object({
    ...upgrade,
    scope: z.enum(OTA_SCOPES).default('ALL'),
    deviceNames: z
      .array(ZDeviceName)
      .max(OTA_INLINE_DEVICE_NAMES_MAX, `list at most ${OTA_INLINE_DEVICE_NAMES_MAX} devices; upload a CSV for more`)
      .optional(),
    /** a CSV of device names uploaded through /api/ota/uploads (≤ 1,000,000 names) */
    deviceListUploadId: z.string().uuid('the device list is the upload id returned by the upload').optional(),
    grayPercent: int('the gray share (%)', 1, 100).optional(),
    groupId: z.string().uuid('choose a device group').optional(),
    /** a province or city (as the ops dashboard names them) */
    region: z.string().trim().min(1).max(64).optional(),
    scheduleStart: z.coerce.date().optional(),
    scheduleEnd: z.coerce.date().optional(),
  })
  .superRefine((v, ctx) => {
    checkUpgrade(v, ctx)
    if (v.scope === 'SPECIFIC') {
      if (!v.deviceNames?.length && !v.deviceListUploadId)
        ctx.addIssue({ code: 'custom', path: ['deviceNames'], message: 'pick the devices or upload a device list' })
      if (v.srcVersions?.length)
        ctx.addIssue({
          code: 'custom',
          path: ['srcVersions'],
          message: 'a targeted batch takes no source versions: the devices are listed',
        })
    }
    if (v.scope === 'GRAY' && v.grayPercent === undefined)
      ctx.addIssue({ code: 'custom', path: ['grayPercent'], message: 'give the share of devices (1–100%)' })
    if (v.scope === 'GROUP' && !v.groupId)
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'choose a device group' })
    if (v.scope === 'REGION' && !v.region)
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'choose a province or city' })
    const p = scheduleProblem(v.scheduleStart, v.scheduleEnd, Date.now())
    if (p) ctx.addIssue({ code: 'custom', path: [v.scheduleStart ? 'scheduleStart' : 'scheduleEnd'], message: p })
  })
export type TCreateOtaStaticJobInput = z.input<typeof ZCreateOtaStaticJobInput>
export type TCreateOtaStaticJob = z.output<typeof ZCreateOtaStaticJobInput>

export const ZCreateOtaDynamicJobInput = z
  .object({
    ...upgrade,
    scope: z.enum(OTA_DYNAMIC_SCOPES).default('ALL'),
    groupId: z.string().uuid('choose a device group').optional(),
    /** only devices that report a version after the batch starts (ref §8.2.3) */
    onlyNewReporters: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    checkUpgrade(v, ctx)
    if (v.scope === 'GROUP' && !v.groupId)
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'choose a device group' })
    if (v.policy?.waves.length)
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'waves'],
        message: 'a dynamic batch has no waves: its devices arrive over time',
      })
  })
export type TCreateOtaDynamicJobInput = z.input<typeof ZCreateOtaDynamicJobInput>
export type TCreateOtaDynamicJob = z.output<typeof ZCreateOtaDynamicJobInput>

export const ZOtaJobRef = z.object({ id: z.string().trim().min(1, 'give the batch id').max(64) })
export const ZOtaJobList = ZPage.extend({
  firmwareId: z.string().trim().max(64).optional(),
  productKey: ZProductKey.optional(),
  status: z.enum(OTA_JOB_STATUSES).optional(),
  type: z.enum(OTA_JOB_TYPES).optional(),
})
export type TOtaJobList = z.input<typeof ZOtaJobList>
export const ZOtaTaskList = ZPage.extend({
  jobId: z.string().trim().min(1).max(64),
  status: z.enum(OTA_TASK_STATUSES).optional(),
  deviceName: z.string().trim().max(32).optional(),
})
export type TOtaTaskList = z.input<typeof ZOtaTaskList>
/** The devices of a package across all its batches (console: package detail → device list; CSV export). */
export const ZOtaPackageTaskFilter = z.object({
  firmwareId: z.string().trim().min(1).max(64),
  status: z.enum(OTA_TASK_STATUSES).optional(),
  deviceName: z.string().trim().max(32).optional(),
})
export type TOtaPackageTaskFilter = z.input<typeof ZOtaPackageTaskFilter>
export const ZOtaPackageTaskList = ZPage.extend(ZOtaPackageTaskFilter.shape)
export type TOtaPackageTaskList = z.input<typeof ZOtaPackageTaskList>
/** At most this many rows in one CSV export of a package's devices. */
export const OTA_PACKAGE_EXPORT_MAX = 100_000
/** The provinces and cities the devices of a product report (the region scope of a batch). */
export const ZOtaRegionsInput = z.object({ productKey: ZProductKey })
/** ref §8.2.4: the rate value (not its mode), tags; for dynamic batches also source versions and the timeout. */
export const ZUpdateOtaJobInput = ZOtaJobRef.extend({
  rate: ZOtaRate.optional(),
  tags: ZOtaTags.optional(),
  srcVersions: ZSrcVersions.optional(),
  timeoutMinutes: ZTimeoutMinutes.nullable().optional(),
})
export type TUpdateOtaJobInput = z.input<typeof ZUpdateOtaJobInput>
export const ZCancelOtaJobInput = ZOtaJobRef.extend({
  /** dynamic batches: also cancel the tasks already under way (static batches always cancel them) */
  cancelRunning: z.boolean().default(false),
})
export const ZCancelOtaTasksInput = z
  .object({
    jobId: z.string().trim().min(1).max(64),
    taskIds: z.array(z.string().trim().min(1).max(64)).max(1000).optional(),
    statuses: z.array(z.enum(['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS'])).optional(),
  })
  .refine((v) => (v.taskIds?.length ?? 0) > 0 || (v.statuses?.length ?? 0) > 0, {
    message: 'give the tasks or the statuses to cancel',
  })
export const ZCancelOtaTasksByDeviceInput = z.object({
  firmwareId: z.string().trim().min(1).max(64),
  productKey: ZProductKey,
  deviceNames: z.array(ZDeviceName).min(1).max(100),
  jobId: z.string().trim().max(64).optional(),
})
export const ZOtaTaskRef = z.object({ taskId: z.string().trim().min(1).max(64) })
export const ZConfirmOtaTasksInput = z.object({
  taskIds: z.array(z.string().trim().min(1).max(64)).min(1, 'give the tasks to confirm').max(1000),
})
export const ZOtaUnfinishedByDeviceInput = z.object({
  productKey: ZProductKey,
  deviceName: ZDeviceName,
  module: z.string().trim().max(64).optional(),
})
export const ZCheckDeviceListInput = z.object({ productKey: ZProductKey, uploadId: z.string().uuid() })
export const ZOtaDistributionInput = z.object({
  productKey: ZProductKey,
  module: z.string().trim().min(1).max(64).default('default'),
  /** the device list of one version */
  version: z.string().trim().max(64).optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
})
export const ZOtaAnalysisInput = z.object({
  firmwareId: z.string().trim().min(1).max(64),
  jobId: z.string().trim().max(64).optional(),
})
