'use client'

import { useQuery } from '@tanstack/react-query'
import { Badge, Card, Tabs } from 'antd'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { AlertList } from './AlertList'
import { AlertRulesTab } from './AlertRulesTab'
import { ScenesTab } from './ScenesTab'

const TABS = ['list', 'rules', 'scenes'] as const
type Tab = (typeof TABS)[number]

/** The alert center (reference §10): the alert list, alert rules and scene-linkage rules; the tab is in the address. */
export function AlertsPage() {
  const t = useT()
  const params = useSearchParams()
  const router = useRouter()
  const pathname = usePathname()
  const asked = params.get('tab') as Tab | null
  const tab: Tab = asked && TABS.includes(asked) ? asked : 'list'
  const pending = usePendingAlerts()
  return (
    <>
      <PageHeader title={t('nav.alerts')} subtitle={t('alerts.subtitle')} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => router.replace(key === 'list' ? pathname : `${pathname}?tab=${key}`)}
          destroyOnHidden
          items={[
            {
              key: 'list',
              label: (
                <Badge count={pending} size="small" offset={[8, -2]}>
                  {t('alerts.tabs.list')}
                </Badge>
              ),
              children: <AlertList />,
            },
            { key: 'rules', label: t('alerts.tabs.rules'), children: <AlertRulesTab /> },
            { key: 'scenes', label: t('alerts.tabs.scenes'), children: <ScenesTab /> },
          ]}
        />
      </Card>
    </>
  )
}

/** Pending alerts (not inhibited), polled: the navigation badge and the list tab's badge. */
export function usePendingAlerts(): number {
  const trpc = useTRPC()
  const q = useQuery({ ...trpc.alertCenter.pending.queryOptions(), refetchInterval: 15_000 })
  return q.data?.total ?? 0
}

/** The navigation entry's label with the pending-alert count (ConsoleShell). */
export function AlertsNavLabel({ text }: { text: string }) {
  const pending = usePendingAlerts()
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6, maxWidth: '100%', verticalAlign: 'middle' }}>
      <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{text}</span>
      {pending ? (
        <Badge count={pending} size="small" overflowCount={99} style={{ flexShrink: 0 }} aria-label={`${pending}`} />
      ) : null}
    </span>
  )
}
