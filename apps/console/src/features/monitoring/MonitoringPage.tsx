'use client'

import { Card, Result, Tabs } from 'antd'
import type { ReactNode } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { Board } from './Board'
import { LegacyView } from './LegacyView'
import { useUrlState } from './urlState'

/** A further tab of the monitoring page, mounted by another feature. */
export interface MonitoringTab {
  key: string
  label: ReactNode
  children: ReactNode
}

export interface MonitoringPageProps {
  /** the alarm-rules tab's content (reference "报警规则"); a notice until the alarm feature provides it */
  alarmRules?: ReactNode
  /** more tabs, after the built-in ones */
  extraTabs?: readonly MonitoringTab[]
}

/** The placeholder of the alarm-rules tab until the alarm feature mounts its component there. */
export function AlarmRulesPending() {
  const t = useT()
  return <Result status="info" title={t('monitoring.tabs.alarms')} subTitle={t('monitoring.alarmsPending')} />
}

/**
 * Real-time monitoring: the board, the alarm rules and the old version, one tab each; the tab lives in the address
 * (`?tab=board|alarms|legacy|<extra key>`).
 */
export function MonitoringPage({ alarmRules, extraTabs = [] }: MonitoringPageProps) {
  const t = useT()
  const url = useUrlState()
  const tabs = [
    { key: 'board', label: t('monitoring.tabs.board'), children: <Board /> },
    { key: 'alarms', label: t('monitoring.tabs.alarms'), children: alarmRules ?? <AlarmRulesPending /> },
    { key: 'legacy', label: t('monitoring.tabs.legacy'), children: <LegacyView /> },
    ...extraTabs,
  ]
  const asked = url.get('tab')
  const tab = tabs.some((x) => x.key === asked) ? asked! : 'board'
  return (
    <>
      <PageHeader title={t('nav.monitoring')} subtitle={t('monitoring.subtitle')} />
      <Card>
        <Tabs
          activeKey={tab}
          // each tab keeps its own address parameters; switching starts the other tab afresh
          onChange={(k) => url.update({ tab: k === 'board' ? undefined : k, view: undefined })}
          destroyOnHidden
          items={tabs}
        />
      </Card>
    </>
  )
}
