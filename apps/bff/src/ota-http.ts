import type http from 'node:http'
import os from 'node:os'
import { HTTP_STATUS } from '@iotops/api'
import type { Db } from '@iotops/db'
import { type Actor, AppError, auth, otaDownload, otaJobs, otaUpload } from '@iotops/services'
import type { TOtaPackageTaskFilter } from '@iotops/services/schemas'
import { ZodError } from 'zod'

// The OTA package HTTP routes (kept out of node.ts): resumable uploads behind a session or an API key, and
// signed package downloads for devices.
//   POST /api/ota/uploads            {fileName, size} → {uploadId, chunkSize, …}
//   PUT  /api/ota/uploads/{id}?offset=N   raw bytes (≤ chunkSize) → {received, size}; 409 {received} on a wrong offset
//   GET  /api/ota/uploads/{id}       → {received, size, …}
//   GET  /ota/files/{fileId}/{name}?Expires=…&Signature=…   (Range supported)
//   GET  /api/ota/device-lists/{uploadId}/invalid.csv?productKey=PK   the invalid names of a device list (batches)
//   GET  /api/ota/packages/{firmwareId}/devices.csv?status=S&deviceName=D   a package's devices across its batches

export interface OtaHttpDeps {
  db: Db
  /** the session user of the request's cookie (null when none) */
  sessionActor(req: http.IncomingMessage): Promise<Actor | null>
  /** the request carries the anti-CSRF header and, if any, a same-host Origin */
  csrfOk(req: http.IncomingMessage): boolean
  send(res: http.ServerResponse, status: number, body: unknown): void
  readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | undefined>
  ip(req: http.IncomingMessage): string | undefined
}

const UPLOAD = /^\/api\/ota\/uploads(?:\/([^/]+))?$/
const DEVICE_LIST = /^\/api\/ota\/device-lists\/([0-9a-f-]{36})\/invalid\.csv$/i
const PACKAGE_DEVICES = /^\/api\/ota\/packages\/([^/]{1,64})\/devices\.csv$/

/** Handles the OTA routes; false when the path is not one of them. */
export async function otaRoutes(
  d: OtaHttpDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname.startsWith('/ota/files/')) {
    await otaDownload.serveOtaFile(d.db, req, res)
    return true
  }
  const list = DEVICE_LIST.exec(url.pathname)
  if (list) {
    await invalidDeviceList(d, req, res, url, list[1]!)
    return true
  }
  const pkg = PACKAGE_DEVICES.exec(url.pathname)
  if (pkg) {
    let id: string
    try {
      id = decodeURIComponent(pkg[1]!)
    } catch {
      d.send(res, 400, { error: 'the package id in the path is not valid URL encoding' })
      return true
    }
    await packageDevices(d, req, res, url, id)
    return true
  }
  const m = UPLOAD.exec(url.pathname)
  if (!m) return false
  const id = m[1]
  const method = req.method ?? 'GET'
  const allowed = id ? ['GET', 'PUT'] : ['POST']
  if (!allowed.includes(method)) {
    res.setHeader('allow', allowed.join(', '))
    d.send(res, 405, { error: `use ${allowed.join(' or ')} on ${url.pathname}` })
    return true
  }
  // an API key (automation) or the console's session; a session's writes need the anti-CSRF header
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  const actor = bearer ? await auth.apiKeyActor(d.db, bearer, d.ip(req)) : await d.sessionActor(req)
  if (!actor) {
    d.send(res, 401, { error: 'sign in, or send an API key as "Authorization: Bearer <key>"' })
    return true
  }
  if (!bearer && method !== 'GET' && !d.csrfOk(req)) {
    d.send(res, 403, { error: 'request rejected: missing anti-CSRF header' })
    return true
  }
  if (method !== 'GET' && actor.role === 'VIEWER') {
    d.send(res, 403, { error: 'uploading packages needs the operator role; you are viewer' })
    return true
  }
  try {
    if (method === 'POST') {
      const body = await d.readJson(req)
      if (body === undefined) throw new AppError('BAD_REQUEST', 'the body must be a JSON object {fileName, size}')
      const u = await otaUpload.createUpload(d.db, actor, otaUpload.parseCreateUpload(body))
      d.send(res, 201, u)
    } else if (method === 'GET') {
      d.send(res, 200, await otaUpload.uploadStatus(d.db, id!))
    } else {
      const offsetRaw = url.searchParams.get('offset')
      if (offsetRaw === null || !/^\d+$/.test(offsetRaw))
        throw new AppError('BAD_REQUEST', 'give the chunk position as ?offset=<bytes received so far>')
      const lenRaw = req.headers['content-length']
      const declared = lenRaw === undefined ? undefined : Number(lenRaw)
      const r = await otaUpload.writeChunk(d.db, id!, Number(offsetRaw), req, declared)
      d.send(res, 200, r)
    }
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    if (req.readableEnded === false && !req.destroyed) req.resume()
    const body: Record<string, unknown> = { error: e.message }
    if (e instanceof otaUpload.OffsetMismatch) body.received = e.received
    if (!res.headersSent && !res.destroyed) d.send(res, HTTP_STATUS[e.kind], body)
  }
  return true
}

/**
 * Base of the download links handed to devices: PUBLIC_URL, else this node's address (a non-internal IPv4
 * address when listening on every interface, so devices on the network can reach it).
 */
export function linkBase(publicUrl: string | undefined, host: string, port: number): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '')
  let h = host
  if (host === '0.0.0.0' || host === '::' || host === '') {
    const addr = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)
    h = addr?.address ?? '127.0.0.1'
  }
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

/** GET /api/ota/packages/{firmwareId}/devices.csv?status=&deviceName= — session or API key, any role. */
function packageDevices(d: OtaHttpDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL, id: string) {
  const q = url.searchParams
  return sendCsv(d, req, res, url, () =>
    otaJobs.packageTasksCsv(d.db, {
      firmwareId: id,
      status: (q.get('status') || undefined) as TOtaPackageTaskFilter['status'],
      deviceName: q.get('deviceName') || undefined,
    }),
  )
}

/** GET /api/ota/device-lists/{uploadId}/invalid.csv?productKey=PK (B: batches) — session or API key, any role. */
function invalidDeviceList(d: OtaHttpDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL, id: string) {
  return sendCsv(d, req, res, url, async () => {
    const productKey = url.searchParams.get('productKey')
    if (!productKey) throw new AppError('BAD_REQUEST', 'give the product as ?productKey=…')
    return { fileName: 'invalid-devices.csv', csv: await otaJobs.invalidDeviceListCsv(d.db, productKey, id) }
  })
}

/** A CSV download: GET only, for a session or an API key of any role; bad input is a 400 with its reason. */
async function sendCsv(
  d: OtaHttpDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  produce: () => Promise<{ fileName: string; csv: string }>,
) {
  if (req.method !== 'GET') {
    res.setHeader('allow', 'GET')
    return d.send(res, 405, { error: `use GET on ${url.pathname}` })
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  const actor = bearer ? await auth.apiKeyActor(d.db, bearer, d.ip(req)) : await d.sessionActor(req)
  if (!actor) return d.send(res, 401, { error: 'sign in, or send an API key as "Authorization: Bearer <key>"' })
  try {
    const r = await produce()
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${r.fileName}"`,
    })
    res.end(r.csv)
  } catch (e) {
    if (e instanceof ZodError) return d.send(res, 400, { error: e.issues.map((i) => i.message).join('; ') })
    if (!(e instanceof AppError)) throw e
    d.send(res, HTTP_STATUS[e.kind], { error: e.message })
  }
}
