/**
 * The Alink topic grammar: parsing, building, and the per-device access rules (ACL).
 *
 * Every topic string of the protocol is defined once, in `DEFINITIONS` below. Sources:
 * DESIGN.md "Contract → Device protocol", the reference manual (§8.3 OTA topics, §9 remote
 * configuration topics, §11.1 secure tunnel notify, §7.1 code 71035 job topics) and the reference
 * Link SDKs (property batch post, raw model data, `/ext/rrpc/...` synchronous calls, NTP, gateway
 * session topics).
 *
 * Direction is seen from the device: `up` = the device publishes, `down` = the platform publishes
 * and the device subscribes. A `_reply` topic flips the direction of its request topic.
 */
import { Codes } from './codes'

export type Direction = 'up' | 'down'

/** System topics without a variable part besides productKey/deviceName. */
export type PlainSystemKind =
  | 'property.post'
  | 'property.batch.post'
  | 'property.pack.post'
  | 'property.history.post'
  | 'property.set'
  | 'property.get'
  | 'desired.get'
  | 'desired.delete'
  | 'config.get'
  | 'config.push'
  | 'log.post'
  | 'log.config.get'
  | 'log.config.push'
  | 'diag.post'
  | 'deviceinfo.update'
  | 'deviceinfo.delete'
  | 'ota.firmware.get'
  | 'ota.inform'
  | 'ota.upgrade'
  | 'ota.progress'
  | 'model.up_raw'
  | 'model.down_raw'
  | 'topo.add'
  | 'topo.delete'
  | 'topo.get'
  | 'topo.change'
  | 'sub.register'
  | 'combine.login'
  | 'combine.logout'
  | 'combine.batch_login'
  | 'combine.batch_logout'
  | 'tunnel.notify'
  | 'tunnel.proxy.request'
  | 'shadow.update'
  | 'shadow.get'
  | 'ntp.request'
  | 'ntp.response'
  | 'file.download'

/** System topics carrying a thing-model identifier (may be `module:identifier`). */
export type IdentifiedSystemKind = 'event.post' | 'service'
/** RRPC topics carrying the message id. */
export type RrpcKind = 'rrpc.request' | 'rrpc.response'
export type SystemTopicKind = PlainSystemKind | IdentifiedSystemKind | RrpcKind

interface Owned {
  productKey: string
  deviceName: string
}

export interface PlainSystemTopic extends Owned {
  kind: PlainSystemKind
  reply: boolean
  direction: Direction
  /** The Alink `method` of the request, when the protocol defines one. */
  method?: string
}

export interface IdentifiedSystemTopic extends Owned {
  kind: IdentifiedSystemKind
  /** Thing-model identifier; `moduleId:identifier` for custom modules. */
  identifier: string
  reply: boolean
  direction: Direction
  method: string
}

export interface RrpcTopic extends Owned {
  kind: RrpcKind
  /** The RRPC message id from the topic (the platform's request id). */
  messageId: string
  reply: false
  direction: Direction
}

export interface CustomTopic extends Owned {
  kind: 'custom'
  /** Everything after `/{pk}/{dn}/user/`, e.g. `update` or `get/status`. */
  suffix: string
}

/**
 * Link SDK synchronous call: `/ext/rrpc/{rrpcId}/{inner topic}`. The platform publishes the
 * request and the device answers on the same topic.
 */
export interface ExtRrpcTopic extends Owned {
  kind: 'rrpc.ext'
  rrpcId: string
  inner: IdentifiedSystemTopic | PlainSystemTopic | CustomTopic
}

export interface UnknownTopic {
  kind: 'unknown'
  topic: string
  reason: string
}

export type SystemTopic = PlainSystemTopic | IdentifiedSystemTopic | RrpcTopic
export type ParsedTopic = SystemTopic | CustomTopic | ExtRrpcTopic | UnknownTopic

// ---------------------------------------------------------------------------------------------
// Definitions: the one place where topic strings live
// ---------------------------------------------------------------------------------------------

type Capture = 'pk' | 'dn' | 'id' | 'msgId'

interface Definition {
  kind: SystemTopicKind
  pattern: string
  direction: Direction
  /** A `<last level>_reply` topic exists, in the opposite direction. */
  replyable: boolean
  method?: string | ((identifier: string) => string)
}

const DEFINITIONS: readonly Definition[] = [
  // Thing model: properties and events (up). Alink methods per DESIGN.md contract.
  {
    kind: 'property.post',
    pattern: '/sys/{pk}/{dn}/thing/event/property/post',
    direction: 'up',
    replyable: true,
    method: 'thing.event.property.post',
  },
  {
    kind: 'property.batch.post',
    pattern: '/sys/{pk}/{dn}/thing/event/property/batch/post',
    direction: 'up',
    replyable: true,
    method: 'thing.event.property.batch.post',
  },
  {
    kind: 'property.pack.post',
    pattern: '/sys/{pk}/{dn}/thing/event/property/pack/post',
    direction: 'up',
    replyable: true,
    method: 'thing.event.property.pack.post',
  },
  {
    kind: 'property.history.post',
    pattern: '/sys/{pk}/{dn}/thing/event/property/history/post',
    direction: 'up',
    replyable: true,
    method: 'thing.event.property.history.post',
  },
  {
    kind: 'event.post',
    pattern: '/sys/{pk}/{dn}/thing/event/{id}/post',
    direction: 'up',
    replyable: true,
    method: (id) => `thing.event.${id}.post`,
  },
  // Thing model: property set/get and services (down).
  {
    kind: 'property.set',
    pattern: '/sys/{pk}/{dn}/thing/service/property/set',
    direction: 'down',
    replyable: true,
    method: 'thing.service.property.set',
  },
  {
    kind: 'property.get',
    pattern: '/sys/{pk}/{dn}/thing/service/property/get',
    direction: 'down',
    replyable: true,
    method: 'thing.service.property.get',
  },
  {
    kind: 'service',
    pattern: '/sys/{pk}/{dn}/thing/service/{id}',
    direction: 'down',
    replyable: true,
    method: (id) => `thing.service.${id}`,
  },
  // Desired properties (up, the device asks).
  {
    kind: 'desired.get',
    pattern: '/sys/{pk}/{dn}/thing/property/desired/get',
    direction: 'up',
    replyable: true,
    method: 'thing.property.desired.get',
  },
  {
    kind: 'desired.delete',
    pattern: '/sys/{pk}/{dn}/thing/property/desired/delete',
    direction: 'up',
    replyable: true,
    method: 'thing.property.desired.delete',
  },
  // RRPC (down request, up response; the message id is part of the topic).
  { kind: 'rrpc.request', pattern: '/sys/{pk}/{dn}/rrpc/request/{msgId}', direction: 'down', replyable: false },
  { kind: 'rrpc.response', pattern: '/sys/{pk}/{dn}/rrpc/response/{msgId}', direction: 'up', replyable: false },
  // Remote configuration (ref §9): get (up) and push (down).
  {
    kind: 'config.get',
    pattern: '/sys/{pk}/{dn}/thing/config/get',
    direction: 'up',
    replyable: true,
    method: 'thing.config.get',
  },
  {
    kind: 'config.push',
    pattern: '/sys/{pk}/{dn}/thing/config/push',
    direction: 'down',
    replyable: true,
    method: 'thing.config.push',
  },
  // Device local log (ref §7.2).
  {
    kind: 'log.post',
    pattern: '/sys/{pk}/{dn}/thing/log/post',
    direction: 'up',
    replyable: true,
    method: 'thing.log.post',
  },
  // The device-log upload switch: the device asks for it (up) and the cloud pushes changes (down); mode 1 on, 0 off.
  {
    kind: 'log.config.get',
    pattern: '/sys/{pk}/{dn}/thing/config/log/get',
    direction: 'up',
    replyable: true,
    method: 'thing.config.log.get',
  },
  {
    kind: 'log.config.push',
    pattern: '/sys/{pk}/{dn}/thing/config/log/push',
    direction: 'down',
    replyable: true,
    method: 'thing.config.log.push',
  },
  // Network status of Wi-Fi devices (the reference's device network status topic).
  {
    kind: 'diag.post',
    pattern: '/sys/{pk}/{dn}/_thing/diag/post',
    direction: 'up',
    replyable: true,
    method: 'thing.diag.post',
  },
  // Device tags.
  {
    kind: 'deviceinfo.update',
    pattern: '/sys/{pk}/{dn}/thing/deviceinfo/update',
    direction: 'up',
    replyable: true,
    method: 'thing.deviceinfo.update',
  },
  {
    kind: 'deviceinfo.delete',
    pattern: '/sys/{pk}/{dn}/thing/deviceinfo/delete',
    direction: 'up',
    replyable: true,
    method: 'thing.deviceinfo.delete',
  },
  // OTA (ref §8.3).
  {
    kind: 'ota.firmware.get',
    pattern: '/sys/{pk}/{dn}/thing/ota/firmware/get',
    direction: 'up',
    replyable: true,
    method: 'thing.ota.firmware.get',
  },
  { kind: 'ota.inform', pattern: '/ota/device/inform/{pk}/{dn}', direction: 'up', replyable: false },
  { kind: 'ota.upgrade', pattern: '/ota/device/upgrade/{pk}/{dn}', direction: 'down', replyable: false },
  { kind: 'ota.progress', pattern: '/ota/device/progress/{pk}/{dn}', direction: 'up', replyable: false },
  // Raw (custom-format) thing-model data, parsed by the product script (ref §7.1 script codes).
  { kind: 'model.up_raw', pattern: '/sys/{pk}/{dn}/thing/model/up_raw', direction: 'up', replyable: true },
  { kind: 'model.down_raw', pattern: '/sys/{pk}/{dn}/thing/model/down_raw', direction: 'down', replyable: true },
  // Gateways: topology and sub-device sessions.
  {
    kind: 'topo.add',
    pattern: '/sys/{pk}/{dn}/thing/topo/add',
    direction: 'up',
    replyable: true,
    method: 'thing.topo.add',
  },
  {
    kind: 'topo.delete',
    pattern: '/sys/{pk}/{dn}/thing/topo/delete',
    direction: 'up',
    replyable: true,
    method: 'thing.topo.delete',
  },
  {
    kind: 'topo.get',
    pattern: '/sys/{pk}/{dn}/thing/topo/get',
    direction: 'up',
    replyable: true,
    method: 'thing.topo.get',
  },
  {
    kind: 'topo.change',
    pattern: '/sys/{pk}/{dn}/thing/topo/change',
    direction: 'down',
    replyable: true,
    method: 'thing.topo.change',
  },
  {
    kind: 'sub.register',
    pattern: '/sys/{pk}/{dn}/thing/sub/register',
    direction: 'up',
    replyable: true,
    method: 'thing.sub.register',
  },
  { kind: 'combine.login', pattern: '/ext/session/{pk}/{dn}/combine/login', direction: 'up', replyable: true },
  { kind: 'combine.logout', pattern: '/ext/session/{pk}/{dn}/combine/logout', direction: 'up', replyable: true },
  {
    kind: 'combine.batch_login',
    pattern: '/ext/session/{pk}/{dn}/combine/batch_login',
    direction: 'up',
    replyable: true,
  },
  {
    kind: 'combine.batch_logout',
    pattern: '/ext/session/{pk}/{dn}/combine/batch_logout',
    direction: 'up',
    replyable: true,
  },
  // Secure tunnel (ref §11.1): the platform notifies, the device agent may ask for tunnel info.
  { kind: 'tunnel.notify', pattern: '/sys/{pk}/{dn}/secure_tunnel/notify', direction: 'down', replyable: true },
  {
    kind: 'tunnel.proxy.request',
    pattern: '/sys/{pk}/{dn}/secure_tunnel/proxy/request',
    direction: 'up',
    replyable: true,
  },
  // Device shadow.
  { kind: 'shadow.update', pattern: '/shadow/update/{pk}/{dn}', direction: 'up', replyable: false },
  { kind: 'shadow.get', pattern: '/shadow/get/{pk}/{dn}', direction: 'down', replyable: false },
  // NTP time sync (Link SDK ntp module).
  { kind: 'ntp.request', pattern: '/ext/ntp/{pk}/{dn}/request', direction: 'up', replyable: false },
  { kind: 'ntp.response', pattern: '/ext/ntp/{pk}/{dn}/response', direction: 'down', replyable: false },
  // MQTT download of OTA package files (Link SDK mqtt_download); `_reply` carries the bytes.
  { kind: 'file.download', pattern: '/sys/{pk}/{dn}/thing/file/download', direction: 'up', replyable: true },
]

/** Kinds only a gateway uses on its own topics (never on behalf of a sub-device). */
const GATEWAY_OWN_KINDS: ReadonlySet<SystemTopicKind> = new Set([
  'topo.add',
  'topo.delete',
  'topo.get',
  'topo.change',
  'sub.register',
  'combine.login',
  'combine.logout',
  'combine.batch_login',
  'combine.batch_logout',
])

const REPLY_SUFFIX = '_reply'

type Segment = { literal: string } | { capture: Capture; suffix: string }

interface Template {
  definition: Definition
  reply: boolean
  direction: Direction
  segments: readonly Segment[]
}

function parsePattern(pattern: string, reply: boolean): Segment[] {
  const levels = pattern.split('/')
  return levels.map((level, i) => {
    const suffix = reply && i === levels.length - 1 ? REPLY_SUFFIX : ''
    const m = /^\{(pk|dn|id|msgId)\}$/.exec(level)
    if (m) return { capture: m[1] as Capture, suffix }
    return { literal: level + suffix }
  })
}

function buildTemplates(): Template[] {
  const out: Template[] = []
  for (const definition of DEFINITIONS) {
    // Reply templates first: `/thing/service/Foo_reply` is the reply of Foo, not a service "Foo_reply".
    if (definition.replyable) {
      out.push({
        definition,
        reply: true,
        direction: definition.direction === 'up' ? 'down' : 'up',
        segments: parsePattern(definition.pattern, true),
      })
    }
    out.push({
      definition,
      reply: false,
      direction: definition.direction,
      segments: parsePattern(definition.pattern, false),
    })
  }
  return out
}

const TEMPLATES = buildTemplates()

/** Templates indexed by "<first level>/<level count>" so parsing checks only a handful. */
const TEMPLATE_INDEX: ReadonlyMap<string, readonly Template[]> = (() => {
  const index = new Map<string, Template[]>()
  for (const t of TEMPLATES) {
    const first = t.segments[1]
    if (!first || !('literal' in first))
      throw new Error(`topic pattern must start with a literal: ${t.definition.pattern}`)
    const key = `${first.literal}/${t.segments.length}`
    const list = index.get(key) ?? []
    list.push(t)
    index.set(key, list)
  }
  return index
})()

const DEFINITION_BY_KIND: ReadonlyMap<SystemTopicKind, Definition> = new Map(DEFINITIONS.map((d) => [d.kind, d]))

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** True when the string contains an MQTT wildcard character. */
export function hasWildcard(topic: string): boolean {
  return topic.includes('+') || topic.includes('#')
}

function matchTemplate(template: Template, levels: readonly string[]): Partial<Record<Capture, string>> | null {
  const captures: Partial<Record<Capture, string>> = {}
  for (let i = 0; i < template.segments.length; i++) {
    const seg = template.segments[i] as Segment
    const level = levels[i] as string
    if ('literal' in seg) {
      if (level !== seg.literal) return null
      continue
    }
    if (!level.endsWith(seg.suffix)) return null
    const value = seg.suffix === '' ? level : level.slice(0, -seg.suffix.length)
    if (value === '') return null
    // Identifiers never end in "_reply" (tsl rule), so such a level is always a reply topic.
    if (seg.capture === 'id' && seg.suffix === '' && value.endsWith(REPLY_SUFFIX)) return null
    captures[seg.capture] = value
  }
  return captures
}

function toSystemTopic(template: Template, c: Partial<Record<Capture, string>>): SystemTopic {
  const { definition, reply, direction } = template
  const productKey = c.pk as string
  const deviceName = c.dn as string
  const kind = definition.kind
  if (kind === 'rrpc.request' || kind === 'rrpc.response') {
    return { kind, productKey, deviceName, messageId: c.msgId as string, reply: false, direction }
  }
  if (kind === 'event.post' || kind === 'service') {
    const identifier = c.id as string
    const method = typeof definition.method === 'function' ? definition.method(identifier) : `${definition.method}`
    return { kind, productKey, deviceName, identifier, reply, direction, method }
  }
  const topic: PlainSystemTopic = { kind, productKey, deviceName, reply, direction }
  if (typeof definition.method === 'string') topic.method = definition.method
  return topic
}

function unknown(topic: string, reason: string): UnknownTopic {
  return { kind: 'unknown', topic, reason }
}

function parseSystem(levels: readonly string[]): SystemTopic | null {
  const candidates = TEMPLATE_INDEX.get(`${levels[1]}/${levels.length}`)
  if (!candidates) return null
  for (const template of candidates) {
    const captures = matchTemplate(template, levels)
    if (captures) return toSystemTopic(template, captures)
  }
  return null
}

function parseCustom(levels: readonly string[]): CustomTopic | null {
  // /{pk}/{dn}/user/{suffix...}
  if (levels.length < 5 || levels[3] !== 'user') return null
  const productKey = levels[1] as string
  const deviceName = levels[2] as string
  const rest = levels.slice(4)
  if (productKey === '' || deviceName === '' || rest.some((l) => l === '')) return null
  return { kind: 'custom', productKey, deviceName, suffix: rest.join('/') }
}

function parseExtRrpc(topic: string, levels: readonly string[]): ExtRrpcTopic | UnknownTopic {
  // /ext/rrpc/{rrpcId}/{inner topic...}
  const rrpcId = levels[3] ?? ''
  if (rrpcId === '' || levels.length < 6) return unknown(topic, 'ext rrpc topic without an id or an inner topic')
  const innerLevels = ['', ...levels.slice(4)]
  const inner = parseSystem(innerLevels) ?? parseCustom(innerLevels)
  if (!inner) return unknown(topic, 'ext rrpc wraps a topic that is neither a service topic nor a custom topic')
  const allowed =
    inner.kind === 'custom' ||
    (!inner.reply &&
      (inner.kind === 'service' ||
        inner.kind === 'property.set' ||
        inner.kind === 'property.get' ||
        inner.kind === 'model.down_raw'))
  if (!allowed) return unknown(topic, `ext rrpc cannot wrap a ${inner.kind} topic`)
  return {
    kind: 'rrpc.ext',
    rrpcId,
    productKey: inner.productKey,
    deviceName: inner.deviceName,
    inner: inner as IdentifiedSystemTopic | PlainSystemTopic | CustomTopic,
  }
}

/**
 * Parses a concrete topic (no wildcards). Anything outside the grammar is `{ kind: 'unknown' }`,
 * which the router reports as 6831 (topic not defined by Alink, ref §7.1).
 */
export function parseTopic(topic: string): ParsedTopic {
  if (topic === '' || topic.includes('\u0000')) return unknown(topic, 'empty topic or NUL character')
  if (hasWildcard(topic)) return unknown(topic, 'a topic filter with wildcards is not a concrete topic')
  if (!topic.startsWith('/')) return unknown(topic, 'Alink topics start with "/"')
  const levels = topic.split('/')
  if (levels[1] === 'ext' && levels[2] === 'rrpc') return parseExtRrpc(topic, levels)
  const system = parseSystem(levels)
  if (system) return system
  return (
    parseCustom(levels) ?? unknown(topic, 'not an Alink system topic nor a /{productKey}/{deviceName}/user/... topic')
  )
}

/** The `_reply` topic of a request topic. */
export function reply(topic: string): string {
  return `${topic}${REPLY_SUFFIX}`
}

/** The request topic of a `_reply` topic (the topic itself when it is not a reply). */
export function requestTopicOf(topic: string): string {
  return topic.endsWith(REPLY_SUFFIX) ? topic.slice(0, -REPLY_SUFFIX.length) : topic
}

/** The Alink `method` a payload on this topic should carry (undefined when the protocol has none). */
export function methodForTopic(parsed: ParsedTopic): string | undefined {
  switch (parsed.kind) {
    case 'unknown':
    case 'custom':
    case 'rrpc.request':
    case 'rrpc.response':
      return undefined
    case 'rrpc.ext':
      return parsed.inner.kind === 'custom' ? undefined : parsed.inner.method
    default:
      return parsed.method
  }
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

function checkLevel(name: string, value: string): string {
  if (value === '' || /[/+#]/.test(value) || value.includes('\u0000')) {
    throw new TypeError(`${name} "${value}" cannot be used in a topic (empty, or contains / + # or NUL)`)
  }
  return value
}

function formatKind(kind: SystemTopicKind, pk: string, dn: string, variable?: string): string {
  const definition = DEFINITION_BY_KIND.get(kind)
  if (!definition) throw new TypeError(`unknown topic kind ${kind}`)
  return definition.pattern
    .replace('{pk}', checkLevel('productKey', pk))
    .replace('{dn}', checkLevel('deviceName', dn))
    .replace('{id}', () => checkLevel('identifier', variable ?? ''))
    .replace('{msgId}', () => checkLevel('messageId', variable ?? ''))
}

/** Builds the topic of a system kind; `variable` is the identifier or RRPC message id when the kind has one. */
export function formatSystemTopic(
  kind: SystemTopicKind,
  productKey: string,
  deviceName: string,
  variable?: string,
): string {
  return formatKind(kind, productKey, deviceName, variable)
}

/** Every topic string of the protocol, built in one place. Use `reply(topic)` for `_reply` topics. */
export const topics = {
  propertyPost: (pk: string, dn: string) => formatKind('property.post', pk, dn),
  propertyBatchPost: (pk: string, dn: string) => formatKind('property.batch.post', pk, dn),
  propertyPackPost: (pk: string, dn: string) => formatKind('property.pack.post', pk, dn),
  propertyHistoryPost: (pk: string, dn: string) => formatKind('property.history.post', pk, dn),
  eventPost: (pk: string, dn: string, identifier: string) => formatKind('event.post', pk, dn, identifier),
  propertySet: (pk: string, dn: string) => formatKind('property.set', pk, dn),
  propertyGet: (pk: string, dn: string) => formatKind('property.get', pk, dn),
  service: (pk: string, dn: string, identifier: string) => formatKind('service', pk, dn, identifier),
  desiredGet: (pk: string, dn: string) => formatKind('desired.get', pk, dn),
  desiredDelete: (pk: string, dn: string) => formatKind('desired.delete', pk, dn),
  rrpcRequest: (pk: string, dn: string, messageId: string) => formatKind('rrpc.request', pk, dn, messageId),
  rrpcResponse: (pk: string, dn: string, messageId: string) => formatKind('rrpc.response', pk, dn, messageId),
  /** `/ext/rrpc/{rrpcId}{topic}` — synchronous call wrapper of the Link SDK (ext=1 or 3 in the clientId). */
  extRrpc: (rrpcId: string, topic: string) => {
    if (!topic.startsWith('/')) throw new TypeError(`ext rrpc inner topic must start with "/": ${topic}`)
    return `/ext/rrpc/${checkLevel('rrpcId', rrpcId)}${topic}`
  },
  configGet: (pk: string, dn: string) => formatKind('config.get', pk, dn),
  configPush: (pk: string, dn: string) => formatKind('config.push', pk, dn),
  logPost: (pk: string, dn: string) => formatKind('log.post', pk, dn),
  diagPost: (pk: string, dn: string) => formatKind('diag.post', pk, dn),
  logConfigGet: (pk: string, dn: string) => formatKind('log.config.get', pk, dn),
  logConfigPush: (pk: string, dn: string) => formatKind('log.config.push', pk, dn),
  deviceInfoUpdate: (pk: string, dn: string) => formatKind('deviceinfo.update', pk, dn),
  deviceInfoDelete: (pk: string, dn: string) => formatKind('deviceinfo.delete', pk, dn),
  otaFirmwareGet: (pk: string, dn: string) => formatKind('ota.firmware.get', pk, dn),
  otaInform: (pk: string, dn: string) => formatKind('ota.inform', pk, dn),
  otaUpgrade: (pk: string, dn: string) => formatKind('ota.upgrade', pk, dn),
  otaProgress: (pk: string, dn: string) => formatKind('ota.progress', pk, dn),
  upRaw: (pk: string, dn: string) => formatKind('model.up_raw', pk, dn),
  downRaw: (pk: string, dn: string) => formatKind('model.down_raw', pk, dn),
  topoAdd: (pk: string, dn: string) => formatKind('topo.add', pk, dn),
  topoDelete: (pk: string, dn: string) => formatKind('topo.delete', pk, dn),
  topoGet: (pk: string, dn: string) => formatKind('topo.get', pk, dn),
  topoChange: (pk: string, dn: string) => formatKind('topo.change', pk, dn),
  subRegister: (pk: string, dn: string) => formatKind('sub.register', pk, dn),
  combineLogin: (pk: string, dn: string) => formatKind('combine.login', pk, dn),
  combineLogout: (pk: string, dn: string) => formatKind('combine.logout', pk, dn),
  combineBatchLogin: (pk: string, dn: string) => formatKind('combine.batch_login', pk, dn),
  combineBatchLogout: (pk: string, dn: string) => formatKind('combine.batch_logout', pk, dn),
  tunnelNotify: (pk: string, dn: string) => formatKind('tunnel.notify', pk, dn),
  tunnelProxyRequest: (pk: string, dn: string) => formatKind('tunnel.proxy.request', pk, dn),
  shadowUpdate: (pk: string, dn: string) => formatKind('shadow.update', pk, dn),
  shadowGet: (pk: string, dn: string) => formatKind('shadow.get', pk, dn),
  ntpRequest: (pk: string, dn: string) => formatKind('ntp.request', pk, dn),
  ntpResponse: (pk: string, dn: string) => formatKind('ntp.response', pk, dn),
  /** MQTT file download (OTA packages over MQTT, Link SDK mqtt_download); the reply is binary */
  fileDownload: (pk: string, dn: string) => formatKind('file.download', pk, dn),
  /** `/{pk}/{dn}/user/{suffix}`; the suffix may have several levels but no wildcard. */
  custom: (pk: string, dn: string, suffix: string) => {
    const levels = suffix.replace(/^\//, '').split('/')
    for (const level of levels) checkLevel('custom topic level', level)
    return `/${checkLevel('productKey', pk)}/${checkLevel('deviceName', dn)}/user/${levels.join('/')}`
  },
  reply,
} as const

/**
 * Downlink filters the platform subscribes on behalf of a device that connects with `_ss=1`
 * (Link SDK 4.x registers these topics locally and expects server-side subscription).
 * Caveat: `/sys/{pk}/{dn}/thing/service/+` also matches the device's own `…/{id}_reply` uplinks,
 * so the broker must not forward device-uplink system topics back to MQTT subscribers.
 */
export function serverSideSubscriptions(productKey: string, deviceName: string): string[] {
  const pk = checkLevel('productKey', productKey)
  const dn = checkLevel('deviceName', deviceName)
  const filters: string[] = []
  for (const t of TEMPLATES) {
    if (t.direction !== 'down') continue
    const levels = t.segments.map((s) => {
      if ('literal' in s) return s.literal
      if (s.capture === 'pk') return pk
      if (s.capture === 'dn') return dn
      return '+'
    })
    filters.push(levels.join('/'))
  }
  filters.push(`/ext/rrpc/+/sys/${pk}/${dn}/thing/service/+`)
  return [...new Set(filters)]
}

// ---------------------------------------------------------------------------------------------
// MQTT filter helpers
// ---------------------------------------------------------------------------------------------

/**
 * Topic filter syntax: `#` only as the whole last level [MQTT-4.7.1-2], `+` only as a whole
 * level [MQTT-4.7.1-3], non-empty [MQTT-4.7.3-1], no NUL [MQTT-4.7.3-2].
 */
export function isValidTopicFilter(filter: string): boolean {
  if (filter === '' || filter.includes('\u0000')) return false
  const levels = filter.split('/')
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1
    if (level.includes('+')) return level === '+'
    return true
  })
}

/** MQTT matching of a concrete topic against a filter ([MQTT-4.7.1-2], [MQTT-4.7.1-3]). */
export function topicMatches(filter: string, topic: string): boolean {
  return filterWithin(topic.split('/'), filter.split('/'))
}

/**
 * True when every topic matched by `inner` is also matched by `outer` (both are filters; a
 * concrete topic is a filter without wildcards). `a/#` also matches `a` itself [MQTT-4.7.1-2].
 */
function filterWithin(inner: readonly string[], outer: readonly string[]): boolean {
  for (let i = 0; ; i++) {
    const o = outer[i]
    const f = inner[i]
    if (o === '#') return true
    if (f === undefined || o === undefined) return f === undefined && o === undefined
    if (f === '#') return false
    if (f === '+') {
      if (o !== '+') return false
      continue
    }
    if (o !== '+' && o !== f) return false
  }
}

// ---------------------------------------------------------------------------------------------
// Access control
// ---------------------------------------------------------------------------------------------

export type TopicOperation = 'PUB' | 'SUB' | 'ALL'

/** A product's custom topic class: `suffix` is what follows `/{pk}/{dn}/user/` and may hold `+`/`#`. */
export interface TopicClass {
  suffix: string
  operation: TopicOperation
}

export interface SubDeviceGrant {
  productKey: string
  deviceName: string
  /** The sub-device product's topic classes; without them its custom topics are closed to the gateway. */
  topicClasses?: readonly TopicClass[]
}

export interface TopicAccessRequest {
  topic: string
  action: 'publish' | 'subscribe'
  productKey: string
  deviceName: string
  topicClasses: readonly TopicClass[]
  /** Sub-devices currently attached to this gateway (topology), whose topics it may use (ref §8.4). */
  subDevices?: readonly SubDeviceGrant[]
}

export type TopicAccessDecision =
  | { allowed: true }
  | { allowed: false; code: typeof Codes.TOPIC_AUTH_FAILED; reason: string }

const ALLOW: TopicAccessDecision = { allowed: true }

function deny(reason: string): TopicAccessDecision {
  return { allowed: false, code: Codes.TOPIC_AUTH_FAILED, reason }
}

/**
 * Normalises a topic class suffix: accepts `update`, `/update`, or the console's full form
 * `/${productKey}/${deviceName}/user/update`. Returns null for an unusable suffix.
 */
export function normalizeTopicClassSuffix(suffix: string): string | null {
  let s = suffix.trim()
  const full = /^\/\$\{productKey\}\/\$\{deviceName\}\/user\//
  if (full.test(s)) s = s.replace(full, '')
  else s = s.replace(/^\//, '')
  if (s === '' || !isValidTopicFilter(s) || s.split('/').some((l) => l === '')) return null
  return s
}

/** Why a topic class suffix is unusable, or null when it is fine (for the API that creates classes). */
export function validateTopicClassSuffix(suffix: string): string | null {
  if (normalizeTopicClassSuffix(suffix) !== null) return null
  return `topic class "${suffix}" must be one or more non-empty levels after /{productKey}/{deviceName}/user/; "+" and "#" must fill a whole level and "#" must be last`
}

interface Identity {
  productKey: string
  deviceName: string
  self: boolean
  classes: readonly TopicClass[]
}

function identitiesOf(req: TopicAccessRequest): Identity[] {
  const list: Identity[] = [
    { productKey: req.productKey, deviceName: req.deviceName, self: true, classes: req.topicClasses },
  ]
  for (const sub of req.subDevices ?? []) {
    list.push({ productKey: sub.productKey, deviceName: sub.deviceName, self: false, classes: sub.topicClasses ?? [] })
  }
  return list
}

function findIdentity(ids: readonly Identity[], owned: Owned): Identity | undefined {
  return ids.find((i) => i.productKey === owned.productKey && i.deviceName === owned.deviceName)
}

function classAllows(identity: Identity, suffix: string, action: 'publish' | 'subscribe'): boolean {
  const needed: TopicOperation = action === 'publish' ? 'PUB' : 'SUB'
  const suffixLevels = suffix.split('/')
  return identity.classes.some((c) => {
    if (c.operation !== 'ALL' && c.operation !== needed) return false
    const classSuffix = normalizeTopicClassSuffix(c.suffix)
    return classSuffix !== null && filterWithin(suffixLevels, classSuffix.split('/'))
  })
}

function ownerDecision(parsed: Owned, ids: readonly Identity[], kind: string): Identity | string {
  const identity = findIdentity(ids, parsed)
  if (!identity) {
    return `topic belongs to ${parsed.productKey}/${parsed.deviceName}, which is neither this device nor one of its attached sub-devices`
  }
  if (!identity.self && GATEWAY_OWN_KINDS.has(kind as SystemTopicKind)) {
    return `${kind} topics are used by a gateway on its own productKey/deviceName only`
  }
  return identity
}

/** Decision for a concrete (wildcard-free) topic that parsed as a known topic. */
function knownTopicDecision(
  parsed: SystemTopic | CustomTopic | ExtRrpcTopic,
  action: 'publish' | 'subscribe',
  ids: readonly Identity[],
): TopicAccessDecision {
  const owner = ownerDecision(parsed, ids, parsed.kind)
  if (typeof owner === 'string') return deny(owner)
  if (parsed.kind === 'custom') {
    // Custom topics follow the product's topic classes (ref §7.1 code 9236).
    if (classAllows(owner, parsed.suffix, action)) return ALLOW
    return deny(
      `no topic class of ${owner.productKey} grants ${action === 'publish' ? 'PUB' : 'SUB'} on /user/${parsed.suffix}`,
    )
  }
  if (parsed.kind === 'rrpc.ext') {
    // The platform publishes the request and the device answers on the same topic.
    if (parsed.inner.kind === 'custom' && !classAllows(owner, parsed.inner.suffix, 'subscribe')) {
      return deny(`no topic class of ${owner.productKey} grants SUB on /user/${parsed.inner.suffix}`)
    }
    return ALLOW
  }
  // System topics: devices publish uplinks and subscribe to downlinks (ref §7.1 code 9236).
  const wanted: Direction = action === 'publish' ? 'up' : 'down'
  if (parsed.direction === wanted) return ALLOW
  const topicName = 'reply' in parsed && parsed.reply ? `${parsed.kind} reply` : parsed.kind
  return deny(
    action === 'publish'
      ? `${topicName} is a downlink topic: the device subscribes to it and cannot publish on it`
      : `${topicName} is an uplink topic: the device publishes on it and cannot subscribe to it`,
  )
}

/** Namespaces a device may subscribe to with wildcards: its own trees and its SUB topic classes. */
function subscribeRegions(identity: Identity): string[][] {
  const { productKey: pk, deviceName: dn } = identity
  const regions = [
    `/sys/${pk}/${dn}/#`,
    `/ota/device/+/${pk}/${dn}`,
    `/shadow/+/${pk}/${dn}`,
    `/ext/session/${pk}/${dn}/#`,
    `/ext/ntp/${pk}/${dn}/#`,
    `/ext/rrpc/+/sys/${pk}/${dn}/#`,
  ]
  for (const c of identity.classes) {
    if (c.operation === 'PUB') continue
    const suffix = normalizeTopicClassSuffix(c.suffix)
    if (suffix === null) continue
    regions.push(`/${pk}/${dn}/user/${suffix}`, `/ext/rrpc/+/${pk}/${dn}/user/${suffix}`)
  }
  return regions.map((r) => r.split('/'))
}

function withinOwnRegions(filter: string, ids: readonly Identity[]): boolean {
  const levels = filter.split('/')
  return ids.some((identity) => subscribeRegions(identity).some((region) => filterWithin(levels, region)))
}

function withinOwnSysTree(topic: string, ids: readonly Identity[]): boolean {
  const levels = topic.split('/')
  return ids.some((i) => filterWithin(levels, ['', 'sys', i.productKey, i.deviceName, '#']))
}

/**
 * Whether a device may publish to / subscribe to a topic. Rules (every denial is 9236, ref §7.1):
 *
 * 1. A device only touches its own productKey/deviceName, or those of sub-devices attached to it
 *    when it is a gateway (DESIGN.md contract; ref §8.4: a gateway uses the sub-device's topics).
 *    Topology and session topics are the gateway's own.
 * 2. System topics: publish uplinks (posts, replies to downlinks, RRPC responses, OTA inform/progress,
 *    firmware get, config get, log post, shadow update, …); subscribe to downlinks (replies to
 *    uplinks, property set/get, services, RRPC requests, config push, OTA upgrade, tunnel notify,
 *    shadow get, …) — ref §7.1 code 9236 "publish topics need publish rights, subscribe topics
 *    need subscribe rights".
 * 3. Custom topics `/{pk}/{dn}/user/…` follow the product's topic classes: PUB allows publishing,
 *    SUB subscribing, ALL both; class suffixes may contain `+`/`#`.
 * 4. A subscription filter with wildcards must stay inside the device's own namespaces (its
 *    `/sys/{pk}/{dn}/…` tree, its OTA/shadow/session/NTP/ext-rrpc topics, its SUB topic classes):
 *    `/sys/pk/dn/#` and `/sys/pk/dn/thing/service/+` are fine, `/sys/#` or `/sys/+/dn/…` are not.
 *    This is checked per namespace, so a filter spanning two classes is (conservatively) refused.
 * 5. A concrete topic in the device's own `/sys/{pk}/{dn}/` tree that the grammar does not know
 *    passes the ACL (it cannot reach another device); the router answers it with 6831.
 */
export function deviceTopicAccess(req: TopicAccessRequest): TopicAccessDecision {
  const { topic, action } = req
  if (topic === '' || topic.includes('\u0000')) return deny('empty topic or NUL character')
  const ids = identitiesOf(req)

  if (action === 'publish' && hasWildcard(topic)) {
    return deny('a PUBLISH topic cannot contain + or # [MQTT-3.3.2-2]')
  }
  if (action === 'subscribe' && !isValidTopicFilter(topic)) {
    return deny('malformed topic filter: + and # must fill a whole level and # must be last [MQTT-4.7.1-2/3]')
  }
  if (action === 'subscribe' && hasWildcard(topic)) {
    return withinOwnRegions(topic, ids)
      ? ALLOW
      : deny(`filter ${topic} can match topics outside this device's own topics`)
  }

  const parsed = parseTopic(topic)
  if (parsed.kind !== 'unknown') return knownTopicDecision(parsed, action, ids)
  if (withinOwnSysTree(topic, ids)) return ALLOW
  return deny(`${topic} is neither an Alink system topic of this device nor a custom /user/ topic`)
}
