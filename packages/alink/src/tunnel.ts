/**
 * Secure-tunnel frame codec (ref §11.1.4 "secure tunnel communication protocol").
 *
 * A tunnel frame is the payload of one binary WebSocket message:
 *
 *   [header length: 2 bytes, big-endian] [header: UTF-8 JSON, ≤ 2048 bytes] [payload: ≤ 4 KB]
 *
 * Header JSON: `frame_type` (1 common_response, 2 session_create, 3 session_release,
 * 4 data_transport), `session_id` (assigned by the platform; absent only on session_create),
 * `frame_id` (0..2^63-1, increasing per session), `service_type` (letters, `_`, `-`, `.`, starting
 * with a letter, ≤ 16 characters; absent on session_release). Responses and releases carry a JSON
 * payload `{ code, msg }`; data frames carry opaque bytes the platform relays untouched.
 */
import { TUNNEL_HEADER_MAX_BYTES } from './limits'

/** WebSocket sub-protocol and token header the access side uses (ref §11.1.3). */
export const TUNNEL_SUBPROTOCOL = 'aliyun.iot.securetunnel-v1.1'
export const TUNNEL_TOKEN_HEADER = 'tunnel-access-token'
/** ref §11.1.4: a tunnel payload is at most 4 KB. */
export const TUNNEL_PAYLOAD_MAX_BYTES = 4 * 1024

export const TunnelFrameType = {
  COMMON_RESPONSE: 1,
  SESSION_CREATE: 2,
  SESSION_RELEASE: 3,
  DATA_TRANSPORT: 4,
} as const
export type TunnelFrameType = (typeof TunnelFrameType)[keyof typeof TunnelFrameType]

/**
 * `code` of a common_response: 0 created; 1 session limit (10) reached; 2 refused by the device (ref §11.1.4);
 * 3–15 are reserved for the platform — ours: 3 the frame breaks the protocol (its `msg` says how), 4 no such
 * session in this tunnel, 5 the device did not answer a session_create in time, 6 the device side is not
 * connected; 16–255 are the application's own.
 */
export const TunnelResponseCode = {
  OK: 0,
  SESSION_LIMIT: 1,
  DEVICE_REFUSED: 2,
  INVALID_FRAME: 3,
  UNKNOWN_SESSION: 4,
  DEVICE_TIMEOUT: 5,
  DEVICE_NOT_CONNECTED: 6,
} as const
/** `code` of a session_release. */
export const TunnelReleaseCode = {
  BY_ACCESS_SIDE: 0,
  BY_DEVICE: 1,
  ACCESS_SIDE_DISCONNECTED: 2,
  DEVICE_DISCONNECTED: 3,
  PLATFORM_UPDATE: 4,
} as const

export interface TunnelHeader {
  frame_type: TunnelFrameType
  session_id?: string
  frame_id: number
  service_type?: string
}

export interface TunnelFrame {
  header: TunnelHeader
  payload: Uint8Array
}

export type TunnelResult<T> = { ok: true; value: T } | { ok: false; error: string }

/** Why a frame could not be taken, and what of its header could be read (to address the answer). */
export type TunnelFrameProblem =
  | 'truncated'
  | 'header_length'
  | 'header_json'
  | 'frame_type'
  | 'frame_id'
  | 'session_id'
  | 'service_type'
  | 'payload_size'
export type TunnelDecodeResult =
  | { ok: true; value: TunnelFrame }
  | { ok: false; error: string; problem: TunnelFrameProblem; header?: Partial<TunnelHeader> }

/** one strict decoder for every frame (a bad byte sequence throws instead of becoming U+FFFD) */
const UTF8 = new TextDecoder('utf-8', { fatal: true })
/**
 * service_type: a letter, then letters, digits, `_`, `-`, `.`, at most 16 characters (ref §11.1.4). A leading `_`
 * marks the platform's own service types (`_SSH`, as the Link SDK's remote access uses it).
 */
const SERVICE_TYPE = /^(?=.{1,16}$)_?[A-Za-z][A-Za-z0-9_.-]*$/
const FRAME_TYPES: readonly number[] = Object.values(TunnelFrameType)

/** Why a header breaks the protocol table, or null. */
export function tunnelHeaderProblem(header: TunnelHeader): string | null {
  const type = header.frame_type
  if (!FRAME_TYPES.includes(type)) return `frame_type must be 1, 2, 3 or 4, got ${String(type)}`
  if (!Number.isSafeInteger(header.frame_id) || header.frame_id < 0) {
    return `frame_id must be a non-negative integer, got ${String(header.frame_id)}`
  }
  if (type !== TunnelFrameType.SESSION_CREATE && typeof header.session_id !== 'string') {
    return 'session_id is required on every frame but session_create'
  }
  // the platform's answer to a frame it could not read carries an empty session id; nothing else may
  if (header.session_id === '' && type !== TunnelFrameType.COMMON_RESPONSE) {
    return 'session_id is required on every frame but session_create'
  }
  // service_type: required to create a session; on the other frames the session id routes, so it may be left out
  if (header.service_type === undefined && type !== TunnelFrameType.SESSION_CREATE) return null
  if (typeof header.service_type !== 'string' || !SERVICE_TYPE.test(header.service_type)) {
    return `service_type must start with a letter (or "_" and a letter) and hold at most 16 letters, digits, "_", "-" or ".", got ${JSON.stringify(header.service_type)}`
  }
  return null
}

/** Which rule of the header table a problem string breaks (the first one `tunnelHeaderProblem` finds). */
function problemKind(msg: string): TunnelFrameProblem {
  if (msg.startsWith('frame_type')) return 'frame_type'
  if (msg.startsWith('frame_id')) return 'frame_id'
  if (msg.startsWith('session_id')) return 'session_id'
  return 'service_type'
}

/** Is `s` a valid service_type (letters, digits, `_`, `-`, `.`, starting with a letter or `_` and a letter, ≤ 16)? */
export const isTunnelServiceType = (s: string) => SERVICE_TYPE.test(s)

/** Encodes a frame; throws RangeError when the header or payload break the protocol limits. */
export function encodeTunnelFrame(frame: TunnelFrame): Buffer {
  const problem = tunnelHeaderProblem(frame.header)
  if (problem) throw new RangeError(problem)
  const header: TunnelHeader = { frame_type: frame.header.frame_type, frame_id: frame.header.frame_id }
  if (frame.header.session_id !== undefined) header.session_id = frame.header.session_id
  if (frame.header.service_type !== undefined) header.service_type = frame.header.service_type
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  if (headerBytes.length > TUNNEL_HEADER_MAX_BYTES) {
    throw new RangeError(`tunnel header is ${headerBytes.length} bytes; at most ${TUNNEL_HEADER_MAX_BYTES}`)
  }
  if (frame.payload.length > TUNNEL_PAYLOAD_MAX_BYTES) {
    throw new RangeError(`tunnel payload is ${frame.payload.length} bytes; at most ${TUNNEL_PAYLOAD_MAX_BYTES}`)
  }
  const out = Buffer.alloc(2 + headerBytes.length + frame.payload.length)
  out.writeUInt16BE(headerBytes.length, 0)
  headerBytes.copy(out, 2)
  out.set(frame.payload, 2 + headerBytes.length)
  return out
}

type Fail = Extract<TunnelDecodeResult, { ok: false }>
const fail = (problem: TunnelFrameProblem, error: string, header?: Partial<TunnelHeader>): Fail => ({
  ok: false,
  error,
  problem,
  ...(header ? { header } : {}),
})

/** What of a header can be trusted to address an answer: the fields with the right types. */
function readable(raw: Record<string, unknown>): Partial<TunnelHeader> {
  const h: Partial<TunnelHeader> = {}
  if (typeof raw.frame_type === 'number' && FRAME_TYPES.includes(raw.frame_type))
    h.frame_type = raw.frame_type as TunnelFrameType
  if (Number.isSafeInteger(raw.frame_id) && (raw.frame_id as number) >= 0) h.frame_id = raw.frame_id as number
  if (typeof raw.session_id === 'string' && raw.session_id !== '') h.session_id = raw.session_id
  if (typeof raw.service_type === 'string') h.service_type = raw.service_type
  return h
}

function parseHeader(bytes: Uint8Array): { ok: true; value: TunnelHeader } | Fail {
  let json: unknown
  try {
    json = JSON.parse(UTF8.decode(bytes))
  } catch {
    return fail('header_json', 'tunnel header is not UTF-8 JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('header_json', 'tunnel header must be a JSON object')
  const raw = json as Record<string, unknown>
  const header = { frame_type: raw.frame_type, frame_id: raw.frame_id } as TunnelHeader
  if (raw.session_id !== undefined) header.session_id = raw.session_id as string
  if (raw.service_type !== undefined) header.service_type = raw.service_type as string
  const problem = tunnelHeaderProblem(header)
  return problem ? fail(problemKind(problem), problem, readable(raw)) : { ok: true, value: header }
}

/** Decodes one binary WebSocket message into a frame. */
export function decodeTunnelFrame(data: Uint8Array): TunnelDecodeResult {
  if (data.length < 2) return fail('truncated', 'tunnel frame shorter than its 2-byte header length')
  const headerLength = (data[0] as number) * 256 + (data[1] as number)
  if (headerLength === 0 || headerLength > TUNNEL_HEADER_MAX_BYTES) {
    return fail('header_length', `tunnel header length ${headerLength} is outside 1..${TUNNEL_HEADER_MAX_BYTES}`)
  }
  if (data.length < 2 + headerLength)
    return fail('truncated', `tunnel frame is truncated: header needs ${headerLength} bytes`)
  const header = parseHeader(data.subarray(2, 2 + headerLength))
  if (!header.ok) return header
  const payload = data.subarray(2 + headerLength)
  if (payload.length > TUNNEL_PAYLOAD_MAX_BYTES) {
    return fail(
      'payload_size',
      `tunnel payload is ${payload.length} bytes; at most ${TUNNEL_PAYLOAD_MAX_BYTES}`,
      header.value,
    )
  }
  return { ok: true, value: { header: header.value, payload } }
}

/**
 * The answer to a frame that cannot be taken: a common_response with code 3 (INVALID_FRAME) whose `msg` says
 * what is wrong, addressed with what of the header could be read (session id, frame id, service type).
 * A frame whose header cannot be read at all is answered with an empty session id and frame id 0.
 */
export function invalidFrameResponse(bad: Fail): Buffer {
  return responseFrame({
    sessionId: bad.header?.session_id ?? '',
    frameId: bad.header?.frame_id ?? 0,
    serviceType:
      bad.header?.service_type && isTunnelServiceType(bad.header.service_type) ? bad.header.service_type : undefined,
    code: TunnelResponseCode.INVALID_FRAME,
    msg: bad.error,
  })
}

/** A common_response frame (session_create answers and the platform's error answers). */
export function responseFrame(r: {
  sessionId: string
  frameId: number
  serviceType?: string
  code: number
  msg: string
}): Buffer {
  return encodeRaw(
    {
      frame_type: TunnelFrameType.COMMON_RESPONSE,
      session_id: r.sessionId,
      frame_id: r.frameId,
      ...(r.serviceType ? { service_type: r.serviceType } : {}),
    },
    encodeTunnelStatus(r.code, r.msg),
  )
}

/** A session_release frame with its `{ code, msg }` (codes 0–4, `TunnelReleaseCode`). */
export function releaseFrame(r: { sessionId: string; frameId: number; code: number; msg: string }): Buffer {
  return encodeRaw(
    { frame_type: TunnelFrameType.SESSION_RELEASE, session_id: r.sessionId, frame_id: r.frameId },
    encodeTunnelStatus(r.code, r.msg),
  )
}

/** Encodes without validation: for frames the platform builds itself (an empty session id on an unreadable frame's answer). */
function encodeRaw(header: Record<string, unknown>, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const out = Buffer.alloc(2 + headerBytes.length + payload.length)
  out.writeUInt16BE(headerBytes.length, 0)
  headerBytes.copy(out, 2)
  out.set(payload, 2 + headerBytes.length)
  return out
}

/** The `{ code, msg }` payload of common_response and session_release frames. */
export function encodeTunnelStatus(code: number, msg: string): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new RangeError(`status code must be 0..255, got ${code}`)
  return Buffer.from(JSON.stringify({ code, msg }), 'utf8')
}

export function decodeTunnelStatus(payload: Uint8Array): TunnelResult<{ code: number; msg: string }> {
  try {
    const value = JSON.parse(UTF8.decode(payload)) as {
      code?: unknown
      msg?: unknown
    }
    if (typeof value.code !== 'number' || !Number.isInteger(value.code))
      return { ok: false, error: 'status payload has no integer code' }
    return { ok: true, value: { code: value.code, msg: typeof value.msg === 'string' ? value.msg : '' } }
  } catch {
    return { ok: false, error: 'status payload is not UTF-8 JSON' }
  }
}
