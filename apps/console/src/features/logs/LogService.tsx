'use client'

import { Card, Tabs } from 'antd'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { DeviceLogSearch } from './DeviceLogSearch'
import { useLogQuery } from './query'
import { RunLogSearch } from './RunLogSearch'
import { MessageTrace } from './trace/MessageTrace'

/**
 * The log service: the cloud run log, the devices' own logs and the message trace, one tab each
 * (`?tab=run|device|trace`).
 */
export function LogService() {
  const t = useT()
  const q = useLogQuery()
  const tabParam = q.get('tab')
  const tab = tabParam === 'device' || tabParam === 'trace' ? tabParam : 'run'
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
            { key: 'trace', label: t('logs.tabs.trace'), children: <MessageTrace /> },
          ]}
        />
      </Card>
    </>
  )
}
