'use client'

import { PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Card, Empty, Flex, Input, Table, type TableColumnsType } from 'antd'
import Link from 'next/link'
import { useRouter, useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { CreateProductModal } from './CreateProductModal'
import { productHref } from './labels'

type ProductRow = RouterOutputs['product']['list']['items'][number]

export function ProductList() {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const writable = useCanWrite()
  const params = useSearchParams()
  const [creating, setCreating] = useState(params.get('create') === '1')
  const [search, setSearch] = useState('')
  const paging = usePaging()
  const list = useQuery({
    ...trpc.product.list.queryOptions({ page: paging.page, pageSize: paging.pageSize, search: search || undefined }),
    placeholderData: keepPreviousData,
  })

  const columns: TableColumnsType<ProductRow> = [
    {
      title: t('product.fields.name'),
      dataIndex: 'name',
      render: (name: string, p) => <Link href={productHref(p.productKey)}>{name}</Link>,
    },
    {
      title: t('product.fields.productKey'),
      dataIndex: 'productKey',
      render: (key: string) => <CopyText text={key} />,
    },
    {
      title: t('product.fields.nodeType'),
      dataIndex: 'nodeType',
      render: (n: ProductRow['nodeType']) => t(`product.nodeTypes.${n}`),
    },
    {
      title: t('product.fields.dataFormat'),
      dataIndex: 'dataFormat',
      render: (f: ProductRow['dataFormat']) => t(`product.dataFormats.${f}`),
    },
    {
      title: t('product.fields.deviceCount'),
      dataIndex: 'deviceCount',
      align: 'right',
      render: (n: number, p) => <Link href={`/devices?productKey=${encodeURIComponent(p.productKey)}`}>{n}</Link>,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (d: ProductRow['createdAt']) => <TimeText value={d} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, p) => <Link href={productHref(p.productKey)}>{t('common.view')}</Link>,
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.products')}
        subtitle={t('product.listSubtitle')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('product.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Flex style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('product.searchPlaceholder')}
            style={{ maxWidth: 320 }}
            onSearch={(value) => {
              setSearch(value.trim())
              paging.reset()
            }}
          />
        </Flex>
        {list.isError ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<ProductRow>
            rowKey="productKey"
            columns={columns}
            dataSource={list.data?.items}
            loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
            pagination={paging.pagination(list.data?.total)}
            locale={{
              emptyText: (
                <Empty description={search ? t('common.noMatch') : t('product.empty')}>
                  {writable && !search ? (
                    <Button type="primary" onClick={() => setCreating(true)}>
                      {t('product.create')}
                    </Button>
                  ) : null}
                </Empty>
              ),
            }}
          />
        )}
      </Card>
      <CreateProductModal
        open={creating}
        onClose={() => {
          setCreating(false)
          if (params.has('create')) router.replace('/products')
        }}
        onCreated={(productKey) => {
          setCreating(false)
          router.push(productHref(productKey))
        }}
      />
    </>
  )
}
