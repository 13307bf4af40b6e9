'use client'

import { Result } from 'antd'
import { useT } from '@/i18n/I18nProvider'

/** Shown instead of an admin page to users without the admin role. */
export function Forbidden() {
  const t = useT()
  return <Result status="403" title={t('common.forbidden')} subTitle={t('common.adminOnly')} />
}
