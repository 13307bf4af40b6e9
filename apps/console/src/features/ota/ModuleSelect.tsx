'use client'

import { skipToken, useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

/** Picks an OTA module of a product ('default' is always there); the value is the module name. */
export function ModuleSelect({
  id,
  productKey,
  value,
  onChange,
  allowClear,
  style,
}: {
  id?: string
  productKey: string | undefined
  value?: string
  onChange?: (name: string | undefined) => void
  allowClear?: boolean
  style?: React.CSSProperties
}) {
  const t = useT()
  const trpc = useTRPC()
  const modules = useQuery(trpc.ota.modules.queryOptions(productKey ? { productKey } : skipToken))
  return (
    <Select
      id={id}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      allowClear={allowClear}
      disabled={!productKey}
      placeholder={t('ota.filters.module')}
      loading={modules.isFetching}
      options={(modules.data ?? []).map((m) => ({
        value: m.name,
        label: m.alias ? `${m.name} (${m.alias})` : m.name,
      }))}
      notFoundContent={t('common.noMatch')}
      style={{ minWidth: 160, ...style }}
    />
  )
}
