import { describe, expect, it } from 'vitest'
import {
  deviceTopicAccess,
  formatSystemTopic,
  isValidTopicFilter,
  methodForTopic,
  normalizeTopicClassSuffix,
  parseTopic,
  reply,
  requestTopicOf,
  serverSideSubscriptions,
  type TopicAccessRequest,
  topicMatches,
  topics,
  validateTopicClassSuffix,
} from './topics'

const PK = 'a1B2c3D4e5F'
const DN = 'sensor-01'
const sys = (rest: string) => `/sys/${PK}/${DN}/${rest}`

describe('parseTopic: system topics', () => {
  it.each([
    [
      sys('thing/event/property/post'),
      { kind: 'property.post', reply: false, direction: 'up', method: 'thing.event.property.post' },
    ],
    [
      sys('thing/event/property/post_reply'),
      { kind: 'property.post', reply: true, direction: 'down', method: 'thing.event.property.post' },
    ],
    [sys('thing/event/property/batch/post'), { kind: 'property.batch.post', reply: false, direction: 'up' }],
    [
      sys('thing/service/property/set'),
      { kind: 'property.set', reply: false, direction: 'down', method: 'thing.service.property.set' },
    ],
    [sys('thing/service/property/set_reply'), { kind: 'property.set', reply: true, direction: 'up' }],
    [sys('thing/service/property/get'), { kind: 'property.get', reply: false, direction: 'down' }],
    [sys('thing/property/desired/get'), { kind: 'desired.get', reply: false, direction: 'up' }],
    [sys('thing/property/desired/delete_reply'), { kind: 'desired.delete', reply: true, direction: 'down' }],
    [sys('thing/config/get'), { kind: 'config.get', reply: false, direction: 'up', method: 'thing.config.get' }],
    [sys('thing/config/get_reply'), { kind: 'config.get', reply: true, direction: 'down' }],
    [sys('thing/config/push'), { kind: 'config.push', reply: false, direction: 'down' }],
    [sys('thing/log/post'), { kind: 'log.post', reply: false, direction: 'up' }],
    [sys('thing/deviceinfo/update'), { kind: 'deviceinfo.update', reply: false, direction: 'up' }],
    [sys('thing/deviceinfo/delete_reply'), { kind: 'deviceinfo.delete', reply: true, direction: 'down' }],
    [
      sys('thing/ota/firmware/get'),
      { kind: 'ota.firmware.get', reply: false, direction: 'up', method: 'thing.ota.firmware.get' },
    ],
    [sys('thing/ota/firmware/get_reply'), { kind: 'ota.firmware.get', reply: true, direction: 'down' }],
    [sys('secure_tunnel/notify'), { kind: 'tunnel.notify', reply: false, direction: 'down' }],
    [sys('thing/topo/add'), { kind: 'topo.add', reply: false, direction: 'up', method: 'thing.topo.add' }],
    [sys('thing/topo/get_reply'), { kind: 'topo.get', reply: true, direction: 'down' }],
    [sys('thing/model/up_raw'), { kind: 'model.up_raw', reply: false, direction: 'up' }],
    [`/ota/device/inform/${PK}/${DN}`, { kind: 'ota.inform', reply: false, direction: 'up' }],
    [`/ota/device/upgrade/${PK}/${DN}`, { kind: 'ota.upgrade', reply: false, direction: 'down' }],
    [`/ota/device/progress/${PK}/${DN}`, { kind: 'ota.progress', reply: false, direction: 'up' }],
    [`/shadow/update/${PK}/${DN}`, { kind: 'shadow.update', reply: false, direction: 'up' }],
    [`/shadow/get/${PK}/${DN}`, { kind: 'shadow.get', reply: false, direction: 'down' }],
    [`/ext/session/${PK}/${DN}/combine/login`, { kind: 'combine.login', reply: false, direction: 'up' }],
    [`/ext/session/${PK}/${DN}/combine/logout_reply`, { kind: 'combine.logout', reply: true, direction: 'down' }],
    [`/ext/ntp/${PK}/${DN}/request`, { kind: 'ntp.request', reply: false, direction: 'up' }],
  ])('%s', (topic, expected) => {
    expect(parseTopic(topic)).toMatchObject({ ...expected, productKey: PK, deviceName: DN })
  })

  it('parses events with their identifier and method, custom modules included', () => {
    expect(parseTopic(sys('thing/event/Error/post'))).toEqual({
      kind: 'event.post',
      productKey: PK,
      deviceName: DN,
      identifier: 'Error',
      reply: false,
      direction: 'up',
      method: 'thing.event.Error.post',
    })
    expect(parseTopic(sys('thing/event/fan:Overheat/post_reply'))).toMatchObject({
      kind: 'event.post',
      identifier: 'fan:Overheat',
      reply: true,
      direction: 'down',
      method: 'thing.event.fan:Overheat.post',
    })
  })

  it('prefers the property post over an event named "property"', () => {
    expect(parseTopic(sys('thing/event/property/post')).kind).toBe('property.post')
  })

  it('reads "<id>_reply" as the reply of service <id>', () => {
    expect(parseTopic(sys('thing/service/Reboot'))).toMatchObject({
      kind: 'service',
      identifier: 'Reboot',
      reply: false,
      direction: 'down',
      method: 'thing.service.Reboot',
    })
    expect(parseTopic(sys('thing/service/Reboot_reply'))).toMatchObject({
      kind: 'service',
      identifier: 'Reboot',
      reply: true,
      direction: 'up',
    })
  })

  it('parses RRPC topics with the message id', () => {
    expect(parseTopic(sys('rrpc/request/1234567'))).toEqual({
      kind: 'rrpc.request',
      productKey: PK,
      deviceName: DN,
      messageId: '1234567',
      reply: false,
      direction: 'down',
    })
    expect(parseTopic(sys('rrpc/response/1234567'))).toMatchObject({
      kind: 'rrpc.response',
      messageId: '1234567',
      direction: 'up',
    })
  })

  it('parses the Link SDK /ext/rrpc wrapper around a service or custom topic', () => {
    const t = parseTopic(`/ext/rrpc/98765/sys/${PK}/${DN}/thing/service/Reboot`)
    expect(t).toMatchObject({
      kind: 'rrpc.ext',
      rrpcId: '98765',
      productKey: PK,
      deviceName: DN,
      inner: { kind: 'service', identifier: 'Reboot' },
    })
    expect(methodForTopic(t)).toBe('thing.service.Reboot')
    expect(parseTopic(`/ext/rrpc/1/${PK}/${DN}/user/cmd`)).toMatchObject({
      kind: 'rrpc.ext',
      inner: { kind: 'custom', suffix: 'cmd' },
    })
    expect(parseTopic(`/ext/rrpc/1/sys/${PK}/${DN}/thing/event/property/post`).kind).toBe('unknown')
    expect(parseTopic('/ext/rrpc//sys/x/y/thing/service/a').kind).toBe('unknown')
  })
})

describe('parseTopic: custom and unknown topics', () => {
  it('parses multi-level custom topics', () => {
    expect(parseTopic(`/${PK}/${DN}/user/get/status`)).toEqual({
      kind: 'custom',
      productKey: PK,
      deviceName: DN,
      suffix: 'get/status',
    })
  })

  it.each([
    ['', 'empty'],
    [`sys/${PK}/${DN}/thing/event/property/post`, 'no leading slash'],
    [`/sys/${PK}//thing/event/property/post`, 'empty device name'],
    [sys('thing/event/property'), 'truncated'],
    [sys('thing/event/property/post/extra'), 'too long'],
    [sys('thing/service/_reply'), 'reply without identifier'],
    [sys('thing/service/+'), 'wildcard'],
    [`/${PK}/${DN}/user/`, 'empty custom suffix'],
    [`/${PK}/${DN}/other/x`, 'not user'],
    ['/$SYS/broker/uptime', 'broker topic'],
  ])('%s → unknown (%s)', (topic) => {
    const t = parseTopic(topic)
    expect(t.kind).toBe('unknown')
    if (t.kind === 'unknown') expect(t.reason.length).toBeGreaterThan(5)
  })
})

describe('topic builders', () => {
  it('build the documented strings', () => {
    expect(topics.propertyPost(PK, DN)).toBe(sys('thing/event/property/post'))
    expect(topics.propertySet(PK, DN)).toBe(sys('thing/service/property/set'))
    expect(topics.service(PK, DN, 'Reboot')).toBe(sys('thing/service/Reboot'))
    expect(topics.eventPost(PK, DN, 'fan:Overheat')).toBe(sys('thing/event/fan:Overheat/post'))
    expect(topics.rrpcRequest(PK, DN, '42')).toBe(sys('rrpc/request/42'))
    expect(topics.otaUpgrade(PK, DN)).toBe(`/ota/device/upgrade/${PK}/${DN}`)
    expect(topics.shadowGet(PK, DN)).toBe(`/shadow/get/${PK}/${DN}`)
    expect(topics.combineLogin(PK, DN)).toBe(`/ext/session/${PK}/${DN}/combine/login`)
    expect(topics.custom(PK, DN, 'get/status')).toBe(`/${PK}/${DN}/user/get/status`)
    expect(topics.extRrpc('7', topics.service(PK, DN, 'Reboot'))).toBe(
      `/ext/rrpc/7/sys/${PK}/${DN}/thing/service/Reboot`,
    )
    expect(reply(topics.propertyPost(PK, DN))).toBe(sys('thing/event/property/post_reply'))
    expect(topics.reply(topics.service(PK, DN, 'Reboot'))).toBe(sys('thing/service/Reboot_reply'))
    expect(requestTopicOf(sys('thing/config/get_reply'))).toBe(sys('thing/config/get'))
    expect(requestTopicOf(sys('thing/config/get'))).toBe(sys('thing/config/get'))
  })

  it('round-trip through parseTopic for every builder', () => {
    const built: Array<[string, string]> = [
      [topics.propertyPost(PK, DN), 'property.post'],
      [topics.propertyBatchPost(PK, DN), 'property.batch.post'],
      [topics.propertyPackPost(PK, DN), 'property.pack.post'],
      [topics.propertyHistoryPost(PK, DN), 'property.history.post'],
      [topics.eventPost(PK, DN, 'E'), 'event.post'],
      [topics.propertySet(PK, DN), 'property.set'],
      [topics.propertyGet(PK, DN), 'property.get'],
      [topics.service(PK, DN, 'S'), 'service'],
      [topics.desiredGet(PK, DN), 'desired.get'],
      [topics.desiredDelete(PK, DN), 'desired.delete'],
      [topics.rrpcRequest(PK, DN, '1'), 'rrpc.request'],
      [topics.rrpcResponse(PK, DN, '1'), 'rrpc.response'],
      [topics.configGet(PK, DN), 'config.get'],
      [topics.configPush(PK, DN), 'config.push'],
      [topics.logPost(PK, DN), 'log.post'],
      [topics.deviceInfoUpdate(PK, DN), 'deviceinfo.update'],
      [topics.deviceInfoDelete(PK, DN), 'deviceinfo.delete'],
      [topics.otaFirmwareGet(PK, DN), 'ota.firmware.get'],
      [topics.otaInform(PK, DN), 'ota.inform'],
      [topics.otaUpgrade(PK, DN), 'ota.upgrade'],
      [topics.otaProgress(PK, DN), 'ota.progress'],
      [topics.upRaw(PK, DN), 'model.up_raw'],
      [topics.downRaw(PK, DN), 'model.down_raw'],
      [topics.topoAdd(PK, DN), 'topo.add'],
      [topics.topoDelete(PK, DN), 'topo.delete'],
      [topics.topoGet(PK, DN), 'topo.get'],
      [topics.topoChange(PK, DN), 'topo.change'],
      [topics.subRegister(PK, DN), 'sub.register'],
      [topics.combineLogin(PK, DN), 'combine.login'],
      [topics.combineLogout(PK, DN), 'combine.logout'],
      [topics.combineBatchLogin(PK, DN), 'combine.batch_login'],
      [topics.combineBatchLogout(PK, DN), 'combine.batch_logout'],
      [topics.tunnelNotify(PK, DN), 'tunnel.notify'],
      [topics.tunnelProxyRequest(PK, DN), 'tunnel.proxy.request'],
      [topics.shadowUpdate(PK, DN), 'shadow.update'],
      [topics.shadowGet(PK, DN), 'shadow.get'],
      [topics.ntpRequest(PK, DN), 'ntp.request'],
      [topics.ntpResponse(PK, DN), 'ntp.response'],
      [topics.custom(PK, DN, 'a/b'), 'custom'],
    ]
    for (const [topic, kind] of built) {
      expect(parseTopic(topic), topic).toMatchObject({ kind, productKey: PK, deviceName: DN })
    }
    expect(formatSystemTopic('service', PK, DN, 'S')).toBe(topics.service(PK, DN, 'S'))
  })

  it('refuse levels that would change the topic structure', () => {
    expect(() => topics.propertyPost('a/b', DN)).toThrow(TypeError)
    expect(() => topics.service(PK, DN, '+')).toThrow(/identifier/)
    expect(() => topics.rrpcRequest(PK, DN, '')).toThrow(/messageId/)
    expect(() => topics.custom(PK, DN, 'a//b')).toThrow(TypeError)
    expect(() => topics.custom(PK, DN, 'a/#')).toThrow(TypeError)
  })
})

describe('serverSideSubscriptions', () => {
  const filters = serverSideSubscriptions(PK, DN)
  it('covers the downlinks a Link SDK 4.x device expects', () => {
    expect(filters).toEqual(
      expect.arrayContaining([
        sys('thing/service/property/set'),
        sys('thing/service/+'),
        sys('thing/event/+/post_reply'),
        sys('thing/event/property/post_reply'),
        sys('rrpc/request/+'),
        sys('thing/config/push'),
        `/ota/device/upgrade/${PK}/${DN}`,
        sys('secure_tunnel/notify'),
        `/ext/rrpc/+/sys/${PK}/${DN}/thing/service/+`,
      ]),
    )
  })
  it('contains only valid filters and never an uplink topic', () => {
    for (const f of filters) expect(isValidTopicFilter(f), f).toBe(true)
    const uplinks = [
      sys('thing/event/property/post'),
      sys('thing/event/Error/post'),
      `/ota/device/inform/${PK}/${DN}`,
      sys('thing/config/get'),
    ]
    for (const u of uplinks)
      expect(
        filters.some((f) => topicMatches(f, u)),
        u,
      ).toBe(false)
  })
})

describe('MQTT filter helpers', () => {
  it.each([
    ['/a/+/c', true],
    ['/a/#', true],
    ['#', true],
    ['/a/b#', false],
    ['/a/#/c', false],
    ['/a/+b', false],
    ['', false],
  ])('isValidTopicFilter(%s) = %s', (f, ok) => {
    expect(isValidTopicFilter(f)).toBe(ok)
  })

  it.each([
    ['/a/+/c', '/a/b/c', true],
    ['/a/+/c', '/a/b/d', false],
    ['/a/#', '/a', true],
    ['/a/#', '/a/b/c', true],
    ['/a/+', '/a/b/c', false],
    ['/a/b', '/a/b', true],
  ])('topicMatches(%s, %s) = %s', (f, t, ok) => {
    expect(topicMatches(f, t)).toBe(ok)
  })

  it('normalizes topic class suffixes', () => {
    expect(normalizeTopicClassSuffix('update')).toBe('update')
    expect(normalizeTopicClassSuffix('/get/+')).toBe('get/+')
    expect(normalizeTopicClassSuffix('/${productKey}/${deviceName}/user/data/#')).toBe('data/#')
    expect(normalizeTopicClassSuffix('a/#/b')).toBeNull()
    expect(validateTopicClassSuffix('a//b')).toMatch(/non-empty levels/)
    expect(validateTopicClassSuffix('ok/+')).toBeNull()
  })
})

describe('deviceTopicAccess', () => {
  const base: Omit<TopicAccessRequest, 'topic' | 'action'> = {
    productKey: PK,
    deviceName: DN,
    topicClasses: [
      { suffix: 'update', operation: 'PUB' },
      { suffix: 'get', operation: 'SUB' },
      { suffix: 'data/+', operation: 'ALL' },
      { suffix: '/${productKey}/${deviceName}/user/cmd/#', operation: 'SUB' },
    ],
  }
  const pub = (topic: string, extra: Partial<TopicAccessRequest> = {}) =>
    deviceTopicAccess({ ...base, ...extra, topic, action: 'publish' })
  const sub = (topic: string, extra: Partial<TopicAccessRequest> = {}) =>
    deviceTopicAccess({ ...base, ...extra, topic, action: 'subscribe' })

  it('lets a device publish its uplinks and subscribe its downlinks', () => {
    expect(pub(sys('thing/event/property/post'))).toEqual({ allowed: true })
    expect(pub(sys('thing/event/Error/post'))).toEqual({ allowed: true })
    expect(pub(sys('thing/service/property/set_reply'))).toEqual({ allowed: true })
    expect(pub(sys('thing/service/Reboot_reply'))).toEqual({ allowed: true })
    expect(pub(sys('rrpc/response/55'))).toEqual({ allowed: true })
    expect(pub(`/ota/device/inform/${PK}/${DN}`)).toEqual({ allowed: true })
    expect(pub(`/ota/device/progress/${PK}/${DN}`)).toEqual({ allowed: true })
    expect(pub(sys('thing/ota/firmware/get'))).toEqual({ allowed: true })
    expect(pub(sys('thing/config/get'))).toEqual({ allowed: true })
    expect(pub(sys('thing/log/post'))).toEqual({ allowed: true })
    expect(pub(`/shadow/update/${PK}/${DN}`)).toEqual({ allowed: true })
    expect(sub(sys('thing/event/property/post_reply'))).toEqual({ allowed: true })
    expect(sub(sys('thing/service/property/set'))).toEqual({ allowed: true })
    expect(sub(sys('thing/service/Reboot'))).toEqual({ allowed: true })
    expect(sub(sys('thing/config/push'))).toEqual({ allowed: true })
    expect(sub(`/ota/device/upgrade/${PK}/${DN}`)).toEqual({ allowed: true })
    expect(sub(sys('secure_tunnel/notify'))).toEqual({ allowed: true })
    expect(sub(`/shadow/get/${PK}/${DN}`)).toEqual({ allowed: true })
  })

  it('refuses the wrong direction with 9236 and says why', () => {
    expect(pub(sys('thing/service/property/set'))).toMatchObject({
      allowed: false,
      code: 9236,
      reason: expect.stringMatching(/downlink/),
    })
    expect(pub(sys('thing/event/property/post_reply'))).toMatchObject({ allowed: false, code: 9236 })
    expect(pub(`/ota/device/upgrade/${PK}/${DN}`)).toMatchObject({ allowed: false })
    expect(sub(sys('thing/event/property/post'))).toMatchObject({
      allowed: false,
      code: 9236,
      reason: expect.stringMatching(/uplink/),
    })
    expect(sub(`/ota/device/inform/${PK}/${DN}`)).toMatchObject({ allowed: false })
    expect(sub(sys('thing/service/Reboot_reply'))).toMatchObject({ allowed: false })
  })

  it('keeps devices inside their own topics', () => {
    expect(pub(`/sys/${PK}/other-dev/thing/event/property/post`)).toMatchObject({
      allowed: false,
      code: 9236,
      reason: expect.stringMatching(/neither this device/),
    })
    expect(sub(`/sys/${PK}/other-dev/thing/service/property/set`)).toMatchObject({ allowed: false })
    expect(pub(`/${PK}/other-dev/user/update`)).toMatchObject({ allowed: false })
  })

  it('allows wildcard filters only inside the device namespace', () => {
    expect(sub(sys('thing/service/+'))).toEqual({ allowed: true })
    expect(sub(sys('rrpc/request/+'))).toEqual({ allowed: true })
    expect(sub(sys('#'))).toEqual({ allowed: true })
    expect(sub(`/sys/${PK}/${DN}`)).toEqual({ allowed: true }) // the root of its own tree ("#" matches the parent level)
    expect(sub('/sys/#')).toMatchObject({ allowed: false, code: 9236 })
    expect(sub('#')).toMatchObject({ allowed: false })
    expect(sub(`/sys/+/${DN}/thing/service/+`)).toMatchObject({ allowed: false })
    expect(sub(`/sys/${PK}/+/thing/service/property/set`)).toMatchObject({ allowed: false })
    expect(sub(`/ext/rrpc/+/sys/${PK}/${DN}/thing/service/+`)).toEqual({ allowed: true })
    expect(sub(`/ota/device/+/${PK}/${DN}`)).toEqual({ allowed: true })
  })

  it('applies topic classes to custom topics', () => {
    expect(pub(`/${PK}/${DN}/user/update`)).toEqual({ allowed: true })
    expect(sub(`/${PK}/${DN}/user/update`)).toMatchObject({ allowed: false, reason: expect.stringMatching(/SUB/) })
    expect(sub(`/${PK}/${DN}/user/get`)).toEqual({ allowed: true })
    expect(pub(`/${PK}/${DN}/user/get`)).toMatchObject({ allowed: false, reason: expect.stringMatching(/PUB/) })
    expect(pub(`/${PK}/${DN}/user/data/temp`)).toEqual({ allowed: true })
    expect(sub(`/${PK}/${DN}/user/data/temp`)).toEqual({ allowed: true })
    expect(pub(`/${PK}/${DN}/user/data/a/b`)).toMatchObject({ allowed: false })
    expect(sub(`/${PK}/${DN}/user/data/+`)).toEqual({ allowed: true })
    expect(sub(`/${PK}/${DN}/user/cmd/a/b`)).toEqual({ allowed: true })
    expect(sub(`/${PK}/${DN}/user/cmd/#`)).toEqual({ allowed: true })
    expect(sub(`/${PK}/${DN}/user/#`)).toMatchObject({ allowed: false })
    expect(sub(`/${PK}/${DN}/user/+`)).toMatchObject({ allowed: false })
    expect(pub(`/${PK}/${DN}/user/undeclared`)).toMatchObject({ allowed: false })
  })

  it('rejects wildcards in PUBLISH and malformed filters', () => {
    expect(pub(sys('thing/event/+/post'))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/MQTT-3.3.2-2/),
    })
    expect(sub(sys('thing/#/x'))).toMatchObject({ allowed: false, reason: expect.stringMatching(/malformed/) })
    expect(pub('')).toMatchObject({ allowed: false })
  })

  it('lets unknown topics inside the own /sys tree through (the router answers 6831), but nothing else', () => {
    expect(pub(sys('thing/job/get'))).toEqual({ allowed: true })
    expect(sub(sys('thing/job/notify'))).toEqual({ allowed: true })
    expect(pub(`/sys/${PK}/other/thing/job/get`)).toMatchObject({ allowed: false })
    expect(pub('/random/topic')).toMatchObject({ allowed: false })
  })

  it('lets a gateway use the topics of its attached sub-devices only', () => {
    const gw = {
      subDevices: [
        { productKey: 'subPK', deviceName: 'sub-1', topicClasses: [{ suffix: 'report', operation: 'PUB' as const }] },
      ],
    }
    expect(pub('/sys/subPK/sub-1/thing/event/property/post', gw)).toEqual({ allowed: true })
    expect(sub('/sys/subPK/sub-1/thing/service/+', gw)).toEqual({ allowed: true })
    expect(pub('/ota/device/progress/subPK/sub-1', gw)).toEqual({ allowed: true })
    expect(pub('/subPK/sub-1/user/report', gw)).toEqual({ allowed: true })
    expect(pub('/sys/subPK/sub-2/thing/event/property/post', gw)).toMatchObject({ allowed: false })
    expect(pub('/sys/subPK/sub-1/thing/event/property/post')).toMatchObject({ allowed: false })
    // topology and session topics are the gateway's own
    expect(pub(sys('thing/topo/add'), gw)).toEqual({ allowed: true })
    expect(pub(`/ext/session/${PK}/${DN}/combine/login`, gw)).toEqual({ allowed: true })
    expect(pub('/sys/subPK/sub-1/thing/topo/add', gw)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/gateway/),
    })
    // a sub-device without topic classes has no custom topics
    const noClasses = { subDevices: [{ productKey: 'subPK', deviceName: 'sub-1' }] }
    expect(pub('/subPK/sub-1/user/report', noClasses)).toMatchObject({ allowed: false })
  })

  it('allows /ext/rrpc responses on own service topics', () => {
    expect(pub(`/ext/rrpc/77/sys/${PK}/${DN}/thing/service/Reboot`)).toEqual({ allowed: true })
    expect(pub(`/ext/rrpc/77/sys/${PK}/other/thing/service/Reboot`)).toMatchObject({ allowed: false })
    expect(pub(`/ext/rrpc/77/${PK}/${DN}/user/get`)).toEqual({ allowed: true })
    expect(pub(`/ext/rrpc/77/${PK}/${DN}/user/update`)).toMatchObject({ allowed: false })
  })
})
