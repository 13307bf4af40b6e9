'use client'

import { Input } from 'antd'

/** A text filter applied on Enter or the search button (not on every keystroke); clearing it drops the filter. */
export function FilterInput({
  value,
  onApply,
  placeholder,
  width = 200,
}: {
  value: string | undefined
  onApply: (value: string | undefined) => void
  placeholder: string
  width?: number
}) {
  return (
    <Input.Search
      // re-mount when the address changes the value (e.g. a TraceId clicked in the table)
      key={value ?? ''}
      defaultValue={value}
      placeholder={placeholder}
      aria-label={placeholder}
      allowClear
      onSearch={(v) => onApply(v.trim() || undefined)}
      style={{ width }}
    />
  )
}
