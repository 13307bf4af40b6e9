'use client'

import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

interface ContactGroupSelectProps {
  /** set by Form.Item, so the field's label points at the control */
  id?: string
  value?: string[]
  onChange?: (ids: string[]) => void
}

/** Picks the contact groups an alarm notifies; each option names the group's channels. */
export function ContactGroupSelect({ id, value, onChange }: ContactGroupSelectProps) {
  const t = useT()
  const trpc = useTRPC()
  const groups = useQuery(trpc.notify.groups.list.queryOptions({ page: 1, pageSize: 200 }))
  const items = groups.data?.items ?? []
  return (
    <Select
      id={id}
      mode="multiple"
      allowClear
      value={value}
      onChange={(v: string[]) => onChange?.(v)}
      loading={groups.isPending}
      optionFilterProp="label"
      notFoundContent={groups.isPending ? null : t('alarm.form.noGroups')}
      options={items.map((g) => ({
        value: g.id,
        label: g.name,
        title: g.channels.map((c) => t(`notify.group.channel.${c}`)).join(' · '),
      }))}
      optionRender={(o) => (
        <span>
          {o.label}
          <span style={{ color: 'var(--ant-color-text-tertiary)', marginInlineStart: 8, fontSize: 12 }}>
            {o.data.title}
          </span>
        </span>
      )}
    />
  )
}
