'use client'

import { BellOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Badge, Button, Drawer, Empty, Flex, List, Pagination, Segmented, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { type AlarmLevel, LevelTag } from './ChannelTags'

type InboxItem = RouterOutputs['notify']['inbox']['list']['items'][number]

const PAGE_SIZE = 20

/** The header's bell: unread console notifications (polled every 10 s) and a drawer to read them. */
export function InboxBell() {
  const t = useT()
  const trpc = useTRPC()
  const [open, setOpen] = useState(false)
  const unread = useQuery({ ...trpc.notify.inbox.unreadCount.queryOptions(), refetchInterval: 10_000 })
  const count = unread.data ?? 0
  return (
    <>
      <Tooltip title={t('notify.inbox.bell')}>
        <Badge count={count} size="small" overflowCount={99} offset={[-4, 4]}>
          <Button
            type="text"
            aria-label={t('notify.inbox.bell')}
            data-unread={count}
            icon={<BellOutlined style={{ fontSize: 18 }} />}
            onClick={() => setOpen(true)}
          />
        </Badge>
      </Tooltip>
      <Drawer open={open} onClose={() => setOpen(false)} size={480} title={t('notify.inbox.title')} destroyOnHidden>
        {open ? <Inbox /> : null}
      </Drawer>
    </>
  )
}

function Inbox() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [unreadOnly, setUnreadOnly] = useState(false)
  const [page, setPage] = useState(1)
  const list = useQuery({
    ...trpc.notify.inbox.list.queryOptions({ page, pageSize: PAGE_SIZE, unreadOnly }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  })
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notify.inbox.pathKey() })
  const onError = (error: unknown) => message.error(errorMessage(error, t('common.networkError')))
  const markRead = useMutation(trpc.notify.inbox.markRead.mutationOptions({ onSuccess: refresh, onError }))
  const markAll = useMutation(
    trpc.notify.inbox.markAllRead.mutationOptions({
      onSuccess: async () => {
        message.success(t('notify.inbox.allMarked'))
        await refresh()
      },
      onError,
    }),
  )

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => {
            setUnreadOnly(v === 'unread')
            setPage(1)
          }}
          options={[
            { value: 'all', label: t('notify.inbox.all') },
            { value: 'unread', label: t('notify.inbox.unread') },
          ]}
        />
        {writable ? (
          <Button
            size="small"
            disabled={(list.data?.unread ?? 0) === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            {t('notify.inbox.markAllRead')}
          </Button>
        ) : null}
      </Flex>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <List<InboxItem>
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('notify.inbox.empty')} /> }}
          renderItem={(n) => (
            <List.Item style={{ alignItems: 'flex-start', opacity: n.readAt ? 0.65 : 1 }}>
              <Flex vertical gap={4} style={{ minWidth: 0, flex: 1 }} data-testid="inbox-item">
                <Flex gap={8} align="center" justify="space-between">
                  <Flex gap={8} align="center">
                    {n.readAt ? null : <Badge status="processing" />}
                    <LevelTag level={n.level as AlarmLevel} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`notify.alarmStatus.${n.status}`)}
                    </Typography.Text>
                  </Flex>
                  {writable && !n.readAt ? (
                    <Typography.Link style={{ fontSize: 12 }} onClick={() => markRead.mutate({ ids: [n.id] })}>
                      {t('notify.inbox.markRead')}
                    </Typography.Link>
                  ) : null}
                </Flex>
                <Typography.Text strong={!n.readAt}>{n.subject}</Typography.Text>
                <Typography.Paragraph
                  type="secondary"
                  style={{ whiteSpace: 'pre-wrap', marginBottom: 0, fontSize: 13 }}
                  ellipsis={{ rows: 4, expandable: true, symbol: '…' }}
                >
                  {n.text}
                </Typography.Paragraph>
                <Flex gap={8} style={{ fontSize: 12 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    <TimeText value={n.createdAt} />
                  </Typography.Text>
                  {n.groupName ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('notify.inbox.group', { name: n.groupName })}
                    </Typography.Text>
                  ) : null}
                </Flex>
              </Flex>
            </List.Item>
          )}
        />
      )}
      {(list.data?.total ?? 0) > PAGE_SIZE ? (
        <Pagination
          size="small"
          align="center"
          current={page}
          pageSize={PAGE_SIZE}
          total={list.data?.total ?? 0}
          onChange={setPage}
          showSizeChanger={false}
        />
      ) : null}
    </Flex>
  )
}
