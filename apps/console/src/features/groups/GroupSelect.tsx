'use client'

import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

/** Picks a device group by name; the value is the group id. */
export function GroupSelect({
  value,
  onChange,
  style,
}: {
  value?: string
  onChange?: (id: string | undefined) => void
  style?: React.CSSProperties
}) {
  const t = useT()
  const trpc = useTRPC()
  const list = useQuery(trpc.group.list.queryOptions({ page: 1, pageSize: 200 }))
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      allowClear
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      placeholder={t('device.filters.group')}
      loading={list.isPending}
      options={(list.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
      notFoundContent={t('common.noMatch')}
      style={{ minWidth: 180, ...style }}
    />
  )
}
