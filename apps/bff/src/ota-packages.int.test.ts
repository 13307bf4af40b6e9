import { createHash, randomBytes, verify } from 'node:crypto'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { RouterOutputs } from '@iotops/api'
import { otaDownload } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { createApiKey, eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode } from './testing'

// OTA packages through the node's real HTTP server and database: resumable uploads, package creation with
// server-side digests, signed downloads, modules, secure packages and the OpenAPI actions.

let node: RunningNode
let s: HttpSession
let key: string
let dataDir: string
let pk: string
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'iotops-ota-'))
  node = await startTestNode({ DATA_DIR: dataDir })
  s = await signInHttp(node)
  key = await createApiKey(node, 'OPERATOR')
  pk = (await seedSensorProduct(node, 0)).productKey
})
afterAll(async () => {
  await node?.close()
  await fs.rm(dataDir, { recursive: true, force: true })
})

type Ota = RouterOutputs['ota']
/** What the upload routes answer (one shape for progress and errors). */
interface UploadBody {
  uploadId: string
  chunkSize: number
  received: number
  size: number
  complete: boolean
  error?: string
}
/** A reference-style OpenAPI response; Data is checked field by field. */
interface ApiBody {
  Success: boolean
  Code?: string
  ErrorMessage?: string
  // biome-ignore lint/suspicious/noExplicitAny: the actions' Data shapes are asserted field by field
  Data?: any
}

const base = () => `http://127.0.0.1:${node.httpPort}`
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const uniq = () => Math.random().toString(36).slice(2, 8)

/** Requests as the console makes them (session cookie + anti-CSRF header), or with an API key. */
function headers(auth: 'session' | { bearer: string } = 'session'): Record<string, string> {
  return auth === 'session' ? { cookie: s.cookie, 'x-iotops-csrf': '1' } : { authorization: `Bearer ${auth.bearer}` }
}

async function startUpload(fileName: string, size: number, auth?: 'session' | { bearer: string }) {
  const r = await fetch(`${base()}/api/ota/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers(auth) },
    body: JSON.stringify({ fileName, size }),
  })
  return { status: r.status, body: (await r.json()) as UploadBody }
}

async function putChunk(uploadId: string, offset: number, bytes: Buffer, auth?: 'session' | { bearer: string }) {
  const r = await fetch(`${base()}/api/ota/uploads/${uploadId}?offset=${offset}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...headers(auth) },
    body: new Uint8Array(bytes),
  })
  return { status: r.status, body: (await r.json()) as UploadBody }
}

async function uploadStatus(uploadId: string) {
  const r = await fetch(`${base()}/api/ota/uploads/${uploadId}`, { headers: { cookie: s.cookie } })
  return { status: r.status, body: (await r.json()) as UploadBody }
}

/** A whole file in chunks of the size the server asks for. */
async function upload(fileName: string, bytes: Buffer, auth?: 'session' | { bearer: string }) {
  const started = await startUpload(fileName, bytes.length, auth)
  expect(started.status).toBe(201)
  const { uploadId, chunkSize } = started.body
  for (let off = 0; off < bytes.length; off += chunkSize) {
    const r = await putChunk(uploadId, off, bytes.subarray(off, off + chunkSize), auth)
    expect(r.status).toBe(200)
  }
  return uploadId as string
}

async function storedFiles(): Promise<string[]> {
  const dir = path.join(dataDir, 'ota', 'files')
  const ids = await fs.readdir(dir).catch(() => [] as string[])
  const out: string[] = []
  for (const id of ids) for (const f of await fs.readdir(path.join(dir, id))) out.push(`${id}/${f}`)
  return out
}

const firmwareInput = (files: { uploadId: string }[], extra: object = {}) => ({
  name: `fw_${uniq()}`,
  productKey: pk,
  destVersion: '2.0.0',
  files,
  ...extra,
})

describe('[OTA] resumable package upload', () => {
  it('takes a 3-chunk file with an interrupted chunk resumed at the offset the server reports; digests are the bytes’', async () => {
    const first = await startUpload('rootfs.tar.gz', 1)
    const chunk = first.body.chunkSize as number
    expect(chunk).toBeGreaterThan(0)
    const bytes = randomBytes(2 * chunk + 12_345)
    const started = await startUpload('rootfs.tar.gz', bytes.length)
    expect(started.body).toMatchObject({ received: 0, size: bytes.length, complete: false })
    const id = started.body.uploadId as string

    expect((await putChunk(id, 0, bytes.subarray(0, chunk))).body).toEqual({ received: chunk, size: bytes.length })

    // the second chunk breaks off half-way: the client sends half its declared length, then drops the connection
    const half = Math.floor(chunk / 2)
    await new Promise<void>((resolve) => {
      const req = http.request(`${base()}/api/ota/uploads/${id}?offset=${chunk}`, {
        method: 'PUT',
        headers: { ...headers(), 'content-type': 'application/octet-stream', 'content-length': String(chunk) },
      })
      req.on('error', () => resolve())
      req.write(bytes.subarray(chunk, chunk + half), () => setTimeout(() => req.destroy(), 200))
      req.on('close', () => resolve())
    })
    const st = await eventually(async () => {
      const r = await uploadStatus(id)
      return r.body.received > chunk ? r.body : null
    })
    const resumeAt = st.received as number
    expect(resumeAt).toBeGreaterThan(chunk)
    expect(resumeAt).toBeLessThanOrEqual(chunk + half)

    // resending from the old offset is refused with where to continue
    const wrong = await putChunk(id, chunk, bytes.subarray(chunk, 2 * chunk))
    expect(wrong.status).toBe(409)
    expect(wrong.body.received).toBe(resumeAt)

    // the rest, from the reported offset (a chunk is at most chunkSize)
    let off = resumeAt
    while (off < bytes.length) {
      const r = await putChunk(id, off, bytes.subarray(off, off + chunk))
      expect(r.status).toBe(200)
      off = r.body.received
    }
    expect((await uploadStatus(id)).body).toMatchObject({ received: bytes.length, complete: true })

    const fw = await s.call<Ota['createFirmware']>(
      'ota.createFirmware',
      firmwareInput([{ uploadId: id }], { signMethod: 'SHA256', description: 'three chunks' }),
      'mutation',
    )
    expect(fw.error).toBeUndefined()
    expect(fw.data!.files).toHaveLength(1)
    expect(fw.data!.files[0]).toMatchObject({
      name: 'rootfs.tar.gz',
      size: bytes.length,
      md5: md5(bytes),
      sign: sha256(bytes),
      digestSign: null,
    })
    expect(fw.data).toMatchObject({ status: 'NO_VERIFY', type: 'FULL', module: 'default', fileCount: 1 })
    // the upload is consumed
    expect((await uploadStatus(id)).status).toBe(404)

    // the signed link downloads exactly the bytes, and a Range of them
    const url = fw.data!.files[0].url as string
    expect(url.startsWith(`${base()}/ota/files/${fw.data!.files[0].id}/rootfs.tar.gz?Expires=`)).toBe(true)
    const dl = await fetch(url)
    expect(dl.status).toBe(200)
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)
    const part = await fetch(url, { headers: { range: `bytes=${chunk - 10}-${chunk + 9}` } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes ${chunk - 10}-${chunk + 9}/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(chunk - 10, chunk + 10))).toBe(true)
  })

  it('refuses a chunk past the end, and uploads without a session or API key', async () => {
    const id = (await startUpload('a.bin', 10)).body.uploadId
    const r = await putChunk(id, 0, Buffer.alloc(11))
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('the chunk goes past the end of the file (10 bytes)')
    expect((await uploadStatus(id)).body.received).toBe(0)
    const anon = await fetch(`${base()}/api/ota/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.bin', size: 1 }),
    })
    expect(anon.status).toBe(401)
    const noCsrf = await fetch(`${base()}/api/ota/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie },
      body: JSON.stringify({ fileName: 'a.bin', size: 1 }),
    })
    expect(noCsrf.status).toBe(403)
  })
})

describe('[OTA] package rules', () => {
  it('refuses a bad extension, name or version with its message and stores nothing', async () => {
    const before = await storedFiles()
    const ext = await startUpload('firmware.exe', 100)
    expect(ext.status).toBe(400)
    expect(ext.body.error).toMatch(/"firmware\.exe" is not an upgrade package: use one of \.bin .*\.pack/)
    const long = await startUpload(`${'x'.repeat(30)}.bin`, 100)
    expect(long.body.error).toMatch(/longer than 32 characters/)

    const id = await upload('ok.bin', randomBytes(1000))
    const badName = await s.call('ota.createFirmware', firmwareInput([{ uploadId: id }], { name: '-fw' }), 'mutation')
    expect(badName.error?.message).toMatch(/a package name starts with a Chinese, Latin or Japanese letter or a digit/)
    const badVersion = await s.call(
      'ota.createFirmware',
      firmwareInput([{ uploadId: id }], { destVersion: '2.0 final' }),
      'mutation',
    )
    expect(badVersion.error?.message).toMatch(/a version may contain only letters, digits and \. - _/)
    const diff = await s.call('ota.createFirmware', firmwareInput([{ uploadId: id }], { type: 'DIFF' }), 'mutation')
    expect(diff.error?.message).toMatch(/a differential package needs the version it applies to/)
    expect(await storedFiles()).toEqual(before)
    // the upload is still there for a corrected attempt
    expect((await uploadStatus(id)).body.complete).toBe(true)
  })

  it('rejects two files with the same content (same signature) and keeps nothing of the attempt', async () => {
    const before = await storedFiles()
    const total = (await s.call<Ota['list']>('ota.list', { productKey: pk })).data!.total
    const bytes = randomBytes(4096)
    const a = await upload('a.bin', bytes)
    const b = await upload('b.bin', bytes)
    const r = await s.call('ota.createFirmware', firmwareInput([{ uploadId: a }, { uploadId: b }]), 'mutation')
    expect(r.error?.data.code).toBe('BAD_REQUEST')
    expect(r.error?.message).toBe(
      `"b.bin" and "a.bin" have the same content (MD5 ${md5(bytes)}); a package may not hold a file twice`,
    )
    expect(await storedFiles()).toEqual(before)
    expect((await s.call<Ota['list']>('ota.list', { productKey: pk })).data!.total).toBe(total)
  })

  it('refuses an unfinished upload, a duplicate package name, and a deletion while a batch runs', async () => {
    const unfinished = (await startUpload('u.bin', 100)).body.uploadId
    const r = await s.call('ota.createFirmware', firmwareInput([{ uploadId: unfinished }]), 'mutation')
    expect(r.error?.message).toMatch(/the upload of u\.bin is not finished \(0 of 100 bytes\)/)

    const name = `dup_${uniq()}`
    const fw = await s.call<Ota['createFirmware']>(
      'ota.createFirmware',
      firmwareInput([{ uploadId: await upload('x.zip', randomBytes(10)) }], { name, needVerify: true }),
      'mutation',
    )
    expect(fw.data!.status).toBe('UNVERIFIED')
    const again = await s.call(
      'ota.createFirmware',
      firmwareInput([{ uploadId: await upload('y.zip', randomBytes(10)) }], { name }),
      'mutation',
    )
    expect(again.error?.message).toBe(`an upgrade package named "${name}" already exists; package names are unique`)

    // editable later: name, description, custom information
    const upd = await s.call<Ota['updateFirmware']>(
      'ota.updateFirmware',
      { id: fw.data!.id, name: `${name}_v2`, description: 'fixed', udi: '{"k":1}' },
      'mutation',
    )
    expect(upd.data).toMatchObject({ name: `${name}_v2`, description: 'fixed', udi: '{"k":1}', destVersion: '2.0.0' })

    const job = await node.db.prisma.otaJob.create({
      data: {
        jobId: `job_${uniq()}`,
        firmwareId: fw.data!.id,
        productKey: pk,
        module: 'default',
        type: 'STATIC',
        status: 'IN_PROGRESS',
        createdBy: 'test',
      },
    })
    const del = await s.call('ota.deleteFirmware', { id: fw.data!.id }, 'mutation')
    expect(del.error?.data.code).toBe('PRECONDITION_FAILED')
    expect(del.error?.message).toMatch(/has 1 planned, running or paused batch\(es\); cancel them/)
    await node.db.prisma.otaJob.update({ where: { id: job.id }, data: { status: 'COMPLETED' } })
    const stored = (await storedFiles()).filter((f) => f.startsWith(fw.data!.files[0].id))
    expect(stored).toHaveLength(1)
    expect((await s.call('ota.deleteFirmware', { id: fw.data!.id }, 'mutation')).error).toBeUndefined()
    expect((await storedFiles()).filter((f) => f.startsWith(fw.data!.files[0].id))).toEqual([])
    expect((await s.call('ota.byId', { id: fw.data!.id })).error?.data.code).toBe('NOT_FOUND')
  })
})

describe('[OTA] signed download links', () => {
  it('an expired link is AccessDenied and a tampered one SignatureDoesNotMatch (object-store XML)', async () => {
    const bytes = randomBytes(2048)
    const fw = await s.call<Ota['createFirmware']>(
      'ota.createFirmware',
      firmwareInput([{ uploadId: await upload('dl.pack', bytes) }]),
      'mutation',
    )
    const file = fw.data!.files[0]
    const old = otaDownload.signedFileUrl(file, Date.now() - 25 * 3600 * 1000)
    const expired = await fetch(old)
    expect(expired.status).toBe(403)
    const xml = await expired.text()
    expect(xml).toContain('<Code>AccessDenied</Code>')
    expect(xml).toContain('<Message>Request has expired.</Message>')

    const good = new URL(file.url)
    const later = new URL(good)
    later.searchParams.set('Expires', String(Number(good.searchParams.get('Expires')) + 3600))
    const forged = await fetch(later)
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    const other = await fetch(good.toString().replace('/dl.pack?', '/other.pack?'))
    expect(await other.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    const ok = await fetch(good)
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true)
  })
})

describe('[OTA] modules', () => {
  it('creates, edits and deletes custom modules; default is fixed; a module with packages is kept', async () => {
    const list0 = await s.call<Ota['modules']>('ota.modules', { productKey: pk })
    expect(list0.data!.map((m) => m.name)[0]).toBe('default')
    const created = await s.call<Ota['createModule']>(
      'ota.createModule',
      { productKey: pk, name: 'wifi.driver', alias: 'WiFi_drv', description: '无线驱动' },
      'mutation',
    )
    expect(created.error).toBeUndefined()
    const dup = await s.call('ota.createModule', { productKey: pk, name: 'wifi.driver' }, 'mutation')
    expect(dup.error?.message).toBe('the product already has a module named "wifi.driver"; module names are unique')
    expect((await s.call('ota.createModule', { productKey: pk, name: 'default' }, 'mutation')).error?.data.code).toBe(
      'CONFLICT',
    )
    const badAlias = await s.call('ota.createModule', { productKey: pk, name: 'm2', alias: 'ab' }, 'mutation')
    expect(badAlias.error?.message).toMatch(/a module alias has 4–64 characters/)
    const upd = await s.call<Ota['updateModule']>(
      'ota.updateModule',
      { productKey: pk, name: 'wifi.driver', alias: 'WiFi-2', description: null },
      'mutation',
    )
    expect(upd.data).toMatchObject({ alias: 'WiFi-2', description: null })
    expect(
      (await s.call('ota.updateModule', { productKey: pk, name: 'default', alias: 'abcd' }, 'mutation')).error,
    ).toBeDefined()

    // a package of an unknown module is refused; of the new module it is accepted
    const id = await upload('drv.bin', randomBytes(64))
    const unknown = await s.call(
      'ota.createFirmware',
      firmwareInput([{ uploadId: id }], { module: 'nope' }),
      'mutation',
    )
    expect(unknown.error?.message).toBe(`the product ${pk} has no OTA module "nope"; create it first`)
    const fw = await s.call<Ota['createFirmware']>(
      'ota.createFirmware',
      firmwareInput([{ uploadId: id }], { module: 'wifi.driver' }),
      'mutation',
    )
    expect(fw.data!.module).toBe('wifi.driver')
    const refused = await s.call('ota.deleteModule', { productKey: pk, name: 'wifi.driver' }, 'mutation')
    expect(refused.error?.message).toMatch(/still has 1 upgrade package\(s\); delete them before the module/)
    await s.call('ota.deleteFirmware', { id: fw.data!.id }, 'mutation')
    expect(
      (await s.call('ota.deleteModule', { productKey: pk, name: 'wifi.driver' }, 'mutation')).error,
    ).toBeUndefined()
    expect((await s.call('ota.deleteModule', { productKey: pk, name: 'default' }, 'mutation')).error?.message).toBe(
      'the default module is the whole firmware and cannot be changed',
    )
    const audit = await node.db.prisma.auditLog.findMany({
      where: { action: { in: ['CreateOTAModule', 'UpdateOTAModule', 'DeleteOTAModule'] } },
    })
    expect(audit.map((a) => a.action).sort()).toEqual(['CreateOTAModule', 'DeleteOTAModule', 'UpdateOTAModule'])
  })

  it('lists the versions devices reported per module, with counts', async () => {
    const p = await seedSensorProduct(node, 3)
    const firmware = [{ default: '1.0.0' }, { default: '1.0.0', wifi: 'w1' }, { default: '1.1.0' }]
    for (const [i, d] of p.devices.entries())
      await node.db.prisma.device.update({
        where: { productKey_deviceName: { productKey: p.productKey, deviceName: d.deviceName } },
        data: { firmware: firmware[i] },
      })
    const v = await s.call('ota.versions', { productKey: p.productKey, module: 'default' })
    expect(v.data).toEqual([
      { version: '1.0.0', devices: 2 },
      { version: '1.1.0', devices: 1 },
    ])
    expect((await s.call('ota.versions', { productKey: p.productKey, module: 'wifi' })).data).toEqual([
      { version: 'w1', devices: 1 },
    ])
  })
})

describe('[OTA] secure packages', () => {
  it('signs each file with the product key; digestsign verifies with the public key only', async () => {
    const p = (await seedSensorProduct(node, 0)).productKey
    expect((await s.call<Ota['signKey']>('ota.signKey', { productKey: p })).data!.publicKey).toBeNull()
    const bytes = randomBytes(70_000)
    const fw = await s.call<Ota['createFirmware']>(
      'ota.createFirmware',
      { ...firmwareInput([{ uploadId: await upload('secure.bin', bytes) }]), productKey: p, secure: true },
      'mutation',
    )
    expect(fw.error).toBeUndefined()
    const k = await s.call<Ota['signKey']>('ota.signKey', { productKey: p })
    expect(k.data!.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(JSON.stringify(k.data)).not.toMatch(/PRIVATE/)
    const sig = Buffer.from(fw.data!.files[0]!.digestSign!, 'base64')
    const publicKey = k.data!.publicKey!
    expect(verify('sha256', bytes, publicKey, sig)).toBe(true)
    expect(verify('sha256', Buffer.concat([bytes, Buffer.from([0])]), publicKey, sig)).toBe(false)
    // asking again keeps the key devices already hold
    const again = await s.call<Ota['createSignKey']>('ota.createSignKey', { productKey: p }, 'mutation')
    expect(again.data!.publicKey).toBe(k.data!.publicKey)
    expect(JSON.stringify(await s.call('ota.byId', { id: fw.data!.id }))).not.toMatch(/PRIVATE KEY/)
  })
})

describe('[OTA] OpenAPI', () => {
  async function call(action: string, params: object) {
    const res = await fetch(`${base()}/api/v1/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(params),
    })
    return { status: res.status, body: (await res.json()) as ApiBody }
  }

  it('GenerateOTAUploadURL → PUT → CreateOTAFirmware → QueryOTAFirmware / ListOTAFirmware → download', async () => {
    expect(
      (await call('CreateOTAModule', { ProductKey: pk, ModuleName: 'app', AliasName: 'Application' })).body,
    ).toMatchObject({ Success: true })
    const mods = await call('ListOTAModuleByProduct', { ProductKey: pk })
    expect(mods.body.Data.map((m: { ModuleName: string }) => m.ModuleName)).toEqual(
      expect.arrayContaining(['default', 'app']),
    )

    const bytes = randomBytes(3000)
    const gen = await call('GenerateOTAUploadURL', { FileName: 'app.apk', FileSize: bytes.length })
    expect(gen.body.Success).toBe(true)
    const { FirmwareUrl, ChunkSize } = gen.body.Data
    expect(FirmwareUrl).toBe(`${base()}/api/ota/uploads/${gen.body.Data.UploadId}`)
    expect(ChunkSize).toBeGreaterThan(0)
    const put = await fetch(`${FirmwareUrl}?offset=0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}` },
      body: new Uint8Array(bytes),
    })
    expect(await put.json()).toEqual({ received: bytes.length, size: bytes.length })

    const name = `api_fw_${uniq()}`
    const wrongSign = await call('CreateOTAFirmware', {
      ProductKey: pk,
      FirmwareName: name,
      DestVersion: '3.0.0',
      ModuleName: 'app',
      FirmwareUrl,
      FirmwareSign: md5(Buffer.from('other')),
    })
    expect(wrongSign.body).toMatchObject({ Success: false })
    expect(wrongSign.body.ErrorMessage).toMatch(/app\.apk arrived with MD5 [0-9a-f]{32}, not the [0-9a-f]{32} given/)

    const created = await call('CreateOTAFirmware', {
      ProductKey: pk,
      FirmwareName: name,
      Type: 1,
      SrcVersion: '2.0.0',
      DestVersion: '3.0.0',
      ModuleName: 'app',
      SignMethod: 'MD5',
      NeedToVerify: true,
      FirmwareDesc: 'from the API',
      Udi: 'custom',
      FirmwareUrl,
      FirmwareSign: md5(bytes),
    })
    expect(created.body.Success).toBe(true)
    const firmwareId = created.body.Data.FirmwareId as string
    expect(firmwareId).toMatch(/^[A-Za-z0-9]{26}$/)

    const q = await call('QueryOTAFirmware', { FirmwareId: firmwareId })
    expect(q.body.Data.FirmwareInfo).toMatchObject({
      FirmwareId: firmwareId,
      FirmwareName: name,
      ProductKey: pk,
      ModuleName: 'app',
      Type: 1,
      SrcVersion: '2.0.0',
      DestVersion: '3.0.0',
      SignMethod: 'MD5',
      FirmwareSign: md5(bytes),
      FirmwareSize: bytes.length,
      FirmwareDesc: 'from the API',
      Udi: 'custom',
      NeedToVerify: true,
      Status: 0,
      MultiFiles: [{ Name: 'app.apk', Size: bytes.length, SignValue: md5(bytes), FileMd5: md5(bytes) }],
    })
    const dl = await fetch(q.body.Data.FirmwareInfo.FirmwareUrl)
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)

    const list = await call('ListOTAFirmware', { ProductKey: pk, ModuleName: 'app', CurrentPage: 1, PageSize: 10 })
    expect(list.body.Data.Total).toBe(1)
    expect(list.body.Data.FirmwareInfo.SimpleFirmwareInfo[0]).toMatchObject({ FirmwareId: firmwareId, Status: 0 })

    expect((await call('UpdateOTAFirmware', { FirmwareId: firmwareId, FirmwareDesc: 'edited' })).body.Success).toBe(
      true,
    )
    expect((await call('QueryOTAFirmware', { FirmwareId: firmwareId })).body.Data.FirmwareInfo.FirmwareDesc).toBe(
      'edited',
    )
    const badName = await call('CreateOTAFirmware', {
      ProductKey: pk,
      FirmwareName: '(x',
      DestVersion: '1',
      FirmwareUrl,
    })
    expect(badName.body).toMatchObject({ Success: false, Code: 'InvalidParameter' })
    expect((await call('DeleteOTAFirmware', { FirmwareId: firmwareId })).body.Success).toBe(true)
    expect((await call('QueryOTAFirmware', { FirmwareId: firmwareId })).status).toBe(404)
    expect((await call('DeleteOTAModule', { ProductKey: pk, ModuleName: 'app' })).body.Success).toBe(true)
  })
})

describe('[OTA] account limit', () => {
  it('refuses the 501st package and stores nothing of it', async () => {
    const have = await node.db.prisma.otaFirmware.count()
    const tag = uniq()
    await node.db.prisma.otaFirmware.createMany({
      data: Array.from({ length: 500 - have }, (_, i) => ({
        firmwareId: `limit${tag}${i}`,
        name: `limit_${tag}_${i}`,
        productKey: pk,
        destVersion: '1.0.0',
        status: 'NO_VERIFY',
      })),
    })
    const before = await storedFiles()
    const id = await upload('over.bin', randomBytes(100))
    const r = await s.call('ota.createFirmware', firmwareInput([{ uploadId: id }]), 'mutation')
    expect(r.error?.data.code).toBe('PRECONDITION_FAILED')
    expect(r.error?.message).toBe(
      'there are already 500 upgrade packages (the limit); delete packages you no longer need',
    )
    expect(await storedFiles()).toEqual(before)
    await node.db.prisma.otaFirmware.deleteMany({ where: { name: { startsWith: `limit_${tag}_` } } })
    expect((await s.call('ota.createFirmware', firmwareInput([{ uploadId: id }]), 'mutation')).error).toBeUndefined()
  })
})
