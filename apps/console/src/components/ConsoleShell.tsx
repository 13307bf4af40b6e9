'use client'

import {
  AlertOutlined,
  ApartmentOutlined,
  AppstoreOutlined,
  BranchesOutlined,
  BugOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  CodeOutlined,
  ControlOutlined,
  DashboardOutlined,
  DesktopOutlined,
  FileSearchOutlined,
  FundOutlined,
  HomeOutlined,
  KeyOutlined,
  LineChartOutlined,
  MonitorOutlined,
  RobotOutlined,
  SafetyOutlined,
  SettingOutlined,
  TagsOutlined,
  TeamOutlined,
} from '@ant-design/icons'
import { Flex, Layout, Menu, type MenuProps, Spin, Typography } from 'antd'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { type ReactNode, useEffect, useMemo, useState } from 'react'
import { AlertsNavLabel } from '@/features/alerts/AlertsPage'
import { InboxBell } from '@/features/notify/InboxBell'
import { isLocale, readLocaleCookie } from '@/i18n/config'
import { useI18n } from '@/i18n/I18nProvider'
import type { Messages } from '@/i18n/messages/en-US'
import { useMe } from '@/lib/auth'
import { LocaleSwitcher } from './LocaleSwitcher'
import { QueryError } from './QueryError'
import { UserMenu } from './UserMenu'

/** Every page of the console, by menu group; the key is the route. */
const DEVICE_ROUTES: NavRoute[] = [
  { key: '/products', icon: <AppstoreOutlined />, label: 'products' },
  { key: '/devices', icon: <DesktopOutlined />, label: 'devices' },
  { key: '/groups', icon: <TagsOutlined />, label: 'groups' },
]
const OPS_ROUTES: NavRoute[] = [
  { key: '/monitoring', icon: <LineChartOutlined />, label: 'monitoring' },
  { key: '/dashboard', icon: <FundOutlined />, label: 'dashboard' },
  { key: '/debug', icon: <BugOutlined />, label: 'debug' },
  { key: '/simulator', icon: <RobotOutlined />, label: 'simulator' },
  { key: '/logs', icon: <FileSearchOutlined />, label: 'logs' },
  { key: '/ota', icon: <CloudUploadOutlined />, label: 'ota' },
  { key: '/remote-config', icon: <ControlOutlined />, label: 'remoteConfig' },
  { key: '/alerts', icon: <AlertOutlined />, label: 'alerts' },
  { key: '/tunnels', icon: <SafetyOutlined />, label: 'tunnels' },
  { key: '/remote-login', icon: <CodeOutlined />, label: 'remoteLogin' },
  { key: '/forward', icon: <BranchesOutlined />, label: 'forward' },
]
const SETTINGS_ROUTES: NavRoute[] = [
  { key: '/settings/users', icon: <TeamOutlined />, label: 'users' },
  { key: '/settings/api-keys', icon: <KeyOutlined />, label: 'apiKeys' },
]
type NavKey = keyof Messages['nav']
interface NavRoute {
  key: string
  icon: ReactNode
  label: NavKey
}

const ALL_ROUTES = ['/', ...[...DEVICE_ROUTES, ...OPS_ROUTES, ...SETTINGS_ROUTES].map((r) => r.key)]

/** The menu entry of a path: the longest route the path starts with (`/devices/pk/dn` → `/devices`). */
function selectedRoute(pathname: string): string {
  return (
    ALL_ROUTES.filter((r) => (r === '/' ? pathname === '/' : pathname === r || pathname.startsWith(`${r}/`))).sort(
      (a, b) => b.length - a.length,
    )[0] ?? '/'
  )
}

function groupOf(route: string): string | undefined {
  if (DEVICE_ROUTES.some((r) => r.key === route)) return 'g-devices'
  if (OPS_ROUTES.some((r) => r.key === route)) return 'g-ops'
  if (SETTINGS_ROUTES.some((r) => r.key === route)) return 'g-settings'
  return undefined
}

/** The signed-in frame of every console page: menu, header, and the sign-in check. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const { t, locale, setLocale } = useI18n()
  const me = useMe()
  const router = useRouter()
  const pathname = usePathname()
  const searchParams = useSearchParams()
  const [collapsed, setCollapsed] = useState(false)
  const selected = selectedRoute(pathname)
  const [openKeys, setOpenKeys] = useState<string[]>(() => [
    'g-devices',
    ...(groupOf(selected) ? [groupOf(selected)!] : []),
  ])

  const user = me.data
  useEffect(() => {
    if (me.isSuccess && !user) {
      const here = `${pathname}${searchParams.size ? `?${searchParams.toString()}` : ''}`
      router.replace(`/login?next=${encodeURIComponent(here)}`)
    }
  }, [me.isSuccess, user, pathname, searchParams, router])

  // a user's saved language applies on a browser that has not chosen one yet
  useEffect(() => {
    if (user?.locale && isLocale(user.locale) && user.locale !== locale && !readLocaleCookie()) setLocale(user.locale)
  }, [user?.locale, locale, setLocale])

  const items = useMemo<MenuProps['items']>(() => {
    const leaf = (r: NavRoute) => ({
      key: r.key,
      icon: r.icon,
      label: (
        <Link href={r.key}>
          {r.key === '/alerts' ? <AlertsNavLabel text={t(`nav.${r.label}`)} /> : t(`nav.${r.label}`)}
        </Link>
      ),
    })
    const groups: MenuProps['items'] = [
      { key: '/', icon: <HomeOutlined />, label: <Link href="/">{t('nav.overview')}</Link> },
      { key: 'g-devices', icon: <ClusterOutlined />, label: t('nav.devicesGroup'), children: DEVICE_ROUTES.map(leaf) },
      { key: 'g-ops', icon: <MonitorOutlined />, label: t('nav.opsGroup'), children: OPS_ROUTES.map(leaf) },
    ]
    if (user?.role === 'ADMIN') {
      groups.push({
        key: 'g-settings',
        icon: <SettingOutlined />,
        label: t('nav.settingsGroup'),
        children: SETTINGS_ROUTES.map(leaf),
      })
    }
    return groups
  }, [t, user?.role])

  if (me.isError) {
    return (
      <Flex style={{ minHeight: '100vh' }} align="center" justify="center">
        <QueryError error={me.error} onRetry={() => void me.refetch()} />
      </Flex>
    )
  }
  if (!user) {
    return (
      <Flex style={{ minHeight: '100vh' }} align="center" justify="center">
        <Spin size="large" />
      </Flex>
    )
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={224}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Link href="/">
          <Flex align="center" gap={8} style={{ height: 56, padding: '0 20px', overflow: 'hidden' }}>
            <ApartmentOutlined style={{ color: '#fff', fontSize: 20 }} />
            {collapsed ? null : (
              <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
                {t('app.name')}
              </Typography.Text>
            )}
          </Flex>
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={[selected]}
          openKeys={collapsed ? undefined : openKeys}
          onOpenChange={setOpenKeys}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ borderBottom: '1px solid #f0f0f0' }}>
          <Flex justify="space-between" align="center" style={{ height: '100%' }}>
            <Flex align="center" gap={8}>
              <DashboardOutlined />
              <Typography.Text strong>{t('app.name')}</Typography.Text>
              <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
            </Flex>
            <Flex align="center" gap={8}>
              <LocaleSwitcher />
              <InboxBell />
              <UserMenu me={user} />
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  )
}
