'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Empty, Flex, Modal, Table, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { DeviceSelect } from '@/features/devices/DeviceSelect'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { formatTime } from '@/lib/format'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { RangeControl, type RangeValue } from './RangeControl'
import { BOARD_MAX_DAYS, LEGACY_PRESETS, resolveRange } from './series'

type Row = RouterOutputs['monitor']['networkStatus']['items'][number]

const num = (v: number | null) => (v === null || v === undefined ? '-' : String(v))

/**
 * A device's network status reports (reference "查看设备网络状态"): reported and collected time, RSSI, SNR, packet
 * loss and connection type, newest first, with the error counts of a report in a dialog.
 */
export function NetworkStatus() {
  const t = useT()
  const trpc = useTRPC()
  const paging = usePaging(20)
  const [productKey, setProductKey] = useState<string | undefined>()
  const [deviceName, setDeviceName] = useState<string | undefined>()
  const [range, setRange] = useState<RangeValue>({ kind: 'd1' })
  const [anchor, setAnchor] = useState(() => Date.now())
  const [details, setDetails] = useState<Row | null>(null)
  const { span } = resolveRange(
    LEGACY_PRESETS,
    'd1',
    { range: range.kind, from: range.span?.from, to: range.span?.to },
    anchor,
    BOARD_MAX_DAYS,
  )
  const q = useQuery({
    ...trpc.monitor.networkStatus.queryOptions(
      productKey && deviceName
        ? {
            productKey,
            deviceName,
            range: { from: new Date(span.from), to: new Date(span.to) },
            page: paging.page,
            pageSize: paging.pageSize,
          }
        : skipToken,
    ),
    placeholderData: keepPreviousData,
  })

  const columns: TableColumnsType<Row> = [
    { title: t('monitoring.network.reportedAt'), dataIndex: 'reportedAt', render: (v: Date) => <TimeText value={v} /> },
    {
      title: t('monitoring.network.collectedAt'),
      dataIndex: 'collectedAt',
      render: (v: Date | null) => <TimeText value={v} />,
    },
    { title: t('monitoring.network.rssi'), dataIndex: 'rssi', align: 'right', render: num },
    { title: t('monitoring.network.snr'), dataIndex: 'snr', align: 'right', render: num },
    { title: t('monitoring.network.per'), dataIndex: 'per', align: 'right', render: num },
    { title: t('monitoring.network.network'), dataIndex: 'network', render: (v: string | null) => v || '-' },
    {
      title: t('monitoring.network.errors'),
      key: 'errors',
      render: (_, r) =>
        r.errors?.length ? (
          <Typography.Link onClick={() => setDetails(r)}>{t('monitoring.network.details')}</Typography.Link>
        ) : (
          '-'
        ),
    },
  ]

  return (
    <>
      <Typography.Paragraph type="secondary">{t('monitoring.network.hint')}</Typography.Paragraph>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <ProductSelect
          placeholder={t('monitoring.property.productPlaceholder')}
          value={productKey}
          onChange={(pk) => {
            setProductKey(pk)
            setDeviceName(undefined)
            paging.reset()
          }}
        />
        <DeviceSelect
          productKey={productKey}
          value={deviceName}
          onChange={(d) => {
            setDeviceName(d)
            paging.reset()
          }}
        />
        <RangeControl
          presets={['h1', 'd1', 'w1']}
          maxDays={BOARD_MAX_DAYS}
          value={range}
          onChange={(v) => {
            setRange(v)
            setAnchor(Date.now())
            paging.reset()
          }}
        />
      </Flex>
      {!productKey || !deviceName ? (
        <Empty description={t('monitoring.network.pick')} />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Table<Row>
          rowKey="id"
          size="small"
          loading={q.isFetching}
          columns={columns}
          dataSource={q.data?.items ?? []}
          pagination={paging.pagination(q.data?.total)}
          locale={{ emptyText: <Empty description={t('monitoring.network.empty')} /> }}
          scroll={{ x: 'max-content' }}
        />
      )}
      <Modal
        open={!!details}
        title={details ? t('monitoring.network.errorsTitle', { time: formatTime(details.reportedAt) }) : null}
        footer={null}
        onCancel={() => setDetails(null)}
        destroyOnHidden
      >
        <Table
          rowKey={(e) => `${e.type}/${e.code}`}
          size="small"
          pagination={false}
          dataSource={details?.errors ?? []}
          columns={[
            { title: t('monitoring.network.type'), dataIndex: 'type' },
            {
              title: t('monitoring.network.code'),
              dataIndex: 'code',
              render: (c: string) => <span className="mono">{c}</span>,
            },
            { title: t('monitoring.network.count'), dataIndex: 'count', align: 'right' },
          ]}
        />
      </Modal>
    </>
  )
}
