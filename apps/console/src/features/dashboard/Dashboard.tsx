'use client'

import { ArrowDownOutlined, ArrowUpOutlined, QuestionCircleOutlined, ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { Button, Card, Col, Empty, Flex, Progress, Row, Segmented, Skeleton, Tooltip, Typography } from 'antd'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import dynamic from 'next/dynamic'
import { useMemo, useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import type { MessageKey } from '@/i18n/translate'
import { formatTime } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { echarts } from './echarts'
import { RankList } from './RankList'

// the map and its region shapes (~1 MB) load only when the dashboard shows them
const RegionMap = dynamic(() => import('./RegionMap').then((m) => m.RegionMap), {
  ssr: false,
  loading: () => <Skeleton.Node active style={{ width: '100%', height: 420 }} />,
})

type Stage = 'created' | 'activated' | 'online' | 'active'
type EventFilter = 'all' | 'info' | 'alert' | 'error'
type Summary = RouterOutputs['dashboard']['summary']

const STAGES: Stage[] = ['created', 'activated', 'online', 'active']
const STAGE_COLOR: Record<Stage, string> = {
  created: '#1664ff',
  activated: '#13a8a8',
  online: '#52c41a',
  active: '#fa8c16',
}
const EVENT_COLOR = { info: '#1664ff', alert: '#faad14', error: '#f5222d' }
const REFRESH_MS = 30_000

/** `/sys/${productKey}/${deviceName}/thing/event/property/post` → `…/thing/event/property/post` */
const shortTopic = (topic: string) => topic.replace(/^\/(sys\/)?\$\{productKey\}\/\$\{deviceName\}/, '…')

function Help({ title }: { title: string }) {
  return (
    <Tooltip title={title}>
      <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,0.45)', marginLeft: 6, fontSize: 13 }} />
    </Tooltip>
  )
}

function Change({ pct }: { pct: number | null }) {
  const t = useT()
  if (pct === null)
    return (
      <Tooltip title={t('dashboard.noChange')}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          —
        </Typography.Text>
      </Tooltip>
    )
  const up = pct > 0
  const color = pct === 0 ? undefined : up ? '#389e0d' : '#cf1322'
  return (
    <Typography.Text style={{ color, fontSize: 12 }}>
      {pct === 0 ? null : up ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {Math.abs(pct)}%
    </Typography.Text>
  )
}

function StageCard({
  stage,
  data,
  selected,
  onSelect,
  loading,
}: {
  stage: Stage
  data: Summary['cards'][Stage] | undefined
  selected: boolean
  onSelect: () => void
  loading: boolean
}) {
  const t = useT()
  return (
    <Card
      hoverable
      size="small"
      loading={loading}
      onClick={onSelect}
      data-testid={`dashboard-card-${stage}`}
      aria-pressed={selected}
      style={{
        height: '100%',
        borderTop: `3px solid ${selected ? STAGE_COLOR[stage] : 'transparent'}`,
        background: selected ? '#f7faff' : undefined,
      }}
    >
      <Typography.Text type="secondary">
        {t(`dashboard.stages.${stage}` as MessageKey)}
        <Help title={t(`dashboard.stageHelp.${stage}` as MessageKey)} />
      </Typography.Text>
      <div style={{ fontSize: 30, fontWeight: 600, lineHeight: '44px' }} data-testid={`dashboard-value-${stage}`}>
        {(data?.value ?? 0).toLocaleString()}
      </div>
      <Flex gap={6} wrap style={{ fontSize: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('dashboard.lastWeek', { n: (data?.lastWeek ?? 0).toLocaleString() })}
        </Typography.Text>
        <Change pct={data?.changePct ?? null} />
      </Flex>
    </Card>
  )
}

function Panel({
  title,
  extra,
  children,
}: {
  title: React.ReactNode
  extra?: React.ReactNode
  children: React.ReactNode
}) {
  return (
    <Card size="small" title={title} extra={extra} style={{ height: '100%' }} styles={{ body: { minHeight: 160 } }}>
      {children}
    </Card>
  )
}

export function Dashboard() {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const [productKey, setProductKey] = useState<string | undefined>()
  const [stage, setStage] = useState<Stage>('created')
  const [level, setLevel] = useState<'province' | 'city'>('province')
  const [measure, setMeasure] = useState<'online' | 'activated'>('activated')
  const [eventType, setEventType] = useState<EventFilter>('all')
  const live = { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData }

  const summary = useQuery({ ...trpc.dashboard.summary.queryOptions({ productKey }), ...live })
  const regions = useQuery({ ...trpc.dashboard.regions.queryOptions({ productKey, level }), ...live })
  const events = useQuery({ ...trpc.dashboard.events.queryOptions({ productKey, type: eventType }), ...live })
  const status = useQuery({ ...trpc.dashboard.status.queryOptions({ productKey }), ...live })
  const s = summary.data

  const trendOption = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 24, top: 24, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', boundaryGap: false, data: (s?.trend ?? []).map((p) => p.day.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t(`dashboard.stages.${stage}` as MessageKey),
          type: 'line',
          showSymbol: false,
          lineStyle: { width: 2, color: STAGE_COLOR[stage] },
          itemStyle: { color: STAGE_COLOR[stage] },
          areaStyle: { color: STAGE_COLOR[stage], opacity: 0.12 },
          data: (s?.trend ?? []).map((p) => p[stage]),
        },
      ],
    }),
    [s, stage, t],
  )

  const ev = events.data
  const eventOption = useMemo(
    () => ({
      animation: false,
      grid: { left: 40, right: 12, top: 32, bottom: 48 },
      legend: { top: 0, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: (ev?.distribution ?? []).map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: (['info', 'alert', 'error'] as const).map((k) => ({
        name: t(`dashboard.eventType.${k}`),
        type: 'bar',
        stack: 'events',
        barMaxWidth: 24,
        itemStyle: { color: EVENT_COLOR[k] },
        data: (ev?.distribution ?? []).map((d) => d[k]),
      })),
    }),
    [ev, t],
  )
  const durationOption = useMemo(
    () => ({
      animation: false,
      grid: { left: 40, right: 12, top: 32, bottom: 48 },
      legend: { top: 0, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        axisLabel: { fontSize: 10, interval: 0, rotate: 30 },
        data: (ev?.durations ?? []).map((b) =>
          b.to === null
            ? t('dashboard.daysMore', { from: b.from })
            : t('dashboard.days', { from: b.from === 0 ? 1 : b.from, to: b.to }),
        ),
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('dashboard.durationOnline'),
          type: 'bar',
          barMaxWidth: 18,
          itemStyle: { color: '#52c41a' },
          data: (ev?.durations ?? []).map((b) => b.online),
        },
        {
          name: t('dashboard.durationOffline'),
          type: 'bar',
          barMaxWidth: 18,
          itemStyle: { color: '#bfbfbf' },
          data: (ev?.durations ?? []).map((b) => b.offline),
        },
      ],
    }),
    [ev, t],
  )

  const st = status.data
  const hasEvents = (ev?.distribution ?? []).some((d) => d.info + d.alert + d.error > 0)
  const hasDurations = (ev?.durations ?? []).some((b) => b.online + b.offline > 0)
  const error = summary.error ?? regions.error ?? events.error ?? status.error
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.dashboard.pathKey() })
  const eventSelect = (
    <Segmented
      size="small"
      value={eventType}
      onChange={(v) => setEventType(v as EventFilter)}
      options={(['all', 'info', 'alert', 'error'] as const).map((k) => ({
        value: k,
        label: t(`dashboard.eventType.${k}`),
      }))}
    />
  )

  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        subtitle={t('dashboard.subtitle')}
        extra={
          <>
            {s ? (
              <Typography.Text type="secondary" style={{ alignSelf: 'center', fontSize: 12 }}>
                {t('dashboard.updatedAt', { time: formatTime(s.at) })}
              </Typography.Text>
            ) : null}
            <ProductSelect
              allowClear
              value={productKey}
              onChange={setProductKey}
              placeholder={t('dashboard.allProducts')}
              style={{ width: 220 }}
            />
            <Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('dashboard.refresh')} />
          </>
        }
      />
      {error ? <QueryError error={error} onRetry={refresh} /> : null}

      <Row gutter={[16, 16]}>
        {STAGES.map((k) => (
          <Col key={k} xs={24} sm={12} xl={5}>
            <StageCard
              stage={k}
              data={s?.cards[k]}
              selected={stage === k}
              onSelect={() => setStage(k)}
              loading={summary.isPending}
            />
          </Col>
        ))}
        <Col xs={24} sm={12} xl={4}>
          <Card size="small" loading={summary.isPending} style={{ height: '100%' }}>
            <Typography.Text type="secondary">
              {t('dashboard.onlineRate')}
              <Help title={t('dashboard.onlineRateHelp')} />
            </Typography.Text>
            <Flex align="center" justify="center" style={{ marginTop: 4 }}>
              <Progress
                type="dashboard"
                size={92}
                percent={s?.onlineRate ?? 0}
                format={(p) => <span data-testid="dashboard-online-rate">{p}%</span>}
                strokeColor="#52c41a"
              />
            </Flex>
          </Card>
        </Col>

        <Col span={24}>
          <Panel
            title={t('dashboard.trendOf', { stage: t(`dashboard.stages.${stage}` as MessageKey) })}
            extra={<Typography.Text type="secondary">{t('dashboard.clickCard')}</Typography.Text>}
          >
            {summary.isPending ? (
              <Skeleton active />
            ) : (
              <ReactEChartsCore echarts={echarts} option={trendOption} notMerge style={{ height: 260 }} />
            )}
          </Panel>
        </Col>

        <Col span={24}>
          <Panel
            title={
              <>
                {t('dashboard.regions')}
                <Help title={t('dashboard.regionsHelp')} />
              </>
            }
          >
            <RegionMap rows={regions.data} level={level} onLevel={setLevel} measure={measure} onMeasure={setMeasure} />
          </Panel>
        </Col>

        <Col xs={24} xl={12}>
          <Typography.Title level={5} style={{ margin: '8px 0 12px' }}>
            {t('dashboard.events')}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            <Col xs={24} md={12}>
              <Panel
                title={
                  <>
                    {t('dashboard.durations')}
                    <Help title={t('dashboard.durationsHelp')} />
                  </>
                }
              >
                {events.isPending ? (
                  <Skeleton active />
                ) : hasDurations ? (
                  <ReactEChartsCore echarts={echarts} option={durationOption} notMerge style={{ height: 220 }} />
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} />
                )}
              </Panel>
            </Col>
            <Col xs={24} md={12}>
              <Panel title={t('dashboard.eventTypes')}>
                {events.isPending ? (
                  <Skeleton active />
                ) : hasEvents ? (
                  <ReactEChartsCore echarts={echarts} option={eventOption} notMerge style={{ height: 220 }} />
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} />
                )}
              </Panel>
            </Col>
            <Col span={24}>{eventSelect}</Col>
            <Col xs={24} md={12}>
              <Panel title={t('dashboard.topDevicesByEvents')}>
                <RankList
                  testId="dashboard-top-event-devices"
                  items={(ev?.topDevices ?? []).map((d) => ({
                    key: `${d.productKey}/${d.deviceName}`,
                    label: d.deviceName,
                    hint: `${d.deviceName} · ${d.productKey}`,
                    value: d.value,
                    text: t('dashboard.times', { n: d.value }),
                  }))}
                />
              </Panel>
            </Col>
            <Col xs={24} md={12}>
              <Panel title={t('dashboard.topEvents')}>
                <RankList
                  items={(ev?.topEvents ?? []).map((d) => ({
                    key: `${d.productKey}/${d.subject}`,
                    label: d.subject,
                    hint: `${d.subject} · ${d.productKey}`,
                    value: d.value,
                    text: t('dashboard.times', { n: d.value }),
                  }))}
                />
              </Panel>
            </Col>
          </Row>
        </Col>

        <Col xs={24} xl={12}>
          <Typography.Title level={5} style={{ margin: '8px 0 12px' }}>
            {t('dashboard.status')}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            <Col xs={24} md={12}>
              <Panel title={t('dashboard.flips')}>
                <RankList
                  testId="dashboard-top-flips"
                  items={(st?.flips ?? []).map((d) => ({
                    key: `${d.productKey}/${d.deviceName}`,
                    label: d.deviceName,
                    hint: `${d.deviceName} · ${d.productKey}`,
                    value: d.value,
                    text: t('dashboard.times', { n: d.value }),
                  }))}
                />
              </Panel>
            </Col>
            <Col xs={24} md={12}>
              <Panel
                title={
                  <>
                    {t('dashboard.latency')}
                    <Help title={t('dashboard.latencyHelp')} />
                  </>
                }
              >
                <RankList
                  items={(st?.latency ?? []).map((d) => ({
                    key: `${d.productKey}/${d.deviceName}`,
                    label: d.deviceName,
                    hint: `${d.deviceName} · ${d.productKey}`,
                    value: d.value,
                    text: t('dashboard.ms', { n: d.value }),
                  }))}
                />
              </Panel>
            </Col>
            <Col span={24}>
              <Panel title={t('dashboard.topics')}>
                <RankList
                  items={(st?.topics ?? []).map((d) => ({
                    key: `${d.productKey}/${d.subject}`,
                    label: shortTopic(d.subject),
                    hint: `${d.subject} · ${d.productKey}`,
                    value: d.value,
                    text: t('dashboard.messages', { n: d.value }),
                  }))}
                />
              </Panel>
            </Col>
          </Row>
        </Col>
      </Row>
    </>
  )
}
