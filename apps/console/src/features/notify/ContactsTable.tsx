'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Popconfirm, Space, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { ListTable } from '@/components/ListTable'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ContactModal } from './ContactModal'

export type ContactRow = RouterOutputs['notify']['contacts']['list']['items'][number]

export function ContactsTable() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [keyword, setKeyword] = useState('')
  const [editing, setEditing] = useState<ContactRow | 'new' | null>(null)
  const list = useQuery({
    ...trpc.notify.contacts.list.queryOptions({
      page: paging.page,
      pageSize: paging.pageSize,
      keyword: keyword || undefined,
    }),
    placeholderData: keepPreviousData,
  })
  const remove = useMutation(
    trpc.notify.contacts.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.notify.pathKey() })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  const columns: TableColumnsType<ContactRow> = [
    { title: t('notify.contact.fields.name'), dataIndex: 'name' },
    { title: t('notify.contact.fields.email'), dataIndex: 'email', render: (v: string | null) => v || '-' },
    { title: t('notify.contact.fields.phone'), dataIndex: 'phone', render: (v: string | null) => v || '-' },
    { title: t('notify.contact.fields.groups'), dataIndex: 'groupCount', align: 'right', width: 100 },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (d: Date) => <TimeText value={d} /> },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c: ContactRow) => (
              <Space>
                <Typography.Link onClick={() => setEditing(c)}>{t('common.edit')}</Typography.Link>
                <Popconfirm
                  title={t('notify.contact.deleteConfirm', { name: c.name })}
                  description={t('notify.contact.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync({ id: c.id }).catch(() => {})}
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
      <ListTable<ContactRow>
        query={list}
        paging={paging}
        columns={columns}
        rowKey="id"
        emptyText={keyword ? t('common.noMatch') : t('notify.contact.empty')}
        search={{ label: t('notify.search'), onSearch: setKeyword }}
        add={writable ? { label: t('notify.contact.add'), onClick: () => setEditing('new') } : undefined}
      />
      <ContactModal contact={editing} onClose={() => setEditing(null)} />
    </>
  )
}
