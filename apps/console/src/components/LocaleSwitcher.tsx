'use client'

import { GlobalOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Button, Dropdown } from 'antd'
import { LOCALES, type Locale } from '@/i18n/config'
import { useI18n } from '@/i18n/I18nProvider'
import { useMe } from '@/lib/auth'
import { useTRPC } from '@/trpc/react'

/** Language menu: switches at once, remembers the choice in a cookie and, when signed in, on the user. */
export function LocaleSwitcher() {
  const { locale, setLocale, t } = useI18n()
  const trpc = useTRPC()
  const me = useMe().data
  const save = useMutation(trpc.auth.setLocale.mutationOptions())

  const choose = (next: Locale) => {
    setLocale(next)
    if (me) save.mutate({ locale: next })
  }

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: LOCALES.map((l) => ({ key: l, label: t(`localeNames.${l}`) })),
        onClick: ({ key }) => choose(key as Locale),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} aria-label={t('header.language')}>
        {t(`localeNames.${locale}`)}
      </Button>
    </Dropdown>
  )
}
