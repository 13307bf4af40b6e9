'use client'

import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { AutoComplete, Select } from 'antd'
import { useState } from 'react'
import { useTRPC } from '@/trpc/react'

/** A device of a product, searched on the server; empty means "any" / "the triggering device" (placeholder). */
export function DeviceField({
  id,
  productKey,
  value,
  onChange,
  placeholder,
  required,
}: {
  id?: string
  productKey: string | undefined
  value?: string
  onChange?: (v: string | undefined) => void
  placeholder?: string
  required?: boolean
}) {
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.device.list.queryOptions(
      productKey ? { productKey, page: 1, pageSize: 50, search: search || undefined } : skipToken,
    ),
    placeholderData: keepPreviousData,
  })
  const options = (list.data?.items ?? []).map((d) => ({ value: d.deviceName, label: d.deviceName }))
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: value })
  return (
    <Select
      id={id}
      value={value}
      onChange={(v?: string) => onChange?.(v)}
      allowClear={!required}
      disabled={!productKey}
      placeholder={placeholder}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      onClear={() => setSearch('')}
      loading={list.isFetching}
      options={options}
      style={{ minWidth: 200 }}
      popupMatchSelectWidth={false}
    />
  )
}

type Kind = 'properties' | 'events' | 'services'

/** An identifier from the product's thing model (`module:identifier` outside the default module); free text allowed. */
export function IdentifierField({
  id,
  productKey,
  kind,
  value,
  onChange,
  placeholder,
}: {
  id?: string
  productKey: string | undefined
  kind: Kind
  value?: string
  onChange?: (v: string) => void
  placeholder?: string
}) {
  const trpc = useTRPC()
  const product = useQuery({
    ...trpc.product.byKey.queryOptions(productKey ? { productKey } : skipToken),
    staleTime: 60_000,
  })
  const options =
    product.data?.thingModel.modules.flatMap((m) =>
      (m[kind] as { identifier: string; name: string }[]).map((x) => {
        const full = m.identifier === 'default' ? x.identifier : `${m.identifier}:${x.identifier}`
        return { value: full, label: `${x.name} (${full})` }
      }),
    ) ?? []
  return (
    <AutoComplete
      id={id}
      value={value}
      onChange={(v: string) => onChange?.(v)}
      options={options}
      placeholder={placeholder}
      style={{ minWidth: 180 }}
      popupMatchSelectWidth={false}
      filterOption={(input, o) => `${o?.value ?? ''} ${o?.label ?? ''}`.toLowerCase().includes(input.toLowerCase())}
    />
  )
}

/** "30" → 30, "true" → true, anything else stays text. */
export function parseThreshold(v: unknown): number | string | boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') return v as number | boolean
  const s = v.trim()
  if (s === '') return undefined
  if (s === 'true' || s === 'false') return s === 'true'
  if (Number.isFinite(Number(s))) return Number(s)
  return s
}
