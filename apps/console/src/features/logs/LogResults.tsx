'use client'

import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons'
import type { UseInfiniteQueryResult } from '@tanstack/react-query'
import { Button, Dropdown, Empty, Flex, Switch, Table, type TableColumnsType, Typography } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useLiveRows } from '@/lib/live'

interface LogRow {
  ts: Date
  id: number
}
const rowKey = (r: LogRow) => `${new Date(r.ts).getTime()}:${r.id}`

/**
 * Live mode of a log search: when on, rows stored from that moment stream in (the caller subscribes to its tail
 * with `since` and feeds `add`) above the searched rows; a new filter starts the live rows afresh.
 */
export function useLiveSearch<R extends LogRow>(found: R[], filterKey: string, refresh: () => void) {
  const [since, setSince] = useState<Date | null>(null)
  const tail = useLiveRows<R>()
  // the filter is what restarts the live rows
  useEffect(() => tail.clear(), [filterKey, tail.clear])
  const foundIds = new Set(found.map((r) => r.id))
  const setLive = useCallback(
    (on: boolean) => {
      tail.clear()
      setSince(on ? new Date() : null)
      if (on) refresh()
    },
    [tail.clear, refresh],
  )
  return { since, setLive, add: tail.add, rows: [...tail.rows.filter((r) => !foundIds.has(r.id)), ...found] }
}

/** Live switch, refresh and export (CSV / NDJSON) of a log search. */
export function LogToolbar(props: {
  live: boolean
  onLive: (on: boolean) => void
  onRefresh: () => void
  refreshing: boolean
  canExport: boolean
  onExport: (format: 'csv' | 'ndjson') => void
}) {
  const t = useT()
  return (
    <Flex gap={8} wrap align="center">
      <Flex gap={6} align="center">
        <Switch size="small" checked={props.live} onChange={props.onLive} aria-label={t('logs.live')} />
        <Typography.Text>{t('logs.live')}</Typography.Text>
        {props.live ? <Typography.Text type="secondary">{t('logs.liveHint')}</Typography.Text> : null}
      </Flex>
      <Button icon={<ReloadOutlined />} onClick={props.onRefresh} loading={props.refreshing}>
        {t('logs.refresh')}
      </Button>
      <Dropdown
        disabled={!props.canExport}
        menu={{
          items: [
            { key: 'csv', label: t('logs.exportCsv'), onClick: () => props.onExport('csv') },
            { key: 'ndjson', label: t('logs.exportNdjson'), onClick: () => props.onExport('ndjson') },
          ],
        }}
      >
        <Button icon={<DownloadOutlined />} disabled={!props.canExport}>
          {t('logs.export')}
        </Button>
      </Dropdown>
    </Flex>
  )
}

/** The result table of a log search with its "loaded N" line and "Load more" (keyset pages). */
export function LogTable<R extends LogRow>(props: {
  log: UseInfiniteQueryResult<unknown, unknown>
  rows: R[]
  columns: TableColumnsType<R>
  scrollX: number
  onRow?: (row: R) => void
}) {
  const t = useT()
  const { log, rows } = props
  if (log.isError && !log.data) return <QueryError error={log.error} onRetry={() => void log.refetch()} />
  return (
    <>
      <Table<R>
        rowKey={rowKey}
        size="small"
        columns={props.columns}
        dataSource={rows}
        loading={log.isPending || (log.isPlaceholderData && log.isFetching)}
        pagination={false}
        tableLayout="fixed"
        scroll={{ x: props.scrollX }}
        onRow={props.onRow ? (r) => ({ onClick: () => props.onRow?.(r), style: { cursor: 'pointer' } }) : undefined}
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
  )
}
