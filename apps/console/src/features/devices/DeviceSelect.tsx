'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Flex, Select, Typography } from 'antd'
import { useState } from 'react'
import { StatusDot } from '@/components/StatusBadge'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

/** The options' status dots follow the devices' state (e.g. a simulator taking one online). */
const REFRESH_MS = 5_000

/**
 * Picks a device of a product, searched on the server by DeviceName or nickname, each option with its status dot.
 * The chosen device shows by name only: the page shows its live state beside the picker.
 */
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
    refetchInterval: REFRESH_MS,
  })
  const items = productKey ? (list.data?.items ?? []) : []
  const options = items.map((d) => ({
    value: d.deviceName,
    label: (
      <Flex gap={6} align="center">
        <StatusDot status={d.status} />
        <span className="mono">{d.deviceName}</span>
        {d.nickname ? <Typography.Text type="secondary">{d.nickname}</Typography.Text> : null}
      </Flex>
    ),
  }))
  const selectedKnown = !value || options.some((o) => o.value === value)

  return (
    <Select<string>
      aria-label={t('device.picker.label')}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      value={value}
      onChange={(v) => onChange(v)}
      onClear={() => setSearch('')}
      allowClear
      disabled={!productKey}
      placeholder={t('device.picker.placeholder')}
      loading={list.isFetching}
      options={selectedKnown ? options : [{ value, label: <span className="mono">{value}</span> }, ...options]}
      labelRender={({ value: v }) => <span className="mono">{String(v)}</span>}
      notFoundContent={list.isPending ? null : t('device.picker.noMatch')}
      popupMatchSelectWidth={false}
      style={{ minWidth: 260 }}
    />
  )
}
