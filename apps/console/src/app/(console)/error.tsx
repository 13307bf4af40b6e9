'use client'

import { Button, Card, Result } from 'antd'
import { useT } from '@/i18n/I18nProvider'

/** A page that crashed while rendering: say so, show the message, offer to try again; the menu stays usable. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useT()
  return (
    <Card>
      <Result
        status="error"
        title={t('common.pageCrashed')}
        subTitle={error.message}
        extra={
          <Button type="primary" onClick={reset}>
            {t('common.retry')}
          </Button>
        }
      />
    </Card>
  )
}
