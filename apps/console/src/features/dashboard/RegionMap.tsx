'use client'

import { Empty, Flex, Segmented, Spin, Typography } from 'antd'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useEffect, useMemo, useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { echarts } from './echarts'
import { RankList } from './RankList'

export interface RegionRow {
  name: string | null
  province: string | null
  online: number
  activated: number
}

type Level = 'province' | 'city'
const MAP = { province: 'iotops-china-provinces', city: 'iotops-china-cities' } as const
const loaded = new Set<Level>()

/**
 * The region shapes ship with the console (built from npm packages by packages/services/src/geo/data/build-geo.mjs)
 * and are imported only here, on demand: a separate chunk the dashboard loads, nothing fetched from elsewhere.
 */
async function loadMap(level: Level) {
  if (loaded.has(level)) return
  const json =
    level === 'province'
      ? (await import('@iotops/services/geo-data/china-provinces.json')).default
      : (await import('@iotops/services/geo-data/china-cities.json')).default
  echarts.registerMap(MAP[level], json as unknown as Parameters<typeof echarts.registerMap>[1])
  loaded.add(level)
}

export function RegionMap({
  rows,
  level,
  onLevel,
  measure,
  onMeasure,
}: {
  rows: RegionRow[] | undefined
  level: Level
  onLevel: (l: Level) => void
  measure: 'online' | 'activated'
  onMeasure: (m: 'online' | 'activated') => void
}) {
  const t = useT()
  const [ready, setReady] = useState<Level | null>(loaded.has(level) ? level : null)
  useEffect(() => {
    let live = true
    void loadMap(level).then(() => live && setReady(level))
    return () => {
      live = false
    }
  }, [level])

  const data = useMemo(
    () => (rows ?? []).filter((r) => r.name && r[measure] > 0).map((r) => ({ name: r.name!, value: r[measure] })),
    [rows, measure],
  )
  const max = Math.max(1, ...data.map((d) => d.value))
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number }) =>
          `${p.name}<br/>${t('dashboard.count')}: ${Number.isFinite(p.value) ? p.value : 0}`,
      },
      visualMap: {
        min: 0,
        max,
        left: 8,
        bottom: 8,
        calculable: false,
        itemHeight: 80,
        inRange: { color: ['#e6f0ff', '#7aa7ff', '#1664ff', '#0a3a9c'] },
        text: [String(max), '0'],
      },
      series: [
        {
          type: 'map',
          map: MAP[level],
          roam: true,
          zoom: 1.15,
          center: [104, 36],
          selectedMode: false,
          itemStyle: { areaColor: '#f5f7fa', borderColor: level === 'city' ? '#c9d3e0' : '#9fb0c8', borderWidth: 0.6 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffd666' } },
          data,
        },
      ],
    }),
    [data, level, max, t],
  )
  const ranked = (rows ?? [])
    .filter((r) => r[measure] > 0)
    .sort((a, b) => b[measure] - a[measure])
    .slice(0, 10)
    .map((r) => ({
      key: `${r.province ?? ''}/${r.name ?? ''}`,
      label: r.name ?? t('dashboard.unknown'),
      sub: level === 'city' && r.province && r.province !== r.name ? r.province : undefined,
      value: r[measure],
    }))

  return (
    <Flex gap={16} wrap>
      <div style={{ flex: '2 1 420px', minWidth: 0 }}>
        <Flex gap={8} wrap style={{ marginBottom: 8 }}>
          <Segmented
            size="small"
            value={level}
            onChange={(v) => onLevel(v as Level)}
            options={[
              { value: 'province', label: t('dashboard.province') },
              { value: 'city', label: t('dashboard.city') },
            ]}
          />
          <Segmented
            size="small"
            value={measure}
            onChange={(v) => onMeasure(v as 'online' | 'activated')}
            options={[
              { value: 'activated', label: t('dashboard.mapActivated') },
              { value: 'online', label: t('dashboard.mapOnline') },
            ]}
          />
        </Flex>
        {ready === level ? (
          <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 420, width: '100%' }} />
        ) : (
          <Flex align="center" justify="center" style={{ height: 420 }}>
            <Spin tip={t('dashboard.mapLoading')}>
              <div style={{ width: 120, height: 60 }} />
            </Spin>
          </Flex>
        )}
      </div>
      <div style={{ flex: '1 1 240px', minWidth: 220 }}>
        <Typography.Text strong style={{ display: 'block', marginBottom: 12 }}>
          {t('dashboard.top10')} · {t(level === 'city' ? 'dashboard.city' : 'dashboard.province')}
        </Typography.Text>
        {rows === undefined ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} />
        ) : (
          <RankList items={ranked} testId="dashboard-region-top" />
        )}
      </div>
    </Flex>
  )
}
