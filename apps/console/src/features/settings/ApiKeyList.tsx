'use client'

import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { Forbidden } from '@/components/Forbidden'
import { FormModal } from '@/components/FormModal'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { RoleTag } from '@/components/UserMenu'
import { useT } from '@/i18n/I18nProvider'
import { useIsAdmin } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { formatTime } from '@/lib/format'
import { ZCreateApiKeyInput } from '@/lib/schemas'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ROLES, type Role } from './roles'

type KeyRow = RouterOutputs['apiKey']['list'][number]
type CreatedKey = RouterOutputs['apiKey']['create']

/** Shows a new key once: it is stored hashed and cannot be shown again. */
function NewKeyModal({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  const t = useT()
  return (
    <Modal
      open={created !== null}
      title={t('apiKey.createdTitle')}
      closable={false}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('apiKey.savedIt')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('apiKey.onceWarning')} style={{ marginBottom: 16 }} />
      {created ? (
        <Typography.Paragraph>
          <CopyText text={created.key} />
        </Typography.Paragraph>
      ) : null}
      <Typography.Text type="secondary">{t('apiKey.usage')}</Typography.Text>
    </Modal>
  )
}

function CreateKeyModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean
  onClose: () => void
  onCreated: (key: CreatedKey) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const create = useMutation(
    trpc.apiKey.create.mutationOptions({
      onSuccess: async (key) => {
        onCreated(key)
        await queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() })
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  return (
    <FormModal<{ name: string; role: Role }>
      open={open}
      title={t('apiKey.createTitle')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      initialValues={{ role: 'OPERATOR' }}
      onCancel={close}
      onFinish={(values) => create.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('apiKey.fields.name')}
        required
        extra={t('apiKey.nameHelp')}
        rules={[zodRule(ZCreateApiKeyInput.shape.name, t('apiKey.rules.name'))]}
      >
        <Input maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item name="role" label={t('apiKey.fields.role')} extra={t('apiKey.roleHelp')}>
        <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      </Form.Item>
    </FormModal>
  )
}

export function ApiKeyList() {
  const isAdmin = useIsAdmin()
  if (!isAdmin) return <Forbidden />
  return <ApiKeys />
}

function ApiKeys() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<CreatedKey | null>(null)
  const keys = useQuery(trpc.apiKey.list.queryOptions())
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSuccess: async () => {
        message.success(t('apiKey.revoked'))
        await queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  const columns: TableColumnsType<KeyRow> = [
    { title: t('apiKey.fields.name'), dataIndex: 'name' },
    {
      title: t('apiKey.fields.prefix'),
      dataIndex: 'prefix',
      render: (p: string) => <Typography.Text className="mono">{p}…</Typography.Text>,
    },
    { title: t('apiKey.fields.role'), dataIndex: 'role', render: (r: Role) => <RoleTag role={r} /> },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (v: KeyRow['createdAt']) => <TimeText value={v} />,
    },
    {
      title: t('apiKey.fields.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (v: KeyRow['lastUsedAt']) => (v ? <TimeText value={v} /> : t('apiKey.neverUsed')),
    },
    {
      title: t('apiKey.fields.status'),
      dataIndex: 'revokedAt',
      render: (v: KeyRow['revokedAt']) =>
        v ? (
          <Badge status="default" text={t('apiKey.revokedAt', { time: formatTime(v) })} />
        ) : (
          <Badge status="success" text={t('apiKey.active')} />
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, k) =>
        k.revokedAt ? null : (
          <Popconfirm
            title={t('apiKey.revokeConfirm', { name: k.name })}
            description={t('apiKey.revokeHint')}
            okText={t('apiKey.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke.mutateAsync({ id: k.id })}
          >
            <Typography.Link type="danger">{t('apiKey.revoke')}</Typography.Link>
          </Popconfirm>
        ),
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.apiKeys')}
        subtitle={t('apiKey.listSubtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('apiKey.create')}
          </Button>
        }
      />
      <Card>
        {keys.isError && !keys.data ? (
          <QueryError error={keys.error} onRetry={() => void keys.refetch()} />
        ) : (
          <Table<KeyRow>
            rowKey="id"
            columns={columns}
            dataSource={keys.data}
            loading={keys.isPending}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => t('common.total', { total: n }) }}
            locale={{ emptyText: <Empty description={t('apiKey.empty')} /> }}
          />
        )}
      </Card>
      <CreateKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false)
          setCreated(key)
        }}
      />
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
    </>
  )
}
