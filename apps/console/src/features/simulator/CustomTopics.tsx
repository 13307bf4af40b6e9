'use client'

import { useMutation } from '@tanstack/react-query'
import { App, Button, Empty, Flex, Form, Input, List, Radio, Select, Table, Tag, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { SIMULATOR_LIMITS } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { type DeviceRef, type LogRow, type SimState, type SimTarget, useShowError } from './useSimulator'

type TopicClass = SimTarget['topicClasses'][number]

const canPublish = (c: TopicClass) => c.operation === 'PUB' || c.operation === 'ALL'
const canSubscribe = (c: TopicClass) => c.operation === 'SUB' || c.operation === 'ALL'
const payloadBytes = (s: string) => new TextEncoder().encode(s).length
/** Whether a topic still has wildcard levels the user must replace with names before publishing. */
const hasWildcard = (topic: string) => topic.split('/').some((l) => l === '+' || l === '#')

/** A topic class of the product, as this device's topic; wildcard levels are filled in when a concrete topic is needed. */
function TopicPicker({
  id,
  classes,
  value,
  onChange,
  concrete,
  disabled,
}: {
  id?: string
  classes: TopicClass[]
  value?: string
  onChange?: (topic: string | undefined) => void
  /** a publish needs a concrete topic: + and # are replaced with names */
  concrete: boolean
  disabled?: boolean
}) {
  const t = useT()
  const [picked, setPicked] = useState<string | undefined>()
  return (
    <Flex vertical gap={8}>
      <Select<string>
        id={id}
        value={picked}
        onChange={(v) => {
          setPicked(v)
          onChange?.(v)
        }}
        disabled={disabled}
        placeholder={t('simulator.topic.choose')}
        options={classes.map((c) => ({
          value: c.topic,
          label: (
            <Flex gap={8} align="center">
              <span className="mono">{c.topic}</span>
              <Tag variant="filled">{t(`simulator.topic.op.${c.operation}`)}</Tag>
            </Flex>
          ),
        }))}
        popupMatchSelectWidth={false}
        style={{ width: '100%' }}
      />
      {concrete && picked && hasWildcard(picked) ? (
        <Input
          className="mono"
          aria-label={t('simulator.topic.concrete')}
          value={value}
          onChange={(e) => onChange?.(e.target.value)}
          disabled={disabled}
          placeholder={picked}
        />
      ) : null}
    </Flex>
  )
}

function NoTopicClasses({ productKey, what }: { productKey: string; what: 'publish' | 'subscribe' }) {
  const t = useT()
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <span>
          {t(what === 'publish' ? 'simulator.topic.nonePub' : 'simulator.topic.noneSub')}{' '}
          <Link href={`/products/${encodeURIComponent(productKey)}`}>{t('simulator.topic.defineClasses')}</Link>
        </span>
      }
    />
  )
}

interface MessageValues {
  topic?: string
  payload?: string
  qos: 0 | 1
}

const deviceOf = (target: SimTarget): DeviceRef => ({ productKey: target.productKey, deviceName: target.deviceName })

/**
 * A custom-topic message — topic, payload and QoS, checked before sending — and its send and reset buttons; `what`
 * topics it may use (none: a link to define topic classes).
 */
function MessageForm({
  target,
  what,
  disabled,
  sending,
  sendText,
  hint,
  onSend,
}: {
  target: SimTarget
  what: 'publish' | 'subscribe'
  disabled: boolean
  sending: boolean
  sendText: string
  hint?: string
  onSend: (message: { topic: string; payload: string; qos: 0 | 1 }) => void
}) {
  const t = useT()
  const [form] = Form.useForm<MessageValues>()
  const classes = target.topicClasses.filter(what === 'publish' ? canPublish : canSubscribe)
  if (!classes.length) return <NoTopicClasses productKey={target.productKey} what={what} />
  return (
    <Form<MessageValues>
      form={form}
      layout="vertical"
      initialValues={{ qos: 0, payload: '' }}
      onFinish={(v) => onSend({ topic: v.topic!, payload: v.payload ?? '', qos: v.qos })}
    >
      <Form.Item
        name="topic"
        label={t('simulator.topic.topic')}
        rules={[
          { required: true, message: t('simulator.topic.required') },
          {
            validator: async (_r, v: string | undefined) => {
              if (v && hasWildcard(v)) throw new Error(t('simulator.topic.wildcard'))
            },
          },
        ]}
      >
        <TopicPicker classes={classes} concrete disabled={disabled} />
      </Form.Item>
      <Form.Item
        name="payload"
        label={t('simulator.topic.payload')}
        rules={[
          {
            validator: async (_r, v: string | undefined) => {
              if (v && payloadBytes(v) > SIMULATOR_LIMITS.maxPayloadBytes)
                throw new Error(t('simulator.topic.tooLarge', { kb: SIMULATOR_LIMITS.maxPayloadBytes / 1024 }))
            },
          },
        ]}
      >
        <Input.TextArea
          className="mono"
          autoSize={{ minRows: 4, maxRows: 12 }}
          disabled={disabled}
          placeholder='{"key": "value"}'
        />
      </Form.Item>
      <Form.Item name="qos" label="QoS">
        <Radio.Group
          disabled={disabled}
          options={[
            { value: 0, label: '0' },
            { value: 1, label: '1' },
          ]}
        />
      </Form.Item>
      {hint ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {hint}
        </Typography.Paragraph>
      ) : null}
      <Flex gap={8}>
        <Button type="primary" htmlType="submit" disabled={disabled} loading={sending}>
          {sendText}
        </Button>
        <Button onClick={() => form.resetFields()}>{t('simulator.reset')}</Button>
      </Flex>
    </Form>
  )
}

/** 消息上报: the device publishes on a custom topic its product lets it publish to. */
export function DevicePublishForm({ target, disabled }: { target: SimTarget; disabled: boolean }) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const publish = useMutation(
    trpc.simulator.devicePublish.mutationOptions({
      onSuccess: () => message.success(t('simulator.topic.published')),
      onError: showError,
    }),
  )
  return (
    <MessageForm
      target={target}
      what="publish"
      disabled={disabled}
      sending={publish.isPending}
      sendText={t('simulator.topic.publish')}
      onSend={(m) => publish.mutate({ ...deviceOf(target), ...m })}
    />
  )
}

/** 消息订阅: the device subscribes to a custom topic (a class's filter) and lists what it subscribed to. */
export function DeviceSubscribeForm({
  target,
  state,
  disabled,
}: {
  target: SimTarget
  state: SimState | null
  disabled: boolean
}) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const [topic, setTopic] = useState<string | undefined>()
  const classes = target.topicClasses.filter(canSubscribe)
  const device = deviceOf(target)
  const subscribe = useMutation(
    trpc.simulator.deviceSubscribe.mutationOptions({
      onSuccess: () => message.success(t('simulator.topic.subscribed')),
      onError: showError,
    }),
  )
  const unsubscribe = useMutation(trpc.simulator.deviceUnsubscribe.mutationOptions({ onError: showError }))
  if (!classes.length) return <NoTopicClasses productKey={target.productKey} what="subscribe" />
  const subs = state?.status === 'running' ? state.subscriptions : []
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="start">
        <div style={{ flex: 1, minWidth: 0 }}>
          <TopicPicker classes={classes} value={topic} onChange={setTopic} concrete={false} disabled={disabled} />
        </div>
        <Button
          type="primary"
          disabled={disabled || !topic}
          loading={subscribe.isPending}
          onClick={() => topic && subscribe.mutate({ ...device, topic, qos: 0 })}
        >
          {t('simulator.topic.subscribe')}
        </Button>
      </Flex>
      <List
        size="small"
        bordered
        header={<Typography.Text type="secondary">{t('simulator.topic.subscriptions')}</Typography.Text>}
        locale={{ emptyText: t('simulator.topic.noSubscriptions') }}
        dataSource={subs}
        renderItem={(s) => (
          <List.Item
            actions={[
              <Button
                key="u"
                size="small"
                type="link"
                disabled={disabled}
                onClick={() => unsubscribe.mutate({ ...device, topic: s.topic, qos: 0 })}
              >
                {t('simulator.topic.unsubscribe')}
              </Button>,
            ]}
          >
            <Typography.Text className="mono">{s.topic}</Typography.Text>
          </List.Item>
        )}
      />
    </Flex>
  )
}

/** Cloud → device message on a custom topic the device may subscribe to, through the platform's Pub. */
export function CloudPubForm({ target, disabled }: { target: SimTarget; disabled: boolean }) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const pub = useMutation(
    trpc.simulator.cloudPub.mutationOptions({
      onSuccess: () => message.success(t('simulator.topic.sent')),
      onError: showError,
    }),
  )
  return (
    <MessageForm
      target={target}
      what="subscribe"
      disabled={disabled}
      sending={pub.isPending}
      sendText={t('simulator.send')}
      hint={t('simulator.topic.mustSubscribe')}
      onSend={(m) => pub.mutate({ ...deviceOf(target), ...m })}
    />
  )
}

/** Custom-topic messages the virtual device received from the cloud, newest first. */
export function ReceivedMessages({ target, rows }: { target: SimTarget; rows: LogRow[] }) {
  const t = useT()
  const prefix = `/${target.productKey}/${target.deviceName}/user/`
  const received = rows.filter((r) => r.event === 'received' && r.topic?.startsWith(prefix))
  return (
    <Table<LogRow>
      size="small"
      rowKey="key"
      dataSource={received}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      tableLayout="fixed"
      locale={{
        emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('simulator.topic.noneReceived')} />,
      }}
      columns={[
        { title: t('common.time'), dataIndex: 'ts', width: 190, render: (ts: Date) => formatTimeMs(ts) },
        {
          title: t('simulator.topic.topic'),
          dataIndex: 'topic',
          width: 260,
          ellipsis: true,
          render: (v: string) => <span className="mono">{v}</span>,
        },
        {
          title: t('simulator.topic.payload'),
          dataIndex: 'payload',
          ellipsis: true,
          render: (v: string) => (
            <Typography.Text className="mono" ellipsis={{ tooltip: v }}>
              {v}
            </Typography.Text>
          ),
        },
      ]}
    />
  )
}
