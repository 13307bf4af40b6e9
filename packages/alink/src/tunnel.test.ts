import { describe, expect, it } from 'vitest'
import {
  decodeTunnelFrame,
  decodeTunnelStatus,
  encodeTunnelFrame,
  encodeTunnelStatus,
  invalidFrameResponse,
  releaseFrame,
  responseFrame,
  TunnelFrameType,
  TunnelResponseCode,
  tunnelHeaderProblem,
} from './tunnel'

/** Builds a frame by hand: 2-byte big-endian header length, header JSON, payload. */
function handMade(headerJson: string, payload: Uint8Array = new Uint8Array()): Buffer {
  const header = Buffer.from(headerJson, 'utf8')
  return Buffer.concat([Buffer.from([header.length >> 8, header.length & 0xff]), header, payload])
}

describe('tunnel frames', () => {
  it('encodes the documented layout', () => {
    const frame = encodeTunnelFrame({
      header: { frame_type: TunnelFrameType.DATA_TRANSPORT, frame_id: 7, session_id: 's-1', service_type: 'SSH' },
      payload: Buffer.from('ls\n'),
    })
    const json = '{"frame_type":4,"frame_id":7,"session_id":"s-1","service_type":"SSH"}'
    expect(frame.subarray(0, 2)).toEqual(Buffer.from([0x00, json.length]))
    expect(frame.subarray(2, 2 + json.length).toString('utf8')).toBe(json)
    expect(frame.subarray(2 + json.length).toString('utf8')).toBe('ls\n')
  })

  it('decodes a frame written by someone else (other key order, an 87-byte header → 0x00 0x57 as in the manual)', () => {
    const base = '{"service_type":"ECHO_service","session_id":"","frame_type":4,"frame_id":1}'
    const sessionId = 's'.repeat(87 - base.length)
    const json = base.replace('"session_id":""', `"session_id":"${sessionId}"`)
    const bytes = handMade(json, Buffer.from([1, 2, 3]))
    expect([bytes[0], bytes[1]]).toEqual([0x00, 0x57])
    const r = decodeTunnelFrame(bytes)
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.value.header).toEqual({
        frame_type: 4,
        frame_id: 1,
        session_id: sessionId,
        service_type: 'ECHO_service',
      })
      expect([...r.value.payload]).toEqual([1, 2, 3])
    }
  })

  it('round-trips create / response / release frames', () => {
    const create = encodeTunnelFrame({
      header: { frame_type: 2, frame_id: 1, service_type: 'ssh' },
      payload: new Uint8Array(),
    })
    const created = decodeTunnelFrame(create)
    expect(created.ok && created.value.header).toEqual({ frame_type: 2, frame_id: 1, service_type: 'ssh' })
    expect(created.ok && created.value.payload.length).toBe(0)
    const release = encodeTunnelFrame({
      header: { frame_type: 3, frame_id: 9, session_id: 's' },
      payload: encodeTunnelStatus(1, 'closed by device'),
    })
    const decoded = decodeTunnelFrame(release)
    expect(decoded.ok && decodeTunnelStatus(decoded.value.payload)).toEqual({
      ok: true,
      value: { code: 1, msg: 'closed by device' },
    })
  })

  it.each([
    ['bad frame type', { frame_type: 9, frame_id: 1, session_id: 's', service_type: 'a' }, /frame_type/],
    ['negative frame id', { frame_type: 4, frame_id: -1, session_id: 's', service_type: 'a' }, /frame_id/],
    ['data without session', { frame_type: 4, frame_id: 1, service_type: 'a' }, /session_id is required/],
    ['service type starting with a digit', { frame_type: 2, frame_id: 1, service_type: '1ssh' }, /service_type/],
    ['service type too long', { frame_type: 2, frame_id: 1, service_type: 'a'.repeat(17) }, /service_type/],
  ])('rejects %s', (_label, header, message) => {
    expect(tunnelHeaderProblem(header as never)).toMatch(message)
    expect(() => encodeTunnelFrame({ header: header as never, payload: new Uint8Array() })).toThrow(RangeError)
  })

  it('enforces the payload and header limits', () => {
    const header = { frame_type: 4 as const, frame_id: 1, session_id: 's', service_type: 'a' }
    expect(() => encodeTunnelFrame({ header, payload: new Uint8Array(4097) })).toThrow(/4096/)
    expect(encodeTunnelFrame({ header, payload: new Uint8Array(4096) }).length).toBeGreaterThan(4096)
    const tooLongHeader = handMade(JSON.stringify({ ...header, pad: 'x'.repeat(2100) }))
    expect(decodeTunnelFrame(tooLongHeader)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/outside 1..2048/),
    })
  })

  it('rejects truncated and malformed input', () => {
    expect(decodeTunnelFrame(new Uint8Array([0]))).toMatchObject({ ok: false })
    expect(decodeTunnelFrame(new Uint8Array([0, 10, 123]))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/truncated/),
    })
    expect(decodeTunnelFrame(handMade('not json'))).toMatchObject({ ok: false, error: expect.stringMatching(/JSON/) })
    expect(decodeTunnelFrame(handMade('{"frame_type":4,"frame_id":1}'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/session_id/),
    })
    expect(() => encodeTunnelStatus(256, 'x')).toThrow(RangeError)
    expect(decodeTunnelStatus(Buffer.from('{"msg":"x"}'))).toMatchObject({ ok: false })
  })

  it('needs service_type to create a session, but lets data, response and release frames leave it out', () => {
    expect(tunnelHeaderProblem({ frame_type: 2, frame_id: 1 })).toMatch(/service_type/)
    expect(tunnelHeaderProblem({ frame_type: 4, frame_id: 1, session_id: 's' })).toBeNull()
    expect(tunnelHeaderProblem({ frame_type: 1, frame_id: 1, session_id: 's' })).toBeNull()
    expect(tunnelHeaderProblem({ frame_type: 3, frame_id: 1, session_id: 's' })).toBeNull()
    // …but one that is there must be valid
    expect(tunnelHeaderProblem({ frame_type: 4, frame_id: 1, session_id: 's', service_type: '-x' })).toMatch(
      /service_type/,
    )
  })

  it('builds the response and release frames of the protocol table', () => {
    const r = decodeTunnelFrame(
      responseFrame({ sessionId: 's-9', frameId: 3, serviceType: 'ECHO', code: 0, msg: 'ok' }),
    )
    expect(r.ok && r.value.header).toEqual({ frame_type: 1, session_id: 's-9', frame_id: 3, service_type: 'ECHO' })
    expect(r.ok && decodeTunnelStatus(r.value.payload)).toEqual({ ok: true, value: { code: 0, msg: 'ok' } })
    for (const code of [0, 1, 2, 3, 4]) {
      const rel = decodeTunnelFrame(releaseFrame({ sessionId: 's-9', frameId: 4, code, msg: 'bye' }))
      expect(rel.ok && rel.value.header).toEqual({ frame_type: 3, session_id: 's-9', frame_id: 4 })
      expect(rel.ok && decodeTunnelStatus(rel.value.payload)).toEqual({ ok: true, value: { code, msg: 'bye' } })
    }
  })
})

/** The documented answer to each malformed frame: a common_response, code 3, addressed with what could be read. */
describe('malformed frames and their answers', () => {
  const answer = (bytes: Uint8Array) => {
    const r = decodeTunnelFrame(bytes)
    if (r.ok) throw new Error('expected a refusal')
    const a = decodeTunnelFrame(invalidFrameResponse(r))
    if (!a.ok) throw new Error(a.error)
    const status = decodeTunnelStatus(a.value.payload)
    return { problem: r.problem, header: a.value.header, status: status.ok ? status.value : null }
  }
  const pad = (n: number) => JSON.stringify({ frame_type: 4, frame_id: 1, session_id: 's', x: 'y'.repeat(n) })

  it.each([
    ['an oversized header (> 2048 bytes)', handMade(pad(2100)), 'header_length', /outside 1..2048/],
    ['a zero header length', Buffer.from([0, 0]), 'header_length', /outside/],
    ['a frame shorter than its header length', Buffer.from([0, 50, 123]), 'truncated', /truncated/],
    ['a header that is not JSON', handMade('{frame_type:4'), 'header_json', /JSON/],
    ['a header that is JSON but not an object', handMade('[1,2]'), 'header_json', /object/],
  ])('%s → code 3 with an empty session id', (_l, bytes, problem, msg) => {
    const a = answer(bytes)
    expect(a.problem).toBe(problem)
    expect(a.header).toMatchObject({ frame_type: TunnelFrameType.COMMON_RESPONSE, frame_id: 0 })
    expect(a.status).toEqual({ code: TunnelResponseCode.INVALID_FRAME, msg: expect.stringMatching(msg) })
  })

  it('answers invalid UTF-8 in the header', () => {
    const bytes = Buffer.concat([Buffer.from([0, 3]), Buffer.from([0xc3, 0x28, 0xff])])
    expect(answer(bytes)).toMatchObject({ problem: 'header_json', status: { code: 3 } })
  })

  it('answers an unknown frame_type, keeping the session and frame ids', () => {
    const a = answer(handMade('{"frame_type":7,"frame_id":12,"session_id":"s-1"}'))
    expect(a.problem).toBe('frame_type')
    expect(a.header).toMatchObject({ session_id: 's-1', frame_id: 12 })
    expect(a.status?.msg).toMatch(/frame_type must be 1, 2, 3 or 4, got 7/)
  })

  it('answers a data frame without a session id (wrong session id: see the relay)', () => {
    const a = answer(handMade('{"frame_type":4,"frame_id":2,"session_id":""}'))
    expect(a.problem).toBe('session_id')
    expect(a.header).toMatchObject({ frame_id: 2 })
  })

  it('answers a session_create with a bad service_type, echoing the frame id', () => {
    for (const st of ['1ssh', '__ssh', '_1ssh', '-ssh', 'a'.repeat(17), 'ss h', 'ssh/1', '']) {
      const a = answer(handMade(JSON.stringify({ frame_type: 2, frame_id: 5, service_type: st })))
      expect(a.problem).toBe('service_type')
      expect(a.header.frame_id).toBe(5)
      expect(a.header.service_type).toBeUndefined()
      expect(a.status?.code).toBe(3)
    }
  })

  it('answers a payload over 4 KB, addressed to its session', () => {
    const header = { frame_type: 4 as const, frame_id: 8, session_id: 's-2', service_type: 'SSH' }
    const a = answer(handMade(JSON.stringify(header), new Uint8Array(4097)))
    expect(a.problem).toBe('payload_size')
    expect(a.header).toMatchObject({ session_id: 's-2', frame_id: 8, service_type: 'SSH' })
    expect(a.status?.msg).toMatch(/4097 bytes; at most 4096/)
  })

  it('answers a negative or fractional frame_id', () => {
    expect(answer(handMade('{"frame_type":4,"frame_id":-1,"session_id":"s"}')).problem).toBe('frame_id')
    expect(answer(handMade('{"frame_type":4,"frame_id":1.5,"session_id":"s"}')).problem).toBe('frame_id')
  })
})

describe('service types', () => {
  it('accepts letters first, and the platform’s own "_" types (the Link SDK’s _SSH)', () => {
    for (const ok of ['SSH', 'ECHO_service', 'a', 'web-1.admin', '_SSH', '_HTTP', 'a'.repeat(16), `_${'a'.repeat(15)}`])
      expect(tunnelHeaderProblem({ frame_type: 2, frame_id: 1, service_type: ok }), ok).toBeNull()
    for (const bad of ['', '1a', '_', '_1', '__a', '.a', 'a b', 'a/b', 'a'.repeat(17), `_${'a'.repeat(16)}`, 'ü'])
      expect(tunnelHeaderProblem({ frame_type: 2, frame_id: 1, service_type: bad }), bad).toMatch(/service_type/)
  })
})
