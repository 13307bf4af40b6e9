'use client'

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, Form, Input, InputNumber, Select } from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

export type CreatedTunnel = RouterOutputs['tunnel']['create']

interface Values {
  productKey: string
  deviceName: string
  udi?: string
  description?: string
  rateLimitKBps?: number | null
}

/** Online devices of a product (a tunnel needs one), searched on the server. */
function OnlineDeviceSelect({
  id,
  productKey,
  value,
  onChange,
}: {
  id?: string
  productKey: string | undefined
  value?: string
  onChange?: (v: string | undefined) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.device.list.queryOptions(
      productKey ? { productKey, status: 'ONLINE', page: 1, pageSize: 50, search: search || undefined } : skipToken,
    ),
    refetchInterval: 5_000,
  })
  return (
    <Select<string>
      id={id}
      value={value}
      onChange={(v) => onChange?.(v)}
      disabled={!productKey}
      allowClear
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      placeholder={t('tunnel.form.devicePlaceholder')}
      loading={list.isFetching}
      notFoundContent={list.isPending ? null : t('tunnel.form.noOnlineDevice')}
      options={(list.data?.items ?? []).map((d) => ({
        value: d.deviceName,
        label: <span className="mono">{d.deviceName}</span>,
      }))}
    />
  )
}

/** The creation dialog (ref §11.1.2): product → online device, custom information, description, optional rate limit. */
export function CreateTunnelModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean
  onClose: () => void
  onCreated: (t: CreatedTunnel) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [productKey, setProductKey] = useState<string>()
  const create = useMutation(
    trpc.tunnel.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.tunnel.pathKey() })
        setProductKey(undefined)
        onCreated(created)
      },
    }),
  )
  const close = () => {
    create.reset()
    setProductKey(undefined)
    onClose()
  }
  return (
    <FormModal<Values>
      open={open}
      title={t('tunnel.form.title')}
      okText={t('common.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={close}
      onFinish={(v) =>
        create.mutate({
          productKey: v.productKey,
          deviceName: v.deviceName,
          udi: v.udi || undefined,
          description: v.description?.trim() || undefined,
          rateLimitKBps: v.rateLimitKBps ?? undefined,
        })
      }
    >
      <Alert type="info" showIcon title={t('tunnel.form.notice')} style={{ marginBottom: 16 }} />
      <Form.Item
        name="productKey"
        label={t('tunnel.form.product')}
        rules={[{ required: true, message: t('tunnel.form.required') }]}
      >
        <ProductSelect onChange={(pk) => setProductKey(pk)} />
      </Form.Item>
      <Form.Item
        name="deviceName"
        label={t('tunnel.form.device')}
        rules={[{ required: true, message: t('tunnel.form.required') }]}
      >
        <OnlineDeviceSelect productKey={productKey} />
      </Form.Item>
      <Form.Item name="udi" label={t('tunnel.form.udi')}>
        <Input.TextArea rows={2} maxLength={2048} placeholder={t('tunnel.form.udiPlaceholder')} />
      </Form.Item>
      <Form.Item name="description" label={t('tunnel.form.description')}>
        <Input maxLength={100} showCount placeholder={t('tunnel.form.descriptionPlaceholder')} />
      </Form.Item>
      <Form.Item name="rateLimitKBps" label={t('tunnel.form.rateLimit')} extra={t('tunnel.form.rateLimitHint')}>
        <InputNumber min={1} max={1_000_000} precision={0} style={{ width: 200 }} />
      </Form.Item>
    </FormModal>
  )
}
