'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input, Select } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ZCreateUserInput } from '@/lib/schemas'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import { ROLES, type Role } from './roles'

interface UserValues {
  email: string
  name: string
  password: string
  role: Role
}

export function CreateUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const create = useMutation(
    trpc.user.create.mutationOptions({
      onSuccess: async () => {
        message.success(t('user.created'))
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.queryKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  const shape = ZCreateUserInput.shape
  return (
    <FormModal<UserValues>
      open={open}
      title={t('user.createTitle')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      initialValues={{ role: 'OPERATOR' }}
      onCancel={close}
      onFinish={(values) => create.mutate(values)}
    >
      <Form.Item
        name="email"
        label={t('user.fields.email')}
        required
        rules={[zodRule(shape.email, t('user.rules.email'))]}
      >
        <Input type="email" autoComplete="off" autoFocus />
      </Form.Item>
      <Form.Item name="name" label={t('user.fields.name')} required rules={[zodRule(shape.name, t('user.rules.name'))]}>
        <Input maxLength={64} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('user.fields.password')}
        required
        tooltip={t('user.rules.password')}
        rules={[zodRule(shape.password, t('user.rules.password'))]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="role" label={t('user.fields.role')} extra={t('user.roleHelp')}>
        <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      </Form.Item>
    </FormModal>
  )
}
