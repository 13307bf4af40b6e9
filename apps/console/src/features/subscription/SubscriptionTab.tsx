'use client'

import { Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { ackPath, ConsumerGroups, streamPath } from './ConsumerGroups'
import { ProductSubscriptions } from './ProductSubscriptions'

/** The data forwarding page's server-side subscription tab: consumer groups, then the products' subscriptions. */
export function SubscriptionTab() {
  const t = useT()
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('subscription.intro', { stream: streamPath('{groupId}'), ack: ackPath('{groupId}') })}
      </Typography.Paragraph>
      <ConsumerGroups />
      <ProductSubscriptions />
    </>
  )
}
