'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Flex, Popconfirm, Space, type TableColumnsType, Tag, Typography } from 'antd'
import { useState } from 'react'
import { ListTable } from '@/components/ListTable'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { type Channel, ChannelTag } from './ChannelTags'
import { ContactGroupModal } from './ContactGroupModal'
import { TestDeliveryModal } from './TestDeliveryModal'

export type ContactGroupRow = RouterOutputs['notify']['groups']['list']['items'][number]

export function ContactGroupsTable() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [keyword, setKeyword] = useState('')
  const [editing, setEditing] = useState<ContactGroupRow | 'new' | null>(null)
  const [test, setTest] = useState<{ name: string; ids: string[] } | null>(null)
  const list = useQuery({
    ...trpc.notify.groups.list.queryOptions({
      page: paging.page,
      pageSize: paging.pageSize,
      keyword: keyword || undefined,
    }),
    placeholderData: keepPreviousData,
  })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.notify.pathKey() })
  const remove = useMutation(
    trpc.notify.groups.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
  const sendTest = useMutation(
    trpc.notify.groups.test.mutationOptions({
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  const columns: TableColumnsType<ContactGroupRow> = [
    { title: t('notify.group.fields.name'), dataIndex: 'name' },
    {
      title: t('notify.group.fields.channels'),
      dataIndex: 'channels',
      render: (channels: Channel[], g) => (
        <Flex gap={4} wrap>
          {channels.map((c) => (
            <ChannelTag key={c} channel={c} />
          ))}
          {g.hasDingtalkSecret ? <Tag color="green">{t('notify.group.secretSet')}</Tag> : null}
        </Flex>
      ),
    },
    {
      title: t('notify.group.fields.members'),
      dataIndex: 'contacts',
      render: (contacts: ContactGroupRow['contacts']) =>
        contacts.length ? (
          <Typography.Text ellipsis={{ tooltip: true }} style={{ maxWidth: 240 }}>
            {contacts.map((c) => c.name).join(', ')}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('notify.group.noMembers')}</Typography.Text>
        ),
    },
    {
      title: t('notify.group.fields.description'),
      dataIndex: 'description',
      render: (d: string | null) => d || '-',
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
            render: (_: unknown, g: ContactGroupRow) => (
              <Space>
                <Typography.Link
                  disabled={sendTest.isPending}
                  onClick={() =>
                    sendTest.mutate({ id: g.id }, { onSuccess: (r) => setTest({ name: g.name, ids: r.ids }) })
                  }
                >
                  {t('notify.group.test')}
                </Typography.Link>
                <Typography.Link onClick={() => setEditing(g)}>{t('common.edit')}</Typography.Link>
                <Popconfirm
                  title={t('notify.group.deleteConfirm', { name: g.name })}
                  description={t('notify.group.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync({ id: g.id }).catch(() => {})}
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
    <>
      <ListTable<ContactGroupRow>
        query={list}
        paging={paging}
        columns={columns}
        rowKey="id"
        emptyText={keyword ? t('common.noMatch') : t('notify.group.empty')}
        search={{ label: t('notify.search'), onSearch: setKeyword }}
        add={writable ? { label: t('notify.group.add'), onClick: () => setEditing('new') } : undefined}
      />
      <ContactGroupModal group={editing} onClose={() => setEditing(null)} />
      <TestDeliveryModal test={test} onClose={() => setTest(null)} />
    </>
  )
}
