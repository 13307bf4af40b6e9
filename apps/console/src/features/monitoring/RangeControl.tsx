'use client'

import { App, DatePicker, Flex, Select } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'
import { checkCustomRange, type Span } from './series'

export interface RangeValue {
  kind: string
  /** the custom range, when kind is 'custom' */
  span?: Span
}

type PresetKey = 'm30' | 'h1' | 'h4' | 'h12' | 'd1' | 'd2' | 'd7' | 'w1'

interface RangeControlProps {
  presets: readonly PresetKey[]
  /** the longest custom range, in days */
  maxDays: number
  value: RangeValue
  onChange: (value: RangeValue) => void
}

/**
 * The time range of a monitoring view: presets counted back from now, or a custom range picked with a calendar
 * whose second date stays within `maxDays` of the first (a longer range is refused with a message).
 */
export function RangeControl({ presets, maxDays, value, onChange }: RangeControlProps) {
  const t = useT()
  const { message } = App.useApp()
  const custom = value.kind === 'custom'
  return (
    <Flex gap={8} align="center" wrap>
      <Select<string>
        aria-label={t('monitoring.range.label')}
        value={value.kind}
        popupMatchSelectWidth={false}
        style={{ minWidth: 120 }}
        onChange={(kind) => {
          if (kind === 'custom') {
            const to = Date.now()
            onChange({ kind, span: { from: to - 3_600_000, to } })
          } else onChange({ kind })
        }}
        options={[
          ...presets.map((p) => ({ value: p, label: t(`monitoring.range.${p}`) })),
          { value: 'custom', label: t('monitoring.range.custom') },
        ]}
      />
      {custom ? (
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          allowClear={false}
          value={value.span ? [dayjs(value.span.from), dayjs(value.span.to)] : null}
          disabledDate={(d, info) => {
            if (d.isAfter(dayjs().endOf('day'))) return true
            const from = info?.from
            return !!from && Math.abs(d.startOf('day').diff(from.startOf('day'), 'day')) > maxDays
          }}
          onChange={(v) => {
            const [a, b] = v ?? []
            if (!a || !b) return
            const problem = checkCustomRange(a.valueOf(), b.valueOf(), maxDays)
            if (problem === 'tooLong') message.error(t('monitoring.range.tooLong', { days: maxDays }))
            else if (problem === 'order') message.error(t('monitoring.range.order'))
            else onChange({ kind: 'custom', span: { from: a.valueOf(), to: b.valueOf() } })
          }}
          style={{ minWidth: 320 }}
        />
      ) : null}
    </Flex>
  )
}
