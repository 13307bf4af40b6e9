'use client'

import type { TSceneAction, TSceneTrigger } from '@iotops/services/schemas'
import { Tag } from 'antd'
import { useCallback } from 'react'
import { useT } from '@/i18n/I18nProvider'
import type { MessageKey } from '@/i18n/translate'
import type { RouterOutputs } from '@/trpc/types'

export type AlertRow = RouterOutputs['alertCenter']['list']['items'][number]
export type AlertDetail = RouterOutputs['alertCenter']['byId']
export type AlertRuleRow = RouterOutputs['alertCenter']['rules']['items'][number]
export type SceneRow = RouterOutputs['scene']['list']['items'][number]
export type RunRow = RouterOutputs['scene']['runs']['items'][number]

export const LEVEL_VALUES = [1, 2, 3, 4, 5] as const
const LEVEL_COLOR: Record<number, string> = { 1: 'red', 2: 'volcano', 3: 'orange', 4: 'gold', 5: 'blue' }
const STATUS_COLOR: Record<string, string> = { PENDING: 'red', HANDLED: 'green', IGNORED: 'default' }

/** `alerts.<path>` as a typed key (for keys built from values). */
export const k = (path: string) => `alerts.${path}` as MessageKey

export function AlertLevelTag({ level }: { level: number }) {
  const t = useT()
  return <Tag color={LEVEL_COLOR[level] ?? 'default'}>{t(k(`level.${level}`))}</Tag>
}

export function AlertStatusTag({ status }: { status: string }) {
  const t = useT()
  return <Tag color={STATUS_COLOR[status] ?? 'default'}>{t(k(`status.${status}`))}</Tag>
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

/** One-line descriptions of a scene rule's triggers and actions (the scene table). */
export function useSceneText() {
  const t = useT()
  const trigger = useCallback(
    (x: TSceneTrigger) => {
      if (x.type === 'schedule') return t('alerts.scenes.summary.schedule', { cron: x.cron, timezone: x.timezone })
      const target = x.deviceName
        ? `${x.productKey}/${x.deviceName}`
        : t('alerts.scenes.summary.anyDevice', { product: x.productKey })
      if (x.type === 'property')
        return x.op === 'changed'
          ? t('alerts.scenes.summary.propertyChanged', { target, identifier: x.identifier })
          : t('alerts.scenes.summary.property', {
              target,
              identifier: x.identifier,
              op: t(k(`scenes.op.${x.op}`)),
              value: show(x.value),
            })
      if (x.type === 'event')
        return t('alerts.scenes.summary.event', {
          target,
          event:
            [x.eventType ? t(k(`scenes.eventType.${x.eventType}`)) : null, x.identifier].filter(Boolean).join(' · ') ||
            t('alerts.scenes.fields.anyEvent'),
        })
      return t('alerts.scenes.summary.status', { target, status: t(k(`scenes.deviceStatus.${x.status}`)) })
    },
    [t],
  )
  const action = useCallback(
    (a: TSceneAction, ruleName?: (id: string) => string | undefined) => {
      const what = t(k(`scenes.actionType.${a.type}`))
      if (a.type === 'alert') return `${what}: ${ruleName?.(a.alertRuleId) ?? a.alertRuleId.slice(0, 8)}`
      if (a.type === 'webhook') return `${what}: ${a.url}`
      if (a.type === 'publish') return `${what}: ${a.topic}`
      const device = a.deviceName ? `${a.productKey}/${a.deviceName}` : t('alerts.scenes.fields.triggeringDevice')
      if (a.type === 'setProperty') return `${what}: ${device} ${JSON.stringify(a.items)}`
      return `${what}: ${device} ${a.identifier}`
    },
    [t],
  )
  return { trigger, action }
}

/** A JSON value laid out on several lines (trigger values, run details). */
export function JsonBlock({ value }: { value: unknown }) {
  return (
    <pre
      className="mono"
      style={{
        margin: 0,
        padding: 8,
        fontSize: 12,
        background: 'var(--ant-color-fill-quaternary)',
        borderRadius: 6,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
        maxHeight: 280,
        overflow: 'auto',
      }}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}
