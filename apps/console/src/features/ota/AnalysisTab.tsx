'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Card, Col, Empty, Flex, Row, Table, Typography } from 'antd'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { deviceHref } from '@/features/devices/links'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { topWithOther } from './chart'
import { echarts } from './echarts'
import { ModuleSelect } from './ModuleSelect'

interface VersionRow {
  version: string
  devices: number
  percent: number
}

/** Version distribution of a product's module (ref §8.2.5): bar (top 5 + other), share table, devices per version. */
export function AnalysisTab() {
  const t = useT()
  const trpc = useTRPC()
  const params = useSearchParams()
  // ?productKey= opens the tab on a product (links from other pages)
  const [productKey, setProductKey] = useState<string | undefined>(params.get('productKey') ?? undefined)
  const [module, setModule] = useState('default')
  const [version, setVersion] = useState<string>()
  const [page, setPage] = useState(1)
  const pick = (v: string) => {
    setVersion(v)
    setPage(1)
  }
  const dist = useQuery(trpc.otaJob.distribution.queryOptions(productKey ? { productKey, module } : skipToken))
  const devices = useQuery({
    ...trpc.otaJob.distribution.queryOptions(
      productKey && version ? { productKey, module, version, page, pageSize: 10 } : skipToken,
    ),
    placeholderData: keepPreviousData,
  })
  const versions: VersionRow[] = dist.data?.versions ?? []
  const total = dist.data?.total ?? 0
  const other = t('ota.analysis.other')
  const bars = topWithOther(versions, 5, (rest) => ({
    version: other,
    devices: rest.reduce((s, r) => s + r.devices, 0),
    percent: Math.round(rest.reduce((s, r) => s + r.percent, 0) * 100) / 100,
  }))

  return (
    <>
      <Flex gap={8} style={{ marginBottom: 12 }} wrap>
        <ProductSelect
          value={productKey}
          placeholder={t('ota.analysis.pickProduct')}
          onChange={(pk) => {
            setProductKey(pk)
            setModule('default')
            setVersion(undefined)
          }}
        />
        <ModuleSelect
          productKey={productKey}
          value={module}
          onChange={(m) => {
            setModule(m ?? 'default')
            setVersion(undefined)
          }}
        />
      </Flex>
      {!productKey ? (
        <Empty description={t('ota.analysis.pickProductHint')} />
      ) : dist.error ? (
        <QueryError error={dist.error} onRetry={() => dist.refetch()} />
      ) : !dist.isPending && !versions.length ? (
        <Empty description={t('ota.analysis.noVersions')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('ota.analysis.versionDistribution')} loading={dist.isPending}>
              <ReactEChartsCore
                echarts={echarts}
                notMerge
                style={{ height: 260 }}
                onEvents={{
                  click: (p: { name: string }) => {
                    if (p.name !== other) pick(p.name)
                  },
                }}
                option={{
                  grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: { type: 'category', data: bars.map((b) => b.version), inverse: true },
                  series: [
                    {
                      type: 'bar',
                      name: t('ota.analysis.devices'),
                      data: bars.map((b) => b.devices),
                      itemStyle: { color: '#1677ff' },
                      barMaxWidth: 18,
                      label: { show: true, position: 'right' },
                    },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('ota.analysis.versionShare', { total })}>
              <Table<VersionRow>
                rowKey="version"
                size="small"
                loading={dist.isPending}
                dataSource={versions}
                pagination={{ pageSize: 6, hideOnSinglePage: true }}
                rowClassName={(r) => (r.version === version ? 'ant-table-row-selected' : '')}
                onRow={(r) => ({ onClick: () => pick(r.version), style: { cursor: 'pointer' } })}
                columns={[
                  {
                    title: t('ota.analysis.version'),
                    dataIndex: 'version',
                    render: (v: string) => <Typography.Link className="mono">{v}</Typography.Link>,
                  },
                  { title: t('ota.analysis.devices'), dataIndex: 'devices' },
                  { title: t('ota.analysis.share'), dataIndex: 'percent', render: (p: number) => `${p}%` },
                ]}
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card
              size="small"
              title={version ? t('ota.analysis.devicesOf', { version }) : t('ota.analysis.deviceList')}
            >
              {!version ? (
                <Typography.Text type="secondary">{t('ota.analysis.pickVersion')}</Typography.Text>
              ) : devices.error ? (
                <QueryError error={devices.error} onRetry={() => devices.refetch()} />
              ) : (
                <Table
                  rowKey="deviceName"
                  size="small"
                  loading={devices.isFetching}
                  dataSource={devices.data?.devices?.items ?? []}
                  pagination={{
                    current: page,
                    pageSize: 10,
                    total: devices.data?.devices?.total ?? 0,
                    onChange: setPage,
                    showTotal: (n) => t('common.total', { total: n }),
                  }}
                  columns={[
                    {
                      title: 'DeviceName',
                      dataIndex: 'deviceName',
                      render: (dn: string) => (
                        <Link className="mono" href={deviceHref(productKey, dn)}>
                          {dn}
                        </Link>
                      ),
                    },
                    { title: t('ota.analysis.version'), key: 'v', render: () => version },
                  ]}
                />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  )
}
