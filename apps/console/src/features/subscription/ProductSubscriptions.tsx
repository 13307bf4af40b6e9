'use client'

import { PlusOutlined } from '@ant-design/icons'
import { SUBSCRIPTION_MESSAGE_TYPES, type SubscriptionMessageType } from '@iotops/services/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Checkbox,
  Flex,
  Form,
  Popconfirm,
  Select,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryTable } from '@/components/ListTable'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type SubRow = RouterOutputs['subscription']['list'][number]
interface SubForm {
  productKey: string
  messageTypes: SubscriptionMessageType[]
  groupIds: string[]
}

/** Which products push which message types to which consumer groups. */
export function ProductSubscriptions() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [editing, setEditing] = useState<SubRow | 'new' | null>(null)
  const list = useQuery(trpc.subscription.list.queryOptions())
  const groups = useQuery(trpc.subscription.groups.queryOptions())
  const groupName = (id: string) => groups.data?.find((g) => g.groupId === id)?.name ?? id
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.subscription.pathKey() })
  const save = useMutation(
    trpc.subscription.save.mutationOptions({
      onSuccess: () => {
        setEditing(null)
        message.success(t('subscription.subs.saved'))
      },
      onSettled: invalidate,
    }),
  )
  const remove = useMutation(
    trpc.subscription.delete.mutationOptions({
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
      onSuccess: () => message.success(t('subscription.subs.deleted')),
      onSettled: invalidate,
    }),
  )
  const noGroups = (groups.data?.length ?? 0) === 0

  const columns: TableColumnsType<SubRow> = [
    {
      title: t('subscription.subs.product'),
      dataIndex: 'productKey',
      render: (pk: string, r) => (
        <Flex vertical>
          <Typography.Text strong>{r.productName ?? pk}</Typography.Text>
          <Typography.Text type="secondary" className="mono">
            {pk}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('subscription.subs.types'),
      dataIndex: 'messageTypes',
      render: (types: SubscriptionMessageType[]) => (
        <Flex gap={4} wrap>
          {types.map((ty) => (
            <Tag key={ty}>{t(`subscription.types.${ty}`)}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('subscription.subs.groups'),
      dataIndex: 'groupIds',
      render: (ids: string[]) => (
        <Flex gap={4} wrap>
          {ids.map((id) => (
            <Tag key={id} color="blue">
              {groupName(id)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('subscription.subs.updated'),
      dataIndex: 'updatedAt',
      onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
      render: (at: Date) => <TimeText value={at} />,
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right' as const,
            onCell: () => ({ style: { whiteSpace: 'nowrap' as const } }),
            render: (_: unknown, r: SubRow) => (
              <Flex gap={12}>
                <Typography.Link onClick={() => setEditing(r)}>{t('subscription.subs.edit')}</Typography.Link>
                <Popconfirm
                  title={t('subscription.subs.deleteConfirm', { name: r.productName ?? r.productKey })}
                  onConfirm={() => remove.mutate({ productKey: r.productKey })}
                  okText={t('common.ok')}
                  cancelText={t('common.cancel')}
                >
                  <Typography.Link type="danger">{t('subscription.subs.delete')}</Typography.Link>
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ]

  const current = editing && editing !== 'new' ? editing : null
  return (
    <section aria-label={t('subscription.subs.title')}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('subscription.subs.title')}
        </Typography.Title>
        {writable ? (
          <Tooltip title={noGroups ? t('subscription.subs.needGroup') : undefined}>
            <Button icon={<PlusOutlined />} disabled={noGroups} onClick={() => setEditing('new')}>
              {t('subscription.subs.create')}
            </Button>
          </Tooltip>
        ) : null}
      </Flex>
      <QueryTable<SubRow> query={list} rowKey="productKey" columns={columns} emptyText={t('subscription.subs.empty')} />
      <FormModal<SubForm>
        open={editing !== null}
        title={
          current
            ? t('subscription.subForm.editTitle', { name: current.productName ?? current.productKey })
            : t('subscription.subForm.createTitle')
        }
        width={560}
        pending={save.isPending}
        error={save.error}
        initialValues={
          current
            ? { productKey: current.productKey, messageTypes: current.messageTypes, groupIds: current.groupIds }
            : { messageTypes: ['property', 'lifecycle'], groupIds: [] }
        }
        onCancel={() => {
          setEditing(null)
          save.reset()
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="productKey"
          label={t('subscription.subForm.product')}
          rules={[{ required: true, message: t('subscription.subForm.productRequired') }]}
        >
          <ProductSelect
            disabled={!!current}
            placeholder={t('subscription.subForm.productPlaceholder')}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item
          name="messageTypes"
          label={t('subscription.subForm.types')}
          rules={[{ required: true, message: t('subscription.subForm.typesRequired') }]}
        >
          <Checkbox.Group>
            <Flex vertical gap={4}>
              {SUBSCRIPTION_MESSAGE_TYPES.map((ty) => (
                <Checkbox key={ty} value={ty}>
                  {t(`subscription.types.${ty}`)}
                </Checkbox>
              ))}
            </Flex>
          </Checkbox.Group>
        </Form.Item>
        <Form.Item
          name="groupIds"
          label={t('subscription.subForm.groups')}
          extra={t('subscription.subForm.groupsHint')}
          rules={[{ required: true, message: t('subscription.subForm.groupsRequired') }]}
        >
          <Select
            mode="multiple"
            maxCount={10}
            options={(groups.data ?? []).map((g) => ({ value: g.groupId, label: g.name }))}
          />
        </Form.Item>
      </FormModal>
    </section>
  )
}
