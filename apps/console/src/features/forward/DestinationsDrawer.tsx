'use client'

import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Drawer,
  Empty,
  Flex,
  Popconfirm,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { DestinationModal } from './DestinationModal'

export type DestinationRow = RouterOutputs['forward']['byId']['destinations'][number]

/** Where a destination sends rows, in one line (secrets are already masked by the server). */
export function destinationTarget(d: DestinationRow): string {
  const c = d.config as Record<string, unknown>
  switch (d.type) {
    case 'REPUBLISH':
      return String(c.topic)
    case 'WEBHOOK':
      return String(c.url)
    case 'POSTGRES':
      return `${String(c.url)} → ${String(c.table)}`
    case 'QUEUE':
      return `${String(c.url)} → ${String(c.stream)}`
  }
}

/** A rule's destinations: list, add, edit, delete. */
export function DestinationsDrawer({ ruleId, onClose }: { ruleId: string | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [editing, setEditing] = useState<DestinationRow | 'new' | null>(null)
  const rule = useQuery({ ...trpc.forward.byId.queryOptions({ id: ruleId ?? '' }), enabled: !!ruleId })
  const remove = useMutation(
    trpc.forward.deleteDestination.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.forward.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const columns: TableColumnsType<DestinationRow> = [
    {
      title: t('forward.dest.type'),
      dataIndex: 'type',
      render: (type: DestinationRow['type'], d) => (
        <Tag color={d.enabled ? 'blue' : 'default'}>{t(`forward.dest.types.${type}`)}</Tag>
      ),
    },
    {
      title: t('forward.dest.target'),
      key: 'target',
      render: (_: unknown, d) => (
        <Typography.Text className="mono" ellipsis={{ tooltip: destinationTarget(d) }} style={{ maxWidth: 360 }}>
          {destinationTarget(d)}
        </Typography.Text>
      ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
            render: (_: unknown, d: DestinationRow) => (
              <Space>
                <Typography.Link onClick={() => setEditing(d)}>{t('common.edit')}</Typography.Link>
                <Popconfirm
                  title={t('forward.dest.deleteConfirm')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync({ id: d.id }).catch(() => {})}
                >
                  <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ]
  return (
    <Drawer
      open={!!ruleId}
      width={760}
      onClose={onClose}
      title={rule.data ? t('forward.dest.title', { name: rule.data.name }) : t('forward.manage')}
      extra={
        writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!rule.data}>
            {t('forward.dest.add')}
          </Button>
        ) : null
      }
    >
      {rule.isError ? (
        <QueryError error={rule.error} onRetry={() => void rule.refetch()} />
      ) : (
        <Flex vertical gap={12}>
          {rule.data ? (
            <Typography.Paragraph className="mono" style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
              {rule.data.sql}
            </Typography.Paragraph>
          ) : null}
          <Table<DestinationRow>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rule.data?.destinations}
            loading={rule.isPending}
            pagination={false}
            locale={{ emptyText: <Empty description={t('forward.dest.empty')} /> }}
          />
        </Flex>
      )}
      {ruleId ? <DestinationModal ruleId={ruleId} destination={editing} onClose={() => setEditing(null)} /> : null}
    </Drawer>
  )
}
