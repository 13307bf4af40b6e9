'use client'

import { GraphChart } from 'echarts/charts'
import { TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import { columnsFor, type GraphText, graphBox, type Hop, hopTooltip, TOP, traceGraph } from './graph'

echarts.use([GraphChart, TooltipComponent, CanvasRenderer])

/**
 * Every hop of a message as a node of an echarts graph, in time order left to right and wrapping onto rows as
 * the width allows; green for 200, red for a failure; the edges carry the latency from the previous hop.
 */
export function TraceGraph({ hops, text, onHop }: { hops: Hop[]; text: GraphText; onHop?: (index: number) => void }) {
  const box = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(1000)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const ro = new ResizeObserver(([e]) => {
      if (e) setWidth(Math.round(e.contentRect.width))
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const cols = columnsFor(width)
  const size = graphBox(hops.length, cols)
  const option = useMemo(() => {
    const { nodes, edges } = traceGraph(hops, cols, text)
    return {
      animation: false,
      tooltip: {
        trigger: 'item',
        confine: true,
        enterable: false,
        formatter: (p: { dataType?: string; dataIndex: number }) =>
          p.dataType === 'node' && hops[p.dataIndex] ? hopTooltip(hops[p.dataIndex]!, p.dataIndex, text) : '',
      },
      series: [
        {
          type: 'graph',
          layout: 'none',
          // node centres map one to one onto pixels (see graphBox); the labels hang below them
          left: 'center',
          top: TOP,
          width: size.width,
          height: size.height,
          roam: false,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 9,
          label: {
            show: true,
            position: 'bottom',
            distance: 6,
            lineHeight: 16,
            // an edge running behind a label (the one back to the next row) must not cross its text
            backgroundColor: '#fff',
            padding: [1, 4],
            borderRadius: 3,
            rich: {
              mod: { fontSize: 12, fontWeight: 600, color: '#262626', align: 'center' },
              op: { fontSize: 11, color: '#595959', fontFamily: 'monospace', align: 'center' },
              lat: { fontSize: 11, color: '#595959', align: 'center' },
              chg: { fontSize: 11, color: '#1677ff', align: 'center' },
            },
          },
          edgeLabel: { fontSize: 11, distance: 4, backgroundColor: '#fff', padding: [1, 3], borderRadius: 3 },
          emphasis: { focus: 'none', scale: 1.15 },
          data: nodes,
          links: edges,
        },
      ],
    }
  }, [hops, cols, size.width, size.height, text])

  const onEvents = useMemo(
    () => ({
      click: (p: { dataType?: string; dataIndex: number }) => {
        if (p.dataType === 'node') onHop?.(p.dataIndex)
      },
    }),
    [onHop],
  )

  return (
    <div ref={box} data-testid="trace-graph" style={{ width: '100%' }}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        onEvents={onEvents}
        style={{ height: size.chartHeight, width: '100%' }}
      />
    </div>
  )
}
