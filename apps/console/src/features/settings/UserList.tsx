'use client'

import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Badge, Button, Card, Empty, Popconfirm, Select, Table, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { Forbidden } from '@/components/Forbidden'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { RoleTag } from '@/components/UserMenu'
import { useT } from '@/i18n/I18nProvider'
import { useMe } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { CreateUserModal } from './CreateUserModal'
import { ROLES, type Role } from './roles'

type UserRow = RouterOutputs['user']['list'][number]

export function UserList() {
  const me = useMe().data
  if (me?.role !== 'ADMIN') return <Forbidden />
  return <Users myId={me.id} />
}

function Users({ myId }: { myId: string }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [creating, setCreating] = useState(false)
  const users = useQuery(trpc.user.list.queryOptions())
  const update = useMutation(
    trpc.user.update.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.queryKey() })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  const columns: TableColumnsType<UserRow> = [
    {
      title: t('user.fields.name'),
      dataIndex: 'name',
      render: (name: string, u) => (
        <>
          {name}
          {u.id === myId ? <Typography.Text type="secondary"> {t('user.you')}</Typography.Text> : null}
        </>
      ),
    },
    { title: t('user.fields.email'), dataIndex: 'email' },
    {
      title: t('user.fields.role'),
      dataIndex: 'role',
      width: 180,
      render: (role: Role, u) =>
        u.id === myId ? (
          <RoleTag role={role} />
        ) : (
          <Select<Role>
            size="small"
            value={role}
            style={{ width: 150 }}
            onChange={(next) => update.mutate({ id: u.id, role: next })}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
        ),
    },
    {
      title: t('user.fields.status'),
      dataIndex: 'disabled',
      render: (disabled: boolean) =>
        disabled ? (
          <Badge status="error" text={t('user.disabled')} />
        ) : (
          <Badge status="success" text={t('user.active')} />
        ),
    },
    {
      title: t('user.fields.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      render: (v: UserRow['lastLoginAt']) => <TimeText value={v} />,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (v: UserRow['createdAt']) => <TimeText value={v} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, u) =>
        u.id === myId ? null : (
          <Popconfirm
            title={u.disabled ? t('user.enableConfirm', { name: u.name }) : t('user.disableConfirm', { name: u.name })}
            description={u.disabled ? undefined : t('user.disableHint')}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: !u.disabled }}
            onConfirm={() => update.mutateAsync({ id: u.id, disabled: !u.disabled })}
          >
            <Typography.Link type={u.disabled ? undefined : 'danger'}>
              {u.disabled ? t('common.enable') : t('common.disable')}
            </Typography.Link>
          </Popconfirm>
        ),
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.users')}
        subtitle={t('user.listSubtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('user.create')}
          </Button>
        }
      />
      <Card>
        {users.isError && !users.data ? (
          <QueryError error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <Table<UserRow>
            rowKey="id"
            columns={columns}
            dataSource={users.data}
            loading={users.isPending}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => t('common.total', { total: n }) }}
            locale={{ emptyText: <Empty description={t('user.empty')} /> }}
          />
        )}
      </Card>
      <CreateUserModal open={creating} onClose={() => setCreating(false)} />
    </>
  )
}
