import { cronMatches, inTimeWindow, parseCron, wallClock } from './cron'
import type { CompareOp, TSceneCondition, TSceneTrigger } from './schema'

// Pure: which triggers an incoming device happening matches, and how a comparison evaluates. No I/O.

/** What the scene engine hears from the hub (or its own clock). */
export type SceneEvent =
  | {
      kind: 'property'
      productKey: string
      deviceName: string
      values: { identifier: string; value: unknown }[]
      at: number
    }
  | {
      kind: 'event'
      productKey: string
      deviceName: string
      identifier: string
      eventType: string
      params: unknown
      at: number
    }
  | { kind: 'status'; productKey: string; deviceName: string; status: 'ONLINE' | 'OFFLINE'; code: number; at: number }
  | { kind: 'schedule'; at: number }

/** What started a run, as stored in `scene_run.trigger` and shown in the run history and alert details. */
export interface TriggerMatch {
  /** index of the trigger in the rule */
  index: number
  type: TSceneTrigger['type']
  at: string
  productKey?: string
  deviceName?: string
  identifier?: string
  value?: unknown
  previous?: unknown
  op?: string
  threshold?: unknown
  eventType?: string
  params?: unknown
  status?: string
  code?: number
  cron?: string
  /** schedule: the minute fired (ISO) */
  slot?: string
}

const toNum = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return null
}

/** `actual op threshold`: numbers (and booleans as 0/1, numeric strings) by value, anything else by text. */
export function compare(op: CompareOp, actual: unknown, threshold: unknown): boolean {
  if (actual === undefined || actual === null) return false
  const a = toNum(actual)
  const b = toNum(threshold)
  if (op === '==' || op === '!=') {
    const eq = a !== null && b !== null ? a === b : JSON.stringify(actual) === JSON.stringify(threshold)
    return op === '==' ? eq : !eq
  }
  if (a === null || b === null) return false
  switch (op) {
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '<':
      return a < b
    case '<=':
      return a <= b
  }
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

const deviceMatches = (t: { productKey: string; deviceName?: string }, e: { productKey: string; deviceName: string }) =>
  t.productKey === e.productKey && (!t.deviceName || t.deviceName === e.deviceName)

/**
 * The first trigger of a rule that an event matches, or null. `previous` gives the value a property had before
 * this report (for `changed`; unknown → not a change).
 */
export function matchTrigger(
  triggers: TSceneTrigger[],
  e: SceneEvent,
  previous: (productKey: string, deviceName: string, identifier: string) => unknown,
): TriggerMatch | null {
  const at = new Date(e.at).toISOString()
  for (const [index, t] of triggers.entries()) {
    if (t.type === 'schedule' || e.kind === 'schedule') {
      if (t.type !== 'schedule' || e.kind !== 'schedule') continue
      const spec = parseCron(t.cron)
      if (!spec.ok || !cronMatches(spec.spec, wallClock(e.at, t.timezone))) continue
      return { index, type: 'schedule', at, cron: t.cron, slot: at }
    }
    if (!deviceMatches(t, e)) continue
    if (t.type === 'property' && e.kind === 'property') {
      const v = e.values.find((x) => x.identifier === t.identifier)
      if (!v) continue
      const prev = previous(e.productKey, e.deviceName, t.identifier)
      const hit = t.op === 'changed' ? prev !== undefined && !sameValue(prev, v.value) : compare(t.op, v.value, t.value)
      if (!hit) continue
      return {
        index,
        type: 'property',
        at,
        productKey: e.productKey,
        deviceName: e.deviceName,
        identifier: t.identifier,
        value: v.value,
        ...(prev !== undefined ? { previous: prev } : {}),
        op: t.op,
        ...(t.value !== undefined ? { threshold: t.value } : {}),
      }
    }
    if (t.type === 'event' && e.kind === 'event') {
      if (t.eventType && t.eventType !== e.eventType) continue
      if (t.identifier && t.identifier !== e.identifier) continue
      return {
        index,
        type: 'event',
        at,
        productKey: e.productKey,
        deviceName: e.deviceName,
        identifier: e.identifier,
        eventType: e.eventType,
        params: e.params,
      }
    }
    if (t.type === 'status' && e.kind === 'status' && t.status === e.status) {
      return {
        index,
        type: 'status',
        at,
        productKey: e.productKey,
        deviceName: e.deviceName,
        status: e.status,
        code: e.code,
      }
    }
  }
  return null
}

export interface ConditionResult {
  index: number
  type: TSceneCondition['type']
  /** what was looked at: the wall-clock time, or the other device's current value */
  value: unknown
  passed: boolean
  reason?: string
}

/** A time-window condition at an instant. */
export function evaluateTime(
  c: Extract<TSceneCondition, { type: 'time' }>,
  index: number,
  at: number,
): ConditionResult {
  const w = wallClock(at, c.timezone)
  const hhmm = `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`
  return {
    index,
    type: 'time',
    value: { weekday: w.weekday, time: hhmm, timezone: c.timezone },
    passed: inTimeWindow(c, at),
  }
}

/** A property-state condition against the device's current value (`undefined`: never reported). */
export function evaluateProperty(
  c: Extract<TSceneCondition, { type: 'property' }>,
  index: number,
  current: unknown,
): ConditionResult {
  if (current === undefined)
    return {
      index,
      type: 'property',
      value: null,
      passed: false,
      reason: `${c.productKey}/${c.deviceName} has not reported ${c.identifier}`,
    }
  return { index, type: 'property', value: current, passed: compare(c.op, current, c.value) }
}

/** The products a rule's device triggers listen to (empty for schedule-only rules). */
export function productsOf(triggers: TSceneTrigger[]): string[] {
  return [...new Set(triggers.flatMap((t) => (t.type === 'schedule' ? [] : [t.productKey])))]
}
