'use client'

import { DatePicker, Flex, Segmented, Typography } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'

export const PRESETS = { h1: 3_600_000, h6: 6 * 3_600_000, d1: 86_400_000, d7: 7 * 86_400_000 } as const
export type Preset = keyof typeof PRESETS
export type Range = { preset: Preset } | { preset: 'custom'; from: number; to: number }

/** The instants of a range; presets count back from now (so "run again" sees the newest rows). */
export function resolveRange(r: Range, now = Date.now()): { from: Date; to: Date } {
  return r.preset === 'custom'
    ? { from: new Date(r.from), to: new Date(r.to) }
    : { from: new Date(now - PRESETS[r.preset]), to: new Date(now) }
}

/** 1 h (default) / 6 h / 24 h / 7 d back from now, or a custom range of at most `maxDays` days when given. */
export function RangeControl({
  value,
  onChange,
  maxDays,
}: {
  value: Range
  onChange: (r: Range) => void
  maxDays?: number
}) {
  const t = useT()
  const tooLong = (a: dayjs.Dayjs, b: dayjs.Dayjs) => !!maxDays && b.diff(a) > maxDays * 86_400_000
  return (
    <Flex gap={8} wrap align="center">
      <Segmented<Range['preset']>
        value={value.preset}
        onChange={(p) => {
          if (p === 'custom') {
            const to = Date.now()
            onChange({ preset: 'custom', from: to - PRESETS.h1, to })
          } else onChange({ preset: p })
        }}
        options={[
          { value: 'h1', label: t('logstore.reports.range.h1') },
          { value: 'h6', label: t('logstore.reports.range.h6') },
          { value: 'd1', label: t('logstore.reports.range.d1') },
          { value: 'd7', label: t('logstore.reports.range.d7') },
          { value: 'custom', label: t('logstore.reports.range.custom') },
        ]}
      />
      {value.preset === 'custom' ? (
        <>
          <DatePicker.RangePicker
            showTime
            allowClear={false}
            value={[dayjs(value.from), dayjs(value.to)]}
            disabledDate={(d, info) => {
              if (d.isAfter(dayjs().endOf('day'))) return true
              const from = info.from
              return !!maxDays && !!from && Math.abs(d.diff(from)) > maxDays * 86_400_000
            }}
            onChange={(v) => {
              const [a, b] = v ?? []
              if (a && b && !tooLong(a, b)) onChange({ preset: 'custom', from: a.valueOf(), to: b.valueOf() })
            }}
          />
          {maxDays ? <Typography.Text type="secondary">{t('logstore.reports.customMax')}</Typography.Text> : null}
        </>
      ) : null}
    </Flex>
  )
}
