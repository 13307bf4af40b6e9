import { describe, expect, it } from 'vitest'
import { fillTemplate } from './destinations'
import { ruleInput, ruleTopic, takeBatch } from './engine'

const at = new Date(1_700_000_000_000)
const msg = (payload: unknown) => ({
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  productKey: 'pk1',
  deviceName: 'dev1',
  at,
})

describe('forwarding input formats', () => {
  it('turns an Alink property post into the items format, keeping reported times', () => {
    const r = ruleInput(
      msg({ id: '7', params: { temperature: 21, humidity: { value: 40, time: 5 } } }),
      '/pk1/dev1/thing/event/property/post',
      { kind: 'property', binary: false },
    )
    expect(r).toEqual({
      ok: true,
      value: {
        requestId: '7',
        productKey: 'pk1',
        deviceName: 'dev1',
        gmtCreate: at.getTime(),
        items: { temperature: { value: 21, time: at.getTime() }, humidity: { value: 40, time: 5 } },
      },
    })
  })

  it('gives event posts their identifier and value', () => {
    const r = ruleInput(
      msg({ id: '1', params: { value: { level: 3 }, time: 9 } }),
      '/pk1/dev1/thing/event/overheat/post',
      {
        kind: 'event',
        binary: false,
      },
    )
    expect(r).toMatchObject({ ok: true, value: { identifier: 'overheat', value: { level: 3 }, time: 9 } })
  })

  it('refuses a payload that is not JSON (9320 upstream) unless the rule is binary', () => {
    expect(ruleInput(msg('\u0001\u0002'), '/pk1/dev1/user/raw', { kind: 'custom', binary: false })).toMatchObject({
      ok: false,
    })
    expect(ruleInput(msg('AB'), '/pk1/dev1/user/raw', { kind: 'custom', binary: true })).toEqual({
      ok: true,
      value: { payload: Buffer.from('AB').toString('base64') },
    })
  })

  it('maps device topics to rule topics and fills topic templates from the row', () => {
    expect(ruleTopic('/sys/pk1/dev1/thing/event/property/post')).toBe('/pk1/dev1/thing/event/property/post')
    expect(ruleTopic('/pk1/dev1/user/a')).toBe('/pk1/dev1/user/a')
    expect(fillTemplate('/pk1/${deviceName}/user/get', { deviceName: 'd9' })).toBe('/pk1/d9/user/get')
    expect(fillTemplate('/x/${missing}', {})).toBe('/x/')
  })
})

describe('takeBatch', () => {
  const q = (...sizes: number[]) => sizes.map((n) => ({ text: 'x'.repeat(n) }))
  it('takes up to the row limit, leaving the rest queued in order', () => {
    const queue = q(1, 2, 3, 4, 5)
    expect(takeBatch(queue, 3, 1000).map((j) => j.text.length)).toEqual([1, 2, 3])
    expect(queue.map((j) => j.text.length)).toEqual([4, 5])
  })
  it('stops before the byte limit, but always takes one row (a large row goes alone)', () => {
    const queue = q(40, 40, 40, 500, 10)
    expect(takeBatch(queue, 100, 100)).toHaveLength(2)
    expect(takeBatch(queue, 100, 100)).toHaveLength(1)
    expect(takeBatch(queue, 100, 100).map((j) => j.text.length)).toEqual([500])
    expect(takeBatch(queue, 1, 100)).toHaveLength(1)
    expect(queue).toHaveLength(0)
  })
})
