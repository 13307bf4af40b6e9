'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Form, Input, Select, Switch } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import type { ContactGroupRow } from './ContactGroupsTable'

interface Values {
  name: string
  description?: string
  contactIds: string[]
  webhookUrl?: string
  dingtalkUrl?: string
  dingtalkSecret?: string
  console: boolean
}

const isHttpUrl = (v: string) => {
  try {
    const u = new URL(v)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
  } catch {
    return false
  }
}

/** Adds a contact group (`group === 'new'`) or edits one. The DingTalk secret is write-only: blank keeps it. */
export function ContactGroupModal({ group, onClose }: { group: ContactGroupRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.notify.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.notify.groups.create.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.notify.groups.update.mutationOptions({ onSuccess: done }))
  const contacts = useQuery({
    ...trpc.notify.contacts.list.queryOptions({ page: 1, pageSize: 200 }),
    enabled: group !== null,
  })
  const editing = group && group !== 'new' ? group : null
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  const urlRule = {
    validator: async (_: unknown, v: string | undefined) => {
      if (v?.trim() && !isHttpUrl(v.trim())) throw new Error(t('notify.group.rules.url'))
    },
  }
  return (
    <FormModal<Values>
      open={group !== null}
      width={640}
      title={editing ? t('notify.group.editTitle', { name: editing.name }) : t('notify.group.addTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={
        editing
          ? {
              name: editing.name,
              description: editing.description ?? '',
              contactIds: editing.contacts.map((c) => c.id),
              webhookUrl: editing.webhookUrl ?? '',
              dingtalkUrl: editing.dingtalkUrl ?? '',
              dingtalkSecret: '',
              console: editing.console,
            }
          : { contactIds: [], console: true }
      }
      onCancel={close}
      onFinish={(v) => {
        const trim = (s: string | undefined) => s?.trim() || undefined
        if (editing) {
          update.mutate({
            id: editing.id,
            name: v.name.trim(),
            description: trim(v.description) ?? null,
            contactIds: v.contactIds ?? [],
            webhookUrl: trim(v.webhookUrl) ?? null,
            dingtalkUrl: trim(v.dingtalkUrl) ?? null,
            // blank keeps the stored secret
            dingtalkSecret: trim(v.dingtalkSecret) ?? '',
            console: v.console,
          })
        } else {
          create.mutate({
            name: v.name.trim(),
            description: trim(v.description),
            contactIds: v.contactIds ?? [],
            webhookUrl: trim(v.webhookUrl),
            dingtalkUrl: trim(v.dingtalkUrl),
            dingtalkSecret: trim(v.dingtalkSecret),
            console: v.console,
          })
        }
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('notify.group.hints.channels')} />
      <Form.Item
        name="name"
        label={t('notify.group.fields.name')}
        rules={[{ required: true, whitespace: true, max: 64, message: t('notify.group.rules.name') }]}
      >
        <Input maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('notify.group.fields.description')}
        rules={[{ max: 256, message: t('notify.group.rules.description') }]}
      >
        <Input maxLength={256} />
      </Form.Item>
      <Form.Item name="contactIds" label={t('notify.group.fields.members')} extra={t('notify.group.hints.members')}>
        <Select
          mode="multiple"
          allowClear
          loading={contacts.isPending}
          optionFilterProp="label"
          options={(contacts.data?.items ?? []).map((c) => ({
            value: c.id,
            label: c.email ? `${c.name} <${c.email}>` : c.name,
          }))}
        />
      </Form.Item>
      <Form.Item
        name="webhookUrl"
        label={t('notify.group.fields.webhookUrl')}
        extra={t('notify.group.hints.webhookUrl')}
        rules={[urlRule]}
      >
        <Input placeholder="https://example.com/alarms" />
      </Form.Item>
      <Form.Item
        name="dingtalkUrl"
        label={t('notify.group.fields.dingtalkUrl')}
        extra={t('notify.group.hints.dingtalkUrl')}
        rules={[urlRule]}
      >
        <Input placeholder="https://oapi.dingtalk.com/robot/send?access_token=…" />
      </Form.Item>
      <Form.Item
        name="dingtalkSecret"
        label={t('notify.group.fields.dingtalkSecret')}
        extra={editing?.hasDingtalkSecret ? t('notify.group.hints.secretKeep') : t('notify.group.hints.dingtalkSecret')}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={editing?.hasDingtalkSecret ? '••••••••' : 'SEC…'}
          visibilityToggle={false}
        />
      </Form.Item>
      <Form.Item
        name="console"
        label={t('notify.group.fields.console')}
        extra={t('notify.group.hints.console')}
        valuePropName="checked"
      >
        <Switch />
      </Form.Item>
    </FormModal>
  )
}
