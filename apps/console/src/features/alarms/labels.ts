'use client'

import {
  ALARM_STATUSES,
  isRelativeOperator,
  LEVELS,
  type Level,
  OPERATORS,
  type Operator,
  SILENCE_CHOICES,
} from '@iotops/services/schemas'
import { useCallback } from 'react'
import { useT } from '@/i18n/I18nProvider'
import type { RouterOutputs } from '@/trpc/types'

export { LEVELS, type Level, OPERATORS, type Operator, SILENCE_CHOICES }
export type RuleRow = RouterOutputs['alarm']['rules']['items'][number]
export type HistoryRow = RouterOutputs['alarm']['history']['items'][number]
export const STATUSES = ALARM_STATUSES
export type AlarmStatus = (typeof STATUSES)[number]
export const STATUS_COLOR: Record<AlarmStatus, string> = {
  ALARM: 'red',
  REPEAT: 'volcano',
  RECOVERED: 'green',
  NO_DATA: 'default',
}
export { WATERMARK_METRICS as WATERMARK_CODES } from '@iotops/services/schemas'

export const isRelative = isRelativeOperator

/** "5 min", "3 h" for a number of seconds. */
export function useDurationText() {
  const t = useT()
  return useCallback(
    (seconds: number | null | undefined) => {
      if (seconds === null || seconds === undefined) return '-'
      if (seconds >= 3600 && seconds % 3600 === 0) return t('alarm.hours', { n: seconds / 3600 })
      if (seconds >= 3600) {
        const m = Math.round(seconds / 60)
        return `${t('alarm.hours', { n: Math.floor(m / 60) })} ${t('alarm.minutes', { n: m % 60 })}`
      }
      return t('alarm.minutes', { n: Math.max(0, Math.round(seconds / 60)) })
    },
    [t],
  )
}

/** A threshold rule's condition in words: "count >= 2 for 3 periods of 1 min". */
export function useConditionText() {
  const t = useT()
  return useCallback(
    (r: { operator: string | null; threshold: number | null; periods: number | null; granularity: number | null }) => {
      const op = (r.operator ?? '>=') as Operator
      const relative = isRelative(op)
      const vars = {
        op: relative ? t(`alarm.operatorShort.${op as Exclude<Operator, '>=' | '>' | '<=' | '<' | '!='>}`) : op,
        threshold: `${r.threshold ?? '-'}${relative ? '%' : ''}`,
        periods: r.periods ?? 1,
        granularity: r.granularity ?? 1,
      }
      return (r.periods ?? 1) === 1 ? t('alarm.condition.one', vars) : t('alarm.condition.many', vars)
    },
    [t],
  )
}
