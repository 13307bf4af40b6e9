'use client'

import { Button, Flex, Result } from 'antd'
import Link from 'next/link'
import { useT } from '@/i18n/I18nProvider'

export default function NotFound() {
  const t = useT()
  return (
    <Flex style={{ minHeight: '100vh' }} align="center" justify="center">
      <Result
        status="404"
        title={t('common.pageNotFound')}
        subTitle={t('common.pageNotFoundHint')}
        extra={
          <Link href="/">
            <Button type="primary">{t('comingSoon.back')}</Button>
          </Link>
        }
      />
    </Flex>
  )
}
