'use client'

import { DesktopOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button, Card, Skeleton, Tabs } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { ProductInfoTab } from './ProductInfoTab'
import { TopicClassesTab } from './TopicClassesTab'
import { ThingModelTab } from './thing-model/ThingModelTab'

type TabKey = 'info' | 'thingModel' | 'topics'

export function ProductDetail({ productKey }: { productKey: string }) {
  const t = useT()
  const trpc = useTRPC()
  const [tab, setTab] = useState<TabKey>('info')
  const product = useQuery(trpc.product.byKey.queryOptions({ productKey }))
  const p = product.data

  if (product.isError) {
    return (
      <>
        <PageHeader title={productKey} backHref="/products" />
        <Card>
          <QueryError error={product.error} onRetry={() => void product.refetch()} />
        </Card>
      </>
    )
  }

  return (
    <>
      <PageHeader
        title={p?.name ?? productKey}
        subtitle={<CopyText text={productKey} />}
        backHref="/products"
        extra={
          <Link href={`/devices?productKey=${encodeURIComponent(productKey)}`}>
            <Button icon={<DesktopOutlined />}>{t('product.manageDevices')}</Button>
          </Link>
        }
      />
      <Card>
        {!p ? (
          <Skeleton active />
        ) : (
          <Tabs
            activeKey={tab}
            onChange={(k) => setTab(k as TabKey)}
            items={[
              { key: 'info', label: t('product.tabs.info'), children: <ProductInfoTab product={p} /> },
              {
                key: 'thingModel',
                label: t('product.tabs.thingModel'),
                children: <ThingModelTab productKey={productKey} modules={p.thingModel.modules} />,
              },
              {
                key: 'topics',
                label: t('product.tabs.topics'),
                children: (
                  <TopicClassesTab
                    productKey={productKey}
                    topicClasses={p.topicClasses}
                    systemTopics={p.systemTopics}
                  />
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  )
}
