/**
 * Device authentication over MQTT 3.1.1, as the reference Link SDKs do it ("one secret per device").
 *
 *   clientId = <id>|securemode=2|3,signmethod=hmacmd5|hmacsha1|hmacsha256[,timestamp=<ms>][,k=v…]|
 *   username = <deviceName>&<productKey>
 *   password = hex(HMAC_<signmethod>(deviceSecret, content))
 *   content  = name+value of clientId, deviceName, productKey and (only when the clientId carries one)
 *              timestamp, sorted by parameter name — "clientId<id>deviceName<dn>productKey<pk>timestamp<ts>"
 *
 * Link SDK 4.x sends e.g. `pk.dn|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=3,signmethod=hmacsha256,ext=3,|`
 * (fields in any order, a trailing comma, extra fields) and an upper-case hex password; all of that is accepted.
 * securemode 2 = TLS, 3 = plain TCP. The same sign rule authenticates sub-devices in gateway
 * `combine/login` and `topo/add` (ref §7.1 codes 401 and 6287), hence the generic `computeSign`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Codes } from './codes'
import { CLIENT_ID_MAX_LENGTH } from './limits'

export const SIGN_METHODS = ['hmacmd5', 'hmacsha1', 'hmacsha256'] as const
export type SignMethod = (typeof SIGN_METHODS)[number]

export const SECURE_MODES = [2, 3] as const
/** 2 = TLS direct, 3 = plain TCP direct (Link SDK `MODE_TLS_DIRECT` / `MODE_TCP_DIRECT_PLAIN`). */
export type SecureMode = (typeof SECURE_MODES)[number]

const HMAC_ALGORITHM: Readonly<Record<SignMethod, string>> = {
  hmacmd5: 'md5',
  hmacsha1: 'sha1',
  hmacsha256: 'sha256',
}
const HEX_LENGTH: Readonly<Record<SignMethod, number>> = { hmacmd5: 32, hmacsha1: 40, hmacsha256: 64 }

export interface ParsedClientId {
  /** The part before the first `|`; it is the `clientId` value in the sign content. May be empty. */
  id: string
  secureMode: SecureMode
  signMethod: SignMethod
  /** Kept verbatim (a string of digits): it is signed as sent. */
  timestamp?: string
  /** Every other field (`_v`, `_ss`, `ext`, `lan`, `gw`, …); a bare token without `=` maps to ''. */
  extra: Record<string, string>
}

export interface DeviceIdentity {
  productKey: string
  deviceName: string
  /** The `<id>` part of the clientId. */
  id: string
  signMethod: SignMethod
  secureMode: SecureMode
  timestamp?: string
  extra: Record<string, string>
}

export type AuthFailureReason =
  | 'client_id_malformed'
  | 'secure_mode_unsupported'
  | 'sign_method_unsupported'
  | 'username_malformed'
  | 'password_missing'
  | 'sign_mismatch'

export interface AuthError {
  reason: AuthFailureReason
  /** Run-log status code: 6287 for a bad signature (ref §7.1), 4000x for IoT Ops CONNECT extensions. */
  code: number
  message: string
  /**
   * MQTT 3.1.1 CONNACK return code to send: 2 identifier rejected, 4 bad user name or password.
   * [MQTT-3.2.2-5] the server must close the connection after a non-zero CONNACK.
   */
  connackReturnCode: 2 | 4
}

export type AuthResult<T, E = AuthError> = ({ ok: true } & T) | { ok: false; error: E }

function authError(reason: AuthFailureReason, message: string): AuthError {
  switch (reason) {
    case 'client_id_malformed':
      return { reason, code: Codes.CLIENT_ID_INVALID, message, connackReturnCode: 2 }
    case 'secure_mode_unsupported':
      return { reason, code: Codes.SECURE_MODE_UNSUPPORTED, message, connackReturnCode: 2 }
    case 'sign_method_unsupported':
      return { reason, code: Codes.SIGN_METHOD_UNSUPPORTED, message, connackReturnCode: 2 }
    case 'username_malformed':
      return { reason, code: Codes.USERNAME_INVALID, message, connackReturnCode: 4 }
    case 'password_missing':
    case 'sign_mismatch':
      return { reason, code: Codes.SIGN_ERROR, message, connackReturnCode: 4 }
  }
}

/** Characters that would change the structure of a topic level. */
function topicUnsafe(value: string): boolean {
  return /[/+#]/.test(value) || value.includes('\u0000')
}

function isSignMethod(value: string): value is SignMethod {
  return (SIGN_METHODS as readonly string[]).includes(value)
}

/** Splits `k=v,k=v,` into pairs; empty segments (the SDK's trailing comma) are skipped. */
function parseFields(body: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const segment of body.split(',')) {
    if (segment === '') continue
    const eq = segment.indexOf('=')
    if (eq === -1) fields.set(segment, '')
    else fields.set(segment.slice(0, eq), segment.slice(eq + 1))
  }
  return fields
}

const KNOWN_FIELDS = new Set(['securemode', 'signmethod', 'timestamp'])

/** Parses an MQTT clientId in the Link SDK format. */
export function parseClientId(clientId: string): AuthResult<ParsedClientId> {
  const shape = 'expected "<id>|securemode=2|3,signmethod=hmacmd5|hmacsha1|hmacsha256[,timestamp=<ms>]|"'
  const bar = clientId.indexOf('|')
  if (bar === -1 || !clientId.endsWith('|') || bar === clientId.length - 1) {
    return { ok: false, error: authError('client_id_malformed', `clientId "${clientId}" has no |…| section; ${shape}`) }
  }
  const id = clientId.slice(0, bar)
  const body = clientId.slice(bar + 1, -1)
  if (id.length > CLIENT_ID_MAX_LENGTH) {
    return {
      ok: false,
      error: authError(
        'client_id_malformed',
        `clientId id part is ${id.length} characters; the limit is ${CLIENT_ID_MAX_LENGTH}`,
      ),
    }
  }
  if (body.includes('|')) {
    return {
      ok: false,
      error: authError('client_id_malformed', `clientId "${clientId}" has more than one |…| section; ${shape}`),
    }
  }
  const fields = parseFields(body)
  const lower = new Map<string, string>()
  const extra: Record<string, string> = {}
  for (const [key, value] of fields) {
    const k = key.toLowerCase()
    if (KNOWN_FIELDS.has(k)) lower.set(k, value)
    else extra[key] = value
  }

  const secureModeRaw = lower.get('securemode')
  if (secureModeRaw === undefined) {
    return { ok: false, error: authError('client_id_malformed', `clientId lacks securemode; ${shape}`) }
  }
  if (secureModeRaw !== '2' && secureModeRaw !== '3') {
    return {
      ok: false,
      error: authError(
        'secure_mode_unsupported',
        `securemode=${secureModeRaw} is not supported; use 2 (TLS) or 3 (TCP) with per-device credentials`,
      ),
    }
  }
  const signMethodRaw = lower.get('signmethod')
  if (signMethodRaw === undefined) {
    return { ok: false, error: authError('client_id_malformed', `clientId lacks signmethod; ${shape}`) }
  }
  const signMethod = signMethodRaw.toLowerCase()
  if (!isSignMethod(signMethod)) {
    return {
      ok: false,
      error: authError(
        'sign_method_unsupported',
        `signmethod=${signMethodRaw} is not supported; use ${SIGN_METHODS.join(', ')}`,
      ),
    }
  }
  const timestamp = lower.get('timestamp')
  if (timestamp !== undefined && !/^\d{1,20}$/.test(timestamp)) {
    return {
      ok: false,
      error: authError('client_id_malformed', `timestamp=${timestamp} is not a millisecond timestamp (digits only)`),
    }
  }
  const parsed: ParsedClientId = { id, secureMode: secureModeRaw === '2' ? 2 : 3, signMethod, extra }
  if (timestamp !== undefined) parsed.timestamp = timestamp
  return { ok: true, ...parsed }
}

/** Parses `<deviceName>&<productKey>`. Both parts must be non-empty and safe inside a topic level. */
export function parseUsername(username: string): AuthResult<{ productKey: string; deviceName: string }> {
  const amp = username.lastIndexOf('&')
  const deviceName = amp === -1 ? '' : username.slice(0, amp)
  const productKey = amp === -1 ? '' : username.slice(amp + 1)
  if (deviceName === '' || productKey === '') {
    return {
      ok: false,
      error: authError('username_malformed', `username "${username}" is not "<deviceName>&<productKey>"`),
    }
  }
  if (topicUnsafe(deviceName) || topicUnsafe(productKey) || deviceName.includes('&')) {
    return {
      ok: false,
      error: authError(
        'username_malformed',
        `username "${username}" contains characters not allowed in a device name or product key (/ + # &)`,
      ),
    }
  }
  return { ok: true, productKey, deviceName }
}

/**
 * The sign content: every parameter as name+value, sorted by name (code-unit order, as the SDKs do).
 * `signContent({ clientId: 'c', productKey: 'p', deviceName: 'd' })` → `clientIdcdeviceNamedproductKeyp`.
 */
export function signContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${name}${params[name]}`)
    .join('')
}

/** Lower-case hex HMAC of the sign content. */
export function computeSign(params: Readonly<Record<string, string>>, secret: string, method: SignMethod): string {
  return createHmac(HMAC_ALGORITHM[method], secret).update(signContent(params), 'utf8').digest('hex')
}

/** Constant-time, case-insensitive comparison of a presented hex signature with the expected one. */
export function verifySign(
  params: Readonly<Record<string, string>>,
  secret: string,
  method: SignMethod,
  presented: string,
): boolean {
  const candidate = presented.trim().toLowerCase()
  if (candidate.length !== HEX_LENGTH[method] || !/^[0-9a-f]+$/.test(candidate)) return false
  const expected = computeSign(params, secret, method)
  return timingSafeEqual(Buffer.from(candidate, 'ascii'), Buffer.from(expected, 'ascii'))
}

/** The parameters the CONNECT password signs. */
export function connectSignParams(identity: {
  id: string
  productKey: string
  deviceName: string
  timestamp?: string | undefined
}): Record<string, string> {
  const params: Record<string, string> = {
    clientId: identity.id,
    deviceName: identity.deviceName,
    productKey: identity.productKey,
  }
  if (identity.timestamp !== undefined) params.timestamp = identity.timestamp
  return params
}

export interface ConnectCredentials {
  clientId: string
  username: string
  password: string | Uint8Array | undefined
}

/**
 * Pure parsing of CONNECT fields, without the secret: the broker calls it first to learn which device
 * is connecting, loads its secret (and state: 6100 not found, 522 disabled), then calls `verifyDeviceConnect`.
 */
export function parseDeviceConnect(input: {
  clientId: string
  username: string
}): AuthResult<{ identity: DeviceIdentity }> {
  const client = parseClientId(input.clientId)
  if (!client.ok) return client
  const user = parseUsername(input.username)
  if (!user.ok) return user
  const identity: DeviceIdentity = {
    productKey: user.productKey,
    deviceName: user.deviceName,
    id: client.id,
    signMethod: client.signMethod,
    secureMode: client.secureMode,
    extra: client.extra,
  }
  if (client.timestamp !== undefined) identity.timestamp = client.timestamp
  return { ok: true, identity }
}

function passwordText(password: string | Uint8Array | undefined): string | undefined {
  if (password === undefined) return undefined
  return typeof password === 'string' ? password : Buffer.from(password).toString('utf8')
}

export type VerifyResult =
  | { ok: true; identity: DeviceIdentity }
  | { ok: false; reason: AuthFailureReason; error: AuthError }

/** Full CONNECT check against the device secret. Never logs or returns the secret or the password. */
export function verifyDeviceConnect(input: ConnectCredentials, deviceSecret: string): VerifyResult {
  const parsed = parseDeviceConnect(input)
  if (!parsed.ok) return { ok: false, reason: parsed.error.reason, error: parsed.error }
  const { identity } = parsed
  const password = passwordText(input.password)
  if (password === undefined || password === '') {
    const error = authError('password_missing', 'CONNECT has no password; it must be the hex HMAC of the sign content')
    return { ok: false, reason: error.reason, error }
  }
  if (!verifySign(connectSignParams(identity), deviceSecret, identity.signMethod, password)) {
    const error = authError(
      'sign_mismatch',
      `password does not match ${identity.signMethod} over "clientId…deviceName…productKey…${identity.timestamp === undefined ? '' : 'timestamp…'}" for ${identity.productKey}/${identity.deviceName}`,
    )
    return { ok: false, reason: error.reason, error }
  }
  return { ok: true, identity }
}

export interface BuildCredentialsInput {
  productKey: string
  deviceName: string
  deviceSecret: string
  /** The `<id>` part; defaults to `<productKey>.<deviceName>` as the Link SDK 4.x does. */
  clientId?: string
  signMethod?: SignMethod
  secureMode?: SecureMode
  /** Milliseconds as a string or number; omitted → no timestamp in clientId nor in the sign content. */
  timestamp?: string | number
  /** Extra clientId fields, e.g. `{ _v: 'iotops-sdk-0.1.0' }`. */
  extra?: Readonly<Record<string, string>>
}

/** Device side: the CONNECT clientId, username and password. */
export function buildMqttCredentials(input: BuildCredentialsInput): {
  clientId: string
  username: string
  password: string
} {
  const signMethod = input.signMethod ?? 'hmacsha256'
  const secureMode = input.secureMode ?? 3
  const id = input.clientId ?? `${input.productKey}.${input.deviceName}`
  const timestamp = input.timestamp === undefined ? undefined : String(input.timestamp)
  const fields = [`securemode=${secureMode}`, `signmethod=${signMethod}`]
  if (timestamp !== undefined) fields.push(`timestamp=${timestamp}`)
  for (const [k, v] of Object.entries(input.extra ?? {})) {
    if (KNOWN_FIELDS.has(k.toLowerCase())) continue
    fields.push(`${k}=${v}`)
  }
  const password = computeSign(
    connectSignParams({ id, productKey: input.productKey, deviceName: input.deviceName, timestamp }),
    input.deviceSecret,
    signMethod,
  )
  return {
    clientId: `${id}|${fields.join(',')}|`,
    username: `${input.deviceName}&${input.productKey}`,
    password,
  }
}
