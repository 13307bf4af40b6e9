import { describe, expect, it } from 'vitest'
import {
  decodeTunnelFrame,
  decodeTunnelStatus,
  encodeTunnelFrame,
  encodeTunnelStatus,
  TunnelFrameType,
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
})
