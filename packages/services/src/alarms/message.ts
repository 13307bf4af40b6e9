import { metricDef } from '../metrics/codes'
import type { LimitEvent } from './engine'
import type { Transition } from './evaluate'
import { isRelativeOperator } from './schema'

interface RuleLike {
  id: string
  name: string
  metric: string
  operator: string
  threshold: number
  periods: number
  granularity: number
  level: string
}

const OPERATOR_TEXT: Record<string, string> = {
  '>=': '>=',
  '>': '>',
  '<=': '<=',
  '<': '<',
  '!=': '!=',
  dod_up: 'rise vs the same time yesterday >=',
  dod_down: 'fall vs the same time yesterday >=',
  wow_up: 'rise vs the same time last week >=',
  wow_down: 'fall vs the same time last week >=',
  pop_up: 'rise vs the previous period >=',
  pop_down: 'fall vs the previous period >=',
}

/** 2026-11-24 10:42:00 in the server's time zone, with its offset. */
export function localTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-'
  const m = Math.round(seconds / 60)
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`
}

/**
 * A threshold alarm in the layout the reference's alarm e-mails use: the instance (productKey, instanceId,
 * regionId), the metric code, time, value and duration, then the rule details.
 */
export function thresholdMessage(a: {
  instanceId: string
  regionId: string
  rule: RuleLike
  productKey: string
  transition: Transition
  at: number
  value: number | null
  durationSeconds: number | null
}) {
  const { rule } = a
  // a consumer group metric's series is a group, not a product
  const def = metricDef(rule.metric)
  const key = def?.chart === 'area' && def.dimension === 'consumerGroup' ? 'consumerGroupId' : 'productKey'
  const target = `${a.productKey ? `${key}=${a.productKey}, ` : ''}instanceId=${a.instanceId}, regionId=${a.regionId}`
  const value = a.value === null ? 'no data' : String(Math.round(a.value * 1000) / 1000)
  const cond = `${OPERATOR_TEXT[rule.operator] ?? rule.operator} ${rule.threshold}${isRelativeOperator(rule.operator) ? '%' : ''}`
  const what = {
    ALARM: `alarm at ${localTime(a.at)}: value ${value}, lasting ${duration(a.durationSeconds)}`,
    REPEAT: `still alarming at ${localTime(a.at)}: value ${value}, lasting ${duration(a.durationSeconds)}`,
    RECOVERED: `recovered at ${localTime(a.at)}: value ${value}`,
    NO_DATA: `no data since ${localTime(a.at - rule.periods * rule.granularity * 60_000)} (${rule.periods} period(s) of ${rule.granularity} min without a point)`,
  }[a.transition]
  const text = [
    `IoT Ops instance: ${target}`,
    `${rule.metric} ${what}.`,
    `Rule details: alarm rule ${rule.name}, ${rule.metric} ${rule.granularity}-minute statistic, ${rule.periods} consecutive period(s) meeting: count ${cond}.`,
  ].join('\n')
  const label = { ALARM: 'ALARM', REPEAT: 'ALARM (repeat)', RECOVERED: 'RECOVERED', NO_DATA: 'NO DATA' }[a.transition]
  return {
    subject: `[${rule.level}] ${label}: ${rule.name} — ${rule.metric}${a.productKey ? ` (${a.productKey})` : ''}`,
    text,
    durationSeconds: a.durationSeconds,
    data: {
      kind: 'threshold',
      status: a.transition,
      level: rule.level,
      instanceId: a.instanceId,
      regionId: a.regionId,
      productKey: a.productKey || null,
      metric: rule.metric,
      value: a.value,
      at: new Date(a.at).toISOString(),
      durationSeconds: a.durationSeconds,
      rule: {
        id: rule.id,
        name: rule.name,
        operator: rule.operator,
        threshold: rule.threshold,
        periods: rule.periods,
        granularity: rule.granularity,
      },
    },
  }
}

/** The reference's compact event time, 20190629T083607.521+0800. */
export function eventTime(ms: number): string {
  const t = localTime(ms)
  const millis = String(ms % 1000).padStart(3, '0')
  return `${t.slice(0, 10).replaceAll('-', '')}T${t.slice(11, 19).replaceAll(':', '')}.${millis}${t.slice(20)}`
}

/**
 * A system event alarm as the reference lays it out: event name, the resource (resourceId
 * acs:iot:{regionId}::instance/{instanceId}/product/{pk}/device/{dn}, resource name = the instance, the device's
 * group ids), level WARN, time, status Fail and the JSON details.
 */
export function eventMessage(a: {
  instanceId: string
  regionId: string
  rule: { id: string; name: string; level: string }
  event: LimitEvent
  groups: string[]
}) {
  const e = a.event
  const path = e.productKey && e.deviceName ? `/product/${e.productKey}/device/${e.deviceName}` : ''
  const resource = `acs:iot:${a.regionId}::instance/${a.instanceId}${path}`
  const details = {
    ...(e.productKey ? { productKey: e.productKey } : {}),
    ...(e.deviceName ? { deviceName: e.deviceName } : {}),
    instanceId: a.instanceId,
    regionId: a.regionId,
  }
  const text = [
    'IoT system event alarm:',
    `Event: ${e.event}`,
    `Resource: resourceId:${resource}; resource name: ${a.instanceId}; group ids: [${a.groups.join(',')}]`,
    'Level: WARN',
    `Time: ${eventTime(e.at.getTime())}`,
    'Status: Fail',
    `Details: ${JSON.stringify(details)}`,
    `Limit: ${e.limit} (alarm rule ${a.rule.name})`,
  ].join('\n')
  return {
    subject: `[${a.rule.level}] ${e.event}${e.deviceName ? ` ${e.productKey}/${e.deviceName}` : ''}`,
    text,
    resource,
    data: {
      kind: 'event',
      event: e.event,
      resourceId: resource,
      resourceName: a.instanceId,
      groupIds: a.groups,
      eventLevel: 'WARN',
      status: 'Fail',
      time: eventTime(e.at.getTime()),
      details,
      limit: e.limit,
      rule: { id: a.rule.id, name: a.rule.name },
    },
  }
}
