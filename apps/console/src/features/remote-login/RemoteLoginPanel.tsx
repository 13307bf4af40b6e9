'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Descriptions, Divider, Flex, Modal, Popconfirm, Table, Tag, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite, useIsAdmin } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { formatTime } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { SshLogin } from './SshTerminal'

type Share = RouterOutputs['remoteLogin']['shares'][number]
const SHARE_COLORS: Record<Share['state'], string> = {
  active: 'green',
  revoked: 'default',
  expired: 'default',
  locked: 'red',
}

/** Online debugging → Remote login: the SSH terminal for the chosen device, its share links, its session history. */
export function RemoteLoginPanel({ productKey, deviceName }: { productKey: string; deviceName: string }) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const ref = { productKey, deviceName }
  const shares = useQuery({ ...trpc.remoteLogin.shares.queryOptions(ref), enabled: writable })
  const refreshShares = () => void qc.invalidateQueries({ queryKey: trpc.remoteLogin.shares.queryKey(ref) })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const [secret, setSecret] = useState<{ title: string; warning: string; link?: string; password: string } | null>(null)
  const create = useMutation(
    trpc.remoteLogin.createShare.mutationOptions({
      onSuccess: (r) => {
        setSecret({
          title: t('remoteLogin.share.createdTitle'),
          warning: t('remoteLogin.share.createdWarning'),
          link: `${window.location.origin}${r.path}`,
          password: r.password,
        })
        refreshShares()
      },
      onError,
    }),
  )
  const reset = useMutation(
    trpc.remoteLogin.resetSharePassword.mutationOptions({
      onSuccess: (r) => {
        setSecret({
          title: t('remoteLogin.share.resetTitle'),
          warning: t('remoteLogin.share.resetWarning'),
          password: r.password,
        })
        refreshShares()
      },
      onError,
    }),
  )
  const revoke = useMutation(
    trpc.remoteLogin.revokeShare.mutationOptions({
      onSuccess: () => {
        message.success(t('remoteLogin.share.revoked'))
        refreshShares()
      },
      onError,
    }),
  )
  const closeService = useMutation(
    trpc.remoteLogin.close.mutationOptions({
      onSuccess: () => message.success(t('remoteLogin.closedService')),
      onError,
    }),
  )
  const historyHref = `/remote-login?productKey=${encodeURIComponent(productKey)}&deviceName=${encodeURIComponent(deviceName)}`

  if (!writable) return <Alert type="info" showIcon title={t('remoteLogin.viewerOnly')} />
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="start" gap={12} wrap>
        <Typography.Text type="secondary" style={{ maxWidth: 560 }}>
          {t('remoteLogin.intro')}
        </Typography.Text>
        <Flex gap={8}>
          <Link href={historyHref}>{t('remoteLogin.history')}</Link>
          <Popconfirm
            title={t('remoteLogin.closeServiceConfirm')}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            onConfirm={() => closeService.mutate(ref)}
          >
            <Button size="small" danger loading={closeService.isPending}>
              {t('remoteLogin.closeService')}
            </Button>
          </Popconfirm>
        </Flex>
      </Flex>
      <SshLogin target={ref} />
      <HostKey target={ref} />
      <Divider style={{ margin: '8px 0' }} />
      <Flex justify="space-between" align="center">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('remoteLogin.share.title')}
        </Typography.Title>
        <Button onClick={() => create.mutate(ref)} loading={create.isPending}>
          {t('remoteLogin.share.create')}
        </Button>
      </Flex>
      <Typography.Text type="secondary">{t('remoteLogin.share.hint')}</Typography.Text>
      <Table<Share>
        size="small"
        rowKey="shareId"
        loading={shares.isLoading}
        dataSource={shares.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('remoteLogin.share.empty') }}
        columns={[
          {
            title: t('remoteLogin.share.state'),
            dataIndex: 'state',
            render: (s: Share['state']) => <Tag color={SHARE_COLORS[s]}>{t(`remoteLogin.share.states.${s}`)}</Tag>,
          },
          { title: t('remoteLogin.share.createdBy'), dataIndex: 'createdBy' },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: Date) => <TimeText value={v} /> },
          {
            title: t('remoteLogin.share.expires'),
            dataIndex: 'expiresAt',
            render: (v: Date) => <TimeText value={v} />,
          },
          { title: t('remoteLogin.share.sessions'), dataIndex: 'activeSessions' },
          {
            title: t('common.actions'),
            render: (_: unknown, s) =>
              s.state === 'revoked' || s.state === 'expired' ? null : (
                <Flex gap={8}>
                  <Button size="small" type="link" onClick={() => reset.mutate({ shareId: s.shareId })}>
                    {t('remoteLogin.share.reset')}
                  </Button>
                  <Popconfirm
                    title={t('remoteLogin.share.revokeConfirm')}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => revoke.mutate({ shareId: s.shareId })}
                  >
                    <Button size="small" type="link" danger>
                      {t('remoteLogin.share.revoke')}
                    </Button>
                  </Popconfirm>
                </Flex>
              ),
          },
        ]}
      />
      <Modal
        open={secret !== null}
        title={secret?.title}
        maskClosable={false}
        width={640}
        onCancel={() => setSecret(null)}
        footer={
          <Button type="primary" onClick={() => setSecret(null)}>
            {t('common.close')}
          </Button>
        }
      >
        {secret ? (
          <>
            <Alert type="warning" showIcon title={secret.warning} style={{ marginBottom: 16 }} />
            <Descriptions column={1} bordered size="small" styles={{ label: { width: 120 } }}>
              {secret.link ? (
                <Descriptions.Item label={t('remoteLogin.share.link')}>
                  <span data-testid="share-link">
                    <CopyText text={secret.link} />
                  </span>
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label={t('remoteLogin.share.password')}>
                <span data-testid="share-password">
                  <CopyText text={secret.password} />
                </span>
              </Descriptions.Item>
            </Descriptions>
          </>
        ) : null}
      </Modal>
    </Flex>
  )
}

/** The device's SSH host key recorded at its first login (trust on first use); admins can forget it. */
function HostKey({ target }: { target: { productKey: string; deviceName: string } }) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const admin = useIsAdmin()
  // until the first login records it, look again now and then (the login runs in the terminal beside)
  const key = useQuery({
    ...trpc.remoteLogin.hostKey.queryOptions(target),
    refetchInterval: (q) => (q.state.data ? false : 10_000),
  })
  const forget = useMutation(
    trpc.remoteLogin.forgetHostKey.mutationOptions({
      onSuccess: () => {
        message.success(t('remoteLogin.hostKey.forgotten'))
        void qc.invalidateQueries({ queryKey: trpc.remoteLogin.hostKey.queryKey(target) })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const k = key.data
  return (
    <Flex gap={8} align="baseline" wrap="wrap" data-testid="ssh-host-key">
      <Typography.Text strong>{t('remoteLogin.hostKey.label')}</Typography.Text>
      {k ? (
        <>
          <Typography.Text code copyable>
            {k.fingerprint}
          </Typography.Text>
          <Typography.Text type="secondary">{k.algorithm}</Typography.Text>
          {admin ? (
            <Popconfirm
              title={t('remoteLogin.hostKey.forgetConfirm')}
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
              onConfirm={() => forget.mutate(target)}
            >
              <Button size="small" type="link" danger loading={forget.isPending}>
                {t('remoteLogin.hostKey.forget')}
              </Button>
            </Popconfirm>
          ) : null}
          <Typography.Text type="secondary" style={{ flexBasis: '100%' }}>
            {t('remoteLogin.hostKey.recorded', { time: formatTime(k.firstSeenAt), who: k.firstSeenBy })}
          </Typography.Text>
        </>
      ) : (
        <Typography.Text type="secondary">{key.isLoading ? '…' : t('remoteLogin.hostKey.none')}</Typography.Text>
      )}
    </Flex>
  )
}
