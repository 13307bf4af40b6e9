'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Descriptions, Empty, Popconfirm, Table, type TableColumnsType, Typography } from 'antd'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { SideState, TunnelState } from './TunnelList'

type Detail = RouterOutputs['tunnel']['byId']
type SessionRow = Detail['sessions'][number]

const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`

/** One tunnel (ref §11.1.2 "view"): its state, both sides, and its sessions with their bytes. */
export function TunnelDetail({ tunnelId }: { tunnelId: string }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const q = useQuery({ ...trpc.tunnel.byId.queryOptions({ tunnelId }), refetchInterval: 3_000, retry: false })
  const close = useMutation(
    trpc.tunnel.close.mutationOptions({
      onSuccess: async () => {
        message.success(t('tunnel.closed'))
        await queryClient.invalidateQueries({ queryKey: trpc.tunnel.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const d = q.data
  const releaseText = (code: number | null) =>
    code !== null && code >= 0 && code <= 4 ? t(`tunnel.detail.release.${String(code) as '0'}`) : String(code ?? '-')

  const columns: TableColumnsType<SessionRow> = [
    {
      title: t('tunnel.detail.sessionId'),
      dataIndex: 'sessionId',
      render: (s: string) => (
        <span className="mono" style={{ fontSize: 12 }}>
          {s}
        </span>
      ),
    },
    {
      title: t('tunnel.detail.serviceType'),
      dataIndex: 'serviceType',
      render: (s: string) => <span className="mono">{s}</span>,
    },
    {
      title: t('tunnel.detail.startedAt'),
      dataIndex: 'createdAt',
      render: (v: SessionRow['createdAt']) => <TimeText value={v} />,
    },
    {
      title: t('tunnel.detail.releasedAt'),
      dataIndex: 'releasedAt',
      render: (v: SessionRow['releasedAt']) => (v ? <TimeText value={v} /> : t('tunnel.detail.active')),
    },
    {
      title: t('tunnel.detail.releaseCode'),
      dataIndex: 'releaseCode',
      render: (c: number | null, r) => (r.releasedAt ? releaseText(c) : '-'),
    },
    { title: t('tunnel.detail.bytesUp'), dataIndex: 'bytesUp', align: 'right', render: bytes },
    { title: t('tunnel.detail.bytesDown'), dataIndex: 'bytesDown', align: 'right', render: bytes },
  ]

  return (
    <>
      <PageHeader
        title={t('tunnel.detail.title', { id: tunnelId })}
        backHref="/tunnels"
        extra={
          writable && d?.status === 'OPEN' ? (
            <Popconfirm
              title={t('tunnel.closeConfirm')}
              okText={t('tunnel.close')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => close.mutateAsync({ tunnelIds: [tunnelId] }).catch(() => {})}
            >
              <Button danger>{t('tunnel.close')}</Button>
            </Popconfirm>
          ) : null
        }
      />
      {q.isError ? (
        q.error.data?.code === 'NOT_FOUND' ? (
          <Card>
            <Empty description={t('tunnel.detail.notFound')} />
          </Card>
        ) : (
          <QueryError error={q.error} onRetry={() => void q.refetch()} />
        )
      ) : (
        <>
          <Card title={t('tunnel.detail.info')} loading={q.isPending} style={{ marginBottom: 16 }}>
            {d ? (
              <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
                <Descriptions.Item label={t('tunnel.columns.tunnelId')}>
                  <Typography.Text className="mono" copyable>
                    {d.tunnelId}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.detail.device')}>
                  <span className="mono">
                    {d.productKey} / {d.deviceName}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.columns.status')}>
                  <TunnelState status={d.status} />
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.columns.deviceSide')}>
                  <SideState connected={d.deviceConnected} />
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.columns.accessSide')}>
                  <SideState connected={d.accessConnected} />
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.detail.rateLimit')}>
                  {d.rateLimitKBps
                    ? t('tunnel.detail.perSecond', { value: d.rateLimitKBps })
                    : t('tunnel.detail.noLimit')}
                </Descriptions.Item>
                <Descriptions.Item label={t('common.description')}>{d.description || '-'}</Descriptions.Item>
                <Descriptions.Item label={t('tunnel.detail.udi')}>
                  {d.udi ? <Typography.Text className="mono">{d.udi}</Typography.Text> : '-'}
                </Descriptions.Item>
                <Descriptions.Item label={t('tunnel.detail.createdBy')}>{d.createdBy}</Descriptions.Item>
                <Descriptions.Item label={t('tunnel.columns.createdAt')}>
                  <TimeText value={d.createdAt} />
                </Descriptions.Item>
                {d.status === 'OPEN' ? (
                  <Descriptions.Item label={t('tunnel.detail.expiresAt')}>
                    <TimeText value={d.expiresAt} />
                  </Descriptions.Item>
                ) : (
                  <>
                    <Descriptions.Item label={t('tunnel.detail.closedAt')}>
                      {d.closedAt ? <TimeText value={d.closedAt} /> : '-'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('tunnel.detail.closeReason')}>
                      {d.closeReason === 'user' ||
                      d.closeReason === 'api' ||
                      d.closeReason === 'expired' ||
                      d.closeReason === 'replaced'
                        ? t(`tunnel.detail.reasons.${d.closeReason}`)
                        : (d.closeReason ?? '-')}
                    </Descriptions.Item>
                  </>
                )}
                <Descriptions.Item label={t('tunnel.detail.deleteAt')}>
                  <TimeText value={d.deleteAt} />
                </Descriptions.Item>
              </Descriptions>
            ) : null}
          </Card>
          <Card title={t('tunnel.detail.sessions')}>
            <Table<SessionRow>
              rowKey="sessionId"
              columns={columns}
              dataSource={d?.sessions}
              loading={q.isPending}
              scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('tunnel.detail.noSessions')} /> }}
            />
          </Card>
        </>
      )}
    </>
  )
}
