'use client'

import dayjs from 'dayjs'
import 'dayjs/locale/ja'
import 'dayjs/locale/zh-cn'
import relativeTime from 'dayjs/plugin/relativeTime'
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react'
import { type Locale, writeLocaleCookie } from './config'
import { CATALOGUES, type MessageKey, type MessageVars, translate } from './translate'

dayjs.extend(relativeTime)

const DAYJS_LOCALE: Record<Locale, string> = { 'en-US': 'en', 'zh-CN': 'zh-cn', 'ja-JP': 'ja' }

export type TFunction = (key: MessageKey, vars?: MessageVars) => string

interface I18nValue {
  locale: Locale
  t: TFunction
  /** Switches the UI language now and remembers it in the locale cookie. */
  setLocale: (locale: Locale) => void
}

const I18nContext = createContext<I18nValue | null>(null)

export function I18nProvider({ initialLocale, children }: { initialLocale: Locale; children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale)
  // set the dayjs locale while rendering so the first paint already formats dates in the right language
  dayjs.locale(DAYJS_LOCALE[locale])

  const setLocale = useCallback((next: Locale) => {
    writeLocaleCookie(next)
    dayjs.locale(DAYJS_LOCALE[next])
    document.documentElement.lang = next
    setLocaleState(next)
  }, [])

  const value = useMemo<I18nValue>(() => {
    const messages = CATALOGUES[locale]
    return { locale, setLocale, t: (key, vars) => translate(messages, key, vars) }
  }, [locale, setLocale])

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>')
  return value
}

/** The translate function of the current locale. */
export function useT(): TFunction {
  return useI18n().t
}
