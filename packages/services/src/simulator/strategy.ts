/**
 * Push strategies of the simulator (reference §6 策略推送): scheduled once (定时推送) or continuous every N seconds
 * within a period (连续推送). Pure: checked the same way by the console (before sending) and the server, with the
 * current time passed in.
 */
import { SIMULATOR_LIMITS, type TPushStrategy } from './schema'

/** A checked strategy: the times it fires at are `from + n × intervalMs` for n = 0 … total − 1. */
export interface PushPlan {
  mode: 'once' | 'continuous'
  /** first fire, epoch ms */
  from: number
  /** last possible fire, epoch ms (= from for a scheduled push) */
  until: number
  /** 0 for a scheduled push */
  intervalMs: number
  /** how many times it fires in all */
  total: number
}

/** Why a strategy is refused; the console words each in the user's language. */
export type StrategyProblem =
  | 'atInPast'
  | 'tooFarAhead'
  | 'untilInPast'
  | 'untilBeforeFrom'
  | 'windowTooLong'
  | 'intervalTooShort'
  | 'intervalLongerThanWindow'

export type StrategyCheck =
  | { ok: true; plan: PushPlan }
  | { ok: false; problem: StrategyProblem; field: 'at' | 'from' | 'until' | 'intervalSec'; message: string }

const minutes = (ms: number) => Math.round(ms / 60_000)
const fail = (
  problem: StrategyProblem,
  field: 'at' | 'from' | 'until' | 'intervalSec',
  message: string,
): StrategyCheck => ({ ok: false, problem, field, message })

/**
 * Checks a scheduled or continuous strategy against the limits (interval ≥ 1 s, period ≤ 3 h, nothing more than
 * 24 h ahead) at time `now` and plans it. A continuous period that began already runs from now on.
 */
export function checkStrategy(s: Exclude<TPushStrategy, { mode: 'now' }>, now: number): StrategyCheck {
  const L = SIMULATOR_LIMITS
  if (s.mode === 'once') {
    const at = s.at.getTime()
    if (!(at > now)) return fail('atInPast', 'at', 'the scheduled time has passed; choose a time in the future')
    if (at - now > L.maxAheadMs)
      return fail('tooFarAhead', 'at', `a push can be scheduled at most ${L.maxAheadMs / 3_600_000} hours ahead`)
    return { ok: true, plan: { mode: 'once', from: at, until: at, intervalMs: 0, total: 1 } }
  }
  const intervalMs = s.intervalSec * 1000
  if (!Number.isInteger(s.intervalSec) || intervalMs < L.minIntervalSec * 1000)
    return fail(
      'intervalTooShort',
      'intervalSec',
      `the interval is a whole number of seconds, at least ${L.minIntervalSec}`,
    )
  const givenFrom = s.from?.getTime() ?? now
  const until = s.until.getTime()
  if (s.from && !(until > givenFrom)) return fail('untilBeforeFrom', 'until', 'the period must end after it starts')
  if (!(until > now)) return fail('untilInPast', 'until', 'the period has ended already; choose one in the future')
  if (until - givenFrom > L.maxWindowMs)
    return fail(
      'windowTooLong',
      'until',
      `the period is ${minutes(until - givenFrom)} minutes; a continuous push lasts at most ${L.maxWindowMs / 3_600_000} hours`,
    )
  if (givenFrom - now > L.maxAheadMs)
    return fail('tooFarAhead', 'from', `a push can be scheduled at most ${L.maxAheadMs / 3_600_000} hours ahead`)
  const from = Math.max(givenFrom, now)
  if (intervalMs > until - from)
    return fail(
      'intervalLongerThanWindow',
      'intervalSec',
      'the interval is longer than the (remaining) period, so only one message would be sent; use a scheduled push',
    )
  return {
    ok: true,
    plan: { mode: 'continuous', from, until, intervalMs, total: Math.floor((until - from) / intervalMs) + 1 },
  }
}

/** When slot `n` of a plan fires (epoch ms), or null past its end. */
export function slotTime(plan: PushPlan, n: number): number | null {
  if (n < 0 || n >= plan.total) return null
  return plan.from + n * plan.intervalMs
}

/**
 * The slot to fire next after slot `last` fired (−1: none yet), at time `now`. Slots whose time passed while the
 * node was busy are skipped (never fired in a burst), except that the first slot fires even when late.
 */
export function nextSlot(plan: PushPlan, last: number, now: number): number | null {
  let n = last + 1
  if (n > 0 && plan.intervalMs > 0) {
    // the latest slot whose time has come: fire it (late) rather than every missed one before it
    const due = Math.floor((now - plan.from) / plan.intervalMs)
    if (due > n) n = due
  }
  return n < plan.total ? n : null
}
