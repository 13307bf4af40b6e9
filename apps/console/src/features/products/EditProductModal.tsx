'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ZUpdateProductInput } from '@/lib/schemas'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'

interface EditValues {
  name: string
  description?: string
}

export function EditProductModal({
  product,
  open,
  onClose,
}: {
  product: { productKey: string; name: string; description: string | null }
  open: boolean
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const update = useMutation(
    trpc.product.update.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.pathKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    update.reset()
    onClose()
  }
  const shape = ZUpdateProductInput.shape

  return (
    <FormModal<EditValues>
      open={open}
      title={t('product.editTitle')}
      okText={t('common.save')}
      pending={update.isPending}
      error={update.error}
      initialValues={{ name: product.name, description: product.description ?? '' }}
      onCancel={close}
      onFinish={(values) =>
        update.mutate({
          productKey: product.productKey,
          name: values.name,
          description: values.description?.trim() ? values.description : null,
        })
      }
    >
      <Form.Item
        name="name"
        label={t('product.fields.name')}
        required
        tooltip={t('product.rules.name')}
        rules={[zodRule(shape.name.unwrap(), t('product.rules.name'))]}
      >
        <Input maxLength={30} showCount />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('common.description')}
        rules={[zodRule(shape.description, t('product.rules.description'))]}
      >
        <Input.TextArea maxLength={100} showCount rows={3} />
      </Form.Item>
    </FormModal>
  )
}
