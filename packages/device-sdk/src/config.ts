import { createHash } from 'node:crypto'
import { topics } from '@iotops/alink'
import type { Device } from './device'

// The device side of remote configuration (ref §9, the Link SDKs' COTA): the platform pushes a file description on
// /sys/{pk}/{dn}/thing/config/push, or the device asks on /thing/config/get and gets it on get_reply; either way the
// device downloads the file from the signed url, checks its size and sign, and applies it.

/** What the platform sends (push params, or get_reply data). */
export interface ConfigFileInfo {
  configId: string
  configSize: number
  sign: string
  /** 'Sha256' (ours) or 'Md5' */
  signMethod: string
  url: string
  getType: string
  /** get_reply only: 'product', or 'group' / 'query' for a narrower target */
  configScope?: string
}

/** A configuration the device downloaded and verified. */
export interface ReceivedConfig {
  configId: string
  size: number
  sign: string
  signMethod: string
  /** where it came from: a cloud push or the device's own get */
  source: 'push' | 'get'
  configScope?: string
  /** the file exactly as downloaded */
  text: string
  /** the parsed JSON */
  config: unknown
  receivedAt: Date
}

/** A refusal of config/get (6713 switch off, 6710 nothing saved) or a failed download / verification. */
export class RemoteConfigError extends Error {
  constructor(
    message: string,
    /** the platform's reply code, or the HTTP status of the download */
    readonly code: number,
  ) {
    super(message)
    this.name = 'RemoteConfigError'
  }
}

export interface RemoteConfigOptions {
  /** applies a configuration (e.g. writes it to local storage); a throw answers the push with code 500 */
  apply?: (c: ReceivedConfig) => void | Promise<void>
  /** how long to wait for get_reply (ms); defaults to the device's replyTimeoutMs or 10 s */
  replyTimeoutMs?: number
}

let seq = 0
const nextId = () => String((Date.now() % 1_000_000_000) * 100 + (seq++ % 100))

const digest = (method: string, bytes: Buffer) =>
  createHash(method.toLowerCase() === 'md5' ? 'md5' : 'sha256')
    .update(bytes)
    .digest('hex')

/** Downloads a configuration file and checks its size and sign; throws RemoteConfigError when they do not match. */
export async function downloadConfig(info: ConfigFileInfo, source: ReceivedConfig['source']): Promise<ReceivedConfig> {
  const res = await fetch(info.url)
  if (!res.ok) throw new RemoteConfigError(`downloading the configuration failed: HTTP ${res.status}`, res.status)
  const bytes = Buffer.from(await res.arrayBuffer())
  if (bytes.length !== info.configSize)
    throw new RemoteConfigError(`the file is ${bytes.length} bytes, the platform said ${info.configSize}`, 460)
  if (digest(info.signMethod, bytes) !== info.sign.toLowerCase())
    throw new RemoteConfigError(`the file's ${info.signMethod} sign does not match`, 460)
  const text = bytes.toString('utf8')
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch {
    throw new RemoteConfigError('the configuration file is not JSON', 460)
  }
  return {
    configId: info.configId,
    size: bytes.length,
    sign: info.sign,
    signMethod: info.signMethod,
    source,
    configScope: info.configScope,
    text,
    config,
    receivedAt: new Date(),
  }
}

/**
 * Remote configuration for a connected device. Emits on the device: `config` (a ReceivedConfig, after `apply`) and
 * `configError` (a RemoteConfigError from a push that could not be applied).
 */
export class RemoteConfig {
  /** the last configuration applied */
  current: ReceivedConfig | null = null
  private readonly pending = new Map<string, (body: { code?: number; data?: unknown; message?: string }) => void>()
  private readonly onMessage = (topic: string, payload: Buffer) => this.message(topic, payload)

  private constructor(
    readonly device: Device,
    private readonly opts: RemoteConfigOptions,
  ) {}

  /** Subscribes to config/push and config/get_reply and starts handling pushes. */
  static async attach(device: Device, opts: RemoteConfigOptions = {}): Promise<RemoteConfig> {
    const rc = new RemoteConfig(device, opts)
    const { productKey: pk, deviceName: dn } = device
    await device.client.subscribeAsync([topics.configPush(pk, dn), topics.reply(topics.configGet(pk, dn))], { qos: 1 })
    device.on('message', rc.onMessage)
    return rc
  }

  /** Stops handling configuration messages (the subscriptions stay until the connection ends). */
  detach() {
    this.device.off('message', this.onMessage)
    for (const p of this.pending.values()) p({ code: 500, message: 'detached' })
    this.pending.clear()
  }

  /** Asks for the configuration (config/get), downloads, verifies and applies it. */
  async get(): Promise<ReceivedConfig> {
    const info = await this.requestInfo()
    return this.receive(info, 'get')
  }

  /** config/get only: the file description from get_reply (throws RemoteConfigError on 6710 / 6713). */
  requestInfo(): Promise<ConfigFileInfo> {
    const id = nextId()
    const timeoutMs = this.opts.replyTimeoutMs ?? this.device.opts.replyTimeoutMs ?? 10_000
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new RemoteConfigError(`no reply to thing.config.get within ${timeoutMs} ms`, 408))
      }, timeoutMs)
      this.pending.set(id, (body) => {
        clearTimeout(timer)
        if (body.code === 200) resolve(body.data as ConfigFileInfo)
        else reject(new RemoteConfigError(body.message ?? `config/get refused (${body.code})`, Number(body.code)))
      })
      const body = {
        id,
        version: '1.0',
        params: { configScope: 'product', getType: 'file' },
        method: 'thing.config.get',
      }
      this.device.client.publish(
        topics.configGet(this.device.productKey, this.device.deviceName),
        JSON.stringify(body),
        { qos: 1 },
        (err) => {
          if (!err) return
          clearTimeout(timer)
          this.pending.delete(id)
          reject(err)
        },
      )
    })
  }

  /** Downloads, verifies, applies and announces a configuration. */
  async receive(info: ConfigFileInfo, source: ReceivedConfig['source']): Promise<ReceivedConfig> {
    const c = await downloadConfig(info, source)
    await this.opts.apply?.(c)
    this.current = c
    this.device.emit('config', c)
    return c
  }

  private message(topic: string, payload: Buffer) {
    const { productKey: pk, deviceName: dn } = this.device
    let body: { id?: unknown; code?: number; data?: unknown; params?: unknown; message?: string }
    try {
      body = JSON.parse(payload.toString('utf8'))
    } catch {
      return
    }
    if (topic === topics.reply(topics.configGet(pk, dn))) {
      const p = this.pending.get(String(body.id))
      if (p) {
        this.pending.delete(String(body.id))
        p(body)
      }
      return
    }
    if (topic !== topics.configPush(pk, dn)) return
    const answer = (code: number, message?: string) =>
      this.device.client.publishAsync(
        topics.reply(topic),
        JSON.stringify({ id: body.id, code, data: {}, ...(message ? { message } : {}) }),
        { qos: 0 },
      )
    void this.receive(body.params as ConfigFileInfo, 'push').then(
      () => answer(200),
      (e: Error) => {
        this.device.emit('configError', e)
        return answer(e instanceof RemoteConfigError ? e.code : 500, e.message)
      },
    )
  }
}
