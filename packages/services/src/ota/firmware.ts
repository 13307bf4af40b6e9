import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform } from 'node:stream'
import { OTA_MAX_TOTAL_BYTES } from '@iotops/alink/limits'
import type { Db, Prisma } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import { randomAlnum } from '../ids'
import type { PageOf } from '../paging'
import { skipTake } from '../paging'
import { requireProduct } from '../products/service'
import { signedFileUrl } from './download'
import { requireModule } from './modules'
import {
  type FirmwareStatus,
  type FirmwareType,
  OTA_MAX_PACKAGES,
  otaFileNameProblem,
  type SignMethod,
  type TCreateFirmwareInput,
  type TListFirmwareInput,
  type TUpdateFirmwareInput,
  ZCreateFirmwareInput,
  ZListFirmwareInput,
  ZUpdateFirmwareInput,
} from './schema'
import { ensureSignKey, FileDigests, privateSignKey } from './signing'
import { otaStorage } from './store'
import { deleteUpload, requireCompleteUpload } from './upload'

// Upgrade packages (ref §8.2.1). The server computes every digest from the bytes it stores — md5, the package's
// sign method (MD5 or SHA256) and, for secure packages, digestsign — in one streamed pass from the upload's
// staging file into the package store.

/** Batch states during which a package may not be deleted. */
const ACTIVE_JOB_STATES = ['PLANNED', 'IN_PROGRESS', 'PAUSED']

export interface FirmwareListItem {
  id: string
  firmwareId: string
  name: string
  productKey: string
  productName: string
  module: string
  type: FirmwareType
  srcVersion: string | null
  destVersion: string
  signMethod: SignMethod
  needVerify: boolean
  status: FirmwareStatus
  description: string | null
  udi: string | null
  secure: boolean
  fileCount: number
  /** bytes of all files */
  size: number
  createdAt: Date
  updatedAt: Date
}

export interface FirmwareFileView {
  id: string
  name: string
  size: number
  sign: string
  md5: string
  digestSign: string | null
  streamId: number
  /** signed download link, valid 24 h */
  url: string
}

export interface FirmwareDetail extends FirmwareListItem {
  files: FirmwareFileView[]
  /** batches that are planned, running or paused (the package cannot be deleted meanwhile) */
  activeJobs: number
}

type FirmwareRow = Prisma.OtaFirmwareGetPayload<{ include: { files: true } }>

const item = (f: FirmwareRow, productName: string): FirmwareListItem => ({
  id: f.id,
  firmwareId: f.firmwareId,
  name: f.name,
  productKey: f.productKey,
  productName,
  module: f.module,
  type: f.type as FirmwareType,
  srcVersion: f.srcVersion,
  destVersion: f.destVersion,
  signMethod: f.signMethod as SignMethod,
  needVerify: f.needVerify,
  status: f.status as FirmwareStatus,
  description: f.description,
  udi: f.udi,
  secure: f.secure,
  fileCount: f.files.length,
  size: f.files.reduce((s, x) => s + Number(x.size), 0),
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A package by its row id or its public FirmwareId. */
export async function findFirmware(db: Db, id: string) {
  const f = await db.prisma.otaFirmware.findFirst({
    where: UUID.test(id) ? { id } : { firmwareId: id },
    include: { files: { orderBy: { position: 'asc' } } },
  })
  if (!f) throw notFound(`the upgrade package ${id}`)
  return f
}

const nameTaken = (name: string) =>
  conflict(`an upgrade package named "${name}" already exists; package names are unique`)

export async function createFirmware(db: Db, actor: Actor, raw: TCreateFirmwareInput): Promise<FirmwareDetail> {
  const input = ZCreateFirmwareInput.parse(raw)
  await requireProduct(db, input.productKey)
  await requireModule(db, input.productKey, input.module)
  if (await db.prisma.otaFirmware.findUnique({ where: { name: input.name } })) throw nameTaken(input.name)
  if ((await db.prisma.otaFirmware.count()) >= OTA_MAX_PACKAGES)
    throw new AppError(
      'PRECONDITION_FAILED',
      `there are already ${OTA_MAX_PACKAGES} upgrade packages (the limit); delete packages you no longer need`,
    )

  // every upload finished, an allowed file name, unique names, the total within 2000 MB — before any byte moves
  const uploads: Awaited<ReturnType<typeof requireCompleteUpload>>[] = []
  for (const f of input.files) uploads.push(await requireCompleteUpload(db, f.uploadId))
  const seen = new Set<string>()
  let total = 0
  for (const u of uploads) {
    const problem = otaFileNameProblem(u.fileName)
    if (problem) throw badRequest(problem)
    if (seen.has(u.fileName))
      throw badRequest(`two files are named "${u.fileName}"; file names in a package are unique`)
    seen.add(u.fileName)
    total += u.size
  }
  if (total > OTA_MAX_TOTAL_BYTES) throw badRequest('the files of a package are at most 2000 MB together')

  let privateKey: string | null = null
  if (input.secure) {
    await ensureSignKey(db, actor, input.productKey)
    privateKey = await privateSignKey(db, input.productKey)
  }

  const { store } = otaStorage()
  const stored: {
    id: string
    key: string
    name: string
    size: number
    md5: string
    sign: string
    digestSign: string | null
  }[] = []
  const removeStored = async () => {
    for (const s of stored) await store.delete(s.key).catch(() => undefined)
  }
  let created: FirmwareRow
  try {
    for (const u of uploads) {
      const id = randomUUID()
      const key = `files/${id}/${u.fileName}`
      const digests = new FileDigests(input.signMethod, privateKey)
      const src = createReadStream(u.path)
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          digests.update(chunk)
          cb(null, chunk)
        },
      })
      src.on('error', (e) => tap.destroy(e))
      const put = await store.put(key, src.pipe(tap), u.size)
      stored.push({ id, key, name: u.fileName, size: put.size, ...digests.digest() })
      if (put.size !== u.size || digests.size !== u.size)
        throw new AppError('CONFLICT', `the upload of ${u.fileName} changed while it was read; upload it again`)
      const expected = input.files[stored.length - 1]?.sign?.toLowerCase()
      const got = stored[stored.length - 1]!.sign
      if (expected && expected !== got)
        throw badRequest(
          `${u.fileName} arrived with ${input.signMethod} ${got}, not the ${expected} given; the bytes differ, upload the file again`,
        )
    }
    // ref §8.2.1: files with the same signature are the same file
    const bySign = new Map<string, string>()
    for (const s of stored) {
      const other = bySign.get(s.sign)
      if (other)
        throw badRequest(
          `"${s.name}" and "${other}" have the same content (${input.signMethod} ${s.sign}); a package may not hold a file twice`,
        )
      bySign.set(s.sign, s.name)
    }
    created = await db.prisma.$transaction(async (tx) => {
      const f = await tx.otaFirmware.create({
        data: {
          firmwareId: randomAlnum(26),
          name: input.name,
          productKey: input.productKey,
          module: input.module,
          type: input.type,
          srcVersion: input.type === 'DIFF' ? input.srcVersion : null,
          destVersion: input.destVersion,
          signMethod: input.signMethod,
          needVerify: input.needVerify,
          status: input.needVerify ? 'UNVERIFIED' : 'NO_VERIFY',
          description: input.description ?? null,
          udi: input.udi ?? null,
          secure: input.secure,
          files: {
            create: stored.map((s, position) => ({
              id: s.id,
              name: s.name,
              size: BigInt(s.size),
              sign: s.sign,
              md5: s.md5,
              digestSign: s.digestSign,
              storageKey: s.key,
              position,
            })),
          },
        },
        include: { files: { orderBy: { position: 'asc' } } },
      })
      await tx.otaUpload.deleteMany({ where: { id: { in: uploads.map((u) => u.uploadId) } } })
      await audit(
        tx,
        actor,
        'CreateOTAFirmware',
        { type: 'ota_firmware', id: f.id },
        {
          firmwareId: f.firmwareId,
          name: f.name,
          productKey: f.productKey,
          module: f.module,
          destVersion: f.destVersion,
          files: stored.map((s) => ({ name: s.name, size: s.size, sign: s.sign })),
        },
      )
      return f
    })
  } catch (e) {
    await removeStored()
    if ((e as { code?: string }).code === 'P2002') throw nameTaken(input.name)
    throw e
  }
  for (const u of uploads) await deleteUpload(db, u.uploadId)
  return detail(db, created)
}

async function detail(db: Db, f: FirmwareRow, now = Date.now()): Promise<FirmwareDetail> {
  const [product, activeJobs] = await Promise.all([
    db.prisma.product.findUnique({ where: { productKey: f.productKey }, select: { name: true } }),
    db.prisma.otaJob.count({ where: { firmwareId: f.id, status: { in: ACTIVE_JOB_STATES } } }),
  ])
  return {
    ...item(f, product?.name ?? ''),
    activeJobs,
    files: f.files.map((x) => ({
      id: x.id,
      name: x.name,
      size: Number(x.size),
      sign: x.sign,
      md5: x.md5,
      digestSign: x.digestSign,
      streamId: Number(x.streamId),
      url: signedFileUrl(x, now),
    })),
  }
}

export async function firmwareDetail(db: Db, id: string): Promise<FirmwareDetail> {
  return detail(db, await findFirmware(db, id))
}

export async function listFirmware(db: Db, raw: TListFirmwareInput): Promise<PageOf<FirmwareListItem>> {
  const input = ZListFirmwareInput.parse(raw)
  const where: Prisma.OtaFirmwareWhereInput = {
    productKey: input.productKey,
    module: input.module,
    destVersion: input.destVersion,
    status: input.status,
    ...(input.name ? { name: { contains: input.name, mode: 'insensitive' } } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.otaFirmware.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      include: { files: { orderBy: { position: 'asc' } } },
      ...skipTake(input),
    }),
    db.prisma.otaFirmware.count({ where }),
  ])
  const keys = [...new Set(rows.map((r) => r.productKey))]
  const names = new Map(
    (
      await db.prisma.product.findMany({
        where: { productKey: { in: keys } },
        select: { productKey: true, name: true },
      })
    ).map((p) => [p.productKey, p.name]),
  )
  return {
    items: rows.map((r) => item(r, names.get(r.productKey) ?? '')),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

/** ref §8.2.1: name, description and the custom information stay editable; the files and versions do not. */
export async function updateFirmware(db: Db, actor: Actor, raw: TUpdateFirmwareInput): Promise<FirmwareDetail> {
  const input = ZUpdateFirmwareInput.parse(raw)
  const f = await findFirmware(db, input.id)
  if (input.name !== undefined && input.name !== f.name) {
    if (await db.prisma.otaFirmware.findUnique({ where: { name: input.name } })) throw nameTaken(input.name)
  }
  try {
    const u = await db.prisma.$transaction(async (tx) => {
      const r = await tx.otaFirmware.update({
        where: { id: f.id },
        data: { name: input.name, description: input.description, udi: input.udi },
        include: { files: { orderBy: { position: 'asc' } } },
      })
      await audit(
        tx,
        actor,
        'UpdateOTAFirmware',
        { type: 'ota_firmware', id: f.id },
        {
          firmwareId: f.firmwareId,
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.udi !== undefined ? { udi: input.udi } : {}),
        },
      )
      return r
    })
    return detail(db, u)
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002' && input.name) throw nameTaken(input.name)
    throw e
  }
}

/** Deletes a package, its batches' history and its files; refused while one of its batches is active. */
export async function deleteFirmware(db: Db, actor: Actor, id: string): Promise<void> {
  const f = await findFirmware(db, id)
  const active = await db.prisma.otaJob.count({ where: { firmwareId: f.id, status: { in: ACTIVE_JOB_STATES } } })
  if (active > 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      `the package "${f.name}" has ${active} planned, running or paused batch(es); cancel them before deleting it`,
    )
  await db.prisma.$transaction(async (tx) => {
    await tx.otaFirmware.delete({ where: { id: f.id } })
    await audit(
      tx,
      actor,
      'DeleteOTAFirmware',
      { type: 'ota_firmware', id: f.id },
      { firmwareId: f.firmwareId, name: f.name, productKey: f.productKey },
    )
  })
  const { store } = otaStorage()
  for (const x of f.files) await store.delete(x.storageKey).catch(() => undefined)
}

/** Versions devices of the product reported for a module (from device.firmware), with device counts. */
export async function moduleVersions(
  db: Db,
  productKey: string,
  module: string,
): Promise<{ version: string; devices: number }[]> {
  await requireProduct(db, productKey)
  const { rows } = await db.pool.query<{ version: string; devices: string }>(
    `SELECT firmware->>$2 AS version, count(*) AS devices FROM device
      WHERE product_key = $1 AND firmware ? $2 AND firmware->>$2 <> ''
      GROUP BY 1 ORDER BY count(*) DESC, 1 ASC`,
    [productKey, module],
  )
  return rows.map((r) => ({ version: r.version, devices: Number(r.devices) }))
}
