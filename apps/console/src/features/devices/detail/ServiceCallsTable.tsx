'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Empty, Flex, Table, type TableColumnsType, Typography } from 'antd'
import { CodeTag } from '@/components/CodeTag'
import { JsonText } from '@/components/JsonText'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type CallRow = RouterOutputs['device']['serviceCalls']['items'][number]

/** Calls the cloud made to the device (services and property sets) with the device's replies. */
export function ServiceCallsTable({
  productKey,
  deviceName,
  names,
}: {
  productKey: string
  deviceName: string
  names: Map<string, string>
}) {
  const t = useT()
  const trpc = useTRPC()
  const paging = usePaging()
  const calls = useQuery({
    ...trpc.device.serviceCalls.queryOptions({ productKey, deviceName, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  })
  const columns: TableColumnsType<CallRow> = [
    { title: t('common.time'), dataIndex: 'ts', width: 200, render: (ts: Date) => formatTimeMs(ts) },
    {
      title: t('device.thing.service'),
      dataIndex: 'identifier',
      render: (id: string, r) => (
        <Flex vertical>
          <span>{names.get(id) ?? id}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {r.method}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('device.thing.input'),
      dataIndex: 'params',
      render: (p: unknown) => <JsonText value={p} maxWidth={240} />,
    },
    {
      title: t('device.thing.code'),
      dataIndex: 'code',
      width: 100,
      render: (c: number | null) => <CodeTag code={c} />,
    },
    {
      title: t('device.thing.output'),
      dataIndex: 'output',
      render: (o: unknown) => <JsonText value={o} maxWidth={240} />,
    },
    { title: t('device.thing.message'), dataIndex: 'message', render: (m: string | null) => m || '-' },
    {
      title: t('device.thing.repliedAt'),
      dataIndex: 'repliedAt',
      width: 200,
      render: (ts: Date | null) => formatTimeMs(ts),
    },
  ]
  if (calls.isError && !calls.data) return <QueryError error={calls.error} onRetry={() => void calls.refetch()} />
  return (
    <Table<CallRow>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={calls.data?.items}
      loading={calls.isPending}
      pagination={paging.pagination(calls.data?.total)}
      locale={{ emptyText: <Empty description={t('device.thing.noCalls')} /> }}
    />
  )
}
