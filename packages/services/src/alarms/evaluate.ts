import type { Operator } from './schema'

export type AlarmStateName = 'OK' | 'ALARM' | 'NO_DATA'

export interface RuleState {
  state: AlarmStateName
  /** consecutive periods the condition held */
  streak: number
  /** consecutive periods without data */
  missing: number
  /** start of the first period of the current alarm or silence */
  since: number | null
  lastNotifiedAt: number | null
}

export const INITIAL_STATE: RuleState = { state: 'OK', streak: 0, missing: 0, since: null, lastNotifiedAt: null }

export interface Period {
  /** period start and end, epoch ms */
  start: number
  end: number
  /** the metric's value in the period; null: no data arrived */
  value: number | null
  /** the value it is compared with for dod/wow/pop operators (same period yesterday / last week / previous period) */
  reference: number | null
}

export interface RuleSpec {
  operator: Operator
  threshold: number
  periods: number
  silenceSeconds: number
  noDataAlert: boolean
  /** a counter: a period without points counted nothing (0) unless the rule alerts on no data */
  counter: boolean
}

export type Transition = 'ALARM' | 'REPEAT' | 'RECOVERED' | 'NO_DATA'

/**
 * Whether a period's value meets the rule. For the relative operators the threshold is a percentage: "rise by ≥ N %"
 * compared with the reference period; without a usable reference (none, or 0) the condition cannot hold.
 */
export function conditionHolds(op: Operator, threshold: number, value: number, reference: number | null): boolean {
  switch (op) {
    case '>=':
      return value >= threshold
    case '>':
      return value > threshold
    case '<=':
      return value <= threshold
    case '<':
      return value < threshold
    case '!=':
      return value !== threshold
    default: {
      if (reference === null || reference === 0) return false
      const change = ((value - reference) / Math.abs(reference)) * 100
      return op.endsWith('_up') ? change >= threshold : -change >= threshold
    }
  }
}

/** Which period the relative operators compare with, as an offset back in time (ms) from the period's start. */
export function referenceOffset(op: Operator, granularityMs: number): number | null {
  if (op.startsWith('dod_')) return 86_400_000
  if (op.startsWith('wow_')) return 7 * 86_400_000
  if (op.startsWith('pop_')) return granularityMs
  return null
}

/**
 * One closed period through the rule's state machine: the alarm fires when the condition has held for `periods`
 * consecutive periods, repeats while it holds once the silence period has passed since the last notice, and
 * recovers on the first period where it does not hold.
 *
 * A period without points: for a rule that alerts on no data it counts towards "no data" (announced once after
 * `periods` empty periods, with a recovery notice when data is back); otherwise a counter counted 0 in it and is
 * judged as such, and a level (gauge) is not judged at all — an unknown level neither fires nor recovers.
 */
export function step(rule: RuleSpec, s: RuleState, p: Period): { state: RuleState; transition: Transition | null } {
  if (p.value === null && !rule.noDataAlert) {
    if (!rule.counter) return { state: { ...s, missing: s.missing + 1 }, transition: null }
    return step(rule, s, { ...p, value: 0 })
  }
  if (p.value === null) {
    const missing = s.missing + 1
    const next = { ...s, streak: 0, missing }
    if (rule.noDataAlert && missing >= rule.periods && s.state !== 'NO_DATA') {
      return {
        state: {
          ...next,
          state: 'NO_DATA',
          since: p.start - (rule.periods - 1) * (p.end - p.start),
          lastNotifiedAt: p.end,
        },
        transition: 'NO_DATA',
      }
    }
    return { state: next, transition: null }
  }
  const holds = conditionHolds(rule.operator, rule.threshold, p.value, p.reference)
  const streak = holds ? s.streak + 1 : 0
  const next: RuleState = { ...s, streak, missing: 0 }
  if (holds && streak >= rule.periods) {
    if (s.state !== 'ALARM') {
      const since = p.start - (rule.periods - 1) * (p.end - p.start)
      return { state: { ...next, state: 'ALARM', since, lastNotifiedAt: p.end }, transition: 'ALARM' }
    }
    if (s.lastNotifiedAt === null || p.end - s.lastNotifiedAt >= rule.silenceSeconds * 1000)
      return { state: { ...next, lastNotifiedAt: p.end }, transition: 'REPEAT' }
    return { state: next, transition: null }
  }
  if (s.state === 'ALARM' && !holds)
    return { state: { ...next, state: 'OK', since: null, lastNotifiedAt: p.end }, transition: 'RECOVERED' }
  if (s.state === 'NO_DATA') {
    // data is back: a recovery notice if the silence was announced, then judged as usual from here on
    return {
      state: { ...next, state: 'OK', since: null, lastNotifiedAt: p.end },
      transition: rule.noDataAlert ? 'RECOVERED' : null,
    }
  }
  return { state: next, transition: null }
}

/** Whether a period ending at `end` lies in the rule's daily effective window (local time of the server). */
export function inWindow(from: string, to: string, end: number): boolean {
  const d = new Date(end - 1)
  const minutes = d.getHours() * 60 + d.getMinutes()
  const f = toMinutes(from)
  const t = toMinutes(to)
  return f <= t ? minutes >= f && minutes <= t : minutes >= f || minutes <= t
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
