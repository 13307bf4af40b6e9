'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ZCreateDeviceInput } from '@/lib/schemas'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ProductSelect } from '../products/ProductSelect'
import { DeviceTriple } from './DeviceTriple'

interface AddDeviceValues {
  productKey: string
  deviceName?: string
  nickname?: string
}
type Created = RouterOutputs['device']['create']

/** "Add device": product, optional DeviceName and nickname; then the new device's triple, once. */
export function AddDeviceModal({
  open,
  defaultProductKey,
  onClose,
}: {
  open: boolean
  defaultProductKey?: string
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [created, setCreated] = useState<Created | null>(null)
  const create = useMutation(
    trpc.device.create.mutationOptions({
      onSuccess: async (device) => {
        message.success(t('device.add.done'))
        setCreated(device)
        await queryClient.invalidateQueries({ queryKey: trpc.device.list.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.product.pathKey() })
      },
    }),
  )
  const close = () => {
    create.reset()
    setCreated(null)
    onClose()
  }
  const shape = ZCreateDeviceInput.shape

  if (created) {
    return (
      <Modal
        open={open}
        title={t('device.add.resultTitle')}
        onCancel={close}
        footer={
          <Button type="primary" onClick={close}>
            {t('common.done')}
          </Button>
        }
      >
        <DeviceTriple triple={created} warning={t('device.add.resultHint')} />
      </Modal>
    )
  }

  return (
    <FormModal<AddDeviceValues>
      open={open}
      title={t('device.add.title')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      initialValues={{ productKey: defaultProductKey }}
      onCancel={close}
      onFinish={(values) => create.mutate(withoutEmpty(values))}
    >
      <Form.Item
        name="productKey"
        label={t('device.fields.product')}
        rules={[{ required: true, message: t('device.rules.product') }]}
      >
        <ProductSelect />
      </Form.Item>
      <Form.Item
        name="deviceName"
        label={t('device.fields.deviceName')}
        extra={t('device.rules.deviceNameHelp')}
        rules={[zodRule(shape.deviceName, t('device.rules.deviceName'))]}
      >
        <Input className="mono" maxLength={32} placeholder={t('device.add.deviceNamePlaceholder')} />
      </Form.Item>
      <Form.Item
        name="nickname"
        label={t('device.fields.nickname')}
        rules={[zodRule(shape.nickname, t('device.rules.nickname'))]}
      >
        <Input maxLength={64} />
      </Form.Item>
    </FormModal>
  )
}
