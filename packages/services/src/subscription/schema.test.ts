import { describe, expect, it } from 'vitest'
import { metricDef } from '../metrics/codes'
import { payloadJson } from './engine'
import { messageTypeOf, ZConsumerGroupInput, ZServerSubscriptionInput } from './schema'

describe('subscription message types', () => {
  it.each([
    ['/sys/pk/dn/thing/event/property/post', 'property'],
    ['/sys/pk/dn/thing/event/alarm/post', 'event'],
    ['/as/mqtt/status/pk/dn', 'lifecycle'],
    ['/ota/device/progress/pk/dn', 'ota'],
    ['/sys/pk/dn/thing/service/property/set_reply', 'reply'],
    ['/sys/pk/dn/thing/service/reboot_reply', 'reply'],
    ['/sys/pk/dn/thing/event/property/post_reply', null],
    ['/sys/pk/dn/thing/service/reboot', null],
    ['/ota/device/inform/pk/dn', null],
    ['/pk/dn/user/update', null],
    ['/sys/pk/dn/thing/log/post', null],
  ])('%s → %s', (topic, type) => {
    expect(messageTypeOf(topic)).toBe(type)
  })

  it('keeps JSON payloads as they are and wraps other text as a JSON string', () => {
    expect(payloadJson(Buffer.from('{"a":1}'))).toBe('{"a":1}')
    expect(JSON.parse(payloadJson(Buffer.from('plain "text"')))).toBe('plain "text"')
  })
})

describe('subscription inputs', () => {
  it('accepts group names of 1–30 letters, digits and underscores', () => {
    expect(ZConsumerGroupInput.safeParse({ name: 'app_1' }).success).toBe(true)
    expect(ZConsumerGroupInput.safeParse({ name: '应用_消费组' }).success).toBe(true)
    expect(ZConsumerGroupInput.safeParse({ name: 'a-b' }).success).toBe(false)
    expect(ZConsumerGroupInput.safeParse({ name: 'x'.repeat(31) }).success).toBe(false)
    expect(ZConsumerGroupInput.safeParse({ name: 'ok', description: 'x'.repeat(101) }).success).toBe(false)
  })
  it('needs at least one message type and one group, and known types only', () => {
    const base = { productKey: 'pk', messageTypes: ['property'], groupIds: ['CG_1'] }
    expect(ZServerSubscriptionInput.safeParse(base).success).toBe(true)
    expect(ZServerSubscriptionInput.safeParse({ ...base, messageTypes: [] }).success).toBe(false)
    expect(ZServerSubscriptionInput.safeParse({ ...base, groupIds: [] }).success).toBe(false)
    expect(ZServerSubscriptionInput.safeParse({ ...base, messageTypes: ['topo'] }).success).toBe(false)
  })
})

describe('subscription metrics', () => {
  it('are gauges per consumer group that a board card and a threshold alarm rule can pick', () => {
    for (const code of ['AMQP_Msg_Accumulate', 'AMQP_Msg_Consume_rate'])
      expect(metricDef(code)).toMatchObject({ chart: 'area', kind: 'gauge', dimension: 'consumerGroup' })
  })
})
