'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ZCreateGroupInput } from '@/lib/schemas'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'

export function CreateGroupModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const create = useMutation(
    trpc.group.create.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.created'))
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  const shape = ZCreateGroupInput.shape
  return (
    <FormModal<{ name: string; description?: string }>
      open={open}
      title={t('group.createTitle')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={close}
      onFinish={(values) => create.mutate(withoutEmpty(values))}
    >
      <Form.Item
        name="name"
        label={t('group.fields.name')}
        required
        tooltip={t('group.rules.name')}
        rules={[zodRule(shape.name, t('group.rules.name'))]}
      >
        <Input maxLength={30} showCount autoFocus />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('common.description')}
        rules={[zodRule(shape.description, t('group.rules.description'))]}
      >
        <Input.TextArea rows={3} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}
