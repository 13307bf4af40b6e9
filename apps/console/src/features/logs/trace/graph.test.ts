import { describe, expect, it } from 'vitest'
import {
  CELL_H,
  CELL_W,
  columnsFor,
  escapeHtml,
  FAIL_COLOR,
  failureReason,
  type GraphText,
  graphBox,
  type Hop,
  hopTooltip,
  OK_COLOR,
  shortOperation,
  traceGraph,
  traceIndexes,
} from './graph'

const PK = 'a1B2c3D4e5F'
const DN = 'sensor_01'
let nextId = 1
const hop = (over: Partial<Hop>): Hop => ({
  ts: new Date('2026-11-24T05:36:22.100Z'),
  id: nextId++,
  productKey: PK,
  deviceName: DN,
  traceId: 'trace-a',
  messageId: '42',
  bizType: 'uplink',
  operation: `/sys/${PK}/${DN}/thing/event/property/post`,
  code: 200,
  content: '{}',
  ok: true,
  sincePrevMs: null,
  ...over,
})

const text: GraphText = {
  module: (b) => ({ uplink: 'Upstream', ThingModel: 'Thing model', downlink: 'Downstream' })[b] ?? b,
  meaning: (c) => (c === 6306 ? 'Int value out of range' : c === 200 ? 'Success.' : null),
  time: (ts) => new Date(ts).toISOString(),
  latency: (ms) => `+${ms} ms`,
  labels: {
    time: 'Time',
    device: 'Device',
    operation: 'Operation',
    code: 'Status',
    latency: 'Since previous',
    first: 'first hop',
    reason: 'Reason',
    traceId: 'TraceId',
  },
  traceChange: 'new TraceId',
}

describe('shortOperation', () => {
  it('drops the device frame of a topic', () => {
    expect(shortOperation(`/sys/${PK}/${DN}/thing/event/property/post`, PK, DN)).toBe('thing/event/property/post')
    expect(shortOperation(`/${PK}/${DN}/user/update`, PK, DN)).toBe('user/update')
    expect(shortOperation(`/ota/device/inform/${PK}/${DN}`, PK, DN)).toBe('ota/device/inform')
  })
  it('keeps short operations and cuts long ones to their tail', () => {
    expect(shortOperation('check')).toBe('check')
    expect(shortOperation('SetDeviceProperty', PK, DN)).toBe('SetDeviceProperty')
    const cut = shortOperation(`/sys/${PK}/${DN}/thing/service/property/set_reply_with_a_long_suffix`, PK, DN, 26)
    expect(cut.length).toBeLessThanOrEqual(26)
    expect(cut.startsWith('…')).toBe(true)
    expect(cut.endsWith('suffix')).toBe(true)
    expect(shortOperation('/a/b/c/d/property/post', null, null, 16)).toBe('…/property/post')
  })
})

describe('failureReason', () => {
  it('reads the message, the content text or the reply message', () => {
    expect(failureReason(JSON.stringify({ Message: 'temperature: 900 is above max 120' }))).toBe(
      'temperature: 900 is above max 120',
    )
    expect(failureReason(JSON.stringify({ Content: 'publish rejected: not your topic' }))).toBe(
      'publish rejected: not your topic',
    )
    expect(failureReason(JSON.stringify({ Content: JSON.stringify({ code: 6306, message: 'out of range' }) }))).toBe(
      'out of range',
    )
    expect(failureReason(JSON.stringify({ Params: { a: 1 } }))).toBeNull()
    expect(failureReason('not json')).toBe('not json')
    expect(failureReason(JSON.stringify({ Message: 'x'.repeat(400) }), 10)).toBe(`${'x'.repeat(10)}…`)
  })
})

describe('layout', () => {
  it('fits as many columns as the width allows, between 2 and 8', () => {
    expect(columnsFor(300)).toBe(2)
    expect(columnsFor(1000)).toBe(5)
    expect(columnsFor(5000)).toBe(8)
  })
  it('spans one pixel per graph unit', () => {
    expect(graphBox(3, 5)).toMatchObject({ width: 2 * CELL_W, height: 2 })
    expect(graphBox(12, 5)).toMatchObject({ width: 4 * CELL_W, height: 2 * CELL_H })
    expect(graphBox(1, 5)).toMatchObject({ width: 2, height: 2 })
    expect(graphBox(12, 5).chartHeight).toBeGreaterThan(graphBox(3, 5).chartHeight)
  })
})

describe('traceGraph', () => {
  const hops = [
    hop({ sincePrevMs: null }),
    hop({ bizType: 'ThingModel', operation: 'check', code: 6306, ok: false, sincePrevMs: 3 }),
    hop({ bizType: 'downlink', operation: `/sys/${PK}/${DN}/thing/event/property/post_reply`, sincePrevMs: 1 }),
    hop({ traceId: 'trace-b', sincePrevMs: 25 }),
  ]

  it('puts hops left to right in time order and wraps onto rows', () => {
    const { nodes } = traceGraph(hops, 3, text)
    expect(nodes.map((n) => [n.x, n.y])).toEqual([
      [0, 0],
      [CELL_W, 0],
      [2 * CELL_W, 0],
      [0, CELL_H],
    ])
  })

  it('colours a node by its code and labels it with the module and the short operation', () => {
    const { nodes } = traceGraph(hops, 3, text)
    expect(nodes.map((n) => n.itemStyle.color)).toEqual([OK_COLOR, FAIL_COLOR, OK_COLOR, OK_COLOR])
    expect(nodes[0]!.label.formatter).toBe('{mod|1. Upstream}\n{op|thing/event/property/post}')
    expect(nodes[1]!.label.formatter).toBe('{mod|2. Thing model}\n{op|check}')
  })

  it('labels each edge with the latency and marks where the TraceId changes', () => {
    const { edges } = traceGraph(hops, 8, text)
    expect(edges.map((e) => [e.source, e.target, e.label.show, e.label.formatter])).toEqual([
      ['0', '1', true, '+3 ms'],
      ['1', '2', true, '+1 ms'],
      ['2', '3', true, '+25 ms\nnew TraceId'],
    ])
    expect(edges[2]!.lineStyle.type).toBe('dashed')
    expect(edges[0]!.lineStyle.type).toBe('solid')
    expect(edges.every((e) => e.lineStyle.curveness === 0)).toBe(true)
  })

  it('writes the latency of an edge back to the next row under the hop it leads to', () => {
    const { nodes, edges } = traceGraph(hops, 3, text)
    expect(edges[2]!.label.show).toBe(false)
    expect(edges[2]!.lineStyle.curveness).toBeGreaterThan(0)
    expect(nodes[3]!.label.formatter).toBe(
      '{mod|4. Upstream}\n{op|thing/event/property/post}\n{chg|← +25 ms · new TraceId}',
    )
    const same = traceGraph([...hops.slice(0, 3), hop({ sincePrevMs: 7 })], 3, text)
    expect(same.nodes[3]!.label.formatter.endsWith('\n{lat|← +7 ms}')).toBe(true)
  })

  it('numbers traces in order of appearance', () => {
    expect(traceIndexes(hops)).toEqual([0, 0, 0, 1])
  })
})

describe('hopTooltip', () => {
  it('shows time, device, operation, code with meaning, latency and the failure reason, escaped', () => {
    const h = hop({
      bizType: 'ThingModel',
      operation: 'check',
      code: 6306,
      ok: false,
      sincePrevMs: 3,
      content: JSON.stringify({ Message: 'temperature <900> above max' }),
    })
    const html = hopTooltip(h, 1, text)
    expect(html).toContain('2. Thing model')
    expect(html).toContain('2026-11-24T05:36:22.100Z')
    expect(html).toContain(`${PK} / ${DN}`)
    expect(html).toContain('6306 · Int value out of range')
    expect(html).toContain('+3 ms')
    expect(html).toContain('temperature &lt;900&gt; above max')
    expect(html).not.toContain('<900>')
    expect(html).toContain('trace-a')
  })
  it('says "first hop" and no reason for a successful first hop', () => {
    const html = hopTooltip(hop({ content: JSON.stringify({ Message: 'fine' }) }), 0, text)
    expect(html).toContain('first hop')
    expect(html).not.toContain('Reason')
  })
  it('escapes markup', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    )
  })
})
