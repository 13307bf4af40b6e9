'use client'

import { DeleteOutlined, EditOutlined, ExpandOutlined, InfoCircleOutlined, MoreOutlined } from '@ant-design/icons'
import { Button, Card, Dropdown, Empty, Flex, Skeleton, Tag, Tooltip, Typography } from 'antd'
import type { ReactNode } from 'react'
import { useI18n } from '@/i18n/I18nProvider'
import {
  basicAggregation,
  type CardData,
  type CardView,
  type MetricInfo,
  useCardTitle,
  useMetricText,
  useSeriesName,
} from './labels'
import { type ChartSeries, MonitorChart } from './MonitorChart'
import { fillSeries, formatMetricValue, hasPoints, type Span, type Unit } from './series'

/** The chart area's height on a board card; the fullscreen view is taller. */
export const CARD_CHART_HEIGHT = 200

/** Where a card's figures come from: all products, one product, the whole instance; for thing-model cards, the device. */
export function useDimension() {
  const { t } = useI18n()
  const seriesName = useSeriesName()
  return (card: CardView, info: MetricInfo | undefined) => {
    if (info?.instance) return t('monitoring.card.instance')
    const series = seriesName(info, card.productKey)
    if (card.kind !== 'property') return series
    return `${series} / ${card.deviceName ?? t('monitoring.card.allDevices')}`
  }
}

/** The aggregations a card shows, as text ("Count", "Max · Average"). */
export function useAggregationText() {
  const { t } = useI18n()
  return (card: CardView) =>
    card.kind === 'property'
      ? card.aggregations.map((a) => t(`monitoring.agg.${a}`)).join(' · ')
      : t(`monitoring.agg.${basicAggregation(card.unit)}`)
}

/** An area card's lines: zero-filled where a missing period means nothing happened, gaps where it means unknown. */
export function useChartSeries() {
  const { t } = useI18n()
  return (
    card: CardView,
    data: Extract<CardData, { chart: 'area' }>,
    info: MetricInfo | undefined,
    span: Span,
    now: number,
  ) =>
    data.series.map(
      (s): ChartSeries => ({
        name: t(`monitoring.agg.${s.aggregation}`),
        data: fillSeries(s.points, {
          from: span.from,
          to: span.to,
          granularity: card.granularity,
          // counters add up (nothing = 0); gauges and property minima/maxima/averages/latest values do not
          zero:
            card.kind === 'property' ? s.aggregation === 'count' || s.aggregation === 'sum' : info?.kind !== 'gauge',
          now,
        }),
      }),
    )
}

export function RankList({ data, unit }: { data: Extract<CardData, { chart: 'rank' }>; unit: Unit }) {
  const { t, locale } = useI18n()
  return (
    <ol className="monitor-rank" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {data.items.map((item, i) => (
        <li key={`${item.productKey ?? ''}/${item.subject}`} style={{ padding: '6px 0' }}>
          <Flex gap={8} align="center">
            <Tag color={i < 3 ? 'blue' : undefined} style={{ marginInlineEnd: 0, minWidth: 24, textAlign: 'center' }}>
              {i + 1}
            </Tag>
            <Typography.Text ellipsis={{ tooltip: true }} style={{ flex: 1, minWidth: 0 }}>
              {item.subject || t('monitoring.card.unknownRegion')}
            </Typography.Text>
            <Typography.Text strong>{formatMetricValue(item.value, unit, locale)}</Typography.Text>
          </Flex>
        </li>
      ))}
    </ol>
  )
}

interface MetricCardProps {
  card: CardView
  info: MetricInfo | undefined
  data: CardData | undefined
  loading: boolean
  span: Span
  now: number
  onEdit: () => void
  onFullscreen: () => void
  onDelete: () => void
}

/** One card of the board: title, dimension and aggregation, then an area chart or a top-5 list; a menu on the right. */
export function MetricCard(props: MetricCardProps) {
  const { card, info, data, loading } = props
  const { t } = useI18n()
  const title = useCardTitle()(card)
  const desc = useMetricText().desc(card.metric)
  const dimension = useDimension()(card, info)
  const aggregation = useAggregationText()(card)
  const toSeries = useChartSeries()
  const unit = (card.unit ?? null) as Unit

  let body: ReactNode
  if (loading || !data) body = <Skeleton active paragraph={{ rows: 4 }} title={false} />
  else if (data.chart === 'rank')
    body = data.items.length ? (
      <RankList data={data} unit={unit} />
    ) : (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('monitoring.card.noData')} />
    )
  else if (!hasPoints(data.series))
    body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('monitoring.card.noData')} />
  else
    body = (
      <MonitorChart
        series={toSeries(card, data, info, props.span, props.now)}
        unit={unit}
        threshold={card.threshold}
        height={CARD_CHART_HEIGHT}
        legend={data.series.length > 1}
      />
    )

  return (
    <Card
      size="small"
      data-testid="monitor-card"
      aria-label={title}
      role="region"
      styles={{ body: { height: CARD_CHART_HEIGHT + 40, overflow: 'hidden' }, header: { minWidth: 0 } }}
      title={
        <div style={{ minWidth: 0, padding: '4px 0' }}>
          <Flex gap={6} align="center" style={{ minWidth: 0 }}>
            <Typography.Text strong ellipsis={{ tooltip: title }} style={{ minWidth: 0 }}>
              {title}
            </Typography.Text>
            {desc ? (
              <Tooltip title={desc}>
                <InfoCircleOutlined style={{ color: 'rgba(0,0,0,0.45)', flex: 'none' }} />
              </Tooltip>
            ) : null}
          </Flex>
          <Typography.Text
            type="secondary"
            ellipsis={{ tooltip: true }}
            style={{ fontSize: 12, fontWeight: 'normal', display: 'block' }}
          >
            {`${dimension} · ${aggregation}`}
          </Typography.Text>
        </div>
      }
      extra={
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'edit', icon: <EditOutlined />, label: t('monitoring.card.edit'), onClick: props.onEdit },
              {
                key: 'fullscreen',
                icon: <ExpandOutlined />,
                label: t('monitoring.card.fullscreen'),
                onClick: props.onFullscreen,
              },
              { type: 'divider' },
              {
                key: 'delete',
                icon: <DeleteOutlined />,
                danger: true,
                label: t('monitoring.card.delete'),
                onClick: props.onDelete,
              },
            ],
          }}
        >
          <Button
            type="text"
            size="small"
            icon={<MoreOutlined />}
            aria-label={t('monitoring.card.menu', { name: title })}
          />
        </Dropdown>
      }
    >
      {body}
      {data?.chart === 'rank' ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('monitoring.card.rankDay', { day: data.day })}
        </Typography.Text>
      ) : null}
    </Card>
  )
}
