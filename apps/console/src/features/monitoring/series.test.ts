import { describe, expect, it } from 'vitest'
import {
  BOARD_MAX_DAYS,
  BOARD_PRESETS,
  checkCustomRange,
  DAY,
  fillSeries,
  formatMetricValue,
  hasPoints,
  MINUTE,
  move,
  pageOf,
  resolveRange,
  splitIdentifier,
  toPoints,
} from './series'

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0)

describe('fillSeries', () => {
  it('fills a counter with zeros at its granularity, from the start of the range up to now', () => {
    const points = [{ ts: T0 + 2 * MINUTE, value: 7 }]
    const out = fillSeries(points, {
      from: T0 + 30_000,
      to: T0 + 10 * MINUTE,
      granularity: 1,
      zero: true,
      now: T0 + 4 * MINUTE + 1,
    })
    // the first slot is the period containing `from`; nothing past now
    expect(out).toEqual([
      [T0, 0],
      [T0 + MINUTE, 0],
      [T0 + 2 * MINUTE, 7],
      [T0 + 3 * MINUTE, 0],
      [T0 + 4 * MINUTE, 0],
    ])
  })

  it('leaves gauge gaps empty so the line breaks there', () => {
    const points = [
      { ts: T0, value: 3 },
      { ts: T0 + 10 * MINUTE, value: 4 },
    ]
    const out = fillSeries(points, { from: T0, to: T0 + 15 * MINUTE, granularity: 5, zero: false, now: T0 + DAY })
    expect(out).toEqual([
      [T0, 3],
      [T0 + 5 * MINUTE, null],
      [T0 + 10 * MINUTE, 4],
    ])
  })

  it('keeps points outside the grid rather than dropping data', () => {
    const out = fillSeries([{ ts: T0 + 5 * MINUTE, value: 1 }], {
      from: T0,
      to: T0 + 10 * MINUTE,
      granularity: 1,
      zero: true,
      now: T0 + 2 * MINUTE,
    })
    expect(out.at(-1)).toEqual([T0 + 5 * MINUTE, 1])
    expect(out).toHaveLength(3)
  })

  it('reads the compact series text of the API as well as point objects', () => {
    expect(
      toPoints(
        JSON.stringify([
          [T0, T0 + MINUTE],
          [3, 4.5],
        ]),
      ),
    ).toEqual([
      { ts: T0, value: 3 },
      { ts: T0 + MINUTE, value: 4.5 },
    ])
    expect(toPoints([{ ts: T0, value: 1 }])).toEqual([{ ts: T0, value: 1 }])
    // an empty series, and a period whose aggregate is undefined (no point)
    expect(toPoints('[[],[]]')).toEqual([])
    expect(toPoints(JSON.stringify([[T0], [null]]))).toEqual([])
  })

  it('tells real data from zero filling', () => {
    expect(hasPoints([{ points: [] }, { points: [] }])).toBe(false)
    expect(hasPoints([{ points: [] }, { points: [{ ts: T0, value: 0 }] }])).toBe(true)
  })
})

describe('ranges', () => {
  it('counts presets back from the anchor and accepts custom ranges up to the limit', () => {
    expect(resolveRange(BOARD_PRESETS, 'h1', { range: 'h4' }, T0, BOARD_MAX_DAYS)).toEqual({
      kind: 'h4',
      span: { from: T0 - 4 * 60 * MINUTE, to: T0 },
    })
    expect(resolveRange(BOARD_PRESETS, 'h1', { range: 'bogus' }, T0, BOARD_MAX_DAYS).kind).toBe('h1')
    const custom = { range: 'custom', from: T0 - 30 * DAY, to: T0 }
    expect(resolveRange(BOARD_PRESETS, 'h1', custom, T0, BOARD_MAX_DAYS)).toEqual({
      kind: 'custom',
      span: { from: custom.from, to: custom.to },
    })
    // 31 days is refused: the board falls back to its default
    expect(resolveRange(BOARD_PRESETS, 'h1', { ...custom, from: T0 - 31 * DAY }, T0, BOARD_MAX_DAYS).kind).toBe('h1')
    expect(checkCustomRange(T0, T0 + 8 * DAY, 7)).toBe('tooLong')
    expect(checkCustomRange(T0, T0, 7)).toBe('order')
    expect(checkCustomRange(T0, T0 + 7 * DAY, 7)).toBeNull()
  })
})

describe('formatMetricValue', () => {
  it('formats bytes, percent and plain counts', () => {
    expect(formatMetricValue(512, 'bytes')).toBe('512 B')
    expect(formatMetricValue(1536, 'bytes')).toBe('1.5 KB')
    expect(formatMetricValue(5 * 1024 * 1024 * 1024, 'bytes')).toBe('5 GB')
    expect(formatMetricValue(12.345, 'percent')).toBe('12.35%')
    expect(formatMetricValue(0.00423, 'percent')).toBe('0.0042%')
    expect(formatMetricValue(1234567.891, null)).toBe('1,234,567.89')
    expect(formatMetricValue(null, null)).toBe('-')
  })
})

describe('board helpers', () => {
  it('splits qualified identifiers', () => {
    expect(splitIdentifier('temperature', 'default')).toEqual({ module: 'default', identifier: 'temperature' })
    expect(splitIdentifier('motor:speed', 'default')).toEqual({ module: 'motor', identifier: 'speed' })
  })

  it('pages 12 cards to a page and clamps the page', () => {
    const items = Array.from({ length: 25 }, (_, i) => i)
    expect(pageOf(items, 1, 12)).toEqual({ items: items.slice(0, 12), page: 1, pages: 3 })
    expect(pageOf(items, 3, 12).items).toEqual([24])
    expect(pageOf(items, 9, 12).page).toBe(3)
    expect(pageOf([], 1, 12)).toEqual({ items: [], page: 1, pages: 1 })
  })

  it('moves an item for drag-and-drop', () => {
    expect(move(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd'])
    expect(move(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b'])
    expect(move(['a'], 0, 5)).toEqual(['a'])
  })
})
