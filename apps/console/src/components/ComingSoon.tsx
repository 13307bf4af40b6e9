'use client'

import { Button, Card, Result } from 'antd'
import Link from 'next/link'
import { useT } from '@/i18n/I18nProvider'
import { PageHeader } from './PageHeader'

export type UpcomingFeature = 'monitoring' | 'dashboard' | 'ota' | 'remoteConfig' | 'alerts' | 'tunnels'

/** The honest page of a feature that this version does not have yet: its name and what it will do. */
export function ComingSoon({ feature }: { feature: UpcomingFeature }) {
  const t = useT()
  const title = t(`nav.${feature}`)
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <Result
          status="info"
          title={t('comingSoon.title')}
          subTitle={t(`comingSoon.features.${feature}`)}
          extra={
            <Link href="/">
              <Button type="primary">{t('comingSoon.back')}</Button>
            </Link>
          }
        />
      </Card>
    </>
  )
}
