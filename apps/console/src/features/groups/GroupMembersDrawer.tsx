'use client'

import { PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Drawer, Empty, Flex, Popconfirm, Table, type TableColumnsType, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { StatusBadge } from '@/components/StatusBadge'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { deviceHref } from '../devices/links'
import { AddMembersModal } from './AddMembersModal'

type Member = RouterOutputs['group']['members']['items'][number]

function Members({ group }: { group: { id: string; name: string } }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [adding, setAdding] = useState(false)
  const members = useQuery({
    ...trpc.group.members.queryOptions({ id: group.id, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
  })
  const remove = useMutation(
    trpc.group.removeDevice.mutationOptions({
      onSuccess: async () => {
        message.success(t('group.memberRemoved'))
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
  const columns: TableColumnsType<Member> = [
    {
      title: t('device.fields.deviceName'),
      dataIndex: 'deviceName',
      render: (name: string, d) => (
        <Link href={deviceHref(d.productKey, name)} className="mono">
          {name}
        </Link>
      ),
    },
    { title: t('device.fields.product'), dataIndex: 'productName' },
    { title: t('device.fields.status'), dataIndex: 'status', render: (s: string) => <StatusBadge status={s} /> },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, d: Member) => (
              <Popconfirm
                title={t('group.removeConfirm', { name: d.deviceName })}
                okText={t('common.remove')}
                cancelText={t('common.cancel')}
                onConfirm={() =>
                  remove.mutateAsync({ id: group.id, productKey: d.productKey, deviceName: d.deviceName })
                }
              >
                <Typography.Link type="danger">{t('common.remove')}</Typography.Link>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ]
  return (
    <>
      <Flex justify="space-between" style={{ marginBottom: 12 }}>
        <Link href={`/devices?groupId=${group.id}`}>{t('group.openInDevices')}</Link>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('group.addMembers')}
          </Button>
        ) : null}
      </Flex>
      {members.isError && !members.data ? (
        <QueryError error={members.error} onRetry={() => void members.refetch()} />
      ) : (
        <Table<Member>
          rowKey="iotId"
          size="small"
          columns={columns}
          dataSource={members.data?.items}
          loading={members.isPending}
          pagination={paging.pagination(members.data?.total)}
          locale={{ emptyText: <Empty description={t('group.noMembers')} /> }}
        />
      )}
      <AddMembersModal groupId={group.id} open={adding} onClose={() => setAdding(false)} />
    </>
  )
}

/** A group's devices in a side panel: list, add by name, remove. */
export function GroupMembersDrawer({
  group,
  onClose,
}: {
  group: { id: string; name: string } | null
  onClose: () => void
}) {
  const t = useT()
  return (
    <Drawer
      open={group !== null}
      size={760}
      title={group ? t('group.membersTitle', { name: group.name }) : ''}
      onClose={onClose}
      destroyOnHidden
    >
      {group ? <Members group={group} /> : null}
    </Drawer>
  )
}
