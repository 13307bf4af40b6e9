import { describe, expect, it } from 'vitest'
import { chartOption, resolveAxes } from './chart'

const columns = [
  { name: 'bucket', kind: 'time' as const },
  { name: 'code', kind: 'text' as const },
  { name: 'n', kind: 'number' as const },
  { name: 'avg_ms', kind: 'number' as const },
]

describe('analysis chart', () => {
  it('defaults x to the time column and y to the numeric columns; a pie plots one value', () => {
    expect(resolveAxes({ type: 'line' }, columns)).toEqual({ x: columns[0], y: [columns[2], columns[3]] })
    expect(resolveAxes({ type: 'pie', x: 'code' }, columns)).toEqual({ x: columns[1], y: [columns[2]] })
    // a saved chart naming columns the query no longer returns falls back to the defaults
    expect(resolveAxes({ type: 'bar', x: 'gone', y: ['gone', 'code'] }, columns).y).toEqual([columns[2], columns[3]])
  })

  it('builds a pie of labels and values, and a time-axis line', () => {
    const cols = [
      { name: 'code', kind: 'number' as const },
      { name: 'n', kind: 'number' as const },
    ]
    const pie = chartOption({ type: 'pie', x: 'code', y: ['n'] }, cols, [
      [200, 4],
      [6306, 1],
    ]) as { series: { data: unknown }[] }
    expect(pie.series[0]!.data).toEqual([
      { name: '200', value: 4 },
      { name: '6306', value: 1 },
    ])
    const line = chartOption({ type: 'line' }, columns, [['2026-01-01T00:00:00.000Z', 'x', 3, 1.5]]) as {
      xAxis: { type: string }
      series: { data: unknown }[]
    }
    expect(line.xAxis.type).toBe('time')
    expect(line.series[0]!.data).toEqual([[Date.parse('2026-01-01T00:00:00.000Z'), 3]])
  })

  it('has nothing to draw without a numeric column or as a table', () => {
    expect(chartOption({ type: 'bar' }, [{ name: 'code', kind: 'text' }], [['a']])).toBeNull()
    expect(chartOption({ type: 'table' }, columns, [])).toBeNull()
  })
})
