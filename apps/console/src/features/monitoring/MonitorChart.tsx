'use client'

import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useMemo } from 'react'
import { useI18n } from '@/i18n/I18nProvider'
import { formatTime } from '@/lib/format'
import { formatMetricValue, type Unit } from './series'

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer])

export interface ChartSeries {
  name: string
  data: [number, number | null][]
}

interface MonitorChartProps {
  series: ChartSeries[]
  unit?: Unit
  /** a reference line parallel to the x-axis (the card's threshold) */
  threshold?: number | null
  height?: number | string
  /** a legend under the chart (several series, or a bigger view) */
  legend?: boolean
}

const COLORS = ['#1677ff', '#13a8a8', '#fa8c16', '#722ed1', '#eb2f96']

/** An area chart of metric values over time: a line with a light fill per series, gaps where a gauge had no value. */
export function MonitorChart({ series, unit, threshold, height = 200, legend = false }: MonitorChartProps) {
  const { locale } = useI18n()
  const option = useMemo(() => {
    const fmt = (v: number) => formatMetricValue(v, unit, locale)
    return {
      animation: false,
      color: COLORS,
      grid: { left: 8, right: 16, top: 16, bottom: legend ? 36 : 8, containLabel: true },
      legend: legend ? { bottom: 0, type: 'scroll', itemHeight: 8 } : undefined,
      tooltip: {
        trigger: 'axis',
        confine: true,
        valueFormatter: (v: number | null) => (v === null || v === undefined ? '-' : fmt(v)),
        axisPointer: { label: { formatter: (p: { value: number }) => formatTime(p.value) } },
      },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true, fontSize: 11 } },
      yAxis: {
        type: 'value',
        minInterval: unit === 'percent' ? undefined : 1,
        axisLabel: { formatter: fmt, fontSize: 11 },
        // the threshold line stays in view even above every value
        max:
          threshold !== null && threshold !== undefined
            ? (e: { max: number }) => (threshold > e.max ? threshold : undefined)
            : undefined,
      },
      series: series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.data,
        showSymbol: s.data.length < 40,
        symbolSize: 4,
        connectNulls: false,
        sampling: 'lttb',
        lineStyle: { width: 1.5 },
        areaStyle: { opacity: 0.15 },
        markLine:
          i === 0 && threshold !== null && threshold !== undefined
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { color: '#ff4d4f', type: 'dashed' },
                label: { formatter: () => fmt(threshold), position: 'insideEndTop', color: '#ff4d4f' },
                data: [{ yAxis: threshold }],
              }
            : undefined,
      })),
    }
  }, [series, unit, threshold, legend, locale])
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} />
}
