'use client'

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Timeline,
  Typography,
} from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { AlertLevelTag, AlertStatusTag, JsonBlock, k } from './labels'

/** One alert: what raised it, its trigger values and activity; acknowledge, assign, ignore, handle with a remark. */
export function AlertDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [handling, setHandling] = useState(false)
  const detail = useQuery(trpc.alertCenter.byId.queryOptions(id ? { id } : skipToken))
  const users = useQuery({ ...trpc.alertCenter.assignees.queryOptions(), enabled: !!id && writable })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alertCenter.pathKey() })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const ack = useMutation(
    trpc.alertCenter.acknowledge.mutationOptions({
      onSuccess: async () => {
        message.success(t('alerts.detail.acknowledged'))
        await invalidate()
      },
      onError,
    }),
  )
  const assign = useMutation(
    trpc.alertCenter.assign.mutationOptions({
      onSuccess: async (_r, v) => {
        message.success(
          t('alerts.detail.assigned', { name: users.data?.find((u) => u.id === v.assignee)?.name ?? v.assignee }),
        )
        await invalidate()
      },
      onError,
    }),
  )
  const ignore = useMutation(
    trpc.alertCenter.ignore.mutationOptions({
      onSuccess: async () => {
        message.success(t('alerts.detail.ignored'))
        await invalidate()
      },
      onError,
    }),
  )
  const handle = useMutation(
    trpc.alertCenter.handle.mutationOptions({
      onSuccess: async () => {
        message.success(t('alerts.detail.handled'))
        setHandling(false)
        await invalidate()
      },
    }),
  )
  const a = detail.data
  const pending = a?.status === 'PENDING'
  const details = (a?.details ?? {}) as { scene?: { name?: string }; trigger?: unknown; conditions?: unknown[] }

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={640}
      destroyOnHidden
      title={t('alerts.detail.title')}
      extra={
        a && pending && writable ? (
          <Space>
            <Popconfirm title={t('alerts.list.ignoreConfirm')} onConfirm={() => ignore.mutate({ id: a.id })}>
              <Button loading={ignore.isPending}>{t('alerts.list.ignore')}</Button>
            </Popconfirm>
            <Button type="primary" onClick={() => setHandling(true)}>
              {t('alerts.list.handle')}
            </Button>
          </Space>
        ) : null
      }
    >
      {detail.isError ? <QueryError error={detail.error} onRetry={() => detail.refetch()} /> : null}
      {a ? (
        <Flex vertical gap={16}>
          {!pending ? <Alert type="info" showIcon title={t('alerts.detail.readOnly')} /> : null}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('alerts.detail.rule')}>{a.ruleName}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.level')}>
              <AlertLevelTag level={a.level} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.status')}>
              <AlertStatusTag status={a.status} />
              {a.inhibited ? (
                <Typography.Text type="secondary">{t('alerts.list.inhibitedHint')}</Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.device')}>
              {a.deviceName ? (
                <Typography.Text className="mono">{`${a.productKey}/${a.deviceName}`}</Typography.Text>
              ) : (
                t('alerts.detail.noDevice')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.scene')}>{details.scene?.name ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.count')}>{a.count}</Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.firstAt')}>
              <TimeText value={a.firstAt} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.lastAt')}>
              <TimeText value={a.lastAt} />
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.assignee')}>
              {pending && writable ? (
                <Select
                  aria-label={t('alerts.detail.assign')}
                  placeholder={t('alerts.detail.assignPlaceholder')}
                  style={{ minWidth: 220 }}
                  value={a.assignee ?? undefined}
                  loading={assign.isPending}
                  onChange={(v: string) => assign.mutate({ id: a.id, assignee: v })}
                  options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
                  showSearch={{ optionFilterProp: 'label' }}
                />
              ) : (
                (a.assigneeName ?? '-')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('alerts.detail.ack')}>
              {a.ackAt ? (
                <Space>
                  <TimeText value={a.ackAt} />
                  <span>{t('alerts.detail.by', { name: a.ackByName ?? '-' })}</span>
                </Space>
              ) : pending && writable ? (
                <Button size="small" loading={ack.isPending} onClick={() => ack.mutate({ id: a.id })}>
                  {t('alerts.detail.acknowledge')}
                </Button>
              ) : (
                '-'
              )}
            </Descriptions.Item>
            {a.closedAt ? (
              <Descriptions.Item label={t('alerts.detail.closed')}>
                <Space>
                  <TimeText value={a.closedAt} />
                  <span>{t('alerts.detail.by', { name: a.closedByName ?? '-' })}</span>
                </Space>
              </Descriptions.Item>
            ) : null}
            {a.remark ? <Descriptions.Item label={t('alerts.detail.remark')}>{a.remark}</Descriptions.Item> : null}
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('alerts.detail.trigger')}</Typography.Title>
            <JsonBlock value={details.trigger ?? {}} />
          </div>
          {details.conditions?.length ? (
            <div>
              <Typography.Title level={5}>{t('alerts.detail.conditions')}</Typography.Title>
              <JsonBlock value={details.conditions} />
            </div>
          ) : null}
          <div>
            <Typography.Title level={5}>{t('alerts.detail.activity')}</Typography.Title>
            <Timeline
              items={a.activity.map((x) => ({
                key: x.id,
                content: (
                  <Flex vertical>
                    <Space size={8} wrap>
                      <Typography.Text strong>{t(k(`activity.${x.action}`))}</Typography.Text>
                      <TimeText value={x.at} />
                      <Typography.Text type="secondary">{x.userName}</Typography.Text>
                    </Space>
                    {x.remark ? <Typography.Text>{x.remark}</Typography.Text> : null}
                  </Flex>
                ),
              }))}
            />
          </div>
        </Flex>
      ) : null}
      <FormModal<{ remark: string }>
        open={handling}
        title={t('alerts.detail.handleTitle')}
        pending={handle.isPending}
        error={handle.error}
        onCancel={() => setHandling(false)}
        onFinish={(v) => a && handle.mutate({ id: a.id, remark: v.remark })}
      >
        <Form.Item
          name="remark"
          label={t('alerts.detail.remarkLabel')}
          rules={[{ required: true, whitespace: true, max: 500, message: t('alerts.detail.remarkRule') }]}
        >
          <Input.TextArea rows={4} maxLength={500} showCount />
        </Form.Item>
      </FormModal>
    </Drawer>
  )
}
