'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Empty, Flex, Select, Table, type TableColumnsType, Tag, Typography } from 'antd'
import { useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { JsonText } from '@/components/JsonText'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { TraceLink } from '@/features/logs/trace/TraceLink'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type DeadLetterRow = RouterOutputs['forward']['deadLetters']['items'][number]

/** Rows a destination could not take after its retries: where they were going, why, and a replay. */
export function DeadLetters() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [ruleId, setRuleId] = useState<string | undefined>()
  const rules = useQuery(trpc.forward.list.queryOptions({ page: 1, pageSize: 100 }))
  const list = useQuery({
    ...trpc.forward.deadLetters.queryOptions({ ruleId, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  })
  const replay = useMutation(
    trpc.forward.replay.mutationOptions({
      onSuccess: () => message.success(t('forward.dead.replayedOk')),
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.forward.pathKey() }),
    }),
  )
  const columns: TableColumnsType<DeadLetterRow> = [
    {
      title: t('forward.dead.time'),
      dataIndex: 'at',
      onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
      render: (at: Date) => <TimeText value={at} />,
    },
    {
      title: t('forward.dead.rule'),
      dataIndex: 'ruleName',
      render: (name: string | null) => name ?? t('forward.dead.deletedRule'),
    },
    {
      title: t('forward.dead.destination'),
      dataIndex: 'destinationType',
      render: (type: DeadLetterRow['destinationType']) =>
        type ? <Tag>{t(`forward.dest.types.${type}`)}</Tag> : t('forward.dead.deletedRule'),
    },
    { title: t('forward.dead.code'), dataIndex: 'code', render: (c: number) => <CodeTag code={c} /> },
    {
      title: t('forward.dead.error'),
      dataIndex: 'error',
      render: (e: string, r) => (
        <Flex gap={6} align="center">
          <Typography.Text ellipsis={{ tooltip: e }} style={{ maxWidth: 260 }}>
            {e}
          </Typography.Text>
          {r.traceId ? <TraceLink traceId={r.traceId} /> : null}
        </Flex>
      ),
    },
    {
      title: t('forward.dead.payload'),
      dataIndex: 'payload',
      render: (p: string) => <JsonText value={safeJson(p)} maxWidth={240} />,
    },
    { title: t('forward.dead.attempts'), dataIndex: 'attempts' },
    {
      title: t('common.actions'),
      key: 'actions',
      onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
      render: (_: unknown, r) =>
        r.replayedAt ? (
          <Typography.Text type="success">
            {t('forward.dead.replayed')} <TimeText value={r.replayedAt} />
          </Typography.Text>
        ) : writable && r.destinationType ? (
          <Typography.Link
            disabled={replay.isPending && replay.variables?.id === r.id}
            onClick={() => replay.mutate({ id: r.id })}
          >
            {t('forward.dead.replay')}
          </Typography.Link>
        ) : null,
    },
  ]
  return (
    <>
      <Flex gap={8} style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          style={{ width: 260 }}
          placeholder={t('forward.dead.allRules')}
          aria-label={t('forward.dead.rule')}
          value={ruleId}
          onChange={(v) => {
            setRuleId(v)
            paging.reset()
          }}
          options={rules.data?.items.map((r) => ({ value: r.id, label: r.name }))}
        />
      </Flex>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<DeadLetterRow>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isPending}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('forward.dead.empty')} /> }}
        />
      )}
    </>
  )
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return s
  }
}
