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

/** `code` of a common_response: 0 created; 1 session limit (10) reached; 2 refused by the device; 3–15 reserved; 16–255 user-defined. */
export const TunnelResponseCode = { OK: 0, SESSION_LIMIT: 1, DEVICE_REFUSED: 2 } as const
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

const SERVICE_TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,15}$/
const FRAME_TYPES: readonly number[] = Object.values(TunnelFrameType)

/** Why a header breaks the protocol table, or null. */
export function tunnelHeaderProblem(header: TunnelHeader): string | null {
  const type = header.frame_type
  if (!FRAME_TYPES.includes(type)) return `frame_type must be 1, 2, 3 or 4, got ${String(type)}`
  if (!Number.isSafeInteger(header.frame_id) || header.frame_id < 0) {
    return `frame_id must be a non-negative integer, got ${String(header.frame_id)}`
  }
  if (type !== TunnelFrameType.SESSION_CREATE && (typeof header.session_id !== 'string' || header.session_id === '')) {
    return 'session_id is required on every frame but session_create'
  }
  if (type === TunnelFrameType.SESSION_RELEASE) return null
  if (typeof header.service_type !== 'string' || !SERVICE_TYPE.test(header.service_type)) {
    return `service_type must start with a letter and hold at most 16 letters, digits, "_", "-" or ".", got ${JSON.stringify(header.service_type)}`
  }
  return null
}

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

function parseHeader(bytes: Uint8Array): TunnelResult<TunnelHeader> {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ok: false, error: 'tunnel header is not UTF-8 JSON' }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, error: 'tunnel header must be a JSON object' }
  const raw = json as Record<string, unknown>
  const header = { frame_type: raw.frame_type, frame_id: raw.frame_id } as TunnelHeader
  if (raw.session_id !== undefined) header.session_id = raw.session_id as string
  if (raw.service_type !== undefined) header.service_type = raw.service_type as string
  const problem = tunnelHeaderProblem(header)
  return problem ? { ok: false, error: problem } : { ok: true, value: header }
}

/** Decodes one binary WebSocket message into a frame. */
export function decodeTunnelFrame(data: Uint8Array): TunnelResult<TunnelFrame> {
  if (data.length < 2) return { ok: false, error: 'tunnel frame shorter than its 2-byte header length' }
  const headerLength = (data[0] as number) * 256 + (data[1] as number)
  if (headerLength === 0 || headerLength > TUNNEL_HEADER_MAX_BYTES) {
    return { ok: false, error: `tunnel header length ${headerLength} is outside 1..${TUNNEL_HEADER_MAX_BYTES}` }
  }
  if (data.length < 2 + headerLength)
    return { ok: false, error: `tunnel frame is truncated: header needs ${headerLength} bytes` }
  const header = parseHeader(data.subarray(2, 2 + headerLength))
  if (!header.ok) return header
  const payload = data.subarray(2 + headerLength)
  if (payload.length > TUNNEL_PAYLOAD_MAX_BYTES) {
    return { ok: false, error: `tunnel payload is ${payload.length} bytes; at most ${TUNNEL_PAYLOAD_MAX_BYTES}` }
  }
  return { ok: true, value: { header: header.value, payload } }
}

/** The `{ code, msg }` payload of common_response and session_release frames. */
export function encodeTunnelStatus(code: number, msg: string): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new RangeError(`status code must be 0..255, got ${code}`)
  return Buffer.from(JSON.stringify({ code, msg }), 'utf8')
}

export function decodeTunnelStatus(payload: Uint8Array): TunnelResult<{ code: number; msg: string }> {
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as {
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
