'use client'

import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Popconfirm,
  Select,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { enUS } from '@/i18n/messages/en-US'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { ZCreateTopicClassInput } from '@/lib/schemas'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import { TOPIC_OPERATIONS, type TopicOperation } from './labels'

type SystemTopicKey = keyof typeof enUS.topic.systemDescriptions

/** How topics of "any device of the product" write the device's name, as the reference console does. */
export const DEVICE_NAME_VARIABLE = `\${deviceName}`

interface TopicClass {
  id: string
  suffix: string
  operation: TopicOperation
  description: string | null
}
interface SystemTopic {
  topic: string
  operation: string
  description?: string | null
}

/** `PUB`/`SUB`/`ALL` as the platform words it, for any operation string the server sends. */
export function OperationText({ operation }: { operation: string }) {
  const t = useT()
  const op = (TOPIC_OPERATIONS as readonly string[]).includes(operation) ? (operation as TopicOperation) : null
  return <>{op ? t(`topic.operations.${op}`) : operation}</>
}

/** A topic's description: system topics in the user's language, custom ones as written. */
/** A system topic's role in the user's language (by its stable key); a custom topic's own description as written. */
export function TopicDescription({ topic }: { topic: { key?: string; description?: string | null } }) {
  const t = useT()
  const key =
    topic.key && Object.hasOwn(enUS.topic.systemDescriptions, topic.key) ? (topic.key as SystemTopicKey) : null
  return <>{key ? t(`topic.systemDescriptions.${key}`) : topic.description || '-'}</>
}

function CreateTopicClassModal({
  productKey,
  open,
  onClose,
}: {
  productKey: string
  open: boolean
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const create = useMutation(
    trpc.product.createTopicClass.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.created'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.byKey.queryKey({ productKey }) })
        onClose()
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  const shape = ZCreateTopicClassInput.shape
  return (
    <FormModal<{ suffix: string; operation: TopicOperation; description?: string }>
      open={open}
      title={t('topic.createTitle')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      initialValues={{ operation: 'PUB' }}
      onCancel={close}
      onFinish={(values) => create.mutate({ productKey, ...withoutEmpty(values) })}
    >
      <Form.Item
        name="suffix"
        label={t('topic.topicClass')}
        required
        extra={t('topic.suffixHelp')}
        rules={[zodRule(shape.suffix, t('topic.rules.suffix'))]}
      >
        <Input addonBefore={`/${productKey}/${DEVICE_NAME_VARIABLE}/user/`} className="mono" autoFocus />
      </Form.Item>
      <Form.Item name="operation" label={t('topic.operation')}>
        <Select options={TOPIC_OPERATIONS.map((o) => ({ value: o, label: t(`topic.operations.${o}`) }))} />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('common.description')}
        rules={[zodRule(shape.description, t('topic.rules.description'))]}
      >
        <Input.TextArea rows={2} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}

export function TopicClassesTab({
  productKey,
  topicClasses,
  systemTopics,
}: {
  productKey: string
  topicClasses: TopicClass[]
  systemTopics: SystemTopic[]
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [creating, setCreating] = useState(false)
  const remove = useMutation(
    trpc.product.deleteTopicClass.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.byKey.queryKey({ productKey }) })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
  const topicOf = (suffix: string) => `/${productKey}/${DEVICE_NAME_VARIABLE}/user/${suffix}`

  const customColumns: TableColumnsType<TopicClass> = [
    {
      title: t('topic.topicClass'),
      dataIndex: 'suffix',
      render: (s: string) => (
        <Typography.Text
          className="mono"
          copyable={{ text: topicOf(s), tooltips: [t('common.copy'), t('common.copied')] }}
        >
          {topicOf(s)}
        </Typography.Text>
      ),
    },
    {
      title: t('topic.operation'),
      dataIndex: 'operation',
      width: 180,
      render: (o: string) => <OperationText operation={o} />,
    },
    { title: t('common.description'), dataIndex: 'description', render: (d: string | null) => d || '-' },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            render: (_: unknown, tc: TopicClass) => (
              <Popconfirm
                title={t('topic.deleteConfirm')}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => remove.mutateAsync({ id: tc.id })}
              >
                <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ]
  const systemColumns: TableColumnsType<SystemTopic> = [
    {
      title: t('topic.topic'),
      dataIndex: 'topic',
      render: (s: string) => <Typography.Text className="mono">{s}</Typography.Text>,
    },
    {
      title: t('topic.operation'),
      dataIndex: 'operation',
      width: 180,
      render: (o: string) => <OperationText operation={o} />,
    },
    {
      title: t('common.description'),
      dataIndex: 'description',
      render: (_: unknown, row: { key?: string; description?: string | null }) => <TopicDescription topic={row} />,
    },
  ]

  return (
    <>
      <Card
        type="inner"
        title={t('topic.custom')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('topic.create')}
            </Button>
          ) : null
        }
        style={{ marginBottom: 16 }}
      >
        <Table<TopicClass>
          rowKey="id"
          size="small"
          columns={customColumns}
          dataSource={topicClasses}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('topic.emptyCustom')} /> }}
        />
      </Card>
      <Card type="inner" title={t('topic.system')}>
        <Typography.Paragraph type="secondary">
          {t('topic.systemHelp', { variable: DEVICE_NAME_VARIABLE })}
        </Typography.Paragraph>
        <Table<SystemTopic>
          rowKey="topic"
          size="small"
          columns={systemColumns}
          dataSource={systemTopics}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
        />
      </Card>
      <CreateTopicClassModal productKey={productKey} open={creating} onClose={() => setCreating(false)} />
    </>
  )
}
