'use client'

import { ArrowLeftOutlined } from '@ant-design/icons'
import { Button, Flex, Typography } from 'antd'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { useT } from '@/i18n/I18nProvider'

interface PageHeaderProps {
  title: ReactNode
  subtitle?: ReactNode
  /** where the back arrow leads (a list page), if any */
  backHref?: string
  /** buttons on the right */
  extra?: ReactNode
  children?: ReactNode
}

/** The title row of a page: optional back link, title, subtitle, and actions on the right. */
export function PageHeader({ title, subtitle, backHref, extra, children }: PageHeaderProps) {
  const t = useT()
  return (
    <div style={{ marginBottom: 16 }}>
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Flex align="center" gap={8}>
          {backHref ? (
            <Link href={backHref} aria-label={t('common.back')}>
              <Button type="text" icon={<ArrowLeftOutlined />} />
            </Link>
          ) : null}
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle ? <Typography.Text type="secondary">{subtitle}</Typography.Text> : null}
        </Flex>
        {extra ? <Flex gap={8}>{extra}</Flex> : null}
      </Flex>
      {children ? <div style={{ marginTop: 12 }}>{children}</div> : null}
    </div>
  )
}
