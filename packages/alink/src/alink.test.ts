import { describe, expect, it } from 'vitest'
import {
  encodeAlink,
  makeReply,
  makeRequest,
  newMessageId,
  parseAlinkReply,
  parseAlinkRequest,
  parseAlinkRequestForTopic,
  replyWanted,
  ZAlinkReply,
  ZAlinkRequest,
} from './alink'
import { parseTopic } from './topics'

const POST = 'thing.event.property.post'

describe('parseAlinkRequest', () => {
  it('accepts the C Link SDK 4.x property post (no method) and takes the method from the topic', () => {
    const payload = Buffer.from('{"id":"7","version":"1.0","params":{"temp":21.5},"sys":{"ack":0}}')
    const r = parseAlinkRequest(payload, { expectedMethod: POST })
    expect(r).toEqual({
      ok: true,
      value: { id: '7', version: '1.0', params: { temp: 21.5 }, method: POST, sys: { ack: 0 } },
    })
  })

  it('normalises a numeric id and a missing version', () => {
    const r = parseAlinkRequest('{"id":123,"params":{},"method":"thing.config.get"}')
    expect(r).toEqual({ ok: true, value: { id: '123', version: '1.0', params: {}, method: 'thing.config.get' } })
  })

  it('accepts an OTA report without method when the method is optional', () => {
    const r = parseAlinkRequest('{"id":"123","params":{"version":"1.0.1","module":"MCU"}}', { methodOptional: true })
    expect(r.ok && r.value.method).toBe('')
  })

  it.each([
    ['not JSON', '{"id":', 6207, /not valid JSON/],
    ['an array', '[1,2]', 6207, /JSON object/],
    ['no id', '{"params":{},"method":"m"}', 6207, /id/],
    ['empty id', '{"id":"","params":{},"method":"m"}', 6207, /id/],
    ['negative id', '{"id":-1,"params":{},"method":"m"}', 6207, /id/],
    ['no params', '{"id":"1","method":"m"}', 6207, /params is missing/],
    ['wrong version', '{"id":"1","version":"2.0","params":{},"method":"m"}', 6207, /version/],
    ['bad ack', '{"id":"1","params":{},"method":"m","sys":{"ack":2}}', 6207, /sys\.ack/],
    ['no method at all', '{"id":"1","params":{}}', 6450, /no method/],
  ])('rejects %s with %s', (_label, payload, code, message) => {
    const r = parseAlinkRequest(payload)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe(code)
      expect(r.error.message).toMatch(message)
    }
  })

  it('rejects invalid UTF-8', () => {
    const r = parseAlinkRequest(new Uint8Array([0x7b, 0xff, 0x7d]))
    expect(!r.ok && r.error).toMatchObject({ code: 6207, message: expect.stringMatching(/UTF-8/) })
  })

  it('keeps the id of a malformed request so the reply can carry it', () => {
    const r = parseAlinkRequest('{"id":"42","method":"m"}')
    expect(!r.ok && r.error.id).toBe('42')
  })

  it('reports 6300 when the payload method does not belong to the topic', () => {
    const r = parseAlinkRequest('{"id":"1","params":{},"method":"thing.service.property.set"}', {
      expectedMethod: POST,
    })
    expect(!r.ok && r.error).toMatchObject({
      code: 6300,
      id: '1',
      message: expect.stringMatching(/thing\.event\.property\.post/),
    })
  })
})

describe('parseAlinkRequestForTopic', () => {
  it('uses the topic method for thing-model topics', () => {
    const topic = parseTopic('/sys/pk1/dev1/thing/event/Alarm/post')
    const r = parseAlinkRequestForTopic('{"id":"1","params":{"level":2}}', topic)
    expect(r.ok && r.value.method).toBe('thing.event.Alarm.post')
  })
  it('lets method-less topics through', () => {
    const topic = parseTopic('/ota/device/progress/pk1/dev1')
    const r = parseAlinkRequestForTopic('{"id":"1","params":{"step":"50","desc":"downloading"}}', topic)
    expect(r.ok && r.value.method).toBe('')
  })
})

describe('parseAlinkReply', () => {
  it('parses the C SDK reply', () => {
    expect(parseAlinkReply('{"id":"9","code":200,"data":{}}')).toEqual({
      ok: true,
      value: { id: '9', code: 200, data: {} },
    })
  })
  it('accepts a string code and missing data', () => {
    expect(parseAlinkReply('{"id":9,"code":"1000","message":"success"}')).toEqual({
      ok: true,
      value: { id: '9', code: 1000, data: {}, message: 'success' },
    })
  })
  it('rejects a reply without code', () => {
    const r = parseAlinkReply('{"id":"9","data":{}}')
    expect(!r.ok && r.error).toMatchObject({ code: 6207, id: '9', message: expect.stringMatching(/code/) })
  })
})

describe('building messages', () => {
  it('newMessageId yields distinct decimal strings within uint32', () => {
    const ids = Array.from({ length: 1000 }, () => newMessageId())
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids) {
      expect(id).toMatch(/^\d+$/)
      expect(Number(id)).toBeLessThanOrEqual(4_294_967_295)
    }
  })

  it('makeRequest produces a schema-valid request', () => {
    const req = makeRequest('thing.service.property.set', { power: 1 }, { id: '5', ack: 1 })
    expect(req).toEqual({
      id: '5',
      version: '1.0',
      params: { power: 1 },
      method: 'thing.service.property.set',
      sys: { ack: 1 },
    })
    expect(ZAlinkRequest.safeParse(req).success).toBe(true)
  })

  it('makeReply echoes id and method and fills the message', () => {
    const ok = makeReply({ id: '5', method: POST }, 200)
    expect(ok).toEqual({ id: '5', code: 200, data: {}, message: 'success', method: POST, version: '1.0' })
    const bad = makeReply({ id: '6', method: POST }, 6106)
    expect(bad.message).toBe('Too many properties in one report.')
    const custom = makeReply({ id: '7', method: '' }, 6306, { x: 1 }, 'temp out of range')
    expect(custom).toEqual({ id: '7', code: 6306, data: { x: 1 }, message: 'temp out of range', version: '1.0' })
    expect(ZAlinkReply.safeParse(custom).success).toBe(true)
  })

  it('replyWanted follows sys.ack', () => {
    expect(replyWanted({ sys: { ack: 0 } })).toBe(false)
    expect(replyWanted({ sys: { ack: 1 } })).toBe(true)
    expect(replyWanted({})).toBe(true)
  })

  it('encodeAlink round-trips through the parser', () => {
    const req = makeRequest(POST, { a: 1 }, { id: '11' })
    const back = parseAlinkRequest(encodeAlink(req))
    expect(back).toEqual({ ok: true, value: req })
  })
})
