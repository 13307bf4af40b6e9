'use client'

import { LogoutOutlined, UserOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Avatar, Button, Dropdown, Flex, Tag, Typography } from 'antd'
import { useRouter } from 'next/navigation'
import { useT } from '@/i18n/I18nProvider'
import type { Me } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'

const ROLE_COLOR = { ADMIN: 'red', OPERATOR: 'blue', VIEWER: 'default' } as const

export function RoleTag({ role }: { role: Me['role'] }) {
  const t = useT()
  return <Tag color={ROLE_COLOR[role]}>{t(`role.${role}`)}</Tag>
}

/** The signed-in user's name and role, with sign-out. */
export function UserMenu({ me }: { me: Me }) {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        queryClient.clear()
        router.replace('/login')
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          {
            key: 'who',
            disabled: true,
            label: (
              <Flex vertical>
                <Typography.Text strong>{me.name}</Typography.Text>
                <Typography.Text type="secondary">{me.email}</Typography.Text>
              </Flex>
            ),
          },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('header.signOut'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'logout') logout.mutate()
        },
      }}
    >
      <Button type="text" style={{ height: 'auto', padding: '4px 8px' }}>
        <Flex align="center" gap={8}>
          <Avatar size="small" icon={<UserOutlined />} />
          <span>{me.name}</span>
          <RoleTag role={me.role} />
        </Flex>
      </Button>
    </Dropdown>
  )
}
