'use client'

import { useQuery } from '@tanstack/react-query'
import { Card, Col, Empty, Row, Skeleton, Table, Typography } from 'antd'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { topWithOther } from './chart'
import { echarts } from './echarts'
import { useFailReason } from './labels'

interface Source {
  version: string
  count: number
  succeeded: number
  failed: number
}

const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : 0)

function barOption(labels: string[], values: number[], color: string, suffix = '') {
  return {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v}${suffix}` },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: labels, inverse: true },
    series: [
      {
        type: 'bar',
        data: values,
        itemStyle: { color },
        barMaxWidth: 18,
        label: { show: true, position: 'right', formatter: `{c}${suffix}` },
      },
    ],
  }
}

/**
 * Success analysis of a package or of one batch (ref §8.2.5): success-rate ring, source-version distribution,
 * success and failure rates by source version, failure reasons.
 */
export function JobAnalysis({ firmwareId, jobId }: { firmwareId: string; jobId?: string }) {
  const t = useT()
  const trpc = useTRPC()
  const failReason = useFailReason()
  const q = useQuery({ ...trpc.otaJob.analysis.queryOptions({ firmwareId, jobId }), refetchInterval: 10_000 })
  if (q.error) return <QueryError error={q.error} onRetry={() => q.refetch()} />
  if (!q.data) return <Skeleton active />
  const a = q.data
  const { succeeded, failed } = a
  const noVersion = t('ota.analysis.noVersion')
  const other = t('ota.analysis.other')
  const sources: Source[] = a.sources.map((s) => ({
    version: s.srcVersion ?? noVersion,
    count: s.upgrades,
    succeeded: s.succeeded,
    failed: s.failed,
  }))
  if (succeeded + failed === 0) return <Empty description={t('ota.analysis.noData')} />
  const rate = a.successRate
  const mergeSum = (rest: readonly Source[]): Source => ({
    version: other,
    count: rest.reduce((s, r) => s + r.count, 0),
    succeeded: rest.reduce((s, r) => s + r.succeeded, 0),
    failed: rest.reduce((s, r) => s + r.failed, 0),
  })
  const asTable = sources.length > 10
  const dist = topWithOther(sources, 5, mergeSum)
  // ref §8.2.5: the top 5, the rest averaged into "other"
  const ranking = (list: typeof a.successRanking, key: 'successRate' | 'failureRate') =>
    topWithOther(
      list.map((s) => ({ version: s.srcVersion ?? noVersion, rate: s[key] })),
      5,
      (rest) => ({ version: other, rate: Math.round((rest.reduce((n, r) => n + r.rate, 0) / rest.length) * 10) / 10 }),
    )
  const successRanking = ranking(a.successRanking, 'successRate')
  const failureRanking = ranking(a.failureRanking, 'failureRate')
  const reasons = a.failureReasons

  const ring = {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    title: {
      text: `${rate}%`,
      subtext: t('ota.analysis.successRate'),
      left: 'center',
      top: '36%',
      textStyle: { fontSize: 22 },
    },
    series: [
      {
        type: 'pie',
        radius: ['52%', '72%'],
        center: ['50%', '45%'],
        label: { show: false },
        data: [
          { name: t('ota.taskStatus.SUCCEEDED'), value: succeeded, itemStyle: { color: '#52c41a' } },
          { name: t('ota.taskStatus.FAILED'), value: failed, itemStyle: { color: '#ff4d4f' } },
        ],
      },
    ],
  }
  const sourceColumns = [
    { title: t('ota.analysis.sourceVersion'), dataIndex: 'version' },
    { title: t('ota.analysis.upgrades'), dataIndex: 'count' },
    { title: t('ota.taskStatus.SUCCEEDED'), dataIndex: 'succeeded' },
    { title: t('ota.taskStatus.FAILED'), dataIndex: 'failed' },
    {
      title: t('ota.analysis.successRate'),
      key: 'rate',
      render: (_: unknown, s: Source) => `${pct(s.succeeded, s.succeeded + s.failed)}%`,
    },
  ]

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('ota.analysis.successRing')}>
          <div role="img" aria-label={t('ota.analysis.successRingLabel', { rate, succeeded, failed })}>
            <ReactEChartsCore echarts={echarts} option={ring} notMerge style={{ height: 240 }} />
          </div>
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Card size="small" title={t('ota.analysis.sourceDistribution')}>
          {asTable ? (
            <Table
              rowKey="version"
              size="small"
              dataSource={sources}
              columns={sourceColumns}
              pagination={{ pageSize: 5 }}
            />
          ) : sources.length ? (
            <ReactEChartsCore
              echarts={echarts}
              notMerge
              style={{ height: 240 }}
              option={barOption(
                dist.map((s) => s.version),
                dist.map((s) => s.count),
                '#1677ff',
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('ota.analysis.successRanking')}>
          {asTable ? (
            <Typography.Text type="secondary">{t('ota.analysis.seeTable')}</Typography.Text>
          ) : (
            <ReactEChartsCore
              echarts={echarts}
              notMerge
              style={{ height: 220 }}
              option={barOption(
                successRanking.map((s) => s.version),
                successRanking.map((s) => s.rate),
                '#52c41a',
                '%',
              )}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('ota.analysis.failureRanking')}>
          {asTable ? (
            <Typography.Text type="secondary">{t('ota.analysis.seeTable')}</Typography.Text>
          ) : (
            <ReactEChartsCore
              echarts={echarts}
              notMerge
              style={{ height: 220 }}
              option={barOption(
                failureRanking.map((s) => s.version),
                failureRanking.map((s) => s.rate),
                '#ff4d4f',
                '%',
              )}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('ota.analysis.failureReasons')}>
          {reasons.length ? (
            <ReactEChartsCore
              echarts={echarts}
              notMerge
              style={{ height: 220 }}
              option={barOption(
                reasons.map((r) => failReason(r.reason)),
                reasons.map((r) => r.count),
                '#fa8c16',
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ota.analysis.noFailures')} />
          )}
        </Card>
      </Col>
    </Row>
  )
}
