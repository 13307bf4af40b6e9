// Pure helpers of the analysis chart: which columns to plot by default and the echarts option for a result.

export type ChartType = 'table' | 'line' | 'bar' | 'pie'
export interface ChartSpec {
  type: ChartType
  x?: string
  y?: string[]
}
export interface ResultColumn {
  name: string
  kind: 'number' | 'time' | 'text'
}

/** The chart's columns that exist in the result: x defaults to the first time or text column, y to the numbers. */
export function resolveAxes(spec: ChartSpec, columns: ResultColumn[]): { x?: ResultColumn; y: ResultColumn[] } {
  const byName = new Map(columns.map((c) => [c.name, c]))
  const x =
    (spec.x ? byName.get(spec.x) : undefined) ??
    columns.find((c) => c.kind === 'time') ??
    columns.find((c) => c.kind === 'text') ??
    columns.find((c) => !spec.y?.includes(c.name))
  const chosen = (spec.y ?? []).map((n) => byName.get(n)).filter((c): c is ResultColumn => !!c && c.kind === 'number')
  const y = chosen.length ? chosen : columns.filter((c) => c.kind === 'number' && c.name !== x?.name)
  return { x, y: spec.type === 'pie' ? y.slice(0, 1) : y }
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The echarts option of a chart of an analysis result, or null when the result has nothing to plot (no numeric
 * column). Time on x makes a time axis for lines; anything else is categories in the rows' order.
 */
export function chartOption(
  spec: ChartSpec,
  columns: ResultColumn[],
  rows: unknown[][],
  formatTime: (ms: number) => string = iso,
): object | null {
  const label = (v: unknown, kind: ResultColumn['kind']): string =>
    v === null || v === undefined ? '∅' : kind === 'time' ? formatTime(new Date(v as string).getTime()) : String(v)
  if (spec.type === 'table') return null
  const { x, y } = resolveAxes(spec, columns)
  if (!y.length) return null
  const xi = x ? columns.indexOf(x) : -1
  const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v))
  if (spec.type === 'pie') {
    const yi = columns.indexOf(y[0]!)
    return {
      animation: false,
      tooltip: { trigger: 'item', confine: true },
      legend: { type: 'scroll', orient: 'vertical', left: 0, top: 'middle' },
      series: [
        {
          type: 'pie',
          name: y[0]!.name,
          radius: ['35%', '70%'],
          center: ['62%', '50%'],
          data: rows.map((r, i) => ({ name: xi >= 0 ? label(r[xi], x!.kind) : String(i + 1), value: num(r[yi]) })),
        },
      ],
    }
  }
  const timeAxis = spec.type === 'line' && x?.kind === 'time'
  return {
    animation: false,
    tooltip: { trigger: 'axis', confine: true },
    legend: y.length > 1 ? { type: 'scroll', top: 0 } : undefined,
    grid: { left: 56, right: 24, top: y.length > 1 ? 32 : 16, bottom: 40 },
    xAxis: timeAxis
      ? { type: 'time', axisLabel: { hideOverlap: true } }
      : {
          type: 'category',
          axisLabel: { hideOverlap: true },
          data: rows.map((r, i) => (xi >= 0 ? label(r[xi], x!.kind) : String(i + 1))),
        },
    yAxis: { type: 'value', scale: spec.type === 'line' },
    series: y.map((c) => {
      const yi = columns.indexOf(c)
      return {
        type: spec.type,
        name: c.name,
        showSymbol: rows.length < 50,
        data: timeAxis
          ? rows.map((r) => [new Date(r[xi] as string).getTime(), num(r[yi])])
          : rows.map((r) => num(r[yi])),
      }
    }),
  }
}

/** A saved query's chart as stored (JSON; `{}` when none was set). */
export function asChartSpec(v: unknown): ChartSpec {
  const o = (v && typeof v === 'object' ? v : {}) as Partial<ChartSpec>
  const type = o.type && ['table', 'line', 'bar', 'pie'].includes(o.type) ? o.type : 'table'
  return {
    type,
    x: typeof o.x === 'string' ? o.x : undefined,
    y: Array.isArray(o.y) ? o.y.filter((n) => typeof n === 'string') : undefined,
  }
}
