/**
 * Alink JSON payloads: requests `{ id, version, params, method, sys? }` and replies
 * `{ id, code, data, message?, method? }`.
 *
 * What the reference SDKs really send is accepted: the C Link SDK 4.x posts
 * `{"id":"1","version":"1.0","params":{…},"sys":{"ack":0}}` without `method` (the topic implies it)
 * and replies `{"id":"1","code":200,"data":{}}`; OTA reports carry neither `version` nor `method`;
 * some firmwares send a numeric id. Parsing normalises all of that. Error codes follow ref §7.1:
 * 6207 data format error, 6450 method missing, 6300 method does not exist (for this topic).
 */
import { z } from 'zod'
import { Codes, codeMessage } from './codes'
import { MESSAGE_ID_MAX, MESSAGE_ID_MAX_LENGTH } from './limits'
import { methodForTopic, type ParsedTopic } from './topics'

export const ALINK_VERSION = '1.0'

// ---------------------------------------------------------------------------------------------
// Normalised shapes (what the rest of IoT Ops handles)
// ---------------------------------------------------------------------------------------------

export const ZAlinkId = z.string().min(1).max(MESSAGE_ID_MAX_LENGTH)

export const ZAlinkSys = z.object({ ack: z.union([z.literal(0), z.literal(1)]).optional() })

export const ZAlinkRequest = z.object({
  id: ZAlinkId,
  version: z.literal(ALINK_VERSION),
  params: z.unknown(),
  /** '' only for topics whose protocol defines no method (OTA reports, shadow, …). */
  method: z.string(),
  sys: ZAlinkSys.optional(),
})
export type TAlinkRequest = z.infer<typeof ZAlinkRequest>

export const ZAlinkReply = z.object({
  id: ZAlinkId,
  code: z.number().int(),
  data: z.unknown(),
  message: z.string().optional(),
  method: z.string().optional(),
  version: z.string().optional(),
})
export type TAlinkReply = z.infer<typeof ZAlinkReply>

// ---------------------------------------------------------------------------------------------
// Wire shapes (what devices send)
// ---------------------------------------------------------------------------------------------

const ZWireId = z.union([
  z
    .string()
    .min(1, 'id must not be empty')
    .max(MESSAGE_ID_MAX_LENGTH, `id is longer than ${MESSAGE_ID_MAX_LENGTH} characters`),
  z.number().int('id must be an integer').nonnegative('id must not be negative').max(Number.MAX_SAFE_INTEGER),
])

const ZWireRequest = z.looseObject({
  id: ZWireId,
  version: z.literal(ALINK_VERSION, { error: `version must be "${ALINK_VERSION}"` }).optional(),
  params: z.unknown().optional(),
  method: z.string().min(1, 'method must not be empty').optional(),
  sys: z
    .looseObject({ ack: z.union([z.literal(0), z.literal(1)], { error: 'sys.ack must be 0 or 1' }).optional() })
    .optional(),
})

const ZWireReply = z.looseObject({
  id: ZWireId,
  code: z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'code must be an integer')]),
  data: z.unknown().optional(),
  message: z.string().optional(),
  method: z.string().optional(),
  version: z.string().optional(),
})

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export interface AlinkParseError {
  code: typeof Codes.DATA_FORMAT_ERROR | typeof Codes.ALINK_METHOD_MISSING | typeof Codes.TSL_METHOD_MISSING
  message: string
  /** The request id when it could be read, so the reply can still carry it. */
  id?: string
}

export type AlinkParseResult<T> = { ok: true; value: T } | { ok: false; error: AlinkParseError }

export interface ParseRequestOptions {
  /** The method the topic implies (see `methodForTopic`); used when the payload has none. */
  expectedMethod?: string
  /** Accept payloads without a method when none is expected (method becomes ''). */
  methodOptional?: boolean
}

const decoder = new TextDecoder('utf-8', { fatal: true })

function formatError(message: string, id?: string): { ok: false; error: AlinkParseError } {
  const error: AlinkParseError = { code: Codes.DATA_FORMAT_ERROR, message }
  if (id !== undefined) error.id = id
  return { ok: false, error }
}

function decodeJsonObject(payload: Uint8Array | string): AlinkParseResult<Record<string, unknown>> {
  let text: string
  try {
    text = typeof payload === 'string' ? payload : decoder.decode(payload)
  } catch {
    return formatError('payload is not valid UTF-8')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return formatError(`payload is not valid JSON: ${(e as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return formatError('payload must be a JSON object')
  }
  return { ok: true, value: value as Record<string, unknown> }
}

function readableId(raw: Record<string, unknown>): string | undefined {
  const id = raw.id
  if (typeof id === 'string' && id !== '' && id.length <= MESSAGE_ID_MAX_LENGTH) return id
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id)
  return undefined
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/**
 * Parses an Alink request payload. Missing `version` means "1.0". The method comes from the payload
 * or, when the payload has none, from `expectedMethod` (6450 when neither exists); a payload method
 * that differs from `expectedMethod` is 6300.
 */
export function parseAlinkRequest(
  payload: Uint8Array | string,
  options: ParseRequestOptions = {},
): AlinkParseResult<TAlinkRequest> {
  const decoded = decodeJsonObject(payload)
  if (!decoded.ok) return decoded
  const raw = decoded.value
  const id = readableId(raw)
  if (!('params' in raw)) return formatError('invalid Alink request: params is missing', id)
  const wire = ZWireRequest.safeParse(raw)
  if (!wire.success) return formatError(`invalid Alink request: ${describeIssues(wire.error)}`, id)

  const w = wire.data
  const requestId = String(w.id)
  let method = w.method
  if (method !== undefined && options.expectedMethod !== undefined && method !== options.expectedMethod) {
    return {
      ok: false,
      error: {
        code: Codes.TSL_METHOD_MISSING,
        message: `method "${method}" does not exist on this topic; expected "${options.expectedMethod}"`,
        id: requestId,
      },
    }
  }
  if (method === undefined) method = options.expectedMethod
  if (method === undefined) {
    if (!options.methodOptional) {
      return {
        ok: false,
        error: { code: Codes.ALINK_METHOD_MISSING, message: 'Alink request has no method', id: requestId },
      }
    }
    method = ''
  }
  const request: TAlinkRequest = { id: requestId, version: ALINK_VERSION, params: w.params, method }
  if (w.sys !== undefined) {
    request.sys = w.sys.ack === undefined ? {} : { ack: w.sys.ack }
  }
  return { ok: true, value: request }
}

/** `parseAlinkRequest` with the method implied by the parsed topic (method optional where the topic has none). */
export function parseAlinkRequestForTopic(
  payload: Uint8Array | string,
  topic: ParsedTopic,
): AlinkParseResult<TAlinkRequest> {
  const expectedMethod = methodForTopic(topic)
  const options: ParseRequestOptions = expectedMethod === undefined ? { methodOptional: true } : { expectedMethod }
  return parseAlinkRequest(payload, options)
}

/** Parses a reply sent by a device (property set reply, service reply, RRPC response…). Missing data → {}. */
export function parseAlinkReply(payload: Uint8Array | string): AlinkParseResult<TAlinkReply> {
  const decoded = decodeJsonObject(payload)
  if (!decoded.ok) return decoded
  const raw = decoded.value
  const wire = ZWireReply.safeParse(raw)
  if (!wire.success) return formatError(`invalid Alink reply: ${describeIssues(wire.error)}`, readableId(raw))
  const w = wire.data
  const reply: TAlinkReply = { id: String(w.id), code: Number(w.code), data: w.data === undefined ? {} : w.data }
  if (w.message !== undefined) reply.message = w.message
  if (w.method !== undefined) reply.method = w.method
  if (w.version !== undefined) reply.version = w.version
  return { ok: true, value: reply }
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

// Web Crypto exists in Node 20 and browsers alike: this module stays safe to import in the console
let nextId = (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % 2 ** 31

/**
 * A fresh message id: a decimal string in 0..4294967295 (ref §8.3), from a per-process counter
 * that starts at a random point and wraps, so consecutive ids never repeat within 2^32 messages.
 */
export function newMessageId(): string {
  const id = nextId
  nextId = nextId >= MESSAGE_ID_MAX ? 0 : nextId + 1
  return String(id)
}

/** A request the platform (or the SDK) sends. `ack: 1` asks the peer for a reply (Link SDK `sys.ack`). */
export function makeRequest(
  method: string,
  params: unknown,
  options: { id?: string; ack?: 0 | 1 } = {},
): TAlinkRequest {
  const request: TAlinkRequest = { id: options.id ?? newMessageId(), version: ALINK_VERSION, params, method }
  if (options.ack !== undefined) request.sys = { ack: options.ack }
  return request
}

/**
 * The reply to a request: same id and method; `data` defaults to `{}` and `message` to "success"
 * for 200 or the catalogue meaning of the code.
 */
export function makeReply(
  request: Pick<TAlinkRequest, 'id' | 'method'>,
  code: number,
  data: unknown = {},
  message?: string,
): TAlinkReply {
  const reply: TAlinkReply = {
    id: request.id,
    code,
    data,
    message: message ?? codeMessage(code),
    version: ALINK_VERSION,
  }
  if (request.method !== '') reply.method = request.method
  return reply
}

/** Whether a request asks for no reply (`sys.ack` = 0). Without `sys.ack` a reply is expected. */
export function replyWanted(request: Pick<TAlinkRequest, 'sys'>): boolean {
  return request.sys?.ack !== 0
}

/** JSON bytes for MQTT. */
export function encodeAlink(message: TAlinkRequest | TAlinkReply): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8')
}
