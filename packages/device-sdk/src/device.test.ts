import { createHmac } from 'node:crypto'
import { verifyDeviceConnect } from '@iotops/alink'
import { describe, expect, it } from 'vitest'
import { Device } from './device'

const triple = { productKey: 'a1TestPk001', deviceName: 'sensor_01', deviceSecret: '0123456789abcdef0123456789abcdef' }

describe('Device.connectOptions (Link SDK connection scheme)', () => {
  it('builds clientId `id|securemode=3,signmethod=…,timestamp=…|`, username `dn&pk` and the HMAC password', () => {
    const o = Device.connectOptions({ url: 'mqtt://x', ...triple, clientId: 'dev1', signMethod: 'hmacsha256' })
    const m = /^dev1\|securemode=3,signmethod=hmacsha256,timestamp=(\d+)\|$/.exec(String(o.clientId))
    expect(m).not.toBeNull()
    expect(o.username).toBe('sensor_01&a1TestPk001')
    const expected = createHmac('sha256', triple.deviceSecret)
      .update(`clientIddev1deviceNamesensor_01productKeya1TestPk001timestamp${m![1]}`)
      .digest('hex')
    expect(String(o.password).toLowerCase()).toBe(expected)
    expect(o.protocolVersion).toBe(4)
  })

  it('produces credentials the broker accepts for every sign method, and rejects them under another secret', () => {
    for (const signMethod of ['hmacmd5', 'hmacsha1', 'hmacsha256'] as const) {
      for (const timestamp of [true, false]) {
        const o = Device.connectOptions({ url: 'mqtt://x', ...triple, signMethod, timestamp })
        const creds = { clientId: String(o.clientId), username: String(o.username), password: String(o.password) }
        expect(verifyDeviceConnect(creds, triple.deviceSecret).ok).toBe(true)
        expect(verifyDeviceConnect(creds, 'f'.repeat(32)).ok).toBe(false)
      }
    }
  })
})
