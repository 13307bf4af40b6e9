'use client'

import { keepPreviousData, skipToken, useInfiniteQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { App, Flex, Segmented, Select, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { CodeWithMeaning, useCodeDescription } from '@/components/CodeTag'
import { EllipsisText } from '@/components/EllipsisText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { downloadNdjson, downloadText, toCsv } from '@/lib/csv'
import { formatTimeMs } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import { FilterInput } from './FilterInput'
import { LogTable, LogToolbar, useLiveSearch } from './LogResults'
import { bizTypeLabel, TimeCell } from './labels'
import { BIZ_TYPES, fileStamp, isBizType, LOG_PAGE, useLogQuery } from './query'
import { RunLogDrawer, type RunLogRow } from './RunLogDrawer'
import { StoreSwitch, storeParam } from './store/StoreSwitch'
import { TimeRangeControl } from './TimeRangeControl'
import { TraceLink } from './trace/TraceLink'

type Status = 'all' | 'success' | 'failure'
const isStatus = (v: string | undefined): v is Status => v === 'all' || v === 'success' || v === 'failure'

/** The cloud run log: every message and device event the platform handled, searchable by device, trace and code. */
export function RunLogSearch() {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const describe = useCodeDescription()
  const q = useLogQuery()
  const [open, setOpen] = useState<RunLogRow | null>(null)

  const statusParam = q.get('status')
  const bizParam = q.get('bizType')
  const input = {
    productKey: q.get('productKey'),
    deviceName: q.get('deviceName'),
    traceId: q.get('traceId'),
    messageId: q.get('messageId'),
    keyword: q.get('keyword'),
    status: isStatus(statusParam) ? statusParam : 'all',
    bizType: isBizType(bizParam) ? bizParam : undefined,
    store: storeParam(q.get('store')),
    from: q.span.from,
    to: q.span.to,
    limit: LOG_PAGE,
  } as const

  const log = useInfiniteQuery({
    ...trpc.runLog.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  })
  const { from: _from, to: _to, limit: _limit, ...filters } = input
  // live: records stored from this moment on stream in above the search result (server-sent events)
  const live = useLiveSearch(log.data?.pages.flatMap((p) => p.items) ?? [], JSON.stringify(filters), q.refresh)
  useSubscription(
    trpc.runLog.onTail.subscriptionOptions(live.since ? { ...filters, since: live.since } : skipToken, {
      onData: (e) => live.add(e.data),
    }),
  )
  const rows = live.rows

  const exportRows = (format: 'csv' | 'ndjson') => {
    const name = `runlog_${fileStamp()}`
    if (format === 'ndjson') {
      downloadNdjson(
        `${name}.ndjson`,
        rows.map((r) => ({ ...r, ts: new Date(r.ts).toISOString() })),
      )
    } else {
      const header = [
        t('logs.fields.ts'),
        t('logs.fields.traceId'),
        t('logs.fields.messageId'),
        t('logs.fields.productKey'),
        t('logs.fields.deviceName'),
        t('logs.fields.bizType'),
        t('logs.fields.operation'),
        t('logs.fields.code'),
        t('logs.codeMeaning'),
        t('logs.fields.content'),
      ]
      const body = rows.map((r) => [
        formatTimeMs(r.ts),
        r.traceId,
        r.messageId,
        r.productKey,
        r.deviceName,
        r.bizType,
        r.operation,
        r.code,
        describe(r.code)?.meaning,
        r.content,
      ])
      downloadText(`${name}.csv`, toCsv(header, body))
    }
    message.success(t('logs.exported', { count: rows.length }))
  }

  const columns: TableColumnsType<RunLogRow> = [
    {
      title: t('logs.fields.ts'),
      dataIndex: 'ts',
      width: 215,
      render: (ts: Date) => <TimeCell value={ts} />,
    },
    {
      title: t('logs.fields.traceId'),
      dataIndex: 'traceId',
      width: 190,
      ellipsis: { showTitle: false },
      render: (id: string) => (
        <Flex gap={6} align="center" style={{ minWidth: 0 }}>
          <Typography.Link
            className="mono"
            ellipsis
            title={t('logs.filterByTrace')}
            onClick={(e) => {
              e.stopPropagation()
              q.update({ traceId: id })
            }}
          >
            {id}
          </Typography.Link>
          <TraceLink traceId={id} />
        </Flex>
      ),
    },
    {
      title: t('logs.fields.deviceName'),
      dataIndex: 'deviceName',
      width: 130,
      ellipsis: true,
      render: (n: string | null) => <span className="mono">{n || '-'}</span>,
    },
    {
      title: t('logs.fields.bizType'),
      dataIndex: 'bizType',
      width: 200,
      ellipsis: { showTitle: false },
      render: (b: string) => (
        <Typography.Text ellipsis={{ tooltip: bizTypeLabel(t, b) }}>{bizTypeLabel(t, b)}</Typography.Text>
      ),
    },
    {
      title: t('logs.fields.operation'),
      dataIndex: 'operation',
      width: 240,
      ellipsis: { showTitle: false },
      render: (op: string) => <EllipsisText text={op} />,
    },
    {
      title: t('logs.fields.code'),
      dataIndex: 'code',
      width: 220,
      render: (c: number) => <CodeWithMeaning code={c} />,
    },
    {
      title: t('logs.fields.content'),
      dataIndex: 'content',
      ellipsis: { showTitle: false },
      render: (c: string) => <EllipsisText text={c} secondary />,
    },
  ]

  return (
    <>
      <Flex vertical gap={12} style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap>
          <ProductSelect
            allowClear
            value={input.productKey}
            onChange={(v) => q.update({ productKey: v })}
            style={{ width: 200 }}
          />
          <FilterInput
            value={input.deviceName}
            placeholder={t('logs.filters.deviceName')}
            onApply={(v) => q.update({ deviceName: v })}
          />
          <FilterInput
            value={input.traceId}
            placeholder={t('logs.filters.traceId')}
            onApply={(v) => q.update({ traceId: v })}
            width={240}
          />
          <FilterInput
            value={input.messageId}
            placeholder={t('logs.filters.messageId')}
            onApply={(v) => q.update({ messageId: v })}
          />
          <FilterInput
            value={input.keyword}
            placeholder={t('logs.filters.keyword')}
            onApply={(v) => q.update({ keyword: v })}
          />
          <Select<string>
            allowClear
            aria-label={t('logs.filters.bizType')}
            placeholder={t('logs.filters.allBizTypes')}
            value={input.bizType}
            onChange={(v) => q.update({ bizType: v })}
            options={BIZ_TYPES.map((b) => ({ value: b, label: bizTypeLabel(t, b) }))}
            popupMatchSelectWidth={false}
            style={{ width: 220 }}
          />
        </Flex>
        <Flex gap={12} wrap align="center" justify="space-between">
          <Flex gap={12} wrap align="center">
            <Segmented<Status>
              aria-label={t('logs.filters.status')}
              value={input.status}
              onChange={(s) => q.update({ status: s === 'all' ? undefined : s })}
              options={[
                { value: 'all', label: t('runLog.status.all') },
                { value: 'success', label: `${t('runLog.status.success')} (200)` },
                { value: 'failure', label: t('runLog.status.failure') },
              ]}
            />
            <TimeRangeControl range={q.range} customFrom={q.customFrom} customTo={q.customTo} onChange={q.update} />
            <StoreSwitch value={input.store} productKey={input.productKey} onChange={q.update} />
          </Flex>
          <LogToolbar
            live={!!live.since}
            onLive={live.setLive}
            onRefresh={q.refresh}
            refreshing={log.isRefetching && !log.isFetchingNextPage}
            canExport={rows.length > 0}
            onExport={exportRows}
          />
        </Flex>
      </Flex>
      <LogTable<RunLogRow> log={log} rows={rows} columns={columns} scrollX={1470} onRow={setOpen} />
      <RunLogDrawer row={open} onClose={() => setOpen(null)} />
    </>
  )
}
