'use client'

import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, skipToken, useInfiniteQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import {
  App,
  Button,
  Dropdown,
  Empty,
  Flex,
  Segmented,
  Select,
  Switch,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd'
import { useEffect, useState } from 'react'
import { CodeWithMeaning, useCodeDescription } from '@/components/CodeTag'
import { EllipsisText } from '@/components/EllipsisText'
import { QueryError } from '@/components/QueryError'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { downloadText, toCsv } from '@/lib/csv'
import { formatTimeMs } from '@/lib/format'
import { useLiveRows } from '@/lib/live'
import { useTRPC } from '@/trpc/react'
import { FilterInput } from './FilterInput'
import { bizTypeLabel, TimeCell } from './labels'
import { BIZ_TYPES, fileStamp, isBizType, LOG_PAGE, useLogQuery } from './query'
import { RunLogDrawer, type RunLogRow } from './RunLogDrawer'
import { TimeRangeControl } from './TimeRangeControl'

type Status = 'all' | 'success' | 'failure'
const isStatus = (v: string | undefined): v is Status => v === 'all' || v === 'success' || v === 'failure'
const rowKey = (r: RunLogRow) => `${new Date(r.ts).getTime()}:${r.id}`

/** The cloud run log: every message and device event the platform handled, searchable by device, trace and code. */
export function RunLogSearch() {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const describe = useCodeDescription()
  const q = useLogQuery()
  // live: records stored from this moment on stream in above the search result (server-sent events)
  const [liveSince, setLiveSince] = useState<Date | null>(null)
  const tail = useLiveRows<RunLogRow>()
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
    from: q.span.from,
    to: q.span.to,
    limit: LOG_PAGE,
  } as const

  const log = useInfiniteQuery({
    ...trpc.runLog.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  })
  const { from: _from, to: _to, limit: _limit, ...filters } = input
  useSubscription(
    trpc.runLog.onTail.subscriptionOptions(liveSince ? { ...filters, since: liveSince } : skipToken, {
      onData: (e) => tail.add(e.data),
    }),
  )
  const filterKey = JSON.stringify(filters)
  // a new filter starts the live rows afresh
  useEffect(() => tail.clear(), [filterKey, tail.clear])
  const found = log.data?.pages.flatMap((p) => p.items) ?? []
  const foundIds = new Set(found.map((r) => r.id))
  const rows = [...tail.rows.filter((r) => !foundIds.has(r.id)), ...found]
  const setLive = (on: boolean) => {
    tail.clear()
    setLiveSince(on ? new Date() : null)
    if (on) q.refresh()
  }

  const exportRows = (format: 'csv' | 'ndjson') => {
    const name = `runlog_${fileStamp()}`
    if (format === 'ndjson') {
      downloadText(
        `${name}.ndjson`,
        `${rows.map((r) => JSON.stringify({ ...r, ts: new Date(r.ts).toISOString() })).join('\n')}\n`,
        'application/x-ndjson;charset=utf-8',
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
      width: 170,
      ellipsis: { showTitle: false },
      render: (id: string) => (
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
          </Flex>
          <Flex gap={8} wrap align="center">
            <Flex gap={6} align="center">
              <Switch size="small" checked={!!liveSince} onChange={setLive} aria-label={t('logs.live')} />
              <Typography.Text>{t('logs.live')}</Typography.Text>
              {liveSince ? <Typography.Text type="secondary">{t('logs.liveHint')}</Typography.Text> : null}
            </Flex>
            <Button icon={<ReloadOutlined />} onClick={q.refresh} loading={log.isRefetching && !log.isFetchingNextPage}>
              {t('logs.refresh')}
            </Button>
            <Dropdown
              disabled={rows.length === 0}
              menu={{
                items: [
                  { key: 'csv', label: t('logs.exportCsv'), onClick: () => exportRows('csv') },
                  { key: 'ndjson', label: t('logs.exportNdjson'), onClick: () => exportRows('ndjson') },
                ],
              }}
            >
              <Button icon={<DownloadOutlined />} disabled={rows.length === 0}>
                {t('logs.export')}
              </Button>
            </Dropdown>
          </Flex>
        </Flex>
      </Flex>
      {log.isError && !log.data ? (
        <QueryError error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <>
          <Table<RunLogRow>
            rowKey={rowKey}
            size="small"
            columns={columns}
            dataSource={rows}
            loading={log.isPending || (log.isPlaceholderData && log.isFetching)}
            pagination={false}
            tableLayout="fixed"
            scroll={{ x: 1450 }}
            onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
            locale={{ emptyText: <Empty description={t('logs.empty')} /> }}
          />
          <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">{t('logs.loaded', { count: rows.length })}</Typography.Text>
            {log.hasNextPage ? (
              <Button loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                {t('common.loadMore')}
              </Button>
            ) : null}
            <span />
          </Flex>
        </>
      )}
      <RunLogDrawer row={open} onClose={() => setOpen(null)} />
    </>
  )
}
