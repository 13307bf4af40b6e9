import {
  findProperty,
  numericValue,
  parseAlinkRequest as parseAlink,
  parseTopic,
  type TAlinkRequest,
  type ThingModel,
  topics,
  validateEventPost,
  validatePropertyPost,
} from '@iotops/alink'
import type { PublishPacket } from 'aedes'
import { deviceConfigGet } from '../config/service'
import { parseDeviceLogs } from '../devicelog/service'
import { newTraceId } from '../ids'
import { deviceEventRank, eventMetric, eventRank, Metric, Rank } from '../metrics/codes'
import { commandIdentifiers, topicClassOf } from '../metrics/recorder'
import { parseNetworkStatus, storeNetworkStatus } from '../monitoring/network'
import { createOtaProtocol } from '../ota/protocol'
import { BizType, logContent } from '../runlog/writer'
import { createGateway, type Gateway } from './gateway'
import type { AcceptedMessage, DeviceHub, DeviceSession } from './hub'
import { createShadow } from './shadow'

export interface UplinkResult {
  /** set when the device must be disconnected (e.g. topic authorization failure 9236) */
  disconnect?: string
}

/** A device's reply to a cloud request, shared with every node through the hub. */
export interface DeviceReply {
  productKey: string
  deviceName: string
  /** the Alink request id, or the RRPC message id */
  id: string
  kind: 'service' | 'property_set' | 'rrpc'
  code: number
  data: unknown
  message?: string
  traceId: string
}

interface Msg {
  s: DeviceSession
  topic: string
  payload: Buffer
  qos: number
  traceId: string
  at: Date
}

/**
 * The uplink pipeline: ACL → rate limit → Alink router → domain handler → reply. Resolves only once what
 * the message changed is stored, so a QoS 1 PUBACK means "accepted and durable".
 */
export function createPipeline(hub: DeviceHub) {
  const gateway: Gateway = createGateway(hub)
  const shadow = createShadow(hub)
  const ota = createOtaProtocol(hub)
  const record = (
    m: Msg,
    r: { bizType: string; operation: string; code: number; messageId?: string | null; content: object },
  ) =>
    hub.record({
      productKey: m.s.productKey,
      deviceName: m.s.deviceName,
      traceId: m.traceId,
      messageId: r.messageId ?? null,
      bizType: r.bizType,
      operation: r.operation,
      code: r.code,
      content: logContent(r.content as Record<string, unknown>),
    })

  /**
   * Publish a reply to the device and log it as a cloud→device message in the same trace. The uplink's ack
   * does not wait for this row (the message's own data is already stored); shutdown still flushes it.
   */
  async function reply(m: Msg, topic: string, body: object, messageId: string | null) {
    const text = JSON.stringify(body)
    await hub.publish(topic, text, 0)
    void hub.track(
      record(m, { bizType: BizType.Downlink, operation: topic, code: 200, messageId, content: { Content: text } }),
    )
  }

  /** Answer an Alink request on its `_reply` topic. */
  const answer = (m: Msg, method: string, id: string | undefined, code: number, message: string, data: unknown = {}) =>
    reply(m, topics.reply(m.topic), { id: id ?? '', code, data, message, method }, id ?? null)

  async function uplink(s: DeviceSession, packet: PublishPacket): Promise<UplinkResult> {
    const m: Msg = {
      s,
      topic: packet.topic,
      payload: packet.payload as Buffer,
      qos: packet.qos,
      traceId: newTraceId(),
      at: new Date(),
    }
    // 1. topic authorization [reference 7.1: 9236 topic authorization failed]
    const access = await hub.topicAccess(s, m.topic, 'publish')
    if (!access.allowed) {
      await record(m, {
        bizType: BizType.Uplink,
        operation: m.topic,
        code: access.code,
        content: { Content: `publish rejected: ${access.reason}` },
      })
      return { disconnect: `topic authorization failed (${access.code}): ${access.reason}` }
    }
    // 2. rate limits: over the limit the message is dropped (not disconnected) and a limit event raised
    const limit = hub.limiter.uplink(s.productKey, s.deviceName)
    if (limit) {
      hub.limitEvent(limit)
      await record(m, {
        bizType: BizType.Uplink,
        operation: m.topic,
        code: 1942,
        content: { Content: `throttled: ${limit.event}` },
      })
      return {}
    }
    const text = m.payload.toString('utf8')
    const parsed = parseTopic(m.topic)
    // a gateway publishing for one of its logged-in sub-devices: the message is the sub-device's
    if ('productKey' in parsed) m.s = gateway.sessionFor(s, parsed.productKey, parsed.deviceName) ?? s
    hub.metrics.message('up', m.s, m.payload.length, topicClassOf(m.topic, m.s), m.at.getTime())
    // 3. the device→cloud message itself
    const logUp = record(m, {
      bizType: BizType.Uplink,
      operation: m.topic,
      code: 200,
      messageId: messageIdOf(text),
      content: { Content: text },
    })
    // data forwarding (forward/engine.ts): a synchronous hand-over into its bounded queue, never awaited here
    hub.emit('accepted', {
      productKey: m.s.productKey,
      deviceName: m.s.deviceName,
      topic: m.topic,
      payload: m.payload,
      traceId: m.traceId,
      messageId: messageIdOf(text),
      at: m.at,
    } satisfies AcceptedMessage)
    // 4. route
    // the product cache answers from memory (the ACL check above loaded it)
    const model = (await hub.products.get(m.s.productKey))?.thingModel
    const isReply = 'reply' in parsed && parsed.reply
    switch (
      parsed.kind === 'unknown' || parsed.kind === 'custom' || parsed.kind === 'rrpc.ext'
        ? parsed.kind
        : `${parsed.kind}${isReply ? '_reply' : ''}`
    ) {
      case 'property.post':
        await Promise.all([logUp, propertyPost(m, text, model)])
        break
      case 'event.post':
        await Promise.all([logUp, eventPost(m, text, (parsed as { identifier: string }).identifier, model)])
        break
      case 'property.set_reply':
        await Promise.all([logUp, deviceReply(m, text, 'property_set')])
        break
      case 'service_reply':
        await Promise.all([logUp, deviceReply(m, text, 'service')])
        break
      case 'rrpc.response':
        await Promise.all([logUp, rrpcResponse(m, text, (parsed as { messageId: string }).messageId)])
        break
      case 'ota.inform':
        await Promise.all([logUp, otaInform(m, text)])
        break
      case 'ota.progress':
        await Promise.all([logUp, ota.progress(m.s, text, m.traceId)])
        break
      case 'ota.firmware.get':
        await Promise.all([logUp, ota.firmwareGet(m.s, text, m.traceId, m.topic)])
        break
      case 'file.download':
        await Promise.all([logUp, ota.fileDownload(m.s, m.payload, m.traceId, m.topic)])
        break
      case 'deviceinfo.update':
      case 'deviceinfo.delete':
        await Promise.all([logUp, deviceInfo(m, text, parsed.kind === 'deviceinfo.update')])
        break
      case 'desired.get':
      case 'desired.delete':
        await Promise.all([logUp, desired(m, text, parsed.kind === 'desired.get')])
        break
      case 'topo.add':
      case 'topo.delete':
      case 'topo.get':
      case 'combine.login':
      case 'combine.logout':
        await Promise.all([logUp, topology(m, text, parsed.kind as keyof typeof TOPO_METHODS, s)])
        break
      case 'log.post':
        await Promise.all([logUp, deviceLogs(m, text)])
        break
      case 'log.config.get':
        await Promise.all([logUp, logSwitch(m, text)])
        break
      case 'config.get':
        await Promise.all([logUp, configGet(m, text)])
        break
      case 'diag.post':
        await Promise.all([logUp, networkStatus(m, text)])
        break
      case 'shadow.update':
        await Promise.all([logUp, shadow.update(m.s, text, m.traceId)])
        break
      case 'custom':
        await logUp
        break
      case 'unknown':
        await logUp
        await record(m, {
          bizType: BizType.Other,
          operation: m.topic,
          code: 6831,
          content: { Message: 'the topic is not an Alink topic this platform handles' },
        })
        break
      default:
        // a valid Alink topic whose feature arrives in a later version: logged, acknowledged, not processed
        await logUp
    }
    return {}
  }

  /**
   * The shared flow of property and event posts: parse, check against the thing model (a `ThingModel/check`
   * row with the code), store what passed, answer on `_reply` unless the device asked for no ack.
   */
  async function thingPost<R extends { ok: true } | { ok: false; code: number; message: string }>(
    m: Msg,
    text: string,
    method: string,
    validate: (params: unknown) => R,
    store: (v: Extract<R, { ok: true }>) => Promise<void>,
  ) {
    const check = (code: number, messageId: string | null, content: object) =>
      record(m, { bizType: BizType.ThingModel, operation: 'check', code, messageId, content })
    const req = parseAlinkRequest(text, method)
    if (!req.ok) {
      await check(req.code, null, { Message: req.message })
      await answer(m, method, req.id, req.code, req.message)
      return false
    }
    const { id, params } = req.request
    const ack = req.request.sys?.ack !== 0
    const v = validate(params)
    if (!v.ok) {
      await check(v.code, id, { Params: params, Message: v.message })
      if (ack) await answer(m, method, id, v.code, v.message)
      return false
    }
    await Promise.all([check(200, id, { Params: params }), store(v as Extract<R, { ok: true }>)])
    if (ack) await answer(m, method, id, 200, 'success')
    return true
  }

  async function propertyPost(m: Msg, text: string, model: ThingModel | undefined) {
    const at = m.at.getTime()
    hub.metrics.add(Metric.PropertyPosts, m.s.productKey, 1, at)
    const ok = await thingPost(
      m,
      text,
      'thing.event.property.post',
      (params) => validatePropertyPost(model ?? { modules: [] }, params),
      async (v) => {
        const values = v.values.map((x) => ({
          deviceId: m.s.deviceId,
          identifier: x.identifier,
          value: x.value,
          num: numericOf(model, x.identifier, x.value),
          ts: x.time !== undefined ? new Date(x.time) : m.at,
        }))
        await hub.state.properties(values)
        for (const x of values) {
          hub.metrics.rank(Rank.PropertyPosts, m.s.productKey, x.identifier, 1, at)
          if (x.num !== null) hub.metrics.property(m.s.productKey, m.s.deviceName, x.identifier, x.num, x.ts.getTime())
        }
        hub.emit('properties', {
          productKey: m.s.productKey,
          deviceName: m.s.deviceName,
          deviceId: m.s.deviceId,
          values,
        })
      },
    )
    if (!ok) hub.metrics.add(Metric.PropertyPostErrors, m.s.productKey, 1, at)
  }

  async function eventPost(m: Msg, text: string, identifier: string, model: ThingModel | undefined) {
    const at = m.at.getTime()
    const ok = await thingPost(
      m,
      text,
      `thing.event.${identifier}.post`,
      (params) => validateEventPost(model ?? { modules: [] }, identifier, params),
      async (v) => {
        const type = v.type
        hub.metrics.add(Metric.EventPosts, m.s.productKey, 1, at)
        hub.metrics.add(eventMetric[type], m.s.productKey, 1, at)
        hub.metrics.rank(deviceEventRank[type], m.s.productKey, m.s.deviceName, 1, at)
        hub.metrics.rank(eventRank[type], m.s.productKey, identifier, 1, at)
        await hub.state.event({
          ts: v.time ? new Date(v.time) : m.at,
          deviceId: m.s.deviceId,
          identifier,
          type: v.type,
          params: v.values,
        })
        hub.emit('event', {
          productKey: m.s.productKey,
          deviceName: m.s.deviceName,
          identifier,
          type: v.type,
          params: v.values,
        })
      },
    )
    if (!ok) {
      hub.metrics.add(Metric.EventPostErrors, m.s.productKey, 1, at)
      hub.metrics.rank(Rank.EventErrors, m.s.productKey, identifier, 1, at)
    }
  }

  /** Replies to property set and async service calls: stored on the call and broadcast to waiting callers. */
  async function deviceReply(m: Msg, text: string, kind: 'service' | 'property_set') {
    let body: { id?: unknown; code?: unknown; data?: unknown; message?: unknown }
    try {
      body = JSON.parse(text)
    } catch {
      await record(m, {
        bizType: BizType.ThingService,
        operation: 'reply',
        code: 6207,
        content: { Message: 'reply is not JSON' },
      })
      return
    }
    const id = String(body.id ?? '')
    const code = Number(body.code ?? 0)
    const r: DeviceReply = {
      productKey: m.s.productKey,
      deviceName: m.s.deviceName,
      id,
      kind,
      code,
      data: body.data ?? null,
      message: typeof body.message === 'string' ? body.message : undefined,
      traceId: m.traceId,
    }
    await Promise.all([
      storeReply(m, r),
      record(m, {
        bizType: BizType.ThingService,
        operation: 'reply',
        code,
        messageId: id,
        content: { ResultData: r.data, Message: r.message },
      }),
    ])
    hub.broadcastReply(r)
  }

  /** Stores a device's answer on its call and counts it: failures per identifier, round-trip time. */
  async function storeReply(m: Msg, r: DeviceReply) {
    const { rows } = await hub.db.pool.query<{ method: string; identifier: string; params: unknown; ts: Date }>(
      `UPDATE service_call SET code = $2, output = $3, message = $4, replied_at = now() WHERE id = $1 AND device_id = $5
       RETURNING method, identifier, params, ts`,
      [r.id, r.code, JSON.stringify(r.data), r.message ?? null, m.s.deviceId],
    )
    const c = rows[0]
    if (c)
      hub.metrics.commandResult(
        m.s,
        c.method,
        commandIdentifiers(c.method, c.identifier, c.params),
        r.code,
        m.at.getTime() - c.ts.getTime(),
        m.at.getTime(),
      )
  }

  async function rrpcResponse(m: Msg, text: string, messageId: string) {
    let body: { id?: unknown; code?: unknown; data?: unknown; message?: unknown } | null = null
    try {
      body = JSON.parse(text)
    } catch {
      // raw RRPC (not Alink): the payload is the answer
    }
    const r: DeviceReply = {
      productKey: m.s.productKey,
      deviceName: m.s.deviceName,
      id: messageId,
      kind: 'rrpc',
      code: body && typeof body === 'object' && 'code' in body ? Number(body.code) : 200,
      data: body && typeof body === 'object' && 'data' in body ? body.data : text,
      message: body && typeof body?.message === 'string' ? body.message : undefined,
      traceId: m.traceId,
    }
    await storeReply(m, r)
    hub.broadcastReply(r)
  }

  /** /ota/device/inform: {id, params: {version, module?}} — the firmware version of one OTA module. */
  async function otaInform(m: Msg, text: string) {
    let body: { id?: string; params?: { version?: unknown; module?: unknown } }
    try {
      body = JSON.parse(text)
    } catch {
      body = {}
    }
    const version = body.params?.version
    const module = typeof body.params?.module === 'string' && body.params.module ? body.params.module : 'default'
    if (typeof version !== 'string' || !version || version.length > 64) {
      await record(m, {
        bizType: BizType.OTA,
        operation: 'OTAVersionReport',
        code: 1004,
        content: { Message: 'params.version must be a string of 1–64 characters', Content: text },
      })
      return
    }
    await hub.db.pool.query(
      `UPDATE device SET firmware = firmware || jsonb_build_object($2::text, $3::text), updated_at = now() WHERE id = $1`,
      [m.s.deviceId, module, version],
    )
    await record(m, {
      bizType: BizType.OTA,
      operation: 'OTAVersionReport',
      code: 200,
      messageId: body.id ?? null,
      content: { Params: { module, version } },
    })
    // OTA tasks: success at the target version, failure at an unexpected one, dynamic batches matching
    await ota.inform(m.s, module, version, m.traceId)
  }

  /** /thing/log/post: the device's local logs, stored for the log service (issue: device local logs). */
  async function deviceLogs(m: Msg, text: string) {
    const method = 'thing.log.post'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) return answer(m, method, req.id, req.code, req.message)
    const r = parseDeviceLogs(req.request.params, m.at, { productKey: m.s.productKey, deviceName: m.s.deviceName })
    if (!r.ok) return answer(m, method, req.request.id, 460, r.message)
    for (const x of r.records) hub.logDump.offerDeviceLog(x)
    await Promise.all(r.records.map((x) => hub.deviceLogs.pushAndWait(x)))
    await answer(m, method, req.request.id, 200, 'success')
  }

  /** /thing/config/log/get: the device asks whether to upload its local logs (`{mode: 1 | 0}`). */
  async function logSwitch(m: Msg, text: string) {
    const method = 'thing.config.log.get'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) return answer(m, method, req.id, req.code, req.message)
    const { rows } = await hub.db.pool.query<{ log_upload: boolean }>('SELECT log_upload FROM device WHERE id = $1', [
      m.s.deviceId,
    ])
    await answer(m, method, req.request.id, 200, 'success', { mode: rows[0]?.log_upload ? 1 : 0 })
  }

  /** /thing/config/get: the device asks for its remote configuration (ref §9; 6713 switch off, 6710 nothing saved). */
  async function configGet(m: Msg, text: string) {
    const method = 'thing.config.get'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) return answer(m, method, req.id, req.code, req.message)
    const r = await deviceConfigGet(hub.db, m.s, m.at.getTime())
    await record(m, {
      bizType: BizType.RemoteConfig,
      operation: 'ConfigGet',
      code: r.code,
      messageId: req.request.id,
      content: r.code === 200 ? { ResultData: { configId: r.configId } } : { Message: r.message },
    })
    await answer(m, method, req.request.id, r.code, r.message, r.data)
  }

  /** /_thing/diag/post: the network status of a Wi-Fi device. */
  async function networkStatus(m: Msg, text: string) {
    const method = 'thing.diag.post'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) return answer(m, method, req.id, req.code, req.message)
    const r = parseNetworkStatus(req.request.params)
    if (!r.ok) return answer(m, method, req.request.id, 460, r.message)
    await storeNetworkStatus(hub.db, m.s.deviceId, r.status, m.at)
    await answer(m, method, req.request.id, 200, 'success')
  }

  /** /thing/deviceinfo/update|delete: device tags, {params: [{attrKey, attrValue}]} */
  async function deviceInfo(m: Msg, text: string, update: boolean) {
    const method = update ? 'thing.deviceinfo.update' : 'thing.deviceinfo.delete'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) {
      await answer(m, method, req.id, req.code, req.message)
      return
    }
    const items = Array.isArray(req.request.params)
      ? (req.request.params as { attrKey?: unknown; attrValue?: unknown }[])
      : []
    const bad = items.find(
      (i) =>
        typeof i.attrKey !== 'string' ||
        !/^[A-Za-z][A-Za-z0-9_]{1,29}$/.test(i.attrKey) ||
        (update && (typeof i.attrValue !== 'string' || i.attrValue.length > 128)),
    )
    if (bad || items.length === 0) {
      const message =
        'params must be a list of {attrKey: 2–30 letters/digits/_ starting with a letter, attrValue: ≤128 characters}'
      await answer(m, method, req.request.id, 460, message)
      return
    }
    if (update) {
      for (const i of items) {
        await hub.db.prisma.deviceTag.upsert({
          where: { deviceId_key: { deviceId: m.s.deviceId, key: i.attrKey as string } },
          create: { deviceId: m.s.deviceId, key: i.attrKey as string, value: i.attrValue as string },
          update: { value: i.attrValue as string },
        })
      }
    } else {
      await hub.db.prisma.deviceTag.deleteMany({
        where: { deviceId: m.s.deviceId, key: { in: items.map((i) => i.attrKey as string) } },
      })
    }
    await answer(m, method, req.request.id, 200, 'success')
  }

  /** /thing/property/desired/get|delete: params is a list of identifiers (get) or {id: {version?}} (delete). */
  async function desired(m: Msg, text: string, get: boolean) {
    const method = get ? 'thing.property.desired.get' : 'thing.property.desired.delete'
    const req = parseAlinkRequest(text, method)
    if (!req.ok) {
      await answer(m, method, req.id, req.code, req.message)
      return
    }
    const p = req.request.params
    if (get) {
      const ids = Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : []
      const rows = await hub.db.prisma.desiredProperty.findMany({
        where: { deviceId: m.s.deviceId, ...(ids.length ? { identifier: { in: ids } } : {}) },
      })
      const data = Object.fromEntries(rows.map((r) => [r.identifier, { value: r.value, version: r.version }]))
      await answer(m, method, req.request.id, 200, 'success', data)
    } else {
      const ids = p && typeof p === 'object' && !Array.isArray(p) ? Object.keys(p) : []
      await hub.db.prisma.desiredProperty.deleteMany({ where: { deviceId: m.s.deviceId, identifier: { in: ids } } })
      await answer(m, method, req.request.id, 200, 'success')
    }
  }

  const TOPO_METHODS = {
    'topo.add': 'thing.topo.add',
    'topo.delete': 'thing.topo.delete',
    'topo.get': 'thing.topo.get',
    'combine.login': 'combine.login',
    'combine.logout': 'combine.logout',
  } as const

  /** Gateway topology and sub-device sessions; the gateway's own session `gw` is the one that changes. */
  async function topology(m: Msg, text: string, kind: keyof typeof TOPO_METHODS, gw: DeviceSession) {
    const method = TOPO_METHODS[kind]
    const req = parseAlinkRequest(text, method)
    if (!req.ok) {
      await answer(m, method, req.id, req.code, req.message)
      return
    }
    const params = req.request.params
    const out =
      kind === 'topo.add'
        ? await gateway.topoAdd(gw, params)
        : kind === 'topo.delete'
          ? await gateway.topoDelete(gw, params)
          : kind === 'topo.get'
            ? await gateway.topoGet(gw)
            : kind === 'combine.login'
              ? await gateway.login(gw, params)
              : await gateway.logout(gw, params)
    await record(m, {
      bizType: BizType.ThingTopo,
      operation: method,
      code: out.code,
      messageId: req.request.id,
      content: { Params: params, Message: out.message },
    })
    await answer(m, method, req.request.id, out.code, out.message, out.data ?? {})
  }

  return { uplink, subDeviceOffline: gateway.offline, ota }
}
export type Pipeline = ReturnType<typeof createPipeline>

/** An Alink request, or the reply code (6207 format, 6450 method missing, 6300 wrong method) and message. */
function parseAlinkRequest(
  text: string,
  expectedMethod?: string,
): { ok: true; request: TAlinkRequest } | { ok: false; code: number; message: string; id?: string } {
  const r = parseAlink(text, { expectedMethod, methodOptional: expectedMethod === undefined })
  return r.ok
    ? { ok: true, request: r.value }
    : { ok: false, code: r.error.code, message: r.error.message, id: r.error.id }
}

function messageIdOf(text: string): string | null {
  const m = /"id"\s*:\s*"?(\d{1,20})"?/.exec(text.slice(0, 200))
  return m ? m[1]! : null
}

function numericOf(model: ThingModel | undefined, identifier: string, value: unknown): number | null {
  const p = model ? findProperty(model, identifier) : undefined
  return p ? numericValue(p.dataType, value) : null
}
