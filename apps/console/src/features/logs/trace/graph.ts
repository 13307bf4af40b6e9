/**
 * The pure part of the message-trace view: how hops become an echarts `graph` (positions, colours, edge labels,
 * tooltips). No React, no I/O, so it is unit-tested on its own (graph.test.ts).
 */

/** One hop as `runLog.trace` returns it (dates may arrive as strings when serialised). */
export interface Hop {
  ts: Date | string
  id: number
  productKey: string | null
  deviceName: string | null
  traceId: string
  messageId: string | null
  bizType: string
  operation: string
  code: number
  content: string
  ok: boolean
  sincePrevMs: number | null
}

export const OK_COLOR = '#52c41a'
export const FAIL_COLOR = '#ff4d4f'
const EDGE_COLOR = '#8c8c8c'
const TRACE_CHANGE_COLOR = '#1677ff'

/** Horizontal / vertical distance between hops, in the graph's own units (echarts fits them into the canvas). */
export const CELL_W = 180
export const CELL_H = 140

/** How many hops fit on one row of a chart this wide (at least 2, at most 8). */
export function columnsFor(width: number): number {
  return Math.max(2, Math.min(8, Math.floor((width - 40) / CELL_W)))
}

/**
 * The pixel box the hops span for `n` hops on rows of `cols` (node centres; echarts fits the graph's bounding box
 * into it, keeping its aspect, so one graph unit is one pixel) and the chart height around it.
 */
export function graphBox(n: number, cols: number) {
  const rows = Math.max(1, Math.ceil(n / cols))
  const used = Math.min(Math.max(n, 1), cols)
  // echarts widens a zero-size bounding box by 1 each side
  return {
    width: Math.max(2, (used - 1) * CELL_W),
    height: Math.max(2, (rows - 1) * CELL_H),
    chartHeight: TOP + (rows - 1) * CELL_H + BOTTOM,
  }
}
/** Room above the first row (edge labels) and below the last (node labels), px. */
export const TOP = 48
const BOTTOM = 100

/**
 * An operation short enough for a node label: a topic loses its `/sys/{pk}/{dn}/` (or `/{pk}/{dn}/`,
 * `/ota/…/{pk}/{dn}`) frame, and anything still longer than `max` keeps its tail behind `…/`.
 */
export function shortOperation(op: string, productKey?: string | null, deviceName?: string | null, max = 26): string {
  let s = op
  if (productKey && deviceName) {
    const frame = `/${productKey}/${deviceName}`
    if (s.startsWith(`/sys${frame}/`)) s = s.slice(`/sys${frame}/`.length)
    else if (s.startsWith(`/ext/session${frame}/`)) s = s.slice(`/ext/session${frame}/`.length)
    else if (s.startsWith(`${frame}/`)) s = s.slice(frame.length + 1)
    else if (s.endsWith(frame)) s = s.slice(1, s.length - frame.length)
  }
  if (s.length <= max) return s
  const parts = s.split('/').filter(Boolean)
  let tail = parts.pop() ?? s
  while (parts.length && tail.length + parts[parts.length - 1]!.length + 1 <= max - 2) tail = `${parts.pop()}/${tail}`
  return tail.length <= max - 2 ? `…/${tail}` : `…${tail.slice(tail.length - (max - 1))}`
}

/**
 * Why a hop failed, from its content (`{ Message }`, else a `Content` text, else a reply's `message`), cut to
 * `max` characters; null when the content says nothing readable.
 */
export function failureReason(content: string, max = 300): string | null {
  let reason: string | null = null
  try {
    const c = JSON.parse(content) as Record<string, unknown>
    if (c && typeof c === 'object') {
      if (typeof c.Message === 'string' && c.Message) reason = c.Message
      else if (typeof c.Content === 'string' && c.Content) {
        reason = c.Content
        try {
          const inner = JSON.parse(c.Content) as Record<string, unknown>
          if (inner && typeof inner.message === 'string' && inner.message) reason = inner.message
        } catch {
          // not JSON: the text itself is the reason
        }
      } else if (typeof c.ErrorMessage === 'string') reason = c.ErrorMessage
    }
  } catch {
    reason = content || null
  }
  if (!reason) return null
  return reason.length > max ? `${reason.slice(0, max)}…` : reason
}

/** Text safe inside the tooltip's HTML (contents come from devices). */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  )
}

/** Words the graph needs, in the user's language. */
export interface GraphText {
  /** the module of a hop (business type name) */
  module: (bizType: string) => string
  /** a code's meaning, null when unknown */
  meaning: (code: number) => string | null
  /** `2026-11-24 05:36:22.123` */
  time: (ts: Date | string) => string
  /** `+{ms} ms` */
  latency: (ms: number) => string
  /** labels of the tooltip rows */
  labels: {
    time: string
    device: string
    operation: string
    code: string
    latency: string
    first: string
    reason: string
    traceId: string
  }
  /** the marker on an edge where the TraceId changes */
  traceChange: string
}

/** Index of the trace each hop belongs to, in order of first appearance (0, 0, 0, 1, 1 …). */
export function traceIndexes(hops: readonly Hop[]): number[] {
  const seen = new Map<string, number>()
  return hops.map((h) => {
    let i = seen.get(h.traceId)
    if (i === undefined) {
      i = seen.size
      seen.set(h.traceId, i)
    }
    return i
  })
}

/** The tooltip of one hop (HTML; every value escaped). */
export function hopTooltip(h: Hop, index: number, text: GraphText): string {
  const row = (label: string, value: string, style = '') =>
    `<div style="display:flex;gap:8px;${style}"><span style="color:#8c8c8c;flex:none">${escapeHtml(label)}</span><span style="word-break:break-all">${escapeHtml(value)}</span></div>`
  const meaning = text.meaning(h.code)
  const device = h.productKey || h.deviceName ? `${h.productKey ?? '-'} / ${h.deviceName ?? '-'}` : '-'
  const reason = h.ok ? null : failureReason(h.content)
  const color = h.ok ? OK_COLOR : FAIL_COLOR
  return [
    `<div style="max-width:420px;white-space:normal">`,
    `<div style="font-weight:600;margin-bottom:4px"><span style="color:${color}">●</span> ${index + 1}. ${escapeHtml(text.module(h.bizType))}</div>`,
    row(text.labels.time, text.time(h.ts)),
    row(text.labels.device, device),
    row(text.labels.operation, h.operation),
    row(text.labels.code, meaning ? `${h.code} · ${meaning}` : String(h.code), h.ok ? '' : `color:${FAIL_COLOR}`),
    row(text.labels.latency, h.sincePrevMs === null ? text.labels.first : text.latency(h.sincePrevMs)),
    reason ? row(text.labels.reason, reason, `color:${FAIL_COLOR}`) : '',
    row(text.labels.traceId, h.traceId),
    '</div>',
  ].join('')
}

export interface GraphNode {
  id: string
  name: string
  x: number
  y: number
  value: number
  symbolSize: number
  itemStyle: { color: string; borderColor: string; borderWidth: number }
  label: { formatter: string }
}

export interface GraphEdge {
  source: string
  target: string
  label: { show: boolean; formatter: string; color: string; position: 'middle' }
  lineStyle: { color: string; type: 'solid' | 'dashed'; width: number; curveness: number; opacity: number }
}

/**
 * Nodes and edges of a trace: hop i sits at column i % cols of row i / cols (time runs left to right and wraps),
 * green when its code is 200 and red otherwise; each edge carries the latency of its target hop, and an edge that
 * enters another trace (a command's reply) is dashed, blue and marked.
 */
export function traceGraph(hops: readonly Hop[], cols: number, text: GraphText) {
  const traceIdx = traceIndexes(hops)
  const multi = new Set(traceIdx).size > 1
  const inbound = (i: number) => {
    const h = hops[i]!
    const change = i > 0 && h.traceId !== hops[i - 1]!.traceId
    const latency = h.sincePrevMs === null ? '' : text.latency(h.sincePrevMs)
    return { change, latency, wraps: i > 0 && i % cols === 0 }
  }
  const nodes: GraphNode[] = hops.map((h, i) => {
    const into = inbound(i)
    // the edge back to the start of a row is long and crosses labels: its latency (and trace change) is
    // written under the hop it leads to instead
    const wrapNote = into.wraps
      ? `\n{${into.change ? 'chg' : 'lat'}|← ${into.change ? `${into.latency} · ${labelSafe(text.traceChange)}` : into.latency}}`
      : ''
    return {
      id: String(i),
      name: text.module(h.bizType),
      x: (i % cols) * CELL_W,
      y: Math.floor(i / cols) * CELL_H,
      value: i,
      symbolSize: 38,
      itemStyle: {
        color: h.ok ? OK_COLOR : FAIL_COLOR,
        borderColor: multi && traceIdx[i]! % 2 === 1 ? TRACE_CHANGE_COLOR : '#fff',
        borderWidth: multi && traceIdx[i]! % 2 === 1 ? 3 : 2,
      },
      label: {
        formatter: `{mod|${i + 1}. ${labelSafe(text.module(h.bizType))}}\n{op|${labelSafe(shortOperation(h.operation, h.productKey, h.deviceName))}}${wrapNote}`,
      },
    }
  })
  const edges: GraphEdge[] = hops.slice(1).map((_h, k) => {
    const i = k + 1
    const { change, latency, wraps } = inbound(i)
    return {
      source: String(k),
      target: String(i),
      label: {
        show: !wraps,
        formatter: change ? `${latency}\n${text.traceChange}` : latency,
        color: change ? TRACE_CHANGE_COLOR : '#595959',
        position: 'middle',
      },
      lineStyle: {
        color: change ? TRACE_CHANGE_COLOR : EDGE_COLOR,
        type: change ? 'dashed' : 'solid',
        width: change ? 2 : 1.5,
        curveness: wraps ? 0.12 : 0,
        // the long edge back to the start of the next row crosses labels: keep it faint
        opacity: wraps ? 0.45 : 1,
      },
    }
  })
  return { nodes, edges }
}

/** echarts rich-text labels treat `{`, `}` and `|` as markup. */
function labelSafe(s: string): string {
  return s.replace(/[{}|]/g, ' ')
}
