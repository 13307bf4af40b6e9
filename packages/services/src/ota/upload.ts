import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type { Db } from '@iotops/db'
import type { Actor } from '../context'
import { AppError, badRequest } from '../errors'
import { OTA_UPLOAD_CHUNK_BYTES, OTA_UPLOAD_TTL_MS, type TCreateUploadInput, ZCreateUploadInput } from './schema'
import { otaStorage } from './store'

// Chunked, resumable uploads (package files, device lists). Bytes are written at their offset into a staging
// file as they arrive; `received` only moves forward from the offset the client sent, so a client that lost a
// response asks GET and resumes from there. Nothing is ever held whole in memory.

export interface UploadView {
  uploadId: string
  fileName: string
  size: number
  received: number
  complete: boolean
  chunkSize: number
  expiresAt: Date
}

const view = (u: { id: string; fileName: string; size: bigint; received: bigint; expiresAt: Date }): UploadView => ({
  uploadId: u.id,
  fileName: u.fileName,
  size: Number(u.size),
  received: Number(u.received),
  complete: u.received === u.size,
  chunkSize: OTA_UPLOAD_CHUNK_BYTES,
  expiresAt: u.expiresAt,
})

export const stagingPath = (uploadId: string) => path.join(otaStorage().stagingDir, uploadId)

/** Zod issues of an upload request as one specific AppError (the HTTP routes answer 400 with it). */
export function parseCreateUpload(body: unknown): TCreateUploadInput {
  const r = ZCreateUploadInput.safeParse(body)
  if (!r.success) throw badRequest(r.error.issues.map((i) => i.message).join('; '))
  return r.data
}

export async function createUpload(
  db: Db,
  actor: Actor,
  input: TCreateUploadInput,
  now = new Date(),
): Promise<UploadView> {
  const { fileName, size } = parseCreateUpload(input)
  const row = await db.prisma.otaUpload.create({
    data: {
      fileName,
      size: BigInt(size),
      storageKey: '',
      createdBy: actor.id ?? actor.name,
      createdAt: now,
      expiresAt: new Date(now.getTime() + OTA_UPLOAD_TTL_MS),
    },
  })
  const file = stagingPath(row.id)
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, '')
  const u = await db.prisma.otaUpload.update({ where: { id: row.id }, data: { storageKey: `staging/${row.id}` } })
  return view(u)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function liveUpload(db: Db, uploadId: string, now = new Date()) {
  const u = UUID.test(uploadId) ? await db.prisma.otaUpload.findUnique({ where: { id: uploadId } }) : null
  if (!u) throw new AppError('NOT_FOUND', `the upload ${uploadId} does not exist; start the upload again`)
  if (u.expiresAt <= now) throw new AppError('NOT_FOUND', `the upload ${uploadId} has expired; start the upload again`)
  return u
}

export async function uploadStatus(db: Db, uploadId: string): Promise<UploadView> {
  return view(await liveUpload(db, uploadId))
}

/** Uploads being written on this node: one writer per upload at a time. */
const writing = new Set<string>()

/** A wrong offset (another writer, or a chunk the client thinks failed but landed): resume from `received`. */
export class OffsetMismatch extends AppError {
  constructor(readonly received: number) {
    super('CONFLICT', `the upload continues at offset ${received}; resend from there`, undefined, { received })
  }
}

/**
 * Writes one chunk at `offset` (which must equal what was received so far). Bytes that arrive before the request
 * breaks off are kept, so the client resumes from the offset GET reports.
 */
export async function writeChunk(
  db: Db,
  uploadId: string,
  offset: number,
  body: AsyncIterable<Buffer | Uint8Array>,
  declaredLength?: number,
): Promise<{ received: number; size: number }> {
  const u = await liveUpload(db, uploadId)
  const size = Number(u.size)
  const received = Number(u.received)
  if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest('offset must be a whole number of bytes ≥ 0')
  if (offset !== received || writing.has(uploadId)) throw new OffsetMismatch(received)
  const limit = Math.min(OTA_UPLOAD_CHUNK_BYTES, size - offset)
  if (declaredLength !== undefined && declaredLength > limit)
    throw badRequest(
      offset + declaredLength > size
        ? `the chunk goes past the end of the file (${size} bytes)`
        : `a chunk is at most ${OTA_UPLOAD_CHUNK_BYTES} bytes`,
    )
  writing.add(uploadId)
  let written = 0
  let failure: unknown = null
  const fh = await fs.open(stagingPath(uploadId), 'r+')
  try {
    for await (const part of body) {
      const buf = Buffer.isBuffer(part) ? part : Buffer.from(part)
      const room = limit - written
      const take = Math.min(room, buf.length)
      if (take > 0) {
        await fh.write(buf, 0, take, offset + written)
        written += take
      }
      if (buf.length > room) {
        failure = badRequest(
          offset + limit >= size
            ? `the chunk goes past the end of the file (${size} bytes)`
            : `a chunk is at most ${OTA_UPLOAD_CHUNK_BYTES} bytes`,
        )
        break
      }
    }
  } catch (e) {
    // the client went away mid-chunk: keep what arrived
    failure = e
  } finally {
    await fh.close()
    try {
      if (written > 0)
        await db.prisma.otaUpload.updateMany({
          where: { id: uploadId, received: BigInt(offset) },
          data: { received: BigInt(offset + written) },
        })
    } finally {
      writing.delete(uploadId)
    }
  }
  if (failure) throw failure
  return { received: offset + written, size }
}

/** A finished, unexpired upload (for a package or a device list); refuses an unfinished one with its progress. */
export async function requireCompleteUpload(db: Db, uploadId: string) {
  const u = await liveUpload(db, uploadId)
  if (u.received !== u.size)
    throw new AppError(
      'PRECONDITION_FAILED',
      `the upload of ${u.fileName} is not finished (${u.received} of ${u.size} bytes); resume it first`,
    )
  return { ...view(u), path: stagingPath(u.id) }
}

/** The bytes of a finished upload, streamed (B: device lists). */
export async function openUpload(db: Db, uploadId: string): Promise<Readable> {
  const u = await requireCompleteUpload(db, uploadId)
  return createReadStream(u.path)
}

/** Drops an upload and its staged bytes (after a package took them, or when swept). */
export async function deleteUpload(db: Db, uploadId: string) {
  await db.prisma.otaUpload.deleteMany({ where: { id: uploadId } })
  await fs.rm(stagingPath(uploadId), { force: true })
}

/** Drops uploads past their 24 h, and staged files no upload row knows (left by a crash). */
export async function sweepExpiredUploads(db: Db, now = new Date()): Promise<number> {
  const expired = await db.prisma.otaUpload.findMany({ where: { expiresAt: { lte: now } }, select: { id: true } })
  for (const u of expired) await deleteUpload(db, u.id)
  const dir = otaStorage().stagingDir
  const names = await fs.readdir(dir).catch(() => [] as string[])
  const ids = names.filter((n) => UUID.test(n))
  if (ids.length) {
    const known = new Set(
      (await db.prisma.otaUpload.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((u) => u.id),
    )
    for (const id of ids) {
      if (known.has(id)) continue
      // a fresh file whose row may not be committed yet is left for the next sweep
      const st = await fs.stat(path.join(dir, id)).catch(() => null)
      if (st && now.getTime() - st.mtimeMs > 60 * 60 * 1000) await fs.rm(path.join(dir, id), { force: true })
    }
  }
  return expired.length
}
