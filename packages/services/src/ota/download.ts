import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { OTA_URL_TTL_MS } from '@iotops/alink/limits'
import type { Db } from '@iotops/db'
import { notFound } from '../errors'
import type { ByteRange } from './store'
import { otaStorage } from './store'

// Package downloads (ref §8: a download URL stays valid 24 h). Devices and the console fetch
// `GET /ota/files/{fileId}/{fileName}?Expires=<unix s>&Signature=<base64 HMAC-SHA256>` from this server; the
// signature covers the method, the expiry and the path, with a secret shared by every node (setting
// `ota.urlSecret`). Errors answer as an object store does: 403 with an XML body naming AccessDenied
// ("Request has expired") or SignatureDoesNotMatch.

export interface OtaDownloadConfig {
  secret: string
  /** absolute base of links handed out: PUBLIC_URL, or this node's address */
  baseUrl: string
}

let config: OtaDownloadConfig | null = null

export function configureOtaDownloads(c: OtaDownloadConfig) {
  config = { secret: c.secret, baseUrl: c.baseUrl.replace(/\/+$/, '') }
}

function downloadConfig(): OtaDownloadConfig {
  if (!config) throw new Error('OTA downloads are not configured: call configureOtaDownloads() at start-up')
  return config
}

/** The absolute base of links this node hands out (PUBLIC_URL or its own address). */
export const otaBaseUrl = () => downloadConfig().baseUrl

const SECRET_KEY = 'ota.urlSecret'

/** The URL-signing secret shared by every node of the installation (created by the first node that needs it). */
export async function ensureOtaUrlSecret(db: Db): Promise<string> {
  const fresh = randomBytes(32).toString('base64url')
  await db.prisma.setting.createMany({ data: [{ key: SECRET_KEY, value: fresh }], skipDuplicates: true })
  const row = await db.prisma.setting.findUniqueOrThrow({ where: { key: SECRET_KEY } })
  return String(row.value)
}

const filePath = (fileId: string, name: string) => `/ota/files/${fileId}/${encodeURIComponent(name)}`
const sign = (secret: string, expires: number, pathname: string) =>
  createHmac('sha256', secret).update(`GET\n${expires}\n${pathname}`).digest('base64')

/** A download link for a package file, valid 24 h from `now` (B pushes it to devices). */
export function signedFileUrl(file: { id: string; name: string }, now = Date.now(), baseUrl?: string): string {
  const c = downloadConfig()
  const expires = Math.floor((now + OTA_URL_TTL_MS) / 1000)
  const p = filePath(file.id, file.name)
  const q = new URLSearchParams({ Expires: String(expires), Signature: sign(c.secret, expires, p) })
  return `${(baseUrl ?? c.baseUrl).replace(/\/+$/, '')}${p}?${q}`
}

export type DownloadCheck =
  | { ok: true; fileId: string; fileName: string }
  | { ok: false; status: number; code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'NoSuchKey'; message: string }

const FILE_PATH = /^\/ota\/files\/([0-9a-f-]{36})\/([^/]+)$/i

/** Checks a download request's path and query (pure apart from the configured secret). */
export function checkDownload(pathname: string, query: URLSearchParams, now = Date.now()): DownloadCheck {
  const m = FILE_PATH.exec(pathname)
  if (!m) return { ok: false, status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }
  const expiresRaw = query.get('Expires')
  const signature = query.get('Signature')
  if (!expiresRaw || !signature)
    return { ok: false, status: 403, code: 'AccessDenied', message: 'The link is not signed (Expires, Signature).' }
  const expires = Number(expiresRaw)
  let fileName: string
  try {
    fileName = decodeURIComponent(m[2]!)
  } catch {
    return { ok: false, status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }
  }
  const expected = Buffer.from(sign(downloadConfig().secret, expires, filePath(m[1]!, fileName)))
  const given = Buffer.from(signature)
  // the signature first: a forged link is told so even when its expiry is in the past
  if (!Number.isInteger(expires) || expected.length !== given.length || !timingSafeEqual(expected, given))
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    }
  if (expires * 1000 < now) return { ok: false, status: 403, code: 'AccessDenied', message: 'Request has expired.' }
  return { ok: true, fileId: m[1]!.toLowerCase(), fileName }
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)

function sendXmlError(res: ServerResponse, status: number, code: string, message: string, extra = '') {
  const requestId = randomUUID().replaceAll('-', '').toUpperCase()
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${xmlEscape(message)}</Message>\n` +
    `${extra}  <RequestId>${requestId}</RequestId>\n</Error>\n`
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-oss-request-id': requestId,
  })
  res.end(body)
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range); null when absent, 'bad' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'bad' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return 'bad'
  let start: number
  let end: number
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return 'bad'
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start > end || start >= size) return 'bad'
  return { start, end }
}

/** GET/HEAD /ota/files/{fileId}/{fileName}: a signed link's bytes, with Range support. */
export async function serveOtaFile(db: Db, req: IncomingMessage, res: ServerResponse, now = Date.now()) {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return sendXmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
  const c = checkDownload(url.pathname, url.searchParams, now)
  if (!c.ok) return sendXmlError(res, c.status, c.code, c.message)
  const file = await db.prisma.otaFile.findUnique({ where: { id: c.fileId } })
  const store = otaStorage().store
  const stat = file && file.name === c.fileName ? await store.stat(file.storageKey) : null
  if (!file || !stat) return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.')
  const size = stat.size
  const range = parseRange(req.headers.range, size)
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    etag: `"${file.md5}"`,
    'content-md5': Buffer.from(file.md5, 'hex').toString('base64'),
    'cache-control': 'private, max-age=0',
  }
  if (range === 'bad') {
    return sendXmlError(
      res,
      416,
      'InvalidRange',
      'The requested range cannot be satisfied.',
      `  <ActualObjectSize>${size}</ActualObjectSize>\n`,
    )
  }
  if (range) {
    delete headers['content-md5']
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`
    headers['content-length'] = range.end - range.start + 1
    res.writeHead(206, headers)
  } else {
    headers['content-length'] = size
    res.writeHead(200, headers)
  }
  if (req.method === 'HEAD') return res.end()
  const body = await store.get(file.storageKey, range ?? undefined)
  await pipeline(body, res).catch(() => {
    // the client went away mid-download; nothing to clean up
    body.destroy()
  })
}

export interface PushFile {
  id: string
  name: string
  size: number
  /** hex digest by the package's sign method */
  sign: string
  md5: string
  digestSign: string | null
  url: string
  /** MQTT download: the stream id devices ask for */
  streamId: number
}

/** A package and its files with fresh signed URLs, for pushing to devices (B). */
export async function firmwareForPush(db: Db, firmwareId: string, now = Date.now()) {
  const firmware = await db.prisma.otaFirmware.findFirst({
    where: /^[0-9a-f-]{36}$/i.test(firmwareId) ? { id: firmwareId } : { firmwareId },
    include: { files: { orderBy: { position: 'asc' } } },
  })
  if (!firmware) throw notFound(`the upgrade package ${firmwareId}`)
  const { files, ...rest } = firmware
  return {
    firmware: rest,
    files: files.map(
      (f): PushFile => ({
        id: f.id,
        name: f.name,
        size: Number(f.size),
        sign: f.sign,
        md5: f.md5,
        digestSign: f.digestSign,
        url: signedFileUrl(f, now),
        streamId: Number(f.streamId),
      }),
    ),
  }
}
