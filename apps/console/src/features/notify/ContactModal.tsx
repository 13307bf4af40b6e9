'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import type { ContactRow } from './ContactsTable'

interface Values {
  name: string
  email?: string
  phone?: string
}

const PHONE = /^\+?[0-9][0-9 -]{4,30}$/

/** Adds a contact (`contact === 'new'`) or edits one. */
export function ContactModal({ contact, onClose }: { contact: ContactRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.notify.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.notify.contacts.create.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.notify.contacts.update.mutationOptions({ onSuccess: done }))
  const editing = contact && contact !== 'new' ? contact : null
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<Values>
      open={contact !== null}
      title={editing ? t('notify.contact.editTitle', { name: editing.name }) : t('notify.contact.addTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={editing ? { name: editing.name, email: editing.email ?? '', phone: editing.phone ?? '' } : {}}
      onCancel={close}
      onFinish={(v) => {
        const name = v.name.trim()
        const email = v.email?.trim() || undefined
        const phone = v.phone?.trim() || undefined
        if (editing) update.mutate({ id: editing.id, name, email: email ?? null, phone: phone ?? null })
        else create.mutate({ name, email, phone })
      }}
    >
      <Form.Item
        name="name"
        label={t('notify.contact.fields.name')}
        rules={[{ required: true, whitespace: true, max: 64, message: t('notify.contact.rules.name') }]}
      >
        <Input maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('notify.contact.fields.email')}
        rules={[{ type: 'email', message: t('notify.contact.rules.email') }]}
      >
        <Input type="email" placeholder="ops@example.com" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('notify.contact.fields.phone')}
        rules={[{ pattern: PHONE, message: t('notify.contact.rules.phone') }]}
      >
        <Input placeholder="+86 138 0000 0000" />
      </Form.Item>
    </FormModal>
  )
}
