'use client'

import {
  AppstoreAddOutlined,
  AppstoreOutlined,
  CheckCircleOutlined,
  DesktopOutlined,
  PlusCircleOutlined,
  TagsOutlined,
  WifiOutlined,
} from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Card, Col, Flex, Row, Statistic, Typography } from 'antd'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { useTRPC } from '@/trpc/react'

function StatCard({
  title,
  value,
  icon,
  href,
  loading,
  suffix,
}: {
  title: string
  value: number | undefined
  icon: ReactNode
  href: string
  loading: boolean
  suffix?: ReactNode
}) {
  return (
    <Link href={href}>
      <Card hoverable loading={loading}>
        <Statistic title={title} value={value ?? 0} prefix={icon} suffix={suffix} />
      </Card>
    </Link>
  )
}

function QuickLink({
  href,
  icon,
  title,
  description,
}: {
  href: string
  icon: ReactNode
  title: string
  description: string
}) {
  return (
    <Link href={href}>
      <Card hoverable size="small" style={{ height: '100%' }}>
        <Flex gap={12} align="flex-start">
          <span style={{ fontSize: 22, color: '#1664ff' }}>{icon}</span>
          <Flex vertical>
            <Typography.Text strong>{title}</Typography.Text>
            <Typography.Text type="secondary">{description}</Typography.Text>
          </Flex>
        </Flex>
      </Card>
    </Link>
  )
}

export function Overview() {
  const t = useT()
  const trpc = useTRPC()
  const writable = useCanWrite()
  const stats = useQuery({ ...trpc.overview.stats.queryOptions(), refetchInterval: 5_000 })
  const data = stats.data
  const onlineRate = data?.activated ? Math.round((data.online / data.activated) * 100) : 0

  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle')} />
      {stats.isError ? (
        <QueryError error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} sm={12} xl={6}>
            <StatCard
              title={t('overview.products')}
              value={data?.products}
              icon={<AppstoreOutlined />}
              href="/products"
              loading={stats.isPending}
            />
          </Col>
          <Col xs={24} sm={12} xl={6}>
            <StatCard
              title={t('overview.devices')}
              value={data?.devices}
              icon={<DesktopOutlined />}
              href="/devices"
              loading={stats.isPending}
            />
          </Col>
          <Col xs={24} sm={12} xl={6}>
            <StatCard
              title={t('overview.online')}
              value={data?.online}
              icon={<WifiOutlined style={{ color: '#52c41a' }} />}
              href="/devices?status=ONLINE"
              loading={stats.isPending}
              suffix={
                <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                  {t('overview.onlineRate', { rate: onlineRate })}
                </Typography.Text>
              }
            />
          </Col>
          <Col xs={24} sm={12} xl={6}>
            <StatCard
              title={t('overview.activated')}
              value={data?.activated}
              icon={<CheckCircleOutlined />}
              href="/devices"
              loading={stats.isPending}
            />
          </Col>
        </Row>
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('overview.quickLinks')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {writable ? (
          <>
            <Col xs={24} md={12} xl={6}>
              <QuickLink
                href="/products?create=1"
                icon={<AppstoreAddOutlined />}
                title={t('overview.links.createProduct')}
                description={t('overview.links.createProductDesc')}
              />
            </Col>
            <Col xs={24} md={12} xl={6}>
              <QuickLink
                href="/devices?add=1"
                icon={<PlusCircleOutlined />}
                title={t('overview.links.addDevice')}
                description={t('overview.links.addDeviceDesc')}
              />
            </Col>
          </>
        ) : null}
        <Col xs={24} md={12} xl={6}>
          <QuickLink
            href="/devices"
            icon={<DesktopOutlined />}
            title={t('overview.links.devices')}
            description={t('overview.links.devicesDesc')}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          <QuickLink
            href="/groups"
            icon={<TagsOutlined />}
            title={t('overview.links.groups')}
            description={t('overview.links.groupsDesc')}
          />
        </Col>
      </Row>
    </>
  )
}
