'use client'

import { Card, Tabs } from 'antd'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { DeviceLogSearch } from './DeviceLogSearch'
import { useLogQuery } from './query'
import { RunLogSearch } from './RunLogSearch'

/** The log service: the cloud run log and the devices' own logs, one tab each (`?tab=run|device`). */
export function LogService() {
  const t = useT()
  const q = useLogQuery()
  const tab = q.get('tab') === 'device' ? 'device' : 'run'
  return (
    <>
      <PageHeader title={t('nav.logs')} subtitle={t('logs.subtitle')} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => q.update({ tab: k })}
          destroyOnHidden
          items={[
            { key: 'run', label: t('logs.tabs.run'), children: <RunLogSearch /> },
            { key: 'device', label: t('logs.tabs.device'), children: <DeviceLogSearch /> },
          ]}
        />
      </Card>
    </>
  )
}
