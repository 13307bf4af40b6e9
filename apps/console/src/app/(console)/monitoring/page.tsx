import { Suspense } from 'react'
import { AlarmsPanel, ContactsTabLabel } from '@/features/alarms/AlarmsPanel'
import { MonitoringPage } from '@/features/monitoring/MonitoringPage'
import { ContactsPanel } from '@/features/notify/ContactsPanel'

export default function Page() {
  return (
    <Suspense>
      <MonitoringPage
        alarmRules={<AlarmsPanel />}
        extraTabs={[{ key: 'contacts', label: <ContactsTabLabel />, children: <ContactsPanel /> }]}
      />
    </Suspense>
  )
}
