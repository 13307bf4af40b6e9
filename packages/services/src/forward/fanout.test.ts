import { describe, expect, it } from 'vitest'
import { cutContent } from '../runlog/writer'
import { expandFanout, type FanoutHop, fanoutContent } from './fanout'

const hops: FanoutHop[] = [
  { destinationId: 'd-webhook', operation: 'webhook', latencyMs: 12 },
  { destinationId: 'd-pg', operation: 'postgres', latencyMs: 40 },
]
const rest = (content: string) => `"ruleName":"r1","ruleId":"rule-1","Content":${JSON.stringify(content)}}`
const record = (content: string, code = 200) => ({
  ts: new Date(1_700_000_000_100),
  id: 7,
  productKey: 'pk',
  deviceName: 'dn',
  traceId: 't1',
  messageId: null,
  bizType: 'RuleEngine',
  operation: 'webhook,postgres',
  code,
  content,
})

describe('forwarding fan-out records', () => {
  it('is valid JSON listing the destinations that took the row', () => {
    const c = JSON.parse(fanoutContent(hops, 1_700_000_000_000, rest('{"t":21}')))
    expect(c).toEqual({
      destinations: hops,
      at: 1_700_000_000_000,
      ruleName: 'r1',
      ruleId: 'rule-1',
      Content: '{"t":21}',
    })
  })

  it('becomes one trace hop per destination, at the time each answered, in the per-destination form', () => {
    const out = expandFanout(record(fanoutContent(hops, 1_700_000_000_000, rest('{"t":21}'))))
    expect(out.map((h) => [h.operation, h.ts.getTime(), h.id])).toEqual([
      ['webhook', 1_700_000_000_012, 7],
      ['postgres', 1_700_000_000_040, 7],
    ])
    expect(JSON.parse(out[1]!.content)).toEqual({
      destinationId: 'd-pg',
      latencyMs: 40,
      ruleName: 'r1',
      ruleId: 'rule-1',
      Content: '{"t":21}',
    })
  })

  it('keeps its destinations when a long row is cut', () => {
    const long = cutContent(fanoutContent(hops, 1_700_000_000_000, rest(`{"s":"${'x'.repeat(10_000)}"}`)))
    expect(long).toMatch(/…\(truncated, \d+ chars\)$/)
    expect(expandFanout(record(long)).map((h) => h.operation)).toEqual(['webhook', 'postgres'])
  })

  it('leaves other records alone: failures, and rows whose Content merely looks like a list', () => {
    const red = record('{"ruleName":"r1","ruleId":"rule-1","destinationId":"d","Content":"{}","Message":"x"}', 9325)
    expect(expandFanout(red)).toEqual([red])
    const sneaky = record(rest('{"destinations":[],"at":1}'))
    expect(expandFanout(sneaky)).toEqual([sneaky])
  })
})
