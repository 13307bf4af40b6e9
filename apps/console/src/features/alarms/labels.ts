'use client'

// type-only: the schemas entry point pulls server modules (metrics/query → pg) into the browser bundle
import type { Level as ServerLevel, Operator as ServerOperator } from '@iotops/services/schemas'
import { useCallback } from 'react'
import { useT } from '@/i18n/I18nProvider'
import type { RouterOutputs } from '@/trpc/types'

export type RuleRow = RouterOutputs['alarm']['rules']['items'][number]
export type HistoryRow = RouterOutputs['alarm']['history']['items'][number]
/** The server's operators (alarms/schema.ts), in the order the form offers them. */
export const OPERATORS = [
  '>=',
  '>',
  '<=',
  '<',
  '!=',
  'dod_up',
  'dod_down',
  'wow_up',
  'wow_down',
  'pop_up',
  'pop_down',
] as const satisfies readonly ServerOperator[]
export type Operator = (typeof OPERATORS)[number]
export const LEVELS = ['CRITICAL', 'WARNING', 'INFO'] as const satisfies readonly ServerLevel[]
export type Level = (typeof LEVELS)[number]
/** The silence periods the server accepts (SILENCE_CHOICES in alarms/schema.ts), seconds. */
export const SILENCE_CHOICES = [300, 900, 1800, 3600, 10800, 21600, 43200, 86400] as const
export const STATUSES = ['ALARM', 'REPEAT', 'RECOVERED', 'NO_DATA'] as const
export type AlarmStatus = (typeof STATUSES)[number]
export const STATUS_COLOR: Record<AlarmStatus, string> = {
  ALARM: 'red',
  REPEAT: 'volcano',
  RECOVERED: 'green',
  NO_DATA: 'default',
}
export const WATERMARK_CODES = [
  'DeviceNum_instance',
  'MessageWatermarkTps_instance',
  'RuleEngineWatermarkTps_instance',
] as const

/** The relative operators compare with an earlier value and take a percentage. */
export const isRelative = (op: string) => op.includes('_')

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
