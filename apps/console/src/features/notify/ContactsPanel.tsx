'use client'

import { Tabs } from 'antd'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { ContactGroupsTable } from './ContactGroupsTable'
import { ContactsTable } from './ContactsTable'

/** Alarm contacts and contact groups (two tabs); mounted by the monitoring page and /monitoring/contacts. */
export function ContactsPanel({ defaultTab = 'groups' }: { defaultTab?: 'contacts' | 'groups' }) {
  const t = useT()
  const [tab, setTab] = useState<string>(defaultTab)
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      destroyOnHidden
      items={[
        { key: 'groups', label: t('notify.tabs.groups'), children: <ContactGroupsTable /> },
        { key: 'contacts', label: t('notify.tabs.contacts'), children: <ContactsTable /> },
      ]}
    />
  )
}
