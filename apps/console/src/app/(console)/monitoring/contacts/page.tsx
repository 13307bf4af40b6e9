'use client'

import { Card } from 'antd'
import { PageHeader } from '@/components/PageHeader'
import { ContactsPanel } from '@/features/notify/ContactsPanel'
import { useT } from '@/i18n/I18nProvider'

export default function MonitoringContactsPage() {
  const t = useT()
  return (
    <>
      <PageHeader title={t('notify.title')} subtitle={t('notify.subtitle')} />
      <Card>
        <ContactsPanel />
      </Card>
    </>
  )
}
