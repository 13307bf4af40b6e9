'use client'

import { BellOutlined, DingtalkOutlined, LinkOutlined, MailOutlined } from '@ant-design/icons'
import { Tag } from 'antd'
import type { ReactNode } from 'react'
import { useT } from '@/i18n/I18nProvider'

export type Channel = 'email' | 'webhook' | 'dingtalk' | 'console'
export type AlarmLevel = 'CRITICAL' | 'WARNING' | 'INFO'

const ICON: Record<Channel, ReactNode> = {
  email: <MailOutlined />,
  webhook: <LinkOutlined />,
  dingtalk: <DingtalkOutlined />,
  console: <BellOutlined />,
}

export function ChannelTag({ channel }: { channel: Channel }) {
  const t = useT()
  return <Tag icon={ICON[channel]}>{t(`notify.group.channel.${channel}`)}</Tag>
}

export const LEVEL_COLOR: Record<AlarmLevel, string> = { CRITICAL: 'red', WARNING: 'orange', INFO: 'blue' }

export function LevelTag({ level }: { level: AlarmLevel }) {
  const t = useT()
  return (
    <Tag color={LEVEL_COLOR[level] ?? 'default'} style={{ marginInlineEnd: 0 }}>
      {t(`notify.level.${level}`)}
    </Tag>
  )
}
