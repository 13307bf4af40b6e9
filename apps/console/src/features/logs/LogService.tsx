'use client'

import { Card, Tabs } from 'antd'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { DeviceLogSearch } from './DeviceLogSearch'
import { useLogQuery } from './query'
import { RunLogSearch } from './RunLogSearch'
import { LogAnalysis } from './store/LogAnalysis'
import { LogReports } from './store/LogReports'
import { LogStorage } from './store/LogStorage'
import { Subscriptions } from './store/Subscriptions'
import { MessageTrace } from './trace/MessageTrace'

const TABS = ['run', 'device', 'trace', 'storage', 'analysis', 'reports', 'subscriptions']

/**
 * The log service: the cloud run log, the devices' own logs and the message trace, one tab each
 * plus long-term storage, analysis and reports (`?tab=run|device|trace|storage|analysis|reports|subscriptions`).
 */
export function LogService() {
  const t = useT()
  const q = useLogQuery()
  const tabParam = q.get('tab')
  const tab = tabParam && TABS.includes(tabParam) ? tabParam : 'run'
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
            { key: 'storage', label: t('logstore.tabs.storage'), children: <LogStorage /> },
            { key: 'analysis', label: t('logstore.tabs.analysis'), children: <LogAnalysis /> },
            { key: 'reports', label: t('logstore.tabs.reports'), children: <LogReports /> },
            { key: 'subscriptions', label: t('logstore.tabs.subscriptions'), children: <Subscriptions /> },
          ]}
        />
      </Card>
    </>
  )
}
