'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Badge, Flex, Select, Typography } from 'antd'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

const BADGE = { ONLINE: 'success', OFFLINE: 'default', UNACTIVE: 'warning', DISABLED: 'error' } as const

/** Picks a device of a product, searched on the server by DeviceName or nickname, with each device's status. */
export function DeviceSelect({
  productKey,
  value,
  onChange,
  style,
}: {
  productKey: string | undefined
  value: string | undefined
  onChange: (deviceName: string | undefined) => void
  style?: React.CSSProperties
}) {
  const t = useT()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.device.list.queryOptions(
      productKey ? { productKey, page: 1, pageSize: 50, search: search || undefined } : skipToken,
    ),
    placeholderData: keepPreviousData,
  })
  const items = productKey ? (list.data?.items ?? []) : []
  const options = items.map((d) => ({
    value: d.deviceName,
    label: (
      <Flex gap={8} align="center" justify="space-between">
        <span>
          <span className="mono">{d.deviceName}</span>
          {d.nickname ? <Typography.Text type="secondary">{` (${d.nickname})`}</Typography.Text> : null}
        </span>
        <Badge status={BADGE[d.status]} text={t(`device.status.${d.status}`)} />
      </Flex>
    ),
  }))
  const selectedKnown = !value || options.some((o) => o.value === value)

  return (
    <Select<string>
      aria-label={t('debug.device')}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      value={value}
      onChange={(v) => onChange(v)}
      onClear={() => setSearch('')}
      allowClear
      disabled={!productKey}
      placeholder={t('debug.devicePlaceholder')}
      loading={list.isFetching}
      options={selectedKnown ? options : [{ value, label: <span className="mono">{value}</span> }, ...options]}
      // the chosen device by name only: its live status is shown beside the picker
      labelRender={({ value: v }) => <span className="mono">{String(v)}</span>}
      notFoundContent={list.isPending ? null : t('debug.noDevices')}
      popupMatchSelectWidth={false}
      style={{ minWidth: 260, ...style }}
    />
  )
}
