'use client'

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { App, Button, Card, Checkbox, Flex, Popconfirm, Table, Tag } from 'antd'
import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useIsAdmin } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type Row = RouterOutputs['remoteLogin']['sessions']['items'][number]

/** The audit list of SSH sessions: who, device, start, end, bytes, why it ended; replay, live view for admins. */
export function SessionList() {
  const t = useT()
  const trpc = useTRPC()
  const admin = useIsAdmin()
  const { message } = App.useApp()
  const params = useSearchParams()
  const productKey = params.get('productKey') || undefined
  const deviceName = params.get('deviceName') || undefined
  const [active, setActive] = useState(false)
  const { page, pageSize, pagination } = usePaging()
  const q = useQuery({
    ...trpc.remoteLogin.sessions.queryOptions({
      page,
      pageSize,
      productKey,
      deviceName,
      active: active ? true : undefined,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  })
  const end = useMutation(
    trpc.remoteLogin.endSession.mutationOptions({
      onSuccess: () => void q.refetch(),
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  return (
    <>
      <PageHeader title={t('remoteLogin.sessions.title')} subtitle={t('remoteLogin.sessions.subtitle')} />
      <Card>
        <Flex style={{ marginBottom: 12 }}>
          <Checkbox checked={active} onChange={(e) => setActive(e.target.checked)}>
            {t('remoteLogin.sessions.onlyActive')}
          </Checkbox>
        </Flex>
        {q.isError && !q.data ? (
          <QueryError error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <Table<Row>
            rowKey="sessionId"
            size="small"
            loading={q.isLoading}
            dataSource={q.data?.items ?? []}
            pagination={pagination(q.data?.total)}
            locale={{ emptyText: t('remoteLogin.sessions.empty') }}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('remoteLogin.sessions.who'),
                dataIndex: 'openedBy',
                render: (v: string) =>
                  v.startsWith('share:') ? <Tag>{t('remoteLogin.sessions.sharePrefix')}</Tag> : v,
              },
              {
                title: t('remoteLogin.sessions.device'),
                render: (_: unknown, r) => `${r.productKey}/${r.deviceName}`,
              },
              { title: t('remoteLogin.sessions.sshUser'), dataIndex: 'sshUser' },
              {
                title: t('remoteLogin.sessions.started'),
                dataIndex: 'startedAt',
                render: (v: Date) => <TimeText value={v} />,
              },
              {
                title: t('remoteLogin.sessions.ended'),
                dataIndex: 'endedAt',
                render: (v: Date | null) => <TimeText value={v} />,
              },
              {
                title: t('remoteLogin.sessions.bytes'),
                render: (_: unknown, r) => `${r.bytesIn.toLocaleString()} / ${r.bytesOut.toLocaleString()}`,
              },
              {
                title: t('remoteLogin.sessions.endReason'),
                render: (_: unknown, r) =>
                  r.endedAt ? (
                    t(`remoteLogin.reason.${(r.endReason ?? 'closed') as 'closed'}`)
                  ) : (
                    <Tag color="green">{t('remoteLogin.sessions.running')}</Tag>
                  ),
              },
              {
                title: t('common.actions'),
                render: (_: unknown, r) => (
                  <Flex gap={8}>
                    {r.hasRecording ? (
                      <Link href={`/remote-login/${r.sessionId}`}>{t('remoteLogin.sessions.replay')}</Link>
                    ) : null}
                    {admin && r.live ? (
                      <>
                        <Link href={`/remote-login/${r.sessionId}?live=1`}>{t('remoteLogin.sessions.watch')}</Link>
                        <Popconfirm
                          title={t('remoteLogin.sessions.endConfirm')}
                          okText={t('common.confirm')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => end.mutate({ sessionId: r.sessionId })}
                        >
                          <Button type="link" size="small" danger style={{ padding: 0 }}>
                            {t('remoteLogin.sessions.end')}
                          </Button>
                        </Popconfirm>
                      </>
                    ) : null}
                  </Flex>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  )
}
