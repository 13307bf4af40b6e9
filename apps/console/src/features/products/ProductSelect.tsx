'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

interface ProductSelectProps {
  /** set by Form.Item, so the field's label points at the control */
  id?: string
  value?: string
  onChange?: (productKey: string | undefined) => void
  allowClear?: boolean
  placeholder?: string
  style?: React.CSSProperties
  disabled?: boolean
}

/** Picks a product by name (searched on the server); the value is the ProductKey. */
export function ProductSelect({ id, value, onChange, allowClear, placeholder, style, disabled }: ProductSelectProps) {
  const t = useT()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.product.list.queryOptions({ page: 1, pageSize: 50, search: search || undefined }),
    placeholderData: keepPreviousData,
  })
  const options = (list.data?.items ?? []).map((p) => ({ value: p.productKey, label: p.name }))
  // keep the chosen product's label even when it is not among the current search results
  const selectedKnown = !value || options.some((o) => o.value === value)

  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      onClear={() => setSearch('')}
      allowClear={allowClear}
      disabled={disabled}
      placeholder={placeholder ?? t('device.filters.product')}
      loading={list.isFetching}
      options={selectedKnown ? options : [{ value, label: value }, ...options]}
      notFoundContent={list.isPending ? null : t('common.noMatch')}
      style={{ minWidth: 200, ...style }}
    />
  )
}
