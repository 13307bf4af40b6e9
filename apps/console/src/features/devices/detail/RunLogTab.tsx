'use client'

import { useInfiniteQuery } from '@tanstack/react-query'
import { Button, Empty, Flex, Segmented, Table, type TableColumnsType, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { CodeWithMeaning, useCodeDescription } from '@/components/CodeTag'
import { EllipsisText } from '@/components/EllipsisText'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type LogRow = RouterOutputs['runLog']['search']['items'][number]
type Status = 'all' | 'success' | 'failure'
const PAGE = 20
const REFRESH_MS = 5_000

/** The device's latest cloud run-log lines (newest first), with what each status code means. */
export function RunLogTab({ productKey, deviceName }: { productKey: string; deviceName: string }) {
  const t = useT()
  const trpc = useTRPC()
  const describe = useCodeDescription()
  const [status, setStatus] = useState<Status>('all')
  const log = useInfiniteQuery({
    ...trpc.runLog.search.infiniteQueryOptions(
      { productKey, deviceName, status, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    refetchInterval: REFRESH_MS,
  })
  const rows = log.data?.pages.flatMap((p) => p.items) ?? []

  const columns: TableColumnsType<LogRow> = [
    {
      title: t('common.time'),
      dataIndex: 'ts',
      width: 210,
      render: (ts: Date) => <span className="mono">{formatTimeMs(ts)}</span>,
    },
    { title: t('runLog.bizType'), dataIndex: 'bizType', width: 130, ellipsis: true },
    {
      title: t('runLog.operation'),
      dataIndex: 'operation',
      width: '32%',
      ellipsis: { showTitle: false },
      render: (op: string) => <EllipsisText text={op} />,
    },
    {
      title: t('runLog.code'),
      dataIndex: 'code',
      width: 200,
      render: (c: number) => <CodeWithMeaning code={c} />,
    },
    {
      title: t('runLog.content'),
      dataIndex: 'content',
      ellipsis: { showTitle: false },
      render: (c: string) => <EllipsisText text={c} secondary />,
    },
  ]

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Segmented<Status>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'all', label: t('runLog.status.all') },
            { value: 'success', label: t('runLog.status.success') },
            { value: 'failure', label: t('runLog.status.failure') },
          ]}
        />
        <Flex align="center" gap={16}>
          <Typography.Text type="secondary">{t('runLog.autoRefresh', { seconds: REFRESH_MS / 1000 })}</Typography.Text>
          <Link href={`/logs?${new URLSearchParams({ tab: 'run', productKey, deviceName }).toString()}`}>
            {t('logs.searchInLogService')}
          </Link>
        </Flex>
      </Flex>
      {log.isError && !log.data ? (
        <QueryError error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <>
          <Table<LogRow>
            rowKey={(r) => `${new Date(r.ts).getTime()}:${r.id}`}
            size="small"
            columns={columns}
            dataSource={rows}
            loading={log.isPending}
            pagination={false}
            tableLayout="fixed"
            expandable={{
              expandedRowRender: (r) => {
                const d = describe(r.code)
                return (
                  <Flex vertical gap={4}>
                    <Typography.Text type="secondary">
                      {t('runLog.traceId')}: <span className="mono">{r.traceId}</span>
                      {r.messageId ? (
                        <>
                          {' · '}
                          {t('runLog.messageId')}: <span className="mono">{r.messageId}</span>
                        </>
                      ) : null}
                    </Typography.Text>
                    <pre className="mono" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                      {r.content}
                    </pre>
                    {d && r.code !== 200 ? (
                      <Typography.Text type="secondary">
                        {t('runLog.cause', { text: d.cause })} {t('runLog.fix', { text: d.fix })}
                      </Typography.Text>
                    ) : null}
                  </Flex>
                )
              },
            }}
            locale={{ emptyText: <Empty description={t('runLog.empty')} /> }}
          />
          {log.hasNextPage ? (
            <Flex justify="center" style={{ marginTop: 12 }}>
              <Button loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          ) : null}
        </>
      )}
    </>
  )
}
