import { describe, expect, it } from 'vitest'
import { configBytes, configProblem, matchesQuery, parseDeviceQuery, ZConfigTarget, ZSaveConfigInput } from './schema'

describe('configuration text', () => {
  it('counts UTF-8 bytes and enforces 64 KB', () => {
    expect(configBytes('{"a":"é"}')).toBe(10)
    expect(configProblem(JSON.stringify({ s: 'x'.repeat(65_536 - 8) }))).toBeNull()
    expect(configProblem(JSON.stringify({ s: 'x'.repeat(65_536 - 7) }))?.kind).toBe('tooLarge')
  })
  it('refuses empty text and invalid JSON with a specific message', () => {
    expect(configProblem('  ')?.kind).toBe('empty')
    expect(configProblem('{"a":')).toMatchObject({ kind: 'json' })
    const r = ZSaveConfigInput.safeParse({ productKey: 'pk1', target: { scope: 'PRODUCT' }, content: '[1,' })
    expect(r.success).toBe(false)
  })
})

describe('device queries', () => {
  it('parses and normalizes clauses', () => {
    expect(parseDeviceQuery(' deviceName = sensor-* & tag.floor=3 ')).toEqual({
      ok: true,
      clauses: [
        { field: 'deviceName', pattern: 'sensor-*' },
        { field: 'tag', key: 'floor', value: '3' },
      ],
      normalized: 'deviceName=sensor-*&tag.floor=3',
    })
  })
  it('names what is wrong', () => {
    expect(parseDeviceQuery('')).toMatchObject({ ok: false })
    expect(parseDeviceQuery('color=red')).toMatchObject({ ok: false, message: expect.stringMatching(/unknown field/) })
    expect(parseDeviceQuery('deviceName=')).toMatchObject({ ok: false })
    expect(parseDeviceQuery('deviceName=a b')).toMatchObject({ ok: false })
    expect(ZConfigTarget.safeParse({ scope: 'QUERY', target: 'tag.x=1' }).success).toBe(false)
  })
  it('matches names with wildcards and tags, all clauses together', () => {
    const q = parseDeviceQuery('deviceName=sensor-*&tag.floor=3')
    if (!q.ok) throw new Error(q.message)
    expect(matchesQuery(q.clauses, { deviceName: 'sensor-01', tags: { floor: '3' } })).toBe(true)
    expect(matchesQuery(q.clauses, { deviceName: 'sensor-01', tags: { floor: '4' } })).toBe(false)
    expect(matchesQuery(q.clauses, { deviceName: 'pump-01', tags: { floor: '3' } })).toBe(false)
    const dots = parseDeviceQuery('deviceName=a.b')
    if (!dots.ok) throw new Error(dots.message)
    expect(matchesQuery(dots.clauses, { deviceName: 'axb', tags: {} })).toBe(false)
  })
})
