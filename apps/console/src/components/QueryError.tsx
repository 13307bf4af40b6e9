'use client'

import { Button, Result } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { errorCode, errorMessage } from '@/lib/errors'

/** A failed load: the server's message, and a retry button. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT()
  const code = errorCode(error)
  const status = code === 'NOT_FOUND' ? '404' : code === 'FORBIDDEN' ? '403' : 'error'
  return (
    <Result
      status={status}
      title={
        code === 'NOT_FOUND'
          ? t('common.notFound')
          : code === 'FORBIDDEN'
            ? t('common.forbidden')
            : t('common.loadFailed')
      }
      subTitle={errorMessage(error, t('common.networkError'))}
      extra={
        onRetry ? (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  )
}
