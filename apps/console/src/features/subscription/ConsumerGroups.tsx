'use client'

import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Badge,
  Button,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { FormModal } from '@/components/FormModal'
import { QueryTable } from '@/components/ListTable'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type GroupRow = RouterOutputs['subscription']['groups'][number]
interface ShownToken {
  groupId: string
  name: string
  token: string
}

export const streamPath = (groupId: string) => `/api/subscription/${groupId}/stream`
export const ackPath = (groupId: string) => `/api/subscription/${groupId}/ack`

/** Consumer groups with their online consumers, backlog and consume rate; create, new token, clear, delete. */
export function ConsumerGroups() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [creating, setCreating] = useState(false)
  const [shown, setShown] = useState<ShownToken | null>(null)
  const groups = useQuery({ ...trpc.subscription.groups.queryOptions(), refetchInterval: 3_000 })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.subscription.pathKey() })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))

  const create = useMutation(
    trpc.subscription.createGroup.mutationOptions({
      onSuccess: (g) => {
        setCreating(false)
        setShown({ groupId: g.groupId, name: g.name, token: g.token })
      },
      onSettled: invalidate,
    }),
  )
  const rotate = useMutation(
    trpc.subscription.rotateToken.mutationOptions({
      onError,
      onSuccess: (r, v) =>
        setShown({
          groupId: r.groupId,
          name: groups.data?.find((g) => g.groupId === v.groupId)?.name ?? '',
          token: r.token,
        }),
    }),
  )
  const clear = useMutation(
    trpc.subscription.clearBacklog.mutationOptions({
      onError,
      onSuccess: (r) => message.success(t('subscription.groups.cleared', { count: r.cleared })),
      onSettled: invalidate,
    }),
  )
  const remove = useMutation(
    trpc.subscription.deleteGroup.mutationOptions({
      onError,
      onSuccess: () => message.success(t('subscription.groups.deleted')),
      onSettled: invalidate,
    }),
  )

  const columns: TableColumnsType<GroupRow> = [
    {
      title: t('subscription.groups.name'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <Flex vertical>
          <Typography.Text strong>{name}</Typography.Text>
          {r.description ? <Typography.Text type="secondary">{r.description}</Typography.Text> : null}
        </Flex>
      ),
    },
    { title: t('subscription.groups.groupId'), dataIndex: 'groupId', render: (id: string) => <CopyText text={id} /> },
    {
      title: t('subscription.groups.consumers'),
      key: 'consumers',
      render: (_: unknown, r) => (
        <Flex gap={6} align="center">
          <Badge status={r.consumers.length ? 'success' : 'default'} />
          <span data-testid="consumers">{r.consumers.length}</span>
        </Flex>
      ),
    },
    {
      title: t('subscription.groups.backlog'),
      dataIndex: 'backlog',
      render: (n: number) => <span data-testid="backlog">{n}</span>,
    },
    {
      title: t('subscription.groups.rate'),
      dataIndex: 'consumeRate',
      render: (rate: number) => t('subscription.groups.rateValue', { rate }),
    },
    {
      title: t('subscription.groups.products'),
      dataIndex: 'productKeys',
      render: (pks: string[]) =>
        pks.length ? (
          pks.map((pk) => (
            <Tag key={pk} className="mono">
              {pk}
            </Tag>
          ))
        ) : (
          <Typography.Text type="secondary">{t('subscription.groups.none')}</Typography.Text>
        ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right' as const,
            onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
            render: (_: unknown, r: GroupRow) => (
              <Flex gap={12}>
                <Popconfirm
                  title={t('subscription.groups.clearConfirm', { name: r.name, count: r.backlog })}
                  onConfirm={() => clear.mutate({ groupId: r.groupId })}
                  okText={t('common.ok')}
                  cancelText={t('common.cancel')}
                >
                  <Typography.Link disabled={r.backlog === 0}>{t('subscription.groups.clear')}</Typography.Link>
                </Popconfirm>
                <Popconfirm
                  title={t('subscription.groups.rotateConfirm', { name: r.name })}
                  onConfirm={() => rotate.mutate({ groupId: r.groupId })}
                  okText={t('common.ok')}
                  cancelText={t('common.cancel')}
                >
                  <Typography.Link>{t('subscription.groups.rotate')}</Typography.Link>
                </Popconfirm>
                <Popconfirm
                  title={t('subscription.groups.deleteConfirm', { name: r.name })}
                  onConfirm={() => remove.mutate({ groupId: r.groupId })}
                  okText={t('common.ok')}
                  cancelText={t('common.cancel')}
                >
                  <Typography.Link type="danger">{t('subscription.groups.delete')}</Typography.Link>
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ]

  return (
    <section aria-label={t('subscription.groups.title')} style={{ marginBottom: 24 }}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('subscription.groups.title')}
        </Typography.Title>
        {writable ? (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('subscription.groups.create')}
          </Button>
        ) : null}
      </Flex>
      <QueryTable<GroupRow>
        query={groups}
        rowKey="groupId"
        columns={columns}
        emptyText={t('subscription.groups.empty')}
      />
      <FormModal<{ name: string; description?: string }>
        open={creating}
        title={t('subscription.groupForm.title')}
        pending={create.isPending}
        error={create.error}
        onCancel={() => {
          setCreating(false)
          create.reset()
        }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="name"
          label={t('subscription.groupForm.name')}
          extra={t('subscription.groupForm.nameHint')}
          rules={[{ required: true, pattern: /^[\p{L}\p{N}_]{1,30}$/u, message: t('subscription.groupForm.nameHint') }]}
        >
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('subscription.groupForm.description')}
          extra={t('subscription.groupForm.descriptionHint')}
        >
          <Input.TextArea maxLength={100} rows={2} />
        </Form.Item>
      </FormModal>
      <Modal
        open={!!shown}
        title={t('subscription.token.title')}
        closable={false}
        maskClosable={false}
        footer={
          <Button type="primary" onClick={() => setShown(null)}>
            {t('subscription.token.done')}
          </Button>
        }
        width={640}
      >
        {shown ? (
          <>
            <Alert type="warning" showIcon title={t('subscription.token.warning')} style={{ marginBottom: 16 }} />
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('subscription.token.groupId')}>
                <CopyText text={shown.groupId} />
              </Descriptions.Item>
              <Descriptions.Item label={t('subscription.token.token')}>
                <span data-testid="group-token">
                  <CopyText text={shown.token} />
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('subscription.token.stream')}>
                <CopyText text={streamPath(shown.groupId)} />
              </Descriptions.Item>
            </Descriptions>
          </>
        ) : null}
      </Modal>
    </section>
  )
}
