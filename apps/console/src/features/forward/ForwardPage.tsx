'use client'

import { PlusOutlined } from '@ant-design/icons'
import { Button, Card, Tabs } from 'antd'
import { useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { SubscriptionTab } from '@/features/subscription/SubscriptionTab'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { DeadLetters } from './DeadLetters'
import { RuleModal } from './RuleModal'
import { RulesTable } from './RulesTable'

/** The data forwarding page: rules with their destinations and run counts, and the dead letters. */
export function ForwardPage() {
  const t = useT()
  const writable = useCanWrite()
  const [tab, setTab] = useState('rules')
  const [creating, setCreating] = useState(false)
  return (
    <>
      <PageHeader
        title={t('forward.title')}
        subtitle={t('forward.subtitle')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('forward.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'rules', label: t('forward.tabs.rules'), children: <RulesTable /> },
            { key: 'dead', label: t('forward.tabs.deadLetters'), children: <DeadLetters /> },
            { key: 'subscription', label: t('subscription.tab'), children: <SubscriptionTab /> },
          ]}
        />
      </Card>
      <RuleModal rule={creating ? 'new' : null} onClose={() => setCreating(false)} />
    </>
  )
}
