'use client'

import { DeleteOutlined, EditOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Descriptions, Popconfirm, Space, Tooltip } from 'antd'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { EditProductModal } from './EditProductModal'
import type { DataFormat, NodeType } from './labels'

export interface ProductInfo {
  productKey: string
  name: string
  nodeType: NodeType
  dataFormat: DataFormat
  description: string | null
  createdAt: Date
  deviceCount: number
  onlineCount: number
}

export function ProductInfoTab({ product }: { product: ProductInfo }) {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [editing, setEditing] = useState(false)
  const remove = useMutation(
    trpc.product.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.list.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() })
        router.push('/products')
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
  const hasDevices = product.deviceCount > 0
  const devicesHref = `/devices?productKey=${encodeURIComponent(product.productKey)}`

  return (
    <>
      <Descriptions
        bordered
        column={{ xs: 1, md: 2 }}
        extra={
          writable ? (
            <Space>
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
              <Tooltip title={hasDevices ? t('product.deleteHasDevices') : undefined}>
                <Popconfirm
                  title={t('product.deleteConfirm', { name: product.name })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  disabled={hasDevices}
                  onConfirm={() => remove.mutateAsync({ productKey: product.productKey })}
                >
                  <Button danger icon={<DeleteOutlined />} disabled={hasDevices}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Tooltip>
            </Space>
          ) : null
        }
        items={[
          { key: 'name', label: t('product.fields.name'), children: product.name },
          { key: 'pk', label: t('product.fields.productKey'), children: <CopyText text={product.productKey} /> },
          { key: 'node', label: t('product.fields.nodeType'), children: t(`product.nodeTypes.${product.nodeType}`) },
          {
            key: 'fmt',
            label: t('product.fields.dataFormat'),
            children: t(`product.dataFormats.${product.dataFormat}`),
          },
          {
            key: 'devices',
            label: t('product.fields.deviceCount'),
            children: <Link href={devicesHref}>{product.deviceCount}</Link>,
          },
          { key: 'online', label: t('product.fields.onlineCount'), children: product.onlineCount },
          { key: 'created', label: t('common.createdAt'), children: <TimeText value={product.createdAt} /> },
          { key: 'desc', label: t('common.description'), children: product.description || '-' },
        ]}
      />
      <EditProductModal product={product} open={editing} onClose={() => setEditing(false)} />
    </>
  )
}
