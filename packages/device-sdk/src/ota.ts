import { createHash, createVerify, type KeyObject } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { topics } from '@iotops/alink'
import type { Device } from './device'

// The device side of OTA (ref §8.3): report the module version, receive upgrade notices (pushed or asked for on
// thing/ota/firmware/get), download the package over HTTPS or MQTT (thing/file/download, the Link SDK's binary
// block layout), verify size, md5/sha256 and the secure-upgrade signature, report progress and failures (-1 upgrade,
// -2 download, -3 verify, -4 flash) and, once flashed, the new version — the platform's only proof of success.

export interface OtaFileInfo {
  name: string
  size: number
  url?: string
  md5?: string
  sign?: string
}

/** An upgrade notice's `data`, normalised. */
export interface OtaUpgrade {
  version: string
  /** 'default' when the notice names no module */
  module: string
  signMethod: 'MD5' | 'SHA256'
  isDiff: boolean
  /** one entry per file (one for single-file packages) */
  files: OtaFileInfo[]
  /** MQTT download */
  dProtocol?: 'mqtt'
  streamId?: number
  streamFileId?: number
  digestsign?: string
  extData: Record<string, string>
  raw: Record<string, unknown>
}

export type OtaFailStep = -1 | -2 | -3 | -4
export class OtaError extends Error {
  constructor(
    readonly step: OtaFailStep,
    message: string,
  ) {
    super(message)
    this.name = 'OtaError'
  }
}

export interface DeviceOtaOptions {
  /** the product's public key (PEM) for secure upgrades: a notice with `digestsign` is checked against it */
  publicKey?: string | KeyObject
  /** HTTPS download (default: global fetch) */
  fetch?: (url: string) => Promise<Uint8Array>
  /** MQTT download block size (default 64 KB; the Link SDK asks 5 KB) */
  blockSize?: number
  /** how long to wait for a reply (ms) */
  replyTimeoutMs?: number
}

let seq = 0
const nextId = () => String((Date.now() % 1_000_000_000) * 100 + (seq++ % 100))

const fileNameOf = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '')
  } catch {
    return ''
  }
}

/** Parses an upgrade notice or a firmware/get reply's `data`; null when it carries no upgrade. */
export function parseUpgrade(data: unknown): OtaUpgrade | null {
  if (!data || typeof data !== 'object') return null
  const d = data as Record<string, unknown>
  if (typeof d.version !== 'string' || !d.version) return null
  const files: OtaFileInfo[] = Array.isArray(d.files)
    ? (d.files as Record<string, unknown>[]).map((f) => ({
        name: String(f.fileName ?? ''),
        size: Number(f.fileSize),
        url: typeof f.fileUrl === 'string' ? f.fileUrl : undefined,
        md5: typeof f.fileMd5 === 'string' ? f.fileMd5 : undefined,
        sign: typeof f.fileSign === 'string' ? f.fileSign : undefined,
      }))
    : [
        {
          name: typeof d.url === 'string' ? fileNameOf(d.url) : '',
          size: Number(d.size),
          url: typeof d.url === 'string' ? d.url : undefined,
          md5: typeof d.md5 === 'string' ? d.md5 : undefined,
          sign: typeof d.sign === 'string' ? d.sign : undefined,
        },
      ]
  return {
    version: d.version,
    module: typeof d.module === 'string' && d.module ? d.module : 'default',
    signMethod: d.signMethod === 'SHA256' ? 'SHA256' : 'MD5',
    isDiff: d.isDiff === 1,
    files,
    ...(d.dProtocol === 'mqtt'
      ? { dProtocol: 'mqtt' as const, streamId: Number(d.streamId), streamFileId: Number(d.streamFileId ?? 1) }
      : {}),
    ...(typeof d.digestsign === 'string' ? { digestsign: d.digestsign } : {}),
    extData: d.extData && typeof d.extData === 'object' ? (d.extData as Record<string, string>) : {},
    raw: d,
  }
}

/** CRC-16/IBM (ARC), as the platform appends to an MQTT download block. */
export function crc16ibm(buf: Uint8Array): number {
  let crc = 0
  for (const b of buf) {
    crc ^= b
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
  }
  return crc
}

/** A file/download_reply frame: 2-byte big-endian header length, JSON header, bytes, CRC-16 (big-endian). */
export function decodeBlock(buf: Buffer) {
  if (buf.length < 2) throw new OtaError(-2, 'download reply too short')
  const n = buf.readUInt16BE(0)
  const header = JSON.parse(buf.subarray(2, 2 + n).toString('utf8')) as {
    id?: string
    code?: number
    msg?: string
    data?: { fileToken?: string; fileLength?: number; bSize?: number; bOffset?: number }
  }
  const rest = buf.subarray(2 + n)
  const bytes = rest.length >= 2 ? rest.subarray(0, rest.length - 2) : Buffer.alloc(0)
  if (rest.length >= 2 && crc16ibm(bytes) !== rest.readUInt16BE(rest.length - 2))
    throw new OtaError(-2, `block at ${header.data?.bOffset} failed its CRC check`)
  return { header, bytes }
}

/**
 * Checks a downloaded file against its notice: size, md5, the sign by the package's method (md5 or sha256) and,
 * for secure packages, `digestsign` (SHA256withRSA) with the product's public key. Throws an OtaError (-3).
 */
export function verifyFile(u: OtaUpgrade, f: OtaFileInfo, bytes: Buffer, publicKey?: string | KeyObject) {
  const who = f.name ? `${f.name}: ` : ''
  if (Number.isFinite(f.size) && f.size !== bytes.length)
    throw new OtaError(-3, `${who}${bytes.length} bytes, expected ${f.size}`)
  if (f.md5 && createHash('md5').update(bytes).digest('hex') !== f.md5.toLowerCase())
    throw new OtaError(-3, `${who}md5 mismatch`)
  if (f.sign) {
    const algo = u.signMethod === 'SHA256' ? 'sha256' : 'md5'
    if (createHash(algo).update(bytes).digest('hex') !== f.sign.toLowerCase())
      throw new OtaError(-3, `${who}${algo} sign mismatch`)
  }
  if (u.digestsign) {
    if (!publicKey) throw new OtaError(-3, 'a secure package needs the product public key to verify')
    if (!createVerify('sha256').update(bytes).verify(publicKey, u.digestsign, 'base64'))
      throw new OtaError(-3, `${who}digestsign does not verify with the product key`)
  }
}

const defaultFetch = async (url: string) => {
  const r = await fetch(url)
  if (!r.ok) throw new Error(`HTTP ${r.status}`)
  return new Uint8Array(await r.arrayBuffer())
}

/**
 * OTA for a connected `Device`. Events: 'upgrade' (OtaUpgrade) on every notice.
 * `await DeviceOta.attach(device)` subscribes the OTA topics.
 */
export class DeviceOta extends EventEmitter {
  private readonly waiting = new Map<string, (topic: string, payload: Buffer) => void>()

  private constructor(
    readonly device: Device,
    readonly opts: DeviceOtaOptions,
  ) {
    super()
    device.on('message', (topic: string, payload: Buffer) => this.onMessage(topic, payload))
  }

  static async attach(device: Device, opts: DeviceOtaOptions = {}): Promise<DeviceOta> {
    const o = new DeviceOta(device, opts)
    const pk = device.productKey
    const dn = device.deviceName
    await device.client.subscribeAsync(
      [
        topics.otaUpgrade(pk, dn),
        topics.reply(topics.otaFirmwareGet(pk, dn)),
        topics.reply(topics.fileDownload(pk, dn)),
      ],
      { qos: 1 },
    )
    return o
  }

  /** Reports the module's current version (`/ota/device/inform`). */
  reportVersion(version: string, module = 'default') {
    return this.device.reportVersion(version, module === 'default' ? undefined : module)
  }

  /** Reports progress 1..100 or a failure -1..-4 (`/ota/device/progress`); desc ≤ 128 characters. */
  async reportProgress(step: number | OtaFailStep, desc = '', module = 'default') {
    const params: Record<string, string> = { step: String(step), desc: desc.slice(0, 128) }
    if (module !== 'default') params.module = module
    await this.device.client.publishAsync(
      topics.otaProgress(this.device.productKey, this.device.deviceName),
      JSON.stringify({ id: nextId(), params }),
      { qos: 1 },
    )
  }

  /** Asks for the pending upgrade of a module (`thing/ota/firmware/get`); null when there is none. */
  async requestFirmware(module = 'default'): Promise<OtaUpgrade | null> {
    const id = nextId()
    const topic = topics.otaFirmwareGet(this.device.productKey, this.device.deviceName)
    const reply = this.waitFor(id)
    await this.device.client.publishAsync(
      topic,
      JSON.stringify({ id, version: '1.0', params: { module }, method: 'thing.ota.firmware.get' }),
      { qos: 1 },
    )
    const payload = await reply
    const body = JSON.parse(payload.toString('utf8')) as { code?: number; data?: unknown; message?: string }
    if (body.code !== 200) throw new Error(`firmware request refused (${body.code}): ${body.message ?? ''}`)
    return parseUpgrade(body.data)
  }

  /** Downloads every file of an upgrade (HTTPS, or MQTT blocks) and verifies it; a failure is an OtaError. */
  async download(u: OtaUpgrade, onBytes?: (received: number, total: number) => void): Promise<Buffer[]> {
    const total = u.files.reduce((n, f) => n + (f.size || 0), 0)
    let received = 0
    const out: Buffer[] = []
    for (const f of u.files) {
      let bytes: Buffer
      try {
        if (u.dProtocol === 'mqtt') {
          bytes = await this.mqttDownload(u, f.size, (n) => onBytes?.(received + n, total))
        } else {
          if (!f.url) throw new Error(`no URL for ${f.name}`)
          bytes = Buffer.from(await (this.opts.fetch ?? defaultFetch)(f.url))
        }
      } catch (e) {
        if (e instanceof OtaError) throw e
        throw new OtaError(-2, `download of ${f.name} failed: ${(e as Error).message}`)
      }
      received += bytes.length
      onBytes?.(received, total)
      this.verify(u, f, bytes)
      out.push(bytes)
    }
    return out
  }

  /** Size, digest (md5 or sha256 by the package's sign method) and, for secure packages, the signature. */
  verify(u: OtaUpgrade, f: OtaFileInfo, bytes: Buffer) {
    verifyFile(u, f, bytes, this.opts.publicKey)
  }

  /**
   * The whole device flow: progress while downloading, verify, `apply` (flash; throw an OtaError to report -4 or
   * another step), then report the new version. Failures are reported with their step and rethrown.
   */
  async upgrade(u: OtaUpgrade, apply: (files: Buffer[]) => Promise<void> | void = () => {}) {
    let last = 0
    try {
      await this.reportProgress(1, 'download started', u.module)
      const files = await this.download(u, (n, total) => {
        const pct = total ? Math.min(90, Math.max(1, Math.floor((90 * n) / total))) : 1
        if (pct >= last + 30) {
          last = pct
          void this.reportProgress(pct, 'downloading', u.module).catch(() => {})
        }
      })
      await this.reportProgress(95, 'verified, flashing', u.module)
      try {
        await apply(files)
      } catch (e) {
        throw e instanceof OtaError ? e : new OtaError(-4, `flash failed: ${(e as Error).message}`)
      }
      await this.reportProgress(100, 'upgrade complete', u.module)
      await this.reportVersion(u.version, u.module)
    } catch (e) {
      const err = e instanceof OtaError ? e : new OtaError(-1, (e as Error).message)
      await this.reportProgress(err.step, err.message, u.module).catch(() => {})
      throw err
    }
  }

  private async mqttDownload(u: OtaUpgrade, size: number, onBytes: (n: number) => void): Promise<Buffer> {
    const pk = this.device.productKey
    const dn = this.device.deviceName
    const block = this.opts.blockSize ?? 64 * 1024
    const parts: Buffer[] = []
    let offset = 0
    let fileToken = ''
    while (offset < size) {
      const id = nextId()
      const reply = this.waitFor(id)
      await this.device.client.publishAsync(
        topics.fileDownload(pk, dn),
        JSON.stringify({
          id,
          version: '1.0',
          params: {
            fileToken,
            fileInfo: { streamId: u.streamId, fileId: u.streamFileId ?? 1 },
            fileBlock: { size: Math.min(block, size - offset), offset },
          },
        }),
        { qos: 0 },
      )
      const { header, bytes } = decodeBlock(await reply)
      if (header.code !== 200)
        throw new OtaError(-2, `block at ${offset} refused (${header.code}): ${header.msg ?? ''}`)
      if (header.data?.bOffset !== offset || bytes.length === 0)
        throw new OtaError(-2, `unexpected block (offset ${header.data?.bOffset}, ${bytes.length} bytes)`)
      fileToken = header.data?.fileToken ?? fileToken
      parts.push(bytes)
      offset += bytes.length
      onBytes(offset)
    }
    return Buffer.concat(parts)
  }

  private waitFor(id: string): Promise<Buffer> {
    const ms = this.opts.replyTimeoutMs ?? 10_000
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new OtaError(-2, `no reply to request ${id} within ${ms} ms`))
      }, ms)
      this.waiting.set(id, (_t, payload) => {
        clearTimeout(timer)
        this.waiting.delete(id)
        resolve(payload)
      })
    })
  }

  private onMessage(topic: string, payload: Buffer) {
    const pk = this.device.productKey
    const dn = this.device.deviceName
    if (topic === topics.otaUpgrade(pk, dn)) {
      try {
        const u = parseUpgrade((JSON.parse(payload.toString('utf8')) as { data?: unknown }).data)
        if (u) this.emit('upgrade', u)
      } catch {
        // not JSON: ignored, as a Link SDK does
      }
      return
    }
    let id: string | undefined
    if (topic === topics.reply(topics.fileDownload(pk, dn))) {
      try {
        // the header only: a block failing its CRC is reported by the download, not dropped here
        id = String(JSON.parse(payload.subarray(2, 2 + payload.readUInt16BE(0)).toString('utf8')).id)
      } catch {
        return
      }
    } else if (topic === topics.reply(topics.otaFirmwareGet(pk, dn))) {
      try {
        id = String((JSON.parse(payload.toString('utf8')) as { id?: unknown }).id)
      } catch {
        return
      }
    }
    if (id !== undefined) this.waiting.get(id)?.(topic, payload)
  }
}
