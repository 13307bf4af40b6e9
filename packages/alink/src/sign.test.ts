import { describe, expect, it } from 'vitest'
import {
  buildMqttCredentials,
  computeSign,
  parseClientId,
  parseDeviceConnect,
  parseUsername,
  signContent,
  verifyDeviceConnect,
  verifySign,
} from './sign'

// Vectors computed independently with `openssl dgst -<alg> -hmac <secret>` over the sign content.
const PK = 'a1B2c3D4e5F'
const DN = 'sensor-01'
const SECRET = 'Zk3q9VwT1xY7pLmN0aBcDeFgHiJkLmNo'
const TS = '2524608000000'
const CONTENT = `clientId${PK}.${DN}deviceName${DN}productKey${PK}timestamp${TS}`
const EXPECTED = {
  hmacmd5: '923ef5f1c8798a0cdd3f987c46d38126',
  hmacsha1: 'e28d19638444d3d687361b0fe924fbfca3144016',
  hmacsha256: '7c83502302bdb4a3152ed44689b936d6099c8ed6a7d6f892d651b0a403aa3062',
} as const
/** Without timestamp, id "dev-42", hmacsha1. */
const EXPECTED_NO_TS_SHA1 = '57063a57a745450675b8304f5bf46b624e876d39'

/** The clientId the reference C Link SDK 4.x sends (fields reordered, trailing comma, extras). */
const SDK4_CLIENT_ID = `${PK}.${DN}|timestamp=${TS},_ss=1,_v=sdk-c-4.1.0,securemode=3,signmethod=hmacsha256,ext=3,|`

describe('signContent', () => {
  it('concatenates name+value sorted by name', () => {
    expect(signContent({ timestamp: TS, productKey: PK, clientId: `${PK}.${DN}`, deviceName: DN })).toBe(CONTENT)
  })
})

describe('computeSign', () => {
  it.each(Object.entries(EXPECTED))('%s matches openssl', (method, hex) => {
    const params = { clientId: `${PK}.${DN}`, deviceName: DN, productKey: PK, timestamp: TS }
    expect(computeSign(params, SECRET, method as keyof typeof EXPECTED)).toBe(hex)
  })
})

describe('verifySign', () => {
  const params = { clientId: `${PK}.${DN}`, deviceName: DN, productKey: PK, timestamp: TS }
  it('accepts upper-case hex (the C SDK prints upper case)', () => {
    expect(verifySign(params, SECRET, 'hmacsha256', EXPECTED.hmacsha256.toUpperCase())).toBe(true)
  })
  it('rejects a wrong signature of the right length', () => {
    const wrong = `0${EXPECTED.hmacsha256.slice(1)}`
    expect(verifySign(params, SECRET, 'hmacsha256', wrong)).toBe(false)
  })
  it('rejects a signature of another method length without throwing', () => {
    expect(verifySign(params, SECRET, 'hmacsha256', EXPECTED.hmacsha1)).toBe(false)
  })
  it('rejects non-hex input', () => {
    expect(verifySign(params, SECRET, 'hmacmd5', 'z'.repeat(32))).toBe(false)
  })
})

describe('parseClientId', () => {
  it('parses the Link SDK 4.x clientId and keeps extras', () => {
    const r = parseClientId(SDK4_CLIENT_ID)
    expect(r).toEqual({
      ok: true,
      id: `${PK}.${DN}`,
      secureMode: 3,
      signMethod: 'hmacsha256',
      timestamp: TS,
      extra: { _ss: '1', _v: 'sdk-c-4.1.0', ext: '3' },
    })
  })

  it('parses the documented minimal form without timestamp', () => {
    const r = parseClientId('12345|securemode=2,signmethod=hmacsha1|')
    expect(r).toEqual({ ok: true, id: '12345', secureMode: 2, signMethod: 'hmacsha1', extra: {} })
  })

  it('tolerates lan/gw/ext fields, bare tokens and mixed-case sign method', () => {
    const r = parseClientId('x|securemode=3,signmethod=HmacMD5,lan=C,gw=0,ext=1,nonce123|')
    expect(r.ok && r.signMethod).toBe('hmacmd5')
    expect(r.ok && r.extra).toEqual({ lan: 'C', gw: '0', ext: '1', nonce123: '' })
  })

  it('accepts an empty id (SDK "assigned clientId" mode)', () => {
    const r = parseClientId('|securemode=3,signmethod=hmacsha256|')
    expect(r.ok && r.id).toBe('')
  })

  it.each([
    ['no bars', 'device-1', 'client_id_malformed'],
    ['no closing bar', 'd|securemode=3,signmethod=hmacsha1', 'client_id_malformed'],
    ['empty section', 'd|', 'client_id_malformed'],
    ['two sections', 'd|securemode=3|signmethod=hmacsha1|', 'client_id_malformed'],
    ['missing securemode', 'd|signmethod=hmacsha1|', 'client_id_malformed'],
    ['missing signmethod', 'd|securemode=3|', 'client_id_malformed'],
    [
      'dynamic registration mode',
      'd|securemode=-2,signmethod=hmacsha256,authType=register|',
      'secure_mode_unsupported',
    ],
    ['unknown sign method', 'd|securemode=3,signmethod=hmacsha512|', 'sign_method_unsupported'],
    ['timestamp not digits', 'd|securemode=3,signmethod=hmacsha1,timestamp=now|', 'client_id_malformed'],
    ['id longer than 64', `${'a'.repeat(65)}|securemode=3,signmethod=hmacsha1|`, 'client_id_malformed'],
  ])('rejects %s', (_label, clientId, reason) => {
    const r = parseClientId(clientId)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.reason).toBe(reason)
      expect(r.error.connackReturnCode).toBe(2)
      expect(r.error.message.length).toBeGreaterThan(10)
    }
  })

  it('maps failures to the IoT Ops CONNECT codes', () => {
    const bad = parseClientId('d|securemode=8,signmethod=hmacsha1|')
    expect(!bad.ok && bad.error.code).toBe(40004)
    const method = parseClientId('d|securemode=2,signmethod=sha1|')
    expect(!method.ok && method.error.code).toBe(40003)
  })
})

describe('parseUsername', () => {
  it('splits deviceName&productKey', () => {
    expect(parseUsername(`${DN}&${PK}`)).toEqual({ ok: true, deviceName: DN, productKey: PK })
  })
  it.each(['nodelimiter', '&pk', 'dn&', 'a/b&pk', 'dn&p+k', 'd&n&pk'])('rejects %s', (u) => {
    const r = parseUsername(u)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe(40002)
      expect(r.error.connackReturnCode).toBe(4)
    }
  })
})

describe('parseDeviceConnect', () => {
  it('returns the identity needed to look up the secret', () => {
    const r = parseDeviceConnect({ clientId: SDK4_CLIENT_ID, username: `${DN}&${PK}` })
    expect(r).toEqual({
      ok: true,
      identity: {
        productKey: PK,
        deviceName: DN,
        id: `${PK}.${DN}`,
        signMethod: 'hmacsha256',
        secureMode: 3,
        timestamp: TS,
        extra: { _ss: '1', _v: 'sdk-c-4.1.0', ext: '3' },
      },
    })
  })
})

describe('verifyDeviceConnect', () => {
  const username = `${DN}&${PK}`

  it('accepts the C SDK 4.x CONNECT (upper-case password, Buffer)', () => {
    const r = verifyDeviceConnect(
      { clientId: SDK4_CLIENT_ID, username, password: Buffer.from(EXPECTED.hmacsha256.toUpperCase()) },
      SECRET,
    )
    expect(r.ok).toBe(true)
    expect(r.ok && r.identity.deviceName).toBe(DN)
  })

  it('signs without timestamp when the clientId has none', () => {
    const r = verifyDeviceConnect(
      { clientId: 'dev-42|securemode=2,signmethod=hmacsha1|', username, password: EXPECTED_NO_TS_SHA1 },
      SECRET,
    )
    expect(r.ok).toBe(true)
  })

  it('rejects a password signed with the timestamp when the clientId omits it', () => {
    const r = verifyDeviceConnect(
      { clientId: `${PK}.${DN}|securemode=3,signmethod=hmacsha256|`, username, password: EXPECTED.hmacsha256 },
      SECRET,
    )
    expect(r).toMatchObject({ ok: false, reason: 'sign_mismatch', error: { code: 6287, connackReturnCode: 4 } })
  })

  it('rejects the right password with the wrong secret', () => {
    const r = verifyDeviceConnect({ clientId: SDK4_CLIENT_ID, username, password: EXPECTED.hmacsha256 }, 'other')
    expect(r).toMatchObject({ ok: false, reason: 'sign_mismatch' })
  })

  it('rejects a missing password', () => {
    const r = verifyDeviceConnect({ clientId: SDK4_CLIENT_ID, username, password: undefined }, SECRET)
    expect(r).toMatchObject({ ok: false, reason: 'password_missing', error: { code: 6287 } })
  })

  it('never echoes the secret or the password in the message', () => {
    const r = verifyDeviceConnect({ clientId: SDK4_CLIENT_ID, username, password: 'deadbeef' }, SECRET)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.message).not.toContain(SECRET)
      expect(r.error.message).not.toContain('deadbeef')
    }
  })
})

describe('buildMqttCredentials', () => {
  it('produces what the C SDK would send, and it verifies', () => {
    const creds = buildMqttCredentials({
      productKey: PK,
      deviceName: DN,
      deviceSecret: SECRET,
      timestamp: Number(TS),
    })
    expect(creds).toEqual({
      clientId: `${PK}.${DN}|securemode=3,signmethod=hmacsha256,timestamp=${TS}|`,
      username: `${DN}&${PK}`,
      password: EXPECTED.hmacsha256,
    })
    expect(verifyDeviceConnect(creds, SECRET).ok).toBe(true)
  })

  it('honours clientId, method, secure mode and extras, but never lets extras override signed fields', () => {
    const creds = buildMqttCredentials({
      productKey: PK,
      deviceName: DN,
      deviceSecret: SECRET,
      clientId: 'dev-42',
      signMethod: 'hmacsha1',
      secureMode: 2,
      extra: { _v: 'iotops-sdk-0.1.0', timestamp: '1' },
    })
    expect(creds.clientId).toBe('dev-42|securemode=2,signmethod=hmacsha1,_v=iotops-sdk-0.1.0|')
    expect(creds.password).toBe(EXPECTED_NO_TS_SHA1)
  })
})
