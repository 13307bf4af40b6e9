'use client'

import { Alert } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'

/** The server's answer to a rejected form, above the form's buttons. Renders nothing when there is no error. */
export function FormError({ error }: { error: unknown }) {
  const t = useT()
  if (!error) return null
  return (
    <Alert type="error" showIcon title={errorMessage(error, t('common.networkError'))} style={{ marginBottom: 16 }} />
  )
}
