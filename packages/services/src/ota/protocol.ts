import { topics } from '@iotops/alink'
import { OTA_PROGRESS_DESC_MAX_LENGTH } from '@iotops/alink/limits'
import type { Db } from '@iotops/db'
import type { DeviceHub, DeviceSession } from '../hub/hub'
import { newTraceId } from '../ids'
import { Metric } from '../metrics/codes'
import { BizType, logContent } from '../runlog/writer'
import { firmwareForPush, type PushFile } from './download'
import { OTA_DYNAMIC_MAX_MATCHES, OTA_NO_RETRY_REASONS, OTA_STEP_FAIL_REASON, type OtaFailReason } from './job-schema'
import { OTA_MQTT_MAX_BYTES, settleConflicts } from './jobs'
import { ProgressWriter } from './progress'
import { otaStorage } from './store'

// The device side of OTA (ref §8.3, §8.4): upgrade notices, progress, version reports, firmware requests and
// MQTT file download. Sub-devices arrive here as their own sessions (the pipeline resolves a gateway's publish
// for a logged-in sub-device), so every handler works on `s` whoever carried the message.

/** Hub event that wakes the OTA engine (new tasks to push). */
export const OTA_KICK = 'ota.kick'
/** ref §8.2.2: at most this many bytes per MQTT download block (the Link SDK asks 5 KB by default). */
export const OTA_MQTT_BLOCK_MAX = 128 * 1024

/** What a push needs of a batch. */
export interface PushJob {
  id: string
  jobId: string
  firmwareId: string
  module: string
  downloadProtocol: string
  tags: unknown
}

type Pushable = Awaited<ReturnType<typeof firmwareForPush>>

/**
 * The `data` of an upgrade notice (and of a firmware/get reply), as the reference documents it: one HTTPS file
 * (url, size, sign, signMethod, md5 for MD5 packages, digestsign for secure ones), one MQTT file (dProtocol,
 * streamId, streamFileId instead of url) or several files (`files[]`); `module` omitted for `default`, `isDiff`
 * for differential packages, `extData` = batch tags + `_package_udi`.
 */
export function upgradeData(job: Pick<PushJob, 'module' | 'downloadProtocol' | 'tags'>, p: Pushable) {
  const f = p.firmware
  const tags = Array.isArray(job.tags) ? (job.tags as { key: string; value: string }[]) : []
  const extData: Record<string, string> = Object.fromEntries(tags.map((t) => [t.key, t.value]))
  if (f.udi) extData._package_udi = f.udi
  const base: Record<string, unknown> = {
    version: f.destVersion,
    ...(f.type === 'DIFF' ? { isDiff: 1 } : {}),
    signMethod: f.signMethod,
  }
  const tail: Record<string, unknown> = {
    ...(job.module !== 'default' ? { module: job.module } : {}),
    ...(Object.keys(extData).length ? { extData } : {}),
  }
  if (p.files.length > 1)
    return {
      ...base,
      files: p.files.map((x) => ({
        fileSize: x.size,
        fileName: x.name,
        fileUrl: x.url,
        fileMd5: x.md5,
        fileSign: x.sign,
      })),
      ...tail,
    }
  const x = p.files[0] as PushFile
  const one = {
    size: x.size,
    sign: x.sign,
    ...(f.signMethod === 'MD5' ? { md5: x.md5 } : {}),
    ...(x.digestSign ? { digestsign: x.digestSign } : {}),
  }
  if (job.downloadProtocol === 'MQTT')
    return { ...base, ...one, dProtocol: 'mqtt', streamId: x.streamId, streamFileId: 1, ...tail }
  return { ...base, ...one, url: x.url, ...tail }
}

/** The retry decision of a failure, in SQL over `t` (ota_task) and `j` (ota_job); `$2` is the reason. */
const RETRY = `(j.retry_interval IS NOT NULL AND t.retries < j.max_retries AND j.status IN ('IN_PROGRESS', 'PAUSED')
  AND NOT ($2 = ANY(ARRAY[${OTA_NO_RETRY_REASONS.map((r) => `'${r}'`).join(', ')}])))`

/** CRC-16/IBM (ARC: polynomial 0x8005 reflected, initial 0), as the Link SDK's MQTT download checks a block. */
export function crc16ibm(buf: Uint8Array): number {
  let crc = 0
  for (const b of buf) {
    crc ^= b
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
  }
  return crc
}

/** A file-download reply: 2-byte big-endian header length, the JSON header, the bytes, CRC-16/IBM (big-endian). */
export function encodeDownloadReply(header: object, bytes: Uint8Array = new Uint8Array(0)): Buffer {
  const h = Buffer.from(JSON.stringify(header))
  const out = Buffer.alloc(2 + h.length + bytes.length + (bytes.length ? 2 : 0))
  out.writeUInt16BE(h.length, 0)
  h.copy(out, 2)
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).copy(out, 2 + h.length)
  if (bytes.length) out.writeUInt16BE(crc16ibm(bytes), 2 + h.length + bytes.length)
  return out
}

/** Parses a file-download reply (the device SDK and tests use it); null when the frame is malformed. */
export function decodeDownloadReply(
  buf: Buffer,
): { header: Record<string, unknown>; bytes: Buffer; crcOk: boolean } | null {
  if (buf.length < 2) return null
  const n = buf.readUInt16BE(0)
  if (buf.length < 2 + n) return null
  let header: Record<string, unknown>
  try {
    header = JSON.parse(buf.subarray(2, 2 + n).toString('utf8'))
  } catch {
    return null
  }
  const rest = buf.subarray(2 + n)
  if (rest.length === 0) return { header, bytes: rest, crcOk: true }
  if (rest.length < 2) return null
  const bytes = rest.subarray(0, rest.length - 2)
  return { header, bytes, crcOk: crc16ibm(bytes) === rest.readUInt16BE(rest.length - 2) }
}

export interface OtaProtocol {
  progress(s: DeviceSession, text: string, traceId: string): Promise<void>
  inform(s: DeviceSession, module: string, version: string, traceId: string): Promise<void>
  firmwareGet(s: DeviceSession, text: string, traceId: string, topic: string): Promise<void>
  fileDownload(s: DeviceSession, payload: Buffer, traceId: string, topic: string): Promise<void>
  /** Publishes the upgrade notice of each task (already claimed NOTIFIED) and logs it. */
  push(tasks: PushTask[], job: PushJob): Promise<void>
  failTasks(taskIds: string[], reason: OtaFailReason, desc?: string | null): Promise<number>
  /** Group writes of progress steps so far: statements, reports, tasks written (the bench reads it). */
  progressStats(): { writes: number; reports: number; tasks: number }
}

export interface PushTask {
  id: string
  productKey: string
  deviceName: string
}

let noticeSeq = 0
const noticeId = () => String((Date.now() % 1_000_000_000) * 10 + (noticeSeq++ % 10))

/** The OTA message handlers of a hub (created by the pipeline; the engine pushes through `push`). */
export function createOtaProtocol(hub: DeviceHub): OtaProtocol {
  const db: Db = hub.db
  // signed URLs stay valid 24 h: a package's push data is reused for a minute
  const cache = new Map<string, { at: number; p: Promise<Pushable> }>()
  const pushable = (firmwareRowId: string) => {
    const now = Date.now()
    const c = cache.get(firmwareRowId)
    if (c && now - c.at < 60_000) return c.p
    const p = firmwareForPush(db, firmwareRowId, now)
    p.catch(() => cache.delete(firmwareRowId))
    cache.set(firmwareRowId, { at: now, p })
    return p
  }
  const steps = new ProgressWriter((sql, params) => db.pool.query(sql, params))
  const log = (
    s: { productKey: string; deviceName: string },
    traceId: string,
    operation: string,
    code: number,
    content: Record<string, unknown>,
    messageId: string | null = null,
  ) =>
    hub.record({
      productKey: s.productKey,
      deviceName: s.deviceName,
      traceId,
      messageId,
      bizType: BizType.OTA,
      operation,
      code,
      content: logContent(content),
    })

  async function push(tasks: PushTask[], job: PushJob) {
    if (tasks.length === 0) return
    const p = await pushable(job.firmwareId)
    const data = upgradeData(job, p)
    await Promise.all(
      tasks.map(async (t) => {
        const id = noticeId()
        const text = JSON.stringify({ id, code: 200, data, message: 'success' })
        await hub.publish(topics.otaUpgrade(t.productKey, t.deviceName), text, 1)
        void hub.track(log(t, newTraceId(), 'OTAFirmwarePush', 200, { Content: text }, id))
      }),
    )
  }

  async function failTasks(taskIds: string[], reason: OtaFailReason, desc: string | null = null) {
    if (taskIds.length === 0) return 0
    const { rows } = await db.pool.query<{ product_key: string; status: string }>(
      `UPDATE ota_task t SET
         status = CASE WHEN ${RETRY} THEN t.status ELSE 'FAILED' END,
         fail_reason = $2, progress_desc = coalesce($3, t.progress_desc), queued_reason = NULL,
         next_retry_at = CASE WHEN ${RETRY} THEN now() + j.retry_interval * interval '1 minute' ELSE NULL END,
         finished_at = CASE WHEN ${RETRY} THEN NULL ELSE now() END, updated_at = now()
       FROM ota_job j WHERE t.job_id = j.id AND t.id = ANY($1::uuid[])
       RETURNING t.product_key, t.status`,
      [taskIds, reason, desc],
    )
    for (const r of rows) if (r.status === 'FAILED') hub.metrics.add(Metric.OtaFail, r.product_key)
    return rows.length
  }

  /** /ota/device/progress: {id, params: {step: "1".."100" | "-1".."-4", desc?, module?}} */
  async function progress(s: DeviceSession, text: string, traceId: string) {
    let body: { id?: unknown; params?: { step?: unknown; desc?: unknown; module?: unknown } } = {}
    try {
      body = JSON.parse(text)
    } catch {
      // reported below as a format error
    }
    const messageId = body.id === undefined ? null : String(body.id)
    const p = body.params ?? {}
    const step = typeof p.step === 'number' || typeof p.step === 'string' ? Number(p.step) : Number.NaN
    const desc: unknown = p.desc === undefined || p.desc === null ? '' : p.desc
    const module = typeof p.module === 'string' && p.module ? p.module : 'default'
    const problem = !Number.isInteger(step)
      ? 'params.step must be an integer: 1–100, or -1 (upgrade failed), -2 (download failed), -3 (verify failed), -4 (flash failed)'
      : !((step >= 1 && step <= 100) || (step >= -4 && step <= -1))
        ? `params.step ${step} is out of range: 1–100 or -1..-4`
        : typeof desc !== 'string'
          ? 'params.desc must be a string'
          : desc.length > OTA_PROGRESS_DESC_MAX_LENGTH
            ? `params.desc has at most ${OTA_PROGRESS_DESC_MAX_LENGTH} characters`
            : null
    if (problem || typeof desc !== 'string') {
      await log(s, traceId, 'OTAProgressReport', 1004, { Message: problem, Content: text }, messageId)
      return
    }
    // a step joins the next group write (one UPDATE for every report that arrived meanwhile, the latest step of a
    // task wins); a failure first lets the steps before it land, then fails the task durably
    const t =
      step > 0
        ? await steps.report(s.deviceId, module, step, desc || null)
        : await steps.drain().then(async () => {
            const { rows } = await db.pool.query<{ id: string }>(
              `UPDATE ota_task SET first_progress_at = coalesce(first_progress_at, now())
               WHERE id = (SELECT id FROM ota_task WHERE device_id = $1 AND module = $2
                             AND status IN ('NOTIFIED', 'IN_PROGRESS') ORDER BY updated_at DESC LIMIT 1)
               RETURNING id`,
              [s.deviceId, module],
            )
            return rows[0]?.id ?? null
          })
    if (!t) {
      await log(
        s,
        traceId,
        'OTAProgressReport',
        200,
        {
          Params: { step, desc, module },
          Message: 'no upgrade of this module is under way for the device; the report is ignored',
        },
        messageId,
      )
      return
    }
    if (step < 0) await failTasks([t], OTA_STEP_FAIL_REASON[String(step)]!, desc || null)
    await log(s, traceId, 'OTAProgressReport', 200, { Params: { step, desc, module } }, messageId)
  }

  /** After a version report: success at the target version, 'version' failure at another; dynamic batches match. */
  async function inform(s: DeviceSession, module: string, version: string, traceId: string) {
    await steps.drain()
    const { rows: done } = await db.pool.query<{ product_key: string }>(
      `UPDATE ota_task SET status = 'SUCCEEDED', progress = 100, fail_reason = NULL, next_retry_at = NULL,
              queued_reason = NULL, finished_at = now(), updated_at = now()
       WHERE device_id = $1 AND module = $2 AND dest_version = $3 AND status IN ('NOTIFIED', 'IN_PROGRESS')
       RETURNING product_key`,
      [s.deviceId, module, version],
    )
    for (const r of done) {
      hub.metrics.add(Metric.OtaSuccess, r.product_key)
      hub.metrics.add(Metric.OtaSuccessDevices, r.product_key)
    }
    // ref §8.2.4: while upgrading, a version that is neither the source nor the target fails the upgrade
    const { rows: wrong } = await db.pool.query<{ id: string }>(
      `SELECT id FROM ota_task WHERE device_id = $1 AND module = $2 AND status = 'IN_PROGRESS'
         AND dest_version <> $3 AND src_version IS DISTINCT FROM $3 AND next_retry_at IS NULL`,
      [s.deviceId, module, version],
    )
    if (wrong.length)
      await failTasks(
        wrong.map((w) => w.id),
        'version',
        `reported version ${version}`.slice(0, OTA_PROGRESS_DESC_MAX_LENGTH),
      )
    if (done.length || wrong.length)
      await log(s, traceId, 'OTAVersionReport', 200, {
        Params: { module, version },
        Message: done.length ? 'upgrade succeeded' : 'upgrade failed: unexpected version',
      })
    await matchDynamic(s, module, version)
  }

  /**
   * ref §8.1/8.2.3 dynamic batches: the newest running dynamic batch of the product and module that the reported
   * version (or the device's group) matches takes the device — at most 10 matches per device and batch.
   */
  async function matchDynamic(s: DeviceSession, module: string, version: string) {
    const { rows } = await db.pool.query<{
      id: string
      need_confirm: boolean
      push: boolean
      multi_module: boolean
      overwrite: boolean
      dest_version: string
    }>(
      `SELECT j.id, j.need_confirm, j.push, j.multi_module, j.overwrite, f.dest_version
       FROM ota_job j JOIN ota_firmware f ON f.id = j.firmware_id
       WHERE j.type = 'DYNAMIC' AND j.status = 'IN_PROGRESS' AND j.product_key = $1 AND j.module = $2
         AND f.dest_version <> $3 AND (f.type <> 'DIFF' OR f.src_version = $3)
         AND ((j.scope = 'ALL' AND $3 = ANY(j.src_versions))
           OR (j.scope = 'GROUP' AND (cardinality(j.src_versions) = 0 OR $3 = ANY(j.src_versions))
               AND EXISTS (SELECT 1 FROM device_group_member m WHERE m.group_id = j.group_id AND m.device_id = $4)))
       ORDER BY j.created_at DESC LIMIT 1`,
      [s.productKey, module, version, s.deviceId],
    )
    const j = rows[0]
    if (!j) return
    const status = j.need_confirm ? 'CONFIRM' : 'QUEUED'
    const reason = j.need_confirm || !j.push ? null : 'RATE'
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      const { rows: t } = await client.query<{ id: string }>(
        `INSERT INTO ota_task (id, task_id, job_id, device_id, product_key, device_name, module, src_version,
                               dest_version, status, queued_reason, created_at, updated_at)
         VALUES (gen_random_uuid(), substr(replace(gen_random_uuid()::text, '-', ''), 1, 24), $1, $2, $3, $4, $5, $6,
                 $7, $8, $9, now(), now())
         ON CONFLICT (job_id, device_id) DO UPDATE SET
           status = EXCLUDED.status, queued_reason = EXCLUDED.queued_reason, src_version = EXCLUDED.src_version,
           matches = ota_task.matches + 1, progress = 0, progress_desc = NULL, fail_reason = NULL, retries = 0,
           next_retry_at = NULL, notified_at = NULL, first_progress_at = NULL, finished_at = NULL, updated_at = now()
           WHERE ota_task.status IN ('FAILED', 'CANCELED', 'SUCCEEDED') AND ota_task.matches < ${OTA_DYNAMIC_MAX_MATCHES}
         RETURNING id`,
        [j.id, s.deviceId, s.productKey, s.deviceName, module, version, j.dest_version, status, reason],
      )
      if (t[0]) {
        await settleConflicts(
          (sql, ...params) => client.query(sql, params).then((r) => r.rowCount ?? 0),
          j.id,
          j.multi_module,
          j.overwrite,
          t[0].id,
        )
      }
      await client.query('COMMIT')
      if (t[0]) hub.emit(OTA_KICK)
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {})
      throw e
    } finally {
      client.release()
    }
  }

  /** /sys/{pk}/{dn}/thing/ota/firmware/get: the device asks for its pending upgrade (ref §8.3 step 4). */
  async function firmwareGet(s: DeviceSession, text: string, traceId: string, topic: string) {
    let body: { id?: unknown; params?: { module?: unknown } } = {}
    try {
      body = JSON.parse(text)
    } catch {
      // answered with 1004 below
    }
    const id = body.id === undefined ? '' : String(body.id)
    const method = 'thing.ota.firmware.get'
    const answer = async (code: number, data: unknown, message: string) => {
      const reply = JSON.stringify({ id, code, data, message, method })
      await hub.publish(topics.reply(topic), reply, 0)
      void hub.track(log(s, traceId, 'OTAFirmwareRequest', code, { Content: reply }, id || null))
    }
    if (!body || typeof body !== 'object' || body.id === undefined) {
      await answer(1004, {}, 'the request must be JSON with an id')
      return
    }
    const module = typeof body.params?.module === 'string' && body.params.module ? body.params.module : 'default'
    const { rows } = await db.pool.query<{
      task_id: string
      status: string
      job_id: string
      public_job_id: string
      firmware_id: string
      download_protocol: string
      tags: unknown
    }>(
      `SELECT t.id AS task_id, t.status, j.id AS job_id, j.job_id AS public_job_id, j.firmware_id,
              j.download_protocol, j.tags
       FROM ota_task t JOIN ota_job j ON j.id = t.job_id
       WHERE t.device_id = $1 AND t.module = $2 AND t.status IN ('QUEUED', 'NOTIFIED', 'IN_PROGRESS')
         AND j.status = 'IN_PROGRESS' AND t.wave <= j.wave
       ORDER BY t.created_at DESC LIMIT 1`,
      [s.deviceId, module],
    )
    const t = rows[0]
    if (!t) {
      await answer(200, {}, 'success')
      return
    }
    const data = upgradeData(
      { module, downloadProtocol: t.download_protocol, tags: t.tags },
      await pushable(t.firmware_id),
    )
    if (t.status === 'QUEUED') {
      const { rowCount } = await db.pool.query(
        `UPDATE ota_task SET status = 'NOTIFIED', queued_reason = NULL, notified_at = coalesce(notified_at, now()),
                updated_at = now() WHERE id = $1 AND status = 'QUEUED'`,
        [t.task_id],
      )
      if (rowCount) {
        await db.pool.query('UPDATE ota_job SET pushed = pushed + 1 WHERE id = $1', [t.job_id])
        hub.metrics.add(Metric.OtaDevices, s.productKey)
      }
    }
    await answer(200, data, 'success')
  }

  /**
   * /sys/{pk}/{dn}/thing/file/download: {id, params: {fileToken?, fileInfo: {streamId, fileId}, fileBlock: {size,
   * offset}}} → `_reply`, binary (see encodeDownloadReply). Only a device with a running task of the package reads it.
   */
  async function fileDownload(s: DeviceSession, payload: Buffer, traceId: string, topic: string) {
    let body: {
      id?: unknown
      params?: {
        fileToken?: unknown
        fileInfo?: { streamId?: unknown; fileId?: unknown }
        fileBlock?: { size?: unknown; offset?: unknown }
      }
    } = {}
    try {
      body = JSON.parse(payload.toString('utf8'))
    } catch {
      // answered below
    }
    const id = body?.id === undefined ? '' : String(body.id)
    const p = body?.params ?? {}
    const fileToken = typeof p.fileToken === 'string' ? p.fileToken : ''
    const streamId = Number(p.fileInfo?.streamId)
    const size = Number(p.fileBlock?.size)
    const offset = Number(p.fileBlock?.offset ?? 0)
    const fail = async (code: number, msg: string) => {
      await hub.publish(topics.reply(topic), encodeDownloadReply({ id, code, data: { fileToken }, msg }), 0)
      await log(s, traceId, 'OTAFileDownload', code, { Message: msg }, id || null)
    }
    if (
      !Number.isSafeInteger(streamId) ||
      !Number.isSafeInteger(size) ||
      !Number.isSafeInteger(offset) ||
      size < 1 ||
      offset < 0
    )
      return fail(1004, 'params.fileInfo.streamId, params.fileBlock.size (≥ 1) and offset (≥ 0) are required integers')
    const { rows } = await db.pool.query<{ storage_key: string; size: string }>(
      `SELECT f.storage_key, f.size FROM ota_file f
       WHERE f.stream_id = $1 AND EXISTS (
         SELECT 1 FROM ota_task t JOIN ota_job j ON j.id = t.job_id
         WHERE t.device_id = $2 AND j.firmware_id = f.firmware_id AND j.download_protocol = 'MQTT'
           AND t.status IN ('NOTIFIED', 'IN_PROGRESS'))`,
      [streamId, s.deviceId],
    )
    const f = rows[0]
    if (!f) return fail(404, `no upgrade of this device downloads stream ${streamId}`)
    const total = Number(f.size)
    if (total > OTA_MQTT_MAX_BYTES) return fail(400, 'the file is larger than 16 MB: download it over HTTPS')
    if (offset >= total) return fail(400, `offset ${offset} is past the end of the file (${total} bytes)`)
    const end = Math.min(total, offset + Math.min(size, OTA_MQTT_BLOCK_MAX)) - 1
    const chunks: Buffer[] = []
    for await (const c of await otaStorage().store.get(f.storage_key, { start: offset, end })) chunks.push(c as Buffer)
    const bytes = Buffer.concat(chunks)
    const header = {
      id,
      code: 200,
      data: { fileToken, fileLength: total, bSize: bytes.length, bOffset: offset },
      msg: 'success',
    }
    await hub.publish(topics.reply(topic), encodeDownloadReply(header, bytes), 0)
  }

  return { progress, inform, firmwareGet, fileDownload, push, failTasks, progressStats: () => ({ ...steps.stats }) }
}
