'use client'

import { App, ConfigProvider } from 'antd'
import enUSAntd from 'antd/locale/en_US'
import jaJPAntd from 'antd/locale/ja_JP'
import zhCNAntd from 'antd/locale/zh_CN'
import type { ReactNode } from 'react'
import type { Locale } from '@/i18n/config'
import { I18nProvider, useI18n } from '@/i18n/I18nProvider'
import { TRPCReactProvider } from '@/trpc/react'
import { theme } from './theme'

const ANTD_LOCALES = { 'en-US': enUSAntd, 'zh-CN': zhCNAntd, 'ja-JP': jaJPAntd } as const

function AntdConfig({ children }: { children: ReactNode }) {
  const { locale } = useI18n()
  return (
    // no space inserted between two CJK characters of a button's label ("获取", not "获 取")
    <ConfigProvider locale={ANTD_LOCALES[locale]} theme={theme} button={{ autoInsertSpace: false }}>
      <App>{children}</App>
    </ConfigProvider>
  )
}

export function Providers({ locale, children }: { locale: Locale; children: ReactNode }) {
  return (
    <TRPCReactProvider>
      <I18nProvider initialLocale={locale}>
        <AntdConfig>{children}</AntdConfig>
      </I18nProvider>
    </TRPCReactProvider>
  )
}
