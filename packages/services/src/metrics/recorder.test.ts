import { describe, expect, it } from 'vitest'
import { commandIdentifiers, topicClassOf } from './recorder'

const d = { productKey: 'a1B2c3', deviceName: 'meter_07' }

describe('topic classes for the message rankings', () => {
  it('names system, custom, RRPC and OTA topics by their class', () => {
    expect(topicClassOf('/sys/a1B2c3/meter_07/thing/event/property/post', d)).toBe(
      '/sys/${productKey}/${deviceName}/thing/event/property/post',
    )
    expect(topicClassOf('/a1B2c3/meter_07/user/update', d)).toBe('/${productKey}/${deviceName}/user/update')
    expect(topicClassOf('/sys/a1B2c3/meter_07/rrpc/request/1712345678', d)).toBe(
      '/sys/${productKey}/${deviceName}/rrpc/request/${messageId}',
    )
    expect(topicClassOf('/ext/rrpc/99/sys/a1B2c3/meter_07/thing/service/reboot', d)).toBe(
      '/ext/rrpc/${messageId}/sys/${productKey}/${deviceName}/thing/service/reboot',
    )
    expect(topicClassOf('/ota/device/inform/a1B2c3/meter_07', d)).toBe('/ota/device/inform/${productKey}/${deviceName}')
  })

  it('ranks a property set by the properties it names and a service call by the service', () => {
    expect(commandIdentifiers('thing.service.property.set', 'set', { temperature: 1, 'fan:speed': 2 })).toEqual([
      'temperature',
      'fan:speed',
    ])
    expect(commandIdentifiers('thing.service.reboot', 'reboot', { delay: 1 })).toEqual(['reboot'])
  })
})
