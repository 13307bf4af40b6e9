'use client'

import { LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useMemo } from 'react'
import { formatTime } from '@/lib/format'

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer])

export interface Point {
  ts: Date | string | number
  value: number
}

interface TimeSeriesChartProps {
  points: Point[]
  height?: number
  unit?: string | null
  /** a sparkline: no axes labels, minimal margins */
  compact?: boolean
}

/** A line of values over time (property history), drawn with echarts on a canvas. */
export function TimeSeriesChart({ points, height = 240, unit, compact = false }: TimeSeriesChartProps) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: compact ? { left: 4, right: 4, top: 6, bottom: 4 } : { left: 56, right: 24, top: 24, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        confine: true,
        valueFormatter: (v: number) => (unit ? `${v} ${unit}` : String(v)),
        axisPointer: { label: { formatter: (p: { value: number }) => formatTime(p.value) } },
      },
      xAxis: { type: 'time', show: !compact, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', show: !compact, scale: true, splitLine: { show: !compact } },
      series: [
        {
          type: 'line',
          showSymbol: points.length < 30,
          symbolSize: 4,
          smooth: false,
          lineStyle: { width: compact ? 1.5 : 2 },
          areaStyle: compact ? { opacity: 0.12 } : undefined,
          data: points.map((p) => [new Date(p.ts).getTime(), p.value]),
        },
      ],
    }),
    [points, unit, compact],
  )
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} />
}
