import { describe, expect, it } from 'vitest'
import { DEFAULT_SERVICES, parseServiceMapping } from './agent'

describe('iotops-agent --service', () => {
  it('maps a service type to a host and port', () => {
    expect(parseServiceMapping('_SSH=127.0.0.1:22')).toEqual(['_SSH', { host: '127.0.0.1', port: 22 }])
    expect(parseServiceMapping('HTTP.admin=device.local:8080')).toEqual([
      'HTTP.admin',
      { host: 'device.local', port: 8080 },
    ])
    expect(parseServiceMapping('VNC=[::1]:5900')).toEqual(['VNC', { host: '::1', port: 5900 }])
  })

  it('refuses what the protocol would refuse, with the expected shape in the message', () => {
    for (const bad of [
      'SSH',
      '1SSH=127.0.0.1:22',
      'SSH=127.0.0.1',
      'SSH=:22',
      `${'a'.repeat(17)}=h:1`,
      'SSH=h:0',
      'SSH=h:70000',
    ])
      expect(() => parseServiceMapping(bad), bad).toThrow()
    expect(() => parseServiceMapping('SSH')).toThrow(/_SSH=127\.0\.0\.1:22/)
  })

  it('defaults to the device’s sshd', () => {
    expect(DEFAULT_SERVICES).toEqual({ _SSH: { host: '127.0.0.1', port: 22 } })
  })
})
