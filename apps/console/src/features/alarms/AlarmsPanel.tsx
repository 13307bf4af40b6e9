'use client'

import { Tabs } from 'antd'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { HistoryTab } from './HistoryTab'
import { RulesTab } from './RulesTab'
import { WatermarksTab } from './WatermarksTab'

type Section = 'rules' | 'watermarks' | 'history'

/**
 * The alarm console (mounted as the monitoring page's "Alarm rules" tab): threshold and event rules, the instance
 * watermark alerts, and the alarm history.
 */
export function AlarmsPanel({ defaultSection = 'rules' }: { defaultSection?: Section }) {
  const t = useT()
  const [section, setSection] = useState<string>(defaultSection)
  return (
    <Tabs
      activeKey={section}
      onChange={setSection}
      type="card"
      size="small"
      destroyOnHidden
      items={[
        { key: 'rules', label: t('alarm.tabs.rules'), children: <RulesTab /> },
        { key: 'watermarks', label: t('alarm.tabs.watermarks'), children: <WatermarksTab /> },
        { key: 'history', label: t('alarm.tabs.history'), children: <HistoryTab /> },
      ]}
    />
  )
}

/** The label of the monitoring page's contacts tab. */
export function ContactsTabLabel() {
  const t = useT()
  return <>{t('alarm.tabs.contacts')}</>
}
