'use client'

import { DatePicker, Flex, Segmented } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'
import type { RangeKind } from './query'

interface TimeRangeControlProps {
  range: RangeKind
  customFrom?: number
  customTo?: number
  onChange: (changes: { range: string | undefined; from: string | undefined; to: string | undefined }) => void
}

/** 1 h (default) / 1 day / 7 days back from now, or a custom range (up to the 7 days logs are kept). */
export function TimeRangeControl({ range, customFrom, customTo, onChange }: TimeRangeControlProps) {
  const t = useT()
  return (
    <Flex gap={8} wrap align="center">
      <Segmented<RangeKind>
        value={range}
        onChange={(r) => {
          if (r === 'custom') {
            const to = Date.now()
            onChange({ range: 'custom', from: String(to - 3_600_000), to: String(to) })
          } else onChange({ range: r === 'h1' ? undefined : r, from: undefined, to: undefined })
        }}
        options={[
          { value: 'h1', label: t('logs.range.h1') },
          { value: 'd1', label: t('logs.range.d1') },
          { value: 'd7', label: t('logs.range.d7') },
          { value: 'custom', label: t('logs.range.custom') },
        ]}
      />
      {range === 'custom' ? (
        <DatePicker.RangePicker
          showTime
          allowClear={false}
          value={customFrom && customTo ? [dayjs(customFrom), dayjs(customTo)] : null}
          disabledDate={(d) => d.isAfter(dayjs().endOf('day')) || d.isBefore(dayjs().subtract(7, 'day').startOf('day'))}
          onChange={(v) => {
            const [a, b] = v ?? []
            if (a && b) onChange({ range: 'custom', from: String(a.valueOf()), to: String(b.valueOf()) })
          }}
        />
      ) : null}
    </Flex>
  )
}
