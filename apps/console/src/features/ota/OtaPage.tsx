'use client'

import { Tabs } from 'antd'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { PageHeader } from '@/components/PageHeader'
import { useT } from '@/i18n/I18nProvider'
import { AnalysisTab } from './AnalysisTab'
import { ModulesTab } from './ModulesTab'
import { PackagesTab } from './PackagesTab'

const TABS = ['packages', 'modules', 'analysis'] as const
type TabKey = (typeof TABS)[number]

/** /ota: the package list, the OTA modules of each product, and the version distribution (ref §8). */
export function OtaPage() {
  const t = useT()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'packages'
  return (
    <>
      <PageHeader title={t('ota.title')} subtitle={t('ota.subtitle')} />
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(k) => router.replace(k === 'packages' ? pathname : `${pathname}?tab=${k}`, { scroll: false })}
        items={[
          { key: 'packages', label: t('ota.tabs.packages'), children: <PackagesTab /> },
          { key: 'modules', label: t('ota.tabs.modules'), children: <ModulesTab /> },
          { key: 'analysis', label: t('ota.tabs.analysis'), children: <AnalysisTab /> },
        ]}
      />
    </>
  )
}
