'use client'

import { ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Card, Col, Empty, Flex, Row, Skeleton, Tabs, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { type ChartSeries, MonitorChart } from './MonitorChart'
import { NetworkStatus } from './NetworkStatus'
import { RangeControl, type RangeValue } from './RangeControl'
import { fillSeries, LEGACY_MAX_DAYS, LEGACY_PRESETS, type Point, resolveRange } from './series'
import { useUrlState } from './urlState'

type Legacy = RouterOutputs['monitor']['legacy']

/** The old version (reference "旧版"): data metrics by protocol, and the devices' network status (`?view=network`). */
export function LegacyView() {
  const t = useT()
  const url = useUrlState()
  const view = url.get('view') === 'network' ? 'network' : 'metrics'
  return (
    <Tabs
      size="small"
      activeKey={view}
      onChange={(k) => url.update({ view: k === 'metrics' ? undefined : k })}
      destroyOnHidden
      items={[
        { key: 'metrics', label: t('monitoring.legacy.metrics'), children: <LegacyMetrics /> },
        { key: 'network', label: t('monitoring.legacy.network'), children: <NetworkStatus /> },
      ]}
    />
  )
}

const CHART_HEIGHT = 240

function LegacyMetrics() {
  const t = useT()
  const trpc = useTRPC()
  const [productKey, setProductKey] = useState<string | undefined>()
  const [range, setRange] = useState<RangeValue>({ kind: 'h1' })
  const [anchor, setAnchor] = useState(() => Date.now())
  const { span } = resolveRange(
    LEGACY_PRESETS,
    'h1',
    { range: range.kind, from: range.span?.from, to: range.span?.to },
    anchor,
    LEGACY_MAX_DAYS,
  )
  const q = useQuery({
    ...trpc.monitor.legacy.queryOptions({
      productKey: productKey ?? null,
      range: { from: new Date(span.from), to: new Date(span.to) },
    }),
    placeholderData: keepPreviousData,
  })
  const fill = (points: Point[], zero: boolean) =>
    fillSeries(points, { from: span.from, to: span.to, granularity: q.data?.granularity ?? 1, zero, now: anchor })
  const protocols = (m: Legacy['online'], zero: boolean): ChartSeries[] => [
    { name: t('monitoring.legacy.mqtt'), data: fill(m.MQTT, zero) },
    { name: t('monitoring.legacy.ws'), data: fill(m.MQTT_WS, zero) },
  ]
  const charts: {
    key: string
    title: string
    series: (d: Legacy) => ChartSeries[]
    points: (d: Legacy) => Point[][]
  }[] = [
    {
      key: 'online',
      title: t('monitoring.legacy.online'),
      series: (d) => protocols(d.online, false),
      points: (d) => [d.online.MQTT, d.online.MQTT_WS],
    },
    {
      key: 'up',
      title: t('monitoring.legacy.up'),
      series: (d) => protocols(d.up, true),
      points: (d) => [d.up.MQTT, d.up.MQTT_WS],
    },
    {
      key: 'down',
      title: t('monitoring.legacy.down'),
      series: (d) => protocols(d.down, true),
      points: (d) => [d.down.MQTT, d.down.MQTT_WS],
    },
    {
      key: 'forwarded',
      title: t('monitoring.legacy.forwarded'),
      series: (d) => [{ name: t('monitoring.legacy.forwardedSeries'), data: fill(d.forwarded, true) }],
      points: (d) => [d.forwarded],
    },
  ]

  return (
    <>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Typography.Text>{t('monitoring.legacy.product')}</Typography.Text>
        <ProductSelect
          value={productKey}
          onChange={setProductKey}
          allowClear
          placeholder={t('monitoring.legacy.allProducts')}
        />
        <Typography.Text>{t('monitoring.range.label')}</Typography.Text>
        <RangeControl
          presets={['h1', 'd1', 'w1']}
          maxDays={LEGACY_MAX_DAYS}
          value={range}
          onChange={(v) => {
            setRange(v)
            setAnchor(Date.now())
          }}
        />
        <Tooltip title={t('monitoring.toolbar.refresh')}>
          <Button
            icon={<ReloadOutlined />}
            aria-label={t('monitoring.toolbar.refresh')}
            loading={q.isFetching}
            onClick={() => {
              setAnchor(Date.now())
              if (range.kind === 'custom') void q.refetch()
            }}
          />
        </Tooltip>
        {q.data ? (
          <Typography.Text type="secondary">
            {t('monitoring.legacy.delay', { minutes: q.data.granularity })}
          </Typography.Text>
        ) : null}
      </Flex>
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Row gutter={[16, 16]}>
          {charts.map((c) => (
            <Col key={c.key} xs={24} lg={12}>
              <Card size="small" title={c.title} role="region" aria-label={c.title}>
                {!q.data ? (
                  <Skeleton active paragraph={{ rows: 6 }} title={false} />
                ) : c.points(q.data).some((p) => p.length) ? (
                  <MonitorChart series={c.series(q.data)} height={CHART_HEIGHT} legend />
                ) : (
                  <Flex align="center" justify="center" style={{ height: CHART_HEIGHT }}>
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('monitoring.card.noData')} />
                  </Flex>
                )}
              </Card>
            </Col>
          ))}
        </Row>
      )}
    </>
  )
}
