'use client'

import type { TAlertRuleInput } from '@iotops/services/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Checkbox, Form, Input, InputNumber, Select, Switch, Typography } from 'antd'
import { FormModal } from '@/components/FormModal'
import { ContactGroupSelect } from '@/features/alarms/ContactGroupSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { type AlertRuleRow, k, LEVEL_VALUES } from './labels'

interface Values {
  name: string
  description?: string
  level: number
  channels: ('center' | 'dingtalk' | 'email' | 'webhook')[]
  contactGroupIds?: string[]
  escalateMinutes?: number | null
  enabled: boolean
  sceneRuleIds?: string[]
}

/** Create or edit an alert rule: name, level, channels (the alert center always), groups, escalation, scenes. */
export function AlertRuleModal({ rule, onClose }: { rule: AlertRuleRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const scenes = useQuery({
    ...trpc.scene.list.queryOptions({ page: 1, pageSize: 200 }),
    enabled: rule !== null,
  })
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.alertCenter.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.scene.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.alertCenter.createRule.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.alertCenter.updateRule.mutationOptions({ onSuccess: done }))
  const editing = rule && rule !== 'new' ? rule : null
  const m = editing ? update : create

  const submit = (v: Values) => {
    const input: TAlertRuleInput = {
      name: v.name,
      description: v.description?.trim() || undefined,
      level: v.level,
      channels: v.channels.filter((c): c is 'dingtalk' | 'email' | 'webhook' => c !== 'center'),
      contactGroupIds: v.contactGroupIds ?? [],
      escalateMinutes: v.escalateMinutes ?? null,
      enabled: v.enabled,
      sceneRuleIds: v.sceneRuleIds ?? [],
    }
    if (editing) update.mutate({ id: editing.id, rule: input })
    else create.mutate(input)
  }

  return (
    <FormModal<Values>
      open={rule !== null}
      title={editing ? t('alerts.rules.editTitle', { name: editing.name }) : t('alerts.rules.addTitle')}
      pending={m.isPending}
      error={m.error}
      width={620}
      onCancel={onClose}
      onFinish={submit}
      initialValues={
        editing
          ? {
              name: editing.name,
              description: editing.description ?? undefined,
              level: editing.level,
              channels: ['center', ...editing.channels],
              contactGroupIds: editing.contactGroupIds,
              escalateMinutes: editing.escalateMinutes,
              enabled: editing.enabled,
              sceneRuleIds: editing.scenes.map((s) => s.id),
            }
          : { level: 3, channels: ['center'], enabled: true }
      }
    >
      <Form.Item
        name="name"
        label={t('alerts.rules.fields.name')}
        extra={t('alerts.rules.hints.name')}
        rules={[
          {
            required: true,
            pattern: /^[A-Za-z0-9_\-\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]{4,32}$/u,
            message: t('alerts.rules.hints.name'),
          },
        ]}
      >
        <Input maxLength={32} showCount />
      </Form.Item>
      <Form.Item name="description" label={t('alerts.rules.fields.description')}>
        <Input.TextArea rows={2} maxLength={256} showCount />
      </Form.Item>
      <Form.Item
        name="level"
        label={t('alerts.rules.fields.level')}
        extra={t('alerts.levelHint')}
        rules={[{ required: true }]}
      >
        <Select options={LEVEL_VALUES.map((l) => ({ value: l, label: t(k(`level.${l}`)) }))} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="channels" label={t('alerts.rules.fields.channels')} extra={t('alerts.rules.hints.channels')}>
        <Checkbox.Group
          options={(['center', 'dingtalk', 'email', 'webhook'] as const).map((c) => ({
            value: c,
            label: t(k(`rules.channel.${c}`)),
            disabled: c === 'center',
          }))}
        />
      </Form.Item>
      <Form.Item noStyle dependencies={['channels']}>
        {({ getFieldValue }) =>
          (getFieldValue('channels') as string[] | undefined)?.some((c) => c !== 'center') ? (
            <Form.Item
              name="contactGroupIds"
              label={t('alerts.rules.fields.groups')}
              rules={[{ required: true, type: 'array', min: 1, message: t('alerts.rules.fields.groups') }]}
              extra={
                (getFieldValue('channels') as string[]).includes('webhook') ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('alerts.rules.hints.webhook')}
                  </Typography.Text>
                ) : null
              }
            >
              <ContactGroupSelect />
            </Form.Item>
          ) : null
        }
      </Form.Item>
      <Form.Item
        name="escalateMinutes"
        label={t('alerts.rules.fields.escalate')}
        extra={t('alerts.rules.hints.escalate')}
      >
        <InputNumber min={1} max={1440} precision={0} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="sceneRuleIds" label={t('alerts.rules.fields.scenes')} extra={t('alerts.rules.hints.scenes')}>
        <Select
          mode="multiple"
          allowClear
          loading={scenes.isPending}
          options={(scenes.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          showSearch={{ optionFilterProp: 'label' }}
        />
      </Form.Item>
      <Form.Item name="enabled" label={t('alerts.rules.fields.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  )
}
