'use client'

import type { BadgeProps } from 'antd'
import { Badge } from 'antd'
import { useT } from '@/i18n/I18nProvider'

export type DeviceStatus = 'ONLINE' | 'OFFLINE' | 'UNACTIVE' | 'DISABLED'

const BADGE: Record<DeviceStatus, BadgeProps['status']> = {
  ONLINE: 'success',
  OFFLINE: 'default',
  UNACTIVE: 'warning',
  DISABLED: 'error',
}

/** A device's state as the platform shows it; a disabled device is shown as disabled whatever its connection. */
export function deviceStatus(status: string, disabled?: boolean): DeviceStatus {
  if (disabled) return 'DISABLED'
  return status === 'ONLINE' || status === 'OFFLINE' || status === 'DISABLED' ? status : 'UNACTIVE'
}

export function StatusBadge({ status, disabled }: { status: string; disabled?: boolean }) {
  const t = useT()
  const s = deviceStatus(status, disabled)
  return <Badge status={BADGE[s]} text={t(`device.status.${s}`)} />
}

/** A device's state as its coloured dot only, where the state's name would crowd a row (a device picker's options). */
export function StatusDot({ status }: { status: string }) {
  return <Badge status={BADGE[deviceStatus(status)]} />
}
