'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Empty, Flex, Select, Table, type TableColumnsType, Tag, Typography } from 'antd'
import { useState } from 'react'
import { JsonText } from '@/components/JsonText'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { EVENT_TYPES, isEventType } from '../../products/thing-model/tsl'

type EventRow = RouterOutputs['device']['events']['items'][number]
type EventType = (typeof EVENT_TYPES)[number]
const TYPE_COLOR: Record<EventType, string> = { info: 'blue', alert: 'orange', error: 'red' }

/** Events the device reported, newest first, filterable by type. */
export function EventsTable({
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
  const [type, setType] = useState<EventType | undefined>()
  const events = useQuery({
    ...trpc.device.events.queryOptions({ productKey, deviceName, type, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  })
  const columns: TableColumnsType<EventRow> = [
    { title: t('common.time'), dataIndex: 'ts', width: 200, render: (ts: Date) => formatTimeMs(ts) },
    {
      title: t('device.thing.event'),
      dataIndex: 'identifier',
      render: (id: string) => (
        <Flex vertical>
          <span>{names.get(id) ?? id}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {id}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tsl.eventType'),
      dataIndex: 'type',
      width: 110,
      render: (ty: string) => (isEventType(ty) ? <Tag color={TYPE_COLOR[ty]}>{t(`tsl.eventTypes.${ty}`)}</Tag> : ty),
    },
    {
      title: t('device.thing.params'),
      dataIndex: 'params',
      render: (p: unknown) => <JsonText value={p} maxWidth={480} />,
    },
  ]
  return (
    <>
      <Flex style={{ marginBottom: 12 }}>
        <Select
          allowClear
          value={type}
          onChange={(v: EventType | undefined) => {
            setType(v)
            paging.reset()
          }}
          placeholder={t('device.thing.allEventTypes')}
          style={{ minWidth: 160 }}
          options={EVENT_TYPES.map((e) => ({ value: e, label: t(`tsl.eventTypes.${e}`) }))}
        />
      </Flex>
      {events.isError && !events.data ? (
        <QueryError error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <Table<EventRow>
          rowKey={(r) => `${new Date(r.ts).getTime()}-${r.identifier}`}
          size="small"
          columns={columns}
          dataSource={events.data?.items}
          loading={events.isPending}
          pagination={paging.pagination(events.data?.total)}
          locale={{ emptyText: <Empty description={t('device.thing.noEvents')} /> }}
        />
      )}
    </>
  )
}
