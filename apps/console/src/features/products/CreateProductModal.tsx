'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input, Radio } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ZCreateProductInput } from '@/lib/schemas'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import { DATA_FORMATS, type DataFormat, NODE_TYPES, type NodeType } from './labels'

interface CreateProductValues {
  name: string
  nodeType: NodeType
  dataFormat: DataFormat
  description?: string
}

export function CreateProductModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean
  onClose: () => void
  onCreated: (productKey: string) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const create = useMutation(
    trpc.product.create.mutationOptions({
      onSuccess: async (product) => {
        message.success(t('product.created'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() })
        onCreated(product.productKey)
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  const shape = ZCreateProductInput.shape

  return (
    <FormModal<CreateProductValues>
      open={open}
      title={t('product.createTitle')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      initialValues={{ nodeType: 'DIRECT', dataFormat: 'ALINK_JSON' }}
      onCancel={close}
      onFinish={(values) => create.mutate(withoutEmpty(values))}
    >
      <Form.Item
        name="name"
        label={t('product.fields.name')}
        required
        tooltip={t('product.rules.name')}
        rules={[zodRule(shape.name, t('product.rules.name'))]}
      >
        <Input maxLength={30} showCount autoFocus />
      </Form.Item>
      <Form.Item name="nodeType" label={t('product.fields.nodeType')} extra={t('product.nodeTypeHelp')}>
        <Radio.Group
          optionType="button"
          options={NODE_TYPES.map((n) => ({ value: n, label: t(`product.nodeTypes.${n}`) }))}
        />
      </Form.Item>
      <Form.Item name="dataFormat" label={t('product.fields.dataFormat')} extra={t('product.dataFormatHelp')}>
        <Radio.Group
          optionType="button"
          options={DATA_FORMATS.map((f) => ({ value: f, label: t(`product.dataFormats.${f}`) }))}
        />
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
