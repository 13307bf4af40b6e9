'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Badge, Flex, Select } from 'antd'
import { useState } from 'react'
import { deviceStatus } from '@/components/StatusBadge'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

const DOT = { ONLINE: 'success', OFFLINE: 'default', UNACTIVE: 'warning', DISABLED: 'error' } as const

/** Picks a device of a product by name (searched on the server), with its state beside it. */
export function DeviceSelect({
  productKey,
  value,
  onChange,
}: {
  productKey: string | undefined
  value: string | undefined
  onChange: (deviceName: string | undefined) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.device.list.queryOptions(
      productKey ? { productKey, page: 1, pageSize: 50, search: search || undefined } : skipToken,
    ),
    placeholderData: keepPreviousData,
    // the dots follow the devices' state (a simulator taking one online)
    refetchInterval: 5000,
  })
  const items = productKey ? (list.data?.items ?? []) : []
  const options = items.map((d) => ({
    value: d.deviceName,
    label: (
      <Flex gap={6} align="center">
        <Badge status={DOT[deviceStatus(d.status)]} />
        <span className="mono">{d.deviceName}</span>
        {d.nickname ? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{d.nickname}</span> : null}
      </Flex>
    ),
  }))
  const known = !value || options.some((o) => o.value === value)
  return (
    <Select<string>
      aria-label={t('simulator.chooseDeviceLabel')}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      value={value}
      onChange={(v) => onChange(v)}
      disabled={!productKey}
      placeholder={t('simulator.chooseDeviceLabel')}
      loading={list.isFetching}
      options={known ? options : [{ value, label: <span className="mono">{value}</span> }, ...options]}
      notFoundContent={list.isPending ? null : t('common.noMatch')}
      popupMatchSelectWidth={false}
      style={{ width: 240 }}
    />
  )
}
