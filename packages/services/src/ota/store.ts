import { createHash, createHmac } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** A byte range, both ends inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Where package files live. Keys are relative paths such as `files/<fileId>/<name>`; values are streamed in and
 * out, never held whole in memory. Local disk by default (`DATA_DIR/ota`).
 */
export interface PackageStore {
  /** `size` is the byte count of `body` when known (an object store needs it up front) */
  put(key: string, body: Readable, size?: number): Promise<{ size: number }>
  get(key: string, range?: ByteRange): Promise<Readable>
  /** null when there is no such object */
  stat(key: string): Promise<{ size: number } | null>
  delete(key: string): Promise<void>
}

/** Keys are our own (`files/<uuid>/<name>`), but a name comes from a user: never let one leave the root. */
function safeJoin(root: string, key: string) {
  const full = path.resolve(root, key)
  if (full !== root && !full.startsWith(root + path.sep)) throw new Error(`invalid storage key ${key}`)
  return full
}

export class LocalDiskStore implements PackageStore {
  readonly root: string
  constructor(root: string) {
    this.root = path.resolve(root)
  }

  /** The file path of a key (for streaming into it from the staging area). */
  pathOf(key: string) {
    return safeJoin(this.root, key)
  }

  async put(key: string, body: Readable) {
    const file = this.pathOf(key)
    await fs.mkdir(path.dirname(file), { recursive: true })
    // write beside, then rename: a reader never sees half a file
    const tmp = `${file}.part-${process.pid}-${Date.now()}`
    try {
      await pipeline(body, createWriteStream(tmp))
      await fs.rename(tmp, file)
    } catch (e) {
      await fs.rm(tmp, { force: true })
      throw e
    }
    return { size: (await fs.stat(file)).size }
  }

  async get(key: string, range?: ByteRange) {
    const file = this.pathOf(key)
    await fs.access(file)
    return createReadStream(file, range ? { start: range.start, end: range.end } : {})
  }

  async stat(key: string) {
    try {
      const s = await fs.stat(this.pathOf(key))
      return s.isFile() ? { size: s.size } : null
    } catch {
      return null
    }
  }

  async delete(key: string) {
    const file = this.pathOf(key)
    await fs.rm(file, { force: true })
    // drop the per-file folder when it is empty (files/<id>/)
    await fs.rmdir(path.dirname(file)).catch(() => undefined)
  }
}

/**
 * An S3-compatible object store (AWS S3, MinIO, Ceph…), path-style, requests signed with AWS Signature V4.
 * Configured by a URL `http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[/prefix][?region=us-east-1]`.
 * Bodies stream both ways (the upload's size is sent as Content-Length, the payload is UNSIGNED-PAYLOAD).
 */
export class S3Store implements PackageStore {
  readonly endpoint: URL
  readonly bucket: string
  readonly prefix: string
  readonly region: string
  private readonly accessKey: string
  private readonly secretKey: string

  constructor(url: string) {
    const u = new URL(url)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('OTA_S3_URL must be an http(s):// URL')
    const [bucket, ...prefix] = u.pathname.split('/').filter(Boolean)
    if (!bucket) throw new Error('OTA_S3_URL needs the bucket as its path: http://KEY:SECRET@host:9000/bucket')
    if (!u.username || !u.password)
      throw new Error('OTA_S3_URL needs the access key and secret: http://KEY:SECRET@host/bucket')
    this.accessKey = decodeURIComponent(u.username)
    this.secretKey = decodeURIComponent(u.password)
    this.bucket = bucket
    this.prefix = prefix.length ? `${prefix.join('/')}/` : ''
    this.region = u.searchParams.get('region') ?? 'us-east-1'
    this.endpoint = new URL(`${u.protocol}//${u.host}`)
  }

  /** Creates the bucket when it does not exist (at start-up). */
  async ensureBucket() {
    const head = await this.request('HEAD', `/${this.bucket}`)
    head.resume()
    if (head.statusCode === 200) return
    if (head.statusCode !== 404) throw new Error(`the S3 bucket ${this.bucket} is not usable: HTTP ${head.statusCode}`)
    const put = await this.request('PUT', `/${this.bucket}`)
    const body = await text(put)
    if (put.statusCode !== 200) throw new Error(`cannot create the S3 bucket ${this.bucket}: ${s3Error(put, body)}`)
  }

  private objectPath(key: string) {
    return `/${this.bucket}/${`${this.prefix}${key}`.split('/').map(encodeS3).join('/')}`
  }

  async put(key: string, body: Readable, size?: number) {
    if (size === undefined) throw new Error('an S3 upload needs the size of the body')
    const res = await this.request('PUT', this.objectPath(key), { 'content-length': String(size) }, body)
    const txt = await text(res)
    if (res.statusCode !== 200) throw new Error(`S3 PUT ${key} failed: ${s3Error(res, txt)}`)
    return { size }
  }

  async get(key: string, range?: ByteRange) {
    const res = await this.request(
      'GET',
      this.objectPath(key),
      range ? { range: `bytes=${range.start}-${range.end}` } : {},
    )
    if (res.statusCode !== 200 && res.statusCode !== 206) {
      const txt = await text(res)
      throw new Error(`S3 GET ${key} failed: ${s3Error(res, txt)}`)
    }
    return res as Readable
  }

  async stat(key: string) {
    const res = await this.request('HEAD', this.objectPath(key))
    res.resume()
    if (res.statusCode === 404) return null
    if (res.statusCode !== 200) throw new Error(`S3 HEAD ${key} failed: HTTP ${res.statusCode}`)
    return { size: Number(res.headers['content-length'] ?? 0) }
  }

  async delete(key: string) {
    const res = await this.request('DELETE', this.objectPath(key))
    const txt = await text(res)
    if (res.statusCode !== 204 && res.statusCode !== 200 && res.statusCode !== 404)
      throw new Error(`S3 DELETE ${key} failed: ${s3Error(res, txt)}`)
  }

  /** One signed request (SigV4, header form); `pathname` is already URI-encoded. */
  request(
    method: string,
    pathname: string,
    extra: Record<string, string> = {},
    body?: Readable,
    now = new Date(),
  ): Promise<http.IncomingMessage> {
    const headers = signV4({
      method,
      pathname,
      headers: { ...extra, host: this.endpoint.host },
      payloadHash: body ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256,
      accessKey: this.accessKey,
      secretKey: this.secretKey,
      region: this.region,
      now,
    })
    const mod = this.endpoint.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const req = mod.request(
        { method, host: this.endpoint.hostname, port: this.endpoint.port || undefined, path: pathname, headers },
        resolve,
      )
      req.on('error', reject)
      if (body) {
        body.on('error', (e) => req.destroy(e))
        body.pipe(req)
      } else req.end()
    })
  }
}

/**
 * AWS Signature Version 4 for S3 (header form, no query string): returns the request's headers with
 * x-amz-date, x-amz-content-sha256 and Authorization added. Every header given is signed.
 */
export function signV4(r: {
  method: string
  /** URI-encoded path */
  pathname: string
  headers: Record<string, string>
  /** hex SHA-256 of the body, or UNSIGNED-PAYLOAD */
  payloadHash: string
  accessKey: string
  secretKey: string
  region: string
  now: Date
}): Record<string, string> {
  const amzDate = r.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const headers: Record<string, string> = { ...r.headers, 'x-amz-content-sha256': r.payloadHash, 'x-amz-date': amzDate }
  const lower = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]),
  )
  const names = Object.keys(lower).sort()
  const canonical = [
    r.method,
    r.pathname,
    '',
    ...names.map((n) => `${n}:${lower[n]}`),
    '',
    names.join(';'),
    r.payloadHash,
  ].join('\n')
  const scope = `${day}/${r.region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const kDate = createHmac('sha256', `AWS4${r.secretKey}`).update(day).digest()
  const kRegion = createHmac('sha256', kDate).update(r.region).digest()
  const kService = createHmac('sha256', kRegion).update('s3').digest()
  const kSigning = createHmac('sha256', kService).update('aws4_request').digest()
  const signature = createHmac('sha256', kSigning).update(toSign).digest('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${r.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
  return headers
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex')
/** S3's URI encoding of one path segment (RFC 3986 unreserved characters stay). */
const encodeS3 = (seg: string) =>
  encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

async function text(res: http.IncomingMessage): Promise<string> {
  let s = ''
  for await (const c of res) {
    if (s.length < 4096) s += String(c)
  }
  return s
}
const s3Error = (res: http.IncomingMessage, body: string) => {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1]
  const msg = /<Message>([^<]*)<\/Message>/.exec(body)?.[1]
  return `HTTP ${res.statusCode}${code ? ` ${code}` : ''}${msg ? `: ${msg}` : ''}`
}

/** Where the node keeps packages and unfinished uploads; set once by the node at start (see `configureOta`). */
export interface OtaStorage {
  store: PackageStore
  /** local folder for uploads in progress (chunks are written at their offsets) */
  stagingDir: string
}

let current: OtaStorage | null = null

export function configureOtaStorage(s: OtaStorage) {
  current = s
}

/** The configured storage; throws when the node has not set it up (a programming error, not a user's). */
export function otaStorage(): OtaStorage {
  if (!current) throw new Error('OTA storage is not configured: call configureOtaStorage() at start-up')
  return current
}

/**
 * Package files on local disk under `<dataDir>/ota/files`, or in an S3-compatible bucket when `s3Url` is set;
 * uploads in progress always stage on local disk (`<dataDir>/ota/staging`).
 */
export async function createOtaStorage(dataDir: string, s3Url?: string): Promise<OtaStorage> {
  const root = path.resolve(dataDir, 'ota')
  const stagingDir = path.join(root, 'staging')
  if (!s3Url) return { store: new LocalDiskStore(root), stagingDir }
  const store = new S3Store(s3Url)
  await store.ensureBucket()
  return { store, stagingDir }
}
