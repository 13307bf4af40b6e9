'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Input } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { parseNameList } from '@/lib/csv'
import { useTRPC } from '@/trpc/react'
import { ProductSelect } from '../products/ProductSelect'

/** The API adds at most this many devices to a group in one call. */
const MAX_ADD = 1000

interface AddValues {
  productKey: string
  names: string
}

/** Adds devices of one product to a group, by DeviceName (one per line). */
export function AddMembersModal({ groupId, open, onClose }: { groupId: string; open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const add = useMutation(
    trpc.group.addDevices.mutationOptions({
      onSuccess: async (_d, vars) => {
        message.success(t('group.membersAdded', { count: vars.devices.length }))
        await queryClient.invalidateQueries({ queryKey: trpc.group.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.device.list.pathKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    add.reset()
    onClose()
  }
  return (
    <FormModal<AddValues>
      open={open}
      title={t('group.addMembers')}
      okText={t('common.add')}
      pending={add.isPending}
      error={add.error}
      onCancel={close}
      onFinish={(values) =>
        add.mutate({
          id: groupId,
          devices: parseNameList(values.names).map((deviceName) => ({ productKey: values.productKey, deviceName })),
        })
      }
    >
      <Form.Item
        name="productKey"
        label={t('device.fields.product')}
        rules={[{ required: true, message: t('device.rules.product') }]}
      >
        <ProductSelect />
      </Form.Item>
      <Form.Item
        name="names"
        label={t('group.deviceNames')}
        extra={t('group.deviceNamesHelp', { max: MAX_ADD })}
        rules={[
          {
            validator: async (_r, value: string | undefined) => {
              const names = parseNameList(value ?? '')
              if (!names.length) throw new Error(t('device.batch.rules.namesEmpty'))
              if (names.length > MAX_ADD) throw new Error(t('device.batch.rules.tooMany', { max: MAX_ADD }))
            },
          },
        ]}
      >
        <Input.TextArea rows={6} className="mono" spellCheck={false} />
      </Form.Item>
    </FormModal>
  )
}
