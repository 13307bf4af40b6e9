import { EventEmitter } from 'node:events'
import { buildMqttCredentials, topics } from '@iotops/alink'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

export interface DeviceOptions {
  /** mqtt://host:port or ws://host:port/mqtt */
  url: string
  productKey: string
  deviceName: string
  deviceSecret: string
  clientId?: string
  signMethod?: 'hmacmd5' | 'hmacsha1' | 'hmacsha256'
  /** include `timestamp` in the clientId and the sign content (the Link SDKs do) */
  timestamp?: boolean
  keepalive?: number
  /** reconnect automatically (ms between tries); 0 = no reconnect */
  reconnectPeriod?: number
  /** how long to wait for a `_reply` (ms) */
  replyTimeoutMs?: number
}

export interface AlinkReply<T = unknown> {
  id: string
  code: number
  data: T
  message?: string
  method?: string
}

export type ServiceHandler = (
  identifier: string,
  params: Record<string, unknown>,
) => Promise<{ code?: number; data?: unknown; message?: string }> | { code?: number; data?: unknown; message?: string }
export type PropertySetHandler = (
  params: Record<string, unknown>,
) => Promise<{ code?: number; message?: string } | undefined> | { code?: number; message?: string } | undefined

let seq = 0
const nextId = () => String((Date.now() % 1_000_000_000) * 100 + (seq++ % 100))

/**
 * A device speaking Alink over MQTT 3.1.1, connecting with the Link SDK sign scheme
 * (clientId `id|securemode=3,signmethod=…,timestamp=…|`, username `dn&pk`, password hex HMAC).
 */
export class Device extends EventEmitter {
  readonly client: MqttClient
  private readonly pending = new Map<
    string,
    { resolve: (r: AlinkReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  private serviceHandler: ServiceHandler | null = null
  private setHandler: PropertySetHandler | null = null

  private constructor(
    readonly opts: DeviceOptions,
    client: MqttClient,
  ) {
    super()
    this.client = client
    client.on('message', (topic, payload) => this.onMessage(topic, payload))
  }

  get productKey() {
    return this.opts.productKey
  }
  get deviceName() {
    return this.opts.deviceName
  }

  /** The MQTT CONNECT options a Link SDK device would send. */
  static connectOptions(o: DeviceOptions): IClientOptions {
    const cred = buildMqttCredentials({
      productKey: o.productKey,
      deviceName: o.deviceName,
      deviceSecret: o.deviceSecret,
      clientId: o.clientId,
      signMethod: o.signMethod ?? 'hmacsha256',
      timestamp: o.timestamp === false ? undefined : String(Date.now()),
    })
    return {
      clientId: cred.clientId,
      username: cred.username,
      password: cred.password,
      protocolVersion: 4,
      keepalive: o.keepalive ?? 60,
      clean: true,
      reconnectPeriod: o.reconnectPeriod ?? 0,
      connectTimeout: 10_000,
    }
  }

  /** Connects and subscribes to the downlink topics; rejects with the CONNACK refusal if any. */
  static async connect(o: DeviceOptions): Promise<Device> {
    const client = mqtt.connect(o.url, Device.connectOptions(o))
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => {
        cleanup()
        client.end(true)
        reject(e)
      }
      const onClose = () => onErr(new Error('connection closed before CONNACK'))
      const onConnect = () => {
        cleanup()
        resolve()
      }
      const cleanup = () => {
        client.off('error', onErr)
        client.off('connect', onConnect)
        client.off('close', onClose)
      }
      client.on('error', onErr)
      client.on('connect', onConnect)
      client.on('close', onClose)
    })
    const d = new Device(o, client)
    const pk = o.productKey
    const dn = o.deviceName
    await client.subscribeAsync(
      [
        topics.reply(topics.propertyPost(pk, dn)),
        `/sys/${pk}/${dn}/thing/event/+/post_reply`,
        topics.propertySet(pk, dn),
        `/sys/${pk}/${dn}/thing/service/+`,
        `/sys/${pk}/${dn}/rrpc/request/+`,
        topics.reply(topics.desiredGet(pk, dn)),
        topics.reply(topics.deviceInfoUpdate(pk, dn)),
        topics.reply(topics.logPost(pk, dn)),
        topics.reply(topics.diagPost(pk, dn)),
        topics.reply(topics.logConfigGet(pk, dn)),
        topics.logConfigPush(pk, dn),
      ].map((t) => t),
      { qos: 0 },
    )
    return d
  }

  /** Posts property values; resolves with the platform's `_reply` (code 200 when accepted). */
  postProperties(params: Record<string, unknown>, opts: { qos?: 0 | 1 } = {}): Promise<AlinkReply> {
    return this.request(
      topics.propertyPost(this.productKey, this.deviceName),
      'thing.event.property.post',
      params,
      opts.qos ?? 1,
    )
  }

  /** Asks the platform whether to upload local logs: 1 on, 0 off (changes arrive as 'logSwitch' events). */
  async getLogSwitch(): Promise<0 | 1> {
    const r = await this.request(topics.logConfigGet(this.productKey, this.deviceName), 'thing.config.log.get', {}, 1)
    return (r.data as { mode?: number } | undefined)?.mode === 1 ? 1 : 0
  }

  /** Reports the Wi-Fi network status (`/_thing/diag/post`): rssi dBm, snr dB, per ‰, err_stats "type,code,count;…". */
  postNetworkStatus(
    wifi: { rssi?: number; snr?: number; per?: number; err_stats?: string },
    time: number = Date.now(),
  ): Promise<AlinkReply> {
    return this.request(topics.diagPost(this.productKey, this.deviceName), 'thing.diag.post', { p: { wifi }, time }, 1)
  }

  /** Posts an event (`{value, time}` params as the protocol wants). */
  postEvent(identifier: string, value: Record<string, unknown>, opts: { qos?: 0 | 1 } = {}): Promise<AlinkReply> {
    return this.request(
      topics.eventPost(this.productKey, this.deviceName, identifier),
      `thing.event.${identifier}.post`,
      { value, time: Date.now() },
      opts.qos ?? 1,
    )
  }

  getDesired(identifiers: string[]): Promise<AlinkReply<Record<string, { value: unknown; version: number }>>> {
    return this.request(
      topics.desiredGet(this.productKey, this.deviceName),
      'thing.property.desired.get',
      identifiers,
      0,
    ) as Promise<AlinkReply<Record<string, { value: unknown; version: number }>>>
  }

  /** Uploads local log entries (`/thing/log/post`), as the Link SDKs' log upload does. */
  postLogs(
    entries: {
      utcTime?: string
      logLevel: 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'
      module: string
      code?: string
      traceContext?: string
      logContent: string
    }[],
  ): Promise<AlinkReply> {
    const withTime = entries.map((e) => ({ utcTime: new Date().toISOString(), ...e }))
    return this.request(topics.logPost(this.productKey, this.deviceName), 'thing.log.post', withTime, 0)
  }

  updateTags(tags: { attrKey: string; attrValue: string }[]): Promise<AlinkReply> {
    return this.request(topics.deviceInfoUpdate(this.productKey, this.deviceName), 'thing.deviceinfo.update', tags, 0)
  }

  /** Reports the firmware version of an OTA module (`default` for the whole firmware). */
  async reportVersion(version: string, module?: string): Promise<void> {
    await this.client.publishAsync(
      topics.otaInform(this.productKey, this.deviceName),
      JSON.stringify({ id: nextId(), params: { version, ...(module ? { module } : {}) } }),
      { qos: 1 },
    )
  }

  /** Publishes raw bytes on a topic (custom topics). */
  async publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 0) {
    await this.client.publishAsync(topic, payload, { qos })
  }

  /** Answers service calls, async (`/thing/service/{id}`) and sync (RRPC). */
  onService(handler: ServiceHandler) {
    this.serviceHandler = handler
  }

  /** Applies property sets; by default replies 200. */
  onPropertySet(handler: PropertySetHandler) {
    this.setHandler = handler
  }

  async close(force = false) {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(new Error('device closed'))
    }
    this.pending.clear()
    await this.client.endAsync(force)
  }

  private request(topic: string, method: string, params: unknown, qos: 0 | 1): Promise<AlinkReply> {
    const id = nextId()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`no reply to ${method} (id ${id}) within ${this.opts.replyTimeoutMs ?? 10_000} ms`))
      }, this.opts.replyTimeoutMs ?? 10_000)
      this.pending.set(id, { resolve, reject, timer })
      this.client.publish(topic, JSON.stringify({ id, version: '1.0', params, method }), { qos }, (err) => {
        if (err) {
          clearTimeout(timer)
          this.pending.delete(id)
          reject(err)
        }
      })
    })
  }

  private onMessage(topic: string, payload: Buffer) {
    this.emit('message', topic, payload)
    let body: { id?: string; code?: number; params?: Record<string, unknown>; data?: unknown; method?: string } = {}
    try {
      body = JSON.parse(payload.toString('utf8'))
    } catch {
      // not JSON: a custom topic payload; listeners get it through 'message'
    }
    if (topic.endsWith('_reply')) {
      const p = body.id !== undefined ? this.pending.get(String(body.id)) : undefined
      if (p) {
        clearTimeout(p.timer)
        this.pending.delete(String(body.id))
        p.resolve(body as AlinkReply)
      }
      return
    }
    const pk = this.productKey
    const dn = this.deviceName
    if (topic === topics.logConfigPush(pk, dn)) {
      const mode = body.params?.mode === 1 ? 1 : 0
      this.emit('logSwitch', mode)
      void this.answer(topics.reply(topic), body, async () => ({ code: 200, data: {} }))
      return
    }
    if (topic === topics.propertySet(pk, dn)) {
      void this.answer(topics.reply(topic), body, async () => {
        const r = await this.setHandler?.(body.params ?? {})
        return { code: r?.code ?? 200, data: {}, message: r?.message }
      })
      return
    }
    const rrpc = new RegExp(`^/sys/${pk}/${dn}/rrpc/request/(\\d+)$`).exec(topic)
    if (rrpc) {
      const identifier = (body.method ?? '').replace(/^thing\.service\./, '')
      void this.answer(`/sys/${pk}/${dn}/rrpc/response/${rrpc[1]}`, body, () =>
        this.runService(identifier, body.params ?? {}),
      )
      return
    }
    const svc = new RegExp(`^/sys/${pk}/${dn}/thing/service/([^/]+)$`).exec(topic)
    if (svc && svc[1] !== 'property') {
      void this.answer(`${topic}_reply`, body, () => this.runService(svc[1]!, body.params ?? {}))
    }
  }

  private async runService(identifier: string, params: Record<string, unknown>) {
    if (!this.serviceHandler) return { code: 460, data: {}, message: `no handler for service ${identifier}` }
    const r = await this.serviceHandler(identifier, params)
    return { code: r.code ?? 200, data: r.data ?? {}, message: r.message }
  }

  private async answer(
    topic: string,
    req: { id?: string; method?: string },
    fn: () => Promise<{ code: number; data?: unknown; message?: string }>,
  ) {
    let r: { code: number; data?: unknown; message?: string }
    try {
      r = await fn()
    } catch (e) {
      r = { code: 500, data: {}, message: (e as Error).message }
    }
    await this.client.publishAsync(
      topic,
      JSON.stringify({ id: req.id, code: r.code, data: r.data ?? {}, message: r.message }),
      { qos: 0 },
    )
  }
}
