'use client'

import { ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Card, Col, Empty, Flex, Row, Table, Tag, Typography } from 'antd'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { type ReactNode, useMemo, useState } from 'react'
import { CodeTag, useCodeDescription } from '@/components/CodeTag'
import { EllipsisText } from '@/components/EllipsisText'
import { QueryError } from '@/components/QueryError'
import { RankList } from '@/features/dashboard/RankList'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { formatTime, formatTimeMs } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { echarts } from './echarts'
import { type Range, RangeControl, resolveRange } from './RangeControl'

type Report = RouterOutputs['logAnalysis']['report']
interface Point {
  ts: Date | string | number
  value: number
}
interface Slice {
  key: string
  value: number
}

/** The log service's report set for one product or all, over a range of up to 7 days (1 hour by default). */
export function LogReports() {
  const t = useT()
  const trpc = useTRPC()
  const [productKey, setProductKey] = useState<string | undefined>()
  const [range, setRange] = useState<Range>({ preset: 'h1' })
  // presets count back from the moment of the last refresh
  const [anchor, setAnchor] = useState(() => Date.now())
  const span = useMemo(() => resolveRange(range, anchor), [range, anchor])
  const report = useQuery({
    ...trpc.logAnalysis.report.queryOptions({ productKey: productKey ?? null, ...span }),
    placeholderData: keepPreviousData,
  })
  const r = report.data

  return (
    <Flex vertical gap={16}>
      <Flex gap={12} wrap align="center" justify="space-between">
        <Flex gap={12} wrap align="center">
          <ProductSelect
            allowClear
            value={productKey}
            onChange={setProductKey}
            placeholder={t('logstore.reports.allProducts')}
            style={{ width: 220 }}
          />
          <RangeControl
            value={range}
            onChange={(v) => {
              setRange(v)
              setAnchor(Date.now())
            }}
            maxDays={7}
          />
        </Flex>
        <Flex gap={12} align="center">
          {r ? (
            <Typography.Text type="secondary">
              {t('logstore.reports.points', { minutes: r.granularity })}
            </Typography.Text>
          ) : null}
          <Button icon={<ReloadOutlined />} loading={report.isFetching} onClick={() => setAnchor(Date.now())}>
            {t('logs.refresh')}
          </Button>
        </Flex>
      </Flex>
      {report.isError && !r ? <QueryError error={report.error} onRetry={() => void report.refetch()} /> : null}
      <Row gutter={[16, 16]}>
        <ReportCard title={t('logstore.reports.online')} loading={!r}>
          <Lines
            span={span}
            series={[
              { name: t('logstore.reports.onlineSeries'), points: r?.online ?? [] },
              { name: t('logstore.reports.offlineSeries'), points: r?.offline ?? [] },
            ]}
          />
        </ReportCard>
        <ReportCard title={t('logstore.reports.messages')} loading={!r}>
          <Lines
            span={span}
            series={[
              { name: t('logstore.reports.upSeries'), points: r?.up ?? [] },
              { name: t('logstore.reports.downSeries'), points: r?.down ?? [] },
            ]}
          />
        </ReportCard>
        <ReportCard title={t('logstore.reports.topUp')} loading={!r} span={8}>
          <Ranked slices={r?.topUpDevices} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.topDown')} loading={!r} span={8}>
          <Ranked slices={r?.topDownDevices} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.regions')} loading={!r} span={8}>
          <Ranked
            slices={r?.onlineByRegion.map((s) => ({ ...s, key: s.key || t('logstore.reports.unknownRegion') }))}
          />
        </ReportCard>
        <ReportCard title={t('logstore.reports.tslCodes')} loading={!r} testId="report-tsl-codes">
          <CodePie slices={r?.tslErrorCodes ?? []} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.tslDevices')} loading={!r}>
          <Ranked slices={r?.tslErrorDevices} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.apiCodes')} loading={!r}>
          <CodePie slices={r?.apiErrorCodes ?? []} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.forwarding')} loading={!r}>
          <Lines span={span} series={[{ name: t('logstore.reports.forwarding'), points: r?.forwardVolume ?? [] }]} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.scriptCodes')} loading={!r} span={8}>
          <NotLogged />
        </ReportCard>
        <ReportCard title={t('logstore.reports.scriptDevices')} loading={!r} span={8}>
          <NotLogged />
        </ReportCard>
        <ReportCard title={t('logstore.reports.subscription')} loading={!r} span={8}>
          <NotLogged />
        </ReportCard>
        <ReportCard title={t('logstore.reports.deviceErrors')} loading={!r} span={24}>
          <DeviceErrors rows={r?.latestDeviceErrors ?? []} />
        </ReportCard>
        <ReportCard title={t('logstore.reports.forwardErrors')} loading={!r} span={24}>
          <NotLogged />
        </ReportCard>
      </Row>
    </Flex>
  )
}

function ReportCard(props: { title: string; loading: boolean; span?: number; testId?: string; children: ReactNode }) {
  const span = props.span ?? 12
  return (
    <Col xs={24} lg={span === 24 ? 24 : 12} xl={span}>
      <Card
        size="small"
        title={props.title}
        loading={props.loading}
        data-testid={props.testId}
        style={{ height: '100%' }}
      >
        {props.children}
      </Card>
    </Col>
  )
}

function NoData({ text }: { text?: string }) {
  const t = useT()
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={text ?? t('logstore.reports.noData')}
      style={{ margin: '24px 0' }}
    />
  )
}

function NotLogged() {
  const t = useT()
  return <NoData text={t('logstore.reports.notLogged')} />
}

function Ranked({ slices }: { slices: Slice[] | undefined }) {
  return (
    <div style={{ maxHeight: 320, overflowY: 'auto', paddingRight: 4 }}>
      <RankList items={(slices ?? []).map((s) => ({ key: s.key, label: s.key, value: s.value }))} />
    </div>
  )
}

function Lines({ series, span }: { series: { name: string; points: Point[] }[]; span: { from: Date; to: Date } }) {
  const option = useMemo(
    () => ({
      animation: false,
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 12, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        confine: true,
        axisPointer: { label: { formatter: (p: { value: number }) => formatTime(p.value) } },
      },
      // the whole range, not only the minutes that have points
      xAxis: { type: 'time', min: span.from.getTime(), max: span.to.getTime(), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) => ({
        type: 'line',
        name: s.name,
        showSymbol: false,
        data: s.points.map((p) => [new Date(p.ts).getTime(), p.value]),
      })),
    }),
    [series, span],
  )
  if (series.every((s) => s.points.every((p) => !p.value))) return <NoData />
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 240, width: '100%' }} />
}

/** Error codes as a pie, with the codes, their meanings and counts beside it. */
function CodePie({ slices }: { slices: Slice[] }) {
  const describe = useCodeDescription()
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'item', confine: true },
      series: [
        {
          type: 'pie',
          radius: ['40%', '75%'],
          label: { formatter: '{b}' },
          data: slices.map((s) => ({ name: s.key, value: s.value })),
        },
      ],
    }),
    [slices],
  )
  if (!slices.length) return <NoData />
  return (
    <Row gutter={12} align="middle">
      <Col xs={24} sm={11}>
        <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 220, width: '100%' }} />
      </Col>
      <Col xs={24} sm={13}>
        <Flex vertical gap={6}>
          {slices.map((s) => (
            <Flex key={s.key} gap={8} align="center" justify="space-between">
              <Flex gap={6} align="center" style={{ minWidth: 0 }}>
                <CodeTag code={Number(s.key)} />
                <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
                  {describe(Number(s.key))?.meaning}
                </Typography.Text>
              </Flex>
              <Typography.Text strong>{s.value}</Typography.Text>
            </Flex>
          ))}
        </Flex>
      </Col>
    </Row>
  )
}

function DeviceErrors({ rows }: { rows: Report['latestDeviceErrors'] }) {
  const t = useT()
  return (
    <Table
      size="small"
      rowKey={(r, i) => `${new Date(r.ts).getTime()}:${i}`}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 900 }}
      tableLayout="fixed"
      locale={{ emptyText: <NoData /> }}
      columns={[
        {
          title: t('logstore.reports.fields.ts'),
          dataIndex: 'ts',
          width: 220,
          render: (ts: Date) => <span className="mono">{formatTimeMs(ts)}</span>,
        },
        {
          title: t('logstore.reports.fields.device'),
          dataIndex: 'deviceName',
          width: 160,
          ellipsis: true,
          render: (n: string) => <span className="mono">{n}</span>,
        },
        {
          title: t('logstore.reports.fields.level'),
          dataIndex: 'level',
          width: 90,
          render: (l: string) => <Tag color={l === 'FATAL' ? 'magenta' : 'red'}>{l}</Tag>,
        },
        { title: t('logstore.reports.fields.module'), dataIndex: 'module', width: 130, ellipsis: true },
        {
          title: t('logstore.reports.fields.code'),
          dataIndex: 'code',
          width: 100,
          render: (c: string | null) => c ?? '-',
        },
        {
          title: t('logstore.reports.fields.content'),
          dataIndex: 'content',
          ellipsis: { showTitle: false },
          render: (c: string) => <EllipsisText text={c} secondary />,
        },
      ]}
    />
  )
}
