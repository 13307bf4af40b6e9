'use client'

import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useMemo } from 'react'
import { useTRPC } from '@/trpc/react'

/** Picks a server-side subscription consumer group by name; the value is its group id. */
export function ConsumerGroupSelect({
  id,
  value,
  onChange,
  placeholder,
  style,
  ariaLabel,
}: {
  /** set by Form.Item, so the field's label points at the control */
  id?: string
  value?: string
  onChange?: (groupId: string | undefined) => void
  placeholder?: string
  style?: React.CSSProperties
  /** its accessible name where no form label points at it */
  ariaLabel?: string
}) {
  const trpc = useTRPC()
  const groups = useQuery(trpc.subscription.groups.queryOptions())
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      loading={groups.isPending}
      placeholder={placeholder}
      style={style}
      options={(groups.data ?? []).map((g) => ({ value: g.groupId, label: g.name }))}
    />
  )
}

/** Consumer group names by group id (for lists that store the id). */
export function useConsumerGroupNames() {
  const trpc = useTRPC()
  const groups = useQuery(trpc.subscription.groups.queryOptions())
  return useMemo(() => new Map((groups.data ?? []).map((g) => [g.groupId, g.name])), [groups.data])
}
