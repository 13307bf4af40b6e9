/**
 * Pure helpers of the monitoring pages: time ranges, x-axis filling of the sparse points the server sends, and value
 * formatting. No React, no I/O (unit-tested in series.test.ts).
 */

import { decodeSeries, type Point } from '@iotops/services/schemas'

export const MINUTE = 60_000
export const DAY = 86_400_000

/** The board's preset ranges (reference: 近30分钟 … 近7天), counted back from "now". */
export const BOARD_PRESETS = {
  m30: 30 * MINUTE,
  h1: 60 * MINUTE,
  h4: 4 * 60 * MINUTE,
  h12: 12 * 60 * MINUTE,
  d1: DAY,
  d2: 2 * DAY,
  d7: 7 * DAY,
} as const
/** The old version's presets: 1 hour, 1 day, 1 week. */
export const LEGACY_PRESETS = { h1: 60 * MINUTE, d1: DAY, w1: 7 * DAY } as const

/** Custom ranges: the board may span 30 days, the old view 7. */
export const BOARD_MAX_DAYS = 30
export const LEGACY_MAX_DAYS = 7

export interface Span {
  from: number
  to: number
}

/**
 * The range a control stands for: a preset counts back from `anchor` (the last refresh), a custom range is taken
 * as it is when valid. Falls back to `fallback` when the preset is unknown or the custom range is broken.
 */
export function resolveRange(
  presets: Record<string, number>,
  fallback: string,
  q: { range?: string | null; from?: number; to?: number },
  anchor: number,
  maxDays: number,
): { kind: string; span: Span } {
  if (q.range === 'custom' && q.from && q.to && checkCustomRange(q.from, q.to, maxDays) === null)
    return { kind: 'custom', span: { from: q.from, to: q.to } }
  const kind = q.range && q.range in presets ? q.range : fallback
  return { kind, span: { from: anchor - presets[kind]!, to: anchor } }
}

/** Why a custom range cannot be used (`order` or `tooLong`), or null when it can. */
export function checkCustomRange(from: number, to: number, maxDays: number): 'order' | 'tooLong' | null {
  if (!(to > from)) return 'order'
  if (to - from > maxDays * DAY) return 'tooLong'
  return null
}

export type { Point }

/**
 * A series as the API sends it: board cards carry compact `[[ts…], [value…]]` text (see the server's
 * `metrics/series.ts`), other views point objects.
 */
export function toPoints(points: string | readonly Point[]): Point[] {
  return typeof points === 'string' ? decodeSeries(points) : [...points]
}

/**
 * The x-axis of an area card: one slot per period of `granularity` minutes (aligned on the epoch, as the server bins
 * them) from the range start up to its end but never past `now`. A counter's missing period means nothing happened
 * (0); a gauge's missing period is unknown and stays a gap (null), so the line breaks there.
 */
export function fillSeries(
  points: readonly Point[],
  o: { from: number; to: number; granularity: number; zero: boolean; now: number },
): [number, number | null][] {
  const step = o.granularity * MINUTE
  const first = Math.floor(o.from / step) * step
  const end = Math.min(o.to, o.now)
  const byTs = new Map(points.map((p) => [p.ts, p.value]))
  const out: [number, number | null][] = []
  for (let ts = first; ts < end; ts += step) {
    const v = byTs.get(ts)
    out.push([ts, v !== undefined ? v : o.zero ? 0 : null])
    byTs.delete(ts)
  }
  // points the grid did not cover (a range ending in the future, clock skew): keep them, in order
  if (byTs.size) {
    for (const [ts, v] of byTs) out.push([ts, v])
    out.sort((a, b) => a[0] - b[0])
  }
  return out
}

/** Whether any series has at least one point from the server (zero-filling alone is not data). */
export const hasPoints = (series: readonly { points: readonly Point[] }[]) => series.some((s) => s.points.length > 0)

export type Unit = 'bytes' | 'percent' | 'ms' | null | undefined

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** `1.5 KB`, `12.3%`, `1,234.57`: a metric value in its unit, short enough for an axis label. */
export function formatMetricValue(value: number | null | undefined, unit: Unit, locale = 'en-US'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-'
  if (unit === 'bytes') {
    let v = value
    let i = 0
    while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
      v /= 1024
      i++
    }
    return `${i === 0 ? Math.round(v) : Number(v.toFixed(v >= 100 ? 0 : 1))} ${BYTE_UNITS[i]}`
  }
  // small fractions keep two significant digits (0.0042%), so close axis ticks do not all read "0.01%"
  const small = value !== 0 && Math.abs(value) < 1
  const n = new Intl.NumberFormat(
    locale,
    small ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 2 },
  ).format(value)
  return unit === 'percent' ? `${n}%` : unit === 'ms' ? `${n} ms` : n
}

/** Splits a qualified thing-model identifier (`module:id`, or `id` in the default module). */
export function splitIdentifier(qualified: string, defaultModule: string): { module: string; identifier: string } {
  const i = qualified.indexOf(':')
  return i < 0
    ? { module: defaultModule, identifier: qualified }
    : { module: qualified.slice(0, i), identifier: qualified.slice(i + 1) }
}

/** Thing-model property types a card can chart. */
export const NUMERIC_TYPES: readonly string[] = ['int', 'float', 'double']

/** The items of one board page (12 cards to a page) and the page count. */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  size: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size))
  const p = Math.min(Math.max(1, page), pages)
  return { items: items.slice((p - 1) * size, p * size), page: p, pages }
}

/** Moves the item at `from` to `to` (drag-and-drop reordering). */
export function move<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items]
  if (from < 0 || from >= next.length || to < 0 || to >= next.length) return next
  const [item] = next.splice(from, 1)
  next.splice(to, 0, item as T)
  return next
}
