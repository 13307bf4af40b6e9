import { describe, expect, it } from 'vitest'
import {
  DEVICE_NAME_PATTERN,
  FLOAT32_MAX,
  isRateLimitEvent,
  MAX_PROPERTIES_PER_POST,
  MESSAGE_ID_MAX,
  RATE_LIMIT_EVENT_INFO,
  RATE_LIMIT_EVENTS,
  TSL_ARRAY_MAX_SIZE,
  TSL_TEXT_MAX_LENGTH,
} from './limits'

describe('limits', () => {
  it('hold the documented values', () => {
    expect(MAX_PROPERTIES_PER_POST).toBe(200)
    expect(MESSAGE_ID_MAX).toBe(2 ** 32 - 1)
    expect(TSL_TEXT_MAX_LENGTH).toBe(10240)
    expect(TSL_ARRAY_MAX_SIZE).toBe(512)
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX)
  })

  it('list the seven rate-limit events with their scope', () => {
    expect(RATE_LIMIT_EVENTS).toEqual([
      'Device_Connect_QPM_Limit',
      'Device_Uplink_QPS_Limit',
      'Device_Downlink_QPS_Limit',
      'Account_Connect_QPS_Limit',
      'Account_Uplink_QPS_Limit',
      'Account_Downlink_QPS_Limit',
      'Account_RuleEngine_DataForward_QPS_Limit',
    ])
    expect(RATE_LIMIT_EVENT_INFO.Device_Connect_QPM_Limit).toMatchObject({ scope: 'device', window: 'minute' })
    expect(RATE_LIMIT_EVENT_INFO.Account_Uplink_QPS_Limit).toMatchObject({ scope: 'account', window: 'second' })
    expect(isRateLimitEvent('Device_Uplink_QPS_Limit')).toBe(true)
    expect(isRateLimitEvent('Device_Uplink_Limit')).toBe(false)
  })

  it('device name pattern follows the registration rules', () => {
    expect(DEVICE_NAME_PATTERN.test('sensor-01')).toBe(true)
    expect(DEVICE_NAME_PATTERN.test('a@b.c:d_e')).toBe(true)
    expect(DEVICE_NAME_PATTERN.test('abc')).toBe(false)
    expect(DEVICE_NAME_PATTERN.test('has space')).toBe(false)
    expect(DEVICE_NAME_PATTERN.test('x'.repeat(33))).toBe(false)
  })
})
