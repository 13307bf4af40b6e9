'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Badge,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { DestinationsDrawer } from './DestinationsDrawer'
import { RuleModal } from './RuleModal'

export type ForwardRuleRow = RouterOutputs['forward']['list']['items'][number]

export function RulesTable() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [search, setSearch] = useState('')
  const [editing, setEditing] = useState<ForwardRuleRow | null>(null)
  const [managing, setManaging] = useState<string | null>(null)
  const list = useQuery({
    ...trpc.forward.list.queryOptions({ page: paging.page, pageSize: paging.pageSize, search: search || undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  })
  const ids = list.data?.items.map((r) => r.id) ?? []
  const stats = useQuery({
    ...trpc.forward.stats.queryOptions({ ruleIds: ids, hours: 24 }),
    enabled: ids.length > 0,
    refetchInterval: 10_000,
  })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.forward.pathKey() })
  const onError = (error: unknown) => message.error(errorMessage(error, t('common.networkError')))
  const setEnabled = useMutation(
    trpc.forward.setEnabled.mutationOptions({
      onSuccess: async (r) => {
        message.success(r.enabled ? t('forward.started') : t('forward.stopped'))
        await invalidate()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.forward.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError,
    }),
  )

  const columns: TableColumnsType<ForwardRuleRow> = [
    {
      title: t('forward.columns.name'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <Flex vertical>
          <Typography.Link onClick={() => setManaging(r.id)}>{name}</Typography.Link>
          {r.description ? (
            <Typography.Text type="secondary" ellipsis={{ tooltip: true }} style={{ maxWidth: 200 }}>
              {r.description}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('forward.columns.topic'),
      dataIndex: 'topic',
      render: (topic: string) => (
        <Typography.Text className="mono" ellipsis={{ tooltip: topic }} style={{ maxWidth: 200 }}>
          {topic}
        </Typography.Text>
      ),
    },
    {
      title: t('forward.columns.destinations'),
      dataIndex: 'destinations',
      render: (dests: ForwardRuleRow['destinations']) =>
        dests.length ? (
          <Flex gap={4} wrap style={{ maxWidth: 220 }}>
            {dests.map((d) => (
              <Tag key={d.id} color={d.enabled ? 'blue' : 'default'}>
                {t(`forward.dest.types.${d.type}`)}
              </Tag>
            ))}
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('forward.noDestinations')}</Typography.Text>
        ),
    },
    {
      title: t('forward.columns.status'),
      dataIndex: 'enabled',
      render: (enabled: boolean, r) =>
        writable ? (
          <Switch
            size="small"
            checked={enabled}
            loading={setEnabled.isPending && setEnabled.variables?.id === r.id}
            checkedChildren={t('forward.status.running')}
            unCheckedChildren={t('forward.status.stopped')}
            aria-label={`${r.name} ${enabled ? t('forward.stop') : t('forward.start')}`}
            onChange={(v) => setEnabled.mutate({ id: r.id, enabled: v })}
          />
        ) : (
          <Badge
            status={enabled ? 'processing' : 'default'}
            text={enabled ? t('forward.status.running') : t('forward.status.stopped')}
          />
        ),
    },
    {
      title: t('forward.columns.runs'),
      key: 'runs',
      onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
      render: (_: unknown, r) => {
        const s = stats.data?.find((x) => x.ruleId === r.id)
        if (!s) return '-'
        return (
          <Flex vertical>
            <span>{t('forward.runs', { ok: s.forwarded, failed: s.failed })}</span>
            {s.deadLetters ? (
              <Typography.Text type="danger">{t('forward.deadCount', { count: s.deadLetters })}</Typography.Text>
            ) : null}
          </Flex>
        )
      },
    },
    {
      title: t('forward.columns.lastError'),
      dataIndex: 'lastError',
      render: (e: string | null, r) =>
        e ? (
          <Flex vertical>
            <Typography.Text type="danger" ellipsis={{ tooltip: e }} style={{ maxWidth: 220 }}>
              {e}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <TimeText value={r.lastErrorAt} />
            </Typography.Text>
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('forward.noError')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
      render: (_: unknown, r) => (
        <Space>
          <Typography.Link onClick={() => setManaging(r.id)}>{t('forward.manage')}</Typography.Link>
          {writable ? (
            <>
              <Typography.Link onClick={() => setEditing(r)}>{t('common.edit')}</Typography.Link>
              <Popconfirm
                title={t('forward.deleteConfirm', { name: r.name })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => remove.mutateAsync({ id: r.id }).catch(() => {})}
              >
                <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
              </Popconfirm>
            </>
          ) : null}
        </Space>
      ),
    },
  ]

  return (
    <>
      <Flex justify="space-between" gap={8} style={{ marginBottom: 12 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('forward.search')}
          style={{ width: 260 }}
          onSearch={(v) => {
            setSearch(v.trim())
            paging.reset()
          }}
        />
      </Flex>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<ForwardRuleRow>
          rowKey="id"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isPending}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={search ? t('common.noMatch') : t('forward.empty')} /> }}
        />
      )}
      <RuleModal rule={editing} onClose={() => setEditing(null)} />
      <DestinationsDrawer ruleId={managing} onClose={() => setManaging(null)} />
    </>
  )
}
