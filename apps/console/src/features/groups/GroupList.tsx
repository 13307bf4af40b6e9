'use client'

import { PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Empty, Popconfirm, Space, Table, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { CreateGroupModal } from './CreateGroupModal'
import { GroupMembersDrawer } from './GroupMembersDrawer'

type GroupRow = RouterOutputs['group']['list']['items'][number]

export function GroupList() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [creating, setCreating] = useState(false)
  const [open, setOpen] = useState<GroupRow | null>(null)
  const list = useQuery({
    ...trpc.group.list.queryOptions({ page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
  })
  const remove = useMutation(
    trpc.group.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  const columns: TableColumnsType<GroupRow> = [
    {
      title: t('group.fields.name'),
      dataIndex: 'name',
      render: (name: string, g) => <Typography.Link onClick={() => setOpen(g)}>{name}</Typography.Link>,
    },
    { title: t('group.fields.deviceCount'), dataIndex: 'deviceCount', align: 'right' },
    { title: t('common.description'), dataIndex: 'description', render: (d: string | null) => d || '-' },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (d: GroupRow['createdAt']) => <TimeText value={d} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, g) => (
        <Space>
          <Typography.Link onClick={() => setOpen(g)}>{t('group.members')}</Typography.Link>
          {writable ? (
            <Popconfirm
              title={t('group.deleteConfirm', { name: g.name })}
              description={t('group.deleteHint')}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutateAsync({ id: g.id })}
            >
              <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.groups')}
        subtitle={t('group.listSubtitle')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('group.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        {list.isError && !list.data ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<GroupRow>
            rowKey="id"
            columns={columns}
            dataSource={list.data?.items}
            loading={list.isPending}
            pagination={paging.pagination(list.data?.total)}
            locale={{
              emptyText: (
                <Empty description={t('group.empty')}>
                  {writable ? (
                    <Button type="primary" onClick={() => setCreating(true)}>
                      {t('group.create')}
                    </Button>
                  ) : null}
                </Empty>
              ),
            }}
          />
        )}
      </Card>
      <CreateGroupModal open={creating} onClose={() => setCreating(false)} />
      <GroupMembersDrawer group={open} onClose={() => setOpen(null)} />
    </>
  )
}
