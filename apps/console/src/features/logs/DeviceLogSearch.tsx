'use client'

import { keepPreviousData, skipToken, useInfiniteQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { App, Flex, Select, type TableColumnsType, Tag, Typography } from 'antd'
import { EllipsisText } from '@/components/EllipsisText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { downloadNdjson, downloadText, toCsv } from '@/lib/csv'
import { formatTimeMs } from '@/lib/format'
import { DEVICE_LOG_LEVELS } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { FilterInput } from './FilterInput'
import { LogTable, LogToolbar, useLiveSearch } from './LogResults'
import { TimeCell } from './labels'
import { fileStamp, LOG_PAGE, useLogQuery } from './query'
import { StoreSwitch, storeParam } from './store/StoreSwitch'
import { TimeRangeControl } from './TimeRangeControl'

type DeviceLogRow = RouterOutputs['deviceLog']['search']['items'][number]

const LEVELS = DEVICE_LOG_LEVELS
type Level = (typeof LEVELS)[number]
const isLevel = (v: string | undefined): v is Level => !!v && (LEVELS as readonly string[]).includes(v)
const LEVEL_COLOR: Record<string, string> = {
  FATAL: 'magenta',
  ERROR: 'red',
  WARN: 'orange',
  INFO: 'blue',
  DEBUG: 'default',
  OTHER: 'default',
}

/** Logs the devices upload themselves (`/sys/…/thing/log/post`), searchable by device, module, level and trace. */
export function DeviceLogSearch() {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const q = useLogQuery()

  const levelParam = q.get('level')
  const input = {
    productKey: q.get('productKey'),
    deviceName: q.get('deviceName'),
    traceId: q.get('traceId'),
    module: q.get('module'),
    keyword: q.get('keyword'),
    level: isLevel(levelParam) ? levelParam : undefined,
    store: storeParam(q.get('store')),
    from: q.span.from,
    to: q.span.to,
    limit: LOG_PAGE,
  }

  const log = useInfiniteQuery({
    ...trpc.deviceLog.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  })
  const { from: _from, to: _to, limit: _limit, ...filters } = input
  // live: entries stored from this moment on stream in above the search result (server-sent events)
  const live = useLiveSearch(log.data?.pages.flatMap((p) => p.items) ?? [], JSON.stringify(filters), q.refresh)
  useSubscription(
    trpc.deviceLog.onTail.subscriptionOptions(live.since ? { ...filters, since: live.since } : skipToken, {
      onData: (e) => live.add(e.data),
    }),
  )
  const rows = live.rows

  const exportRows = (format: 'csv' | 'ndjson') => {
    const name = `devicelog_${fileStamp()}`
    if (format === 'ndjson') {
      downloadNdjson(
        `${name}.ndjson`,
        rows.map((r) => ({ ...r, ts: new Date(r.ts).toISOString() })),
      )
      message.success(t('logs.exported', { count: rows.length }))
      return
    }
    const header = [
      t('logs.fields.reportTime'),
      t('logs.fields.collectTime'),
      t('logs.fields.traceId'),
      t('logs.fields.productKey'),
      t('logs.fields.deviceName'),
      t('logs.fields.level'),
      t('logs.fields.module'),
      t('logs.fields.deviceCode'),
      t('logs.fields.content'),
    ]
    const body = rows.map((r) => [
      formatTimeMs(r.ts),
      formatTimeMs(r.utcTime, ''),
      r.traceId,
      r.productKey,
      r.deviceName,
      r.level,
      r.module,
      r.code,
      r.content,
    ])
    downloadText(`${name}.csv`, toCsv(header, body))
    message.success(t('logs.exported', { count: rows.length }))
  }

  const mono = (v: string | null) => <span className="mono">{v || '-'}</span>
  const columns: TableColumnsType<DeviceLogRow> = [
    {
      title: t('logs.fields.reportTime'),
      dataIndex: 'ts',
      width: 215,
      render: (ts: Date) => <TimeCell value={ts} />,
    },
    {
      title: t('logs.fields.collectTime'),
      dataIndex: 'utcTime',
      width: 215,
      render: (v: Date | null) => <TimeCell value={v} />,
    },
    {
      title: t('logs.fields.traceId'),
      dataIndex: 'traceId',
      width: 170,
      ellipsis: { showTitle: false },
      render: (id: string | null) =>
        id ? (
          <Typography.Link className="mono" ellipsis title={id} onClick={() => q.update({ traceId: id })}>
            {id}
          </Typography.Link>
        ) : (
          '-'
        ),
    },
    { title: t('logs.fields.deviceName'), dataIndex: 'deviceName', width: 150, ellipsis: true, render: mono },
    {
      title: t('logs.fields.level'),
      dataIndex: 'level',
      width: 90,
      render: (l: string) => <Tag color={LEVEL_COLOR[l] ?? 'default'}>{l}</Tag>,
    },
    { title: t('logs.fields.module'), dataIndex: 'module', width: 140, ellipsis: true, render: mono },
    { title: t('logs.fields.deviceCode'), dataIndex: 'code', width: 100, ellipsis: true, render: mono },
    {
      title: t('logs.fields.content'),
      dataIndex: 'content',
      ellipsis: { showTitle: false },
      render: (c: string) => <EllipsisText text={c} />,
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
            value={input.module}
            placeholder={t('logs.filters.module')}
            onApply={(v) => q.update({ module: v })}
          />
          <FilterInput
            value={input.keyword}
            placeholder={t('logs.filters.keyword')}
            onApply={(v) => q.update({ keyword: v })}
          />
          <Select<Level>
            allowClear
            aria-label={t('logs.filters.level')}
            placeholder={t('logs.filters.allLevels')}
            value={input.level}
            onChange={(v) => q.update({ level: v })}
            options={LEVELS.map((l) => ({ value: l, label: <Tag color={LEVEL_COLOR[l]}>{l}</Tag> }))}
            style={{ width: 150 }}
          />
        </Flex>
        <Flex gap={12} wrap align="center" justify="space-between">
          <Flex gap={12} wrap align="center">
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
      <LogTable<DeviceLogRow> log={log} rows={rows} columns={columns} scrollX={1300} />
    </>
  )
}
