import { SIMULATOR_MAX_DURATION_MS, SIMULATOR_MIN_INTERVAL_MS } from '@iotops/alink'
import { describe, expect, it } from 'vitest'
import { SIMULATOR_LIMITS, ZPushStrategy, ZServiceReply } from './schema'
import { checkStrategy, nextSlot, type PushPlan, slotTime } from './strategy'

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0)
const at = (ms: number) => new Date(NOW + ms)
const S = 1000
const H = 3_600_000

describe('simulator limits', () => {
  it('are the reference limits of the protocol package (ref §6: ≥ 1 s, ≤ 3 h)', () => {
    expect(SIMULATOR_LIMITS.minIntervalSec * 1000).toBe(SIMULATOR_MIN_INTERVAL_MS)
    expect(SIMULATOR_LIMITS.maxWindowMs).toBe(SIMULATOR_MAX_DURATION_MS)
  })
})

describe('checkStrategy: scheduled push (定时推送)', () => {
  it('plans one fire at the time', () => {
    const c = checkStrategy({ mode: 'once', at: at(90 * S) }, NOW)
    expect(c).toEqual({
      ok: true,
      plan: { mode: 'once', from: NOW + 90 * S, until: NOW + 90 * S, intervalMs: 0, total: 1 },
    })
  })
  it('refuses a time that has passed (or is now) and one more than 24 h ahead', () => {
    expect(checkStrategy({ mode: 'once', at: at(0) }, NOW)).toMatchObject({
      ok: false,
      problem: 'atInPast',
      field: 'at',
    })
    expect(checkStrategy({ mode: 'once', at: at(-S) }, NOW)).toMatchObject({ ok: false, problem: 'atInPast' })
    expect(checkStrategy({ mode: 'once', at: at(24 * H + S) }, NOW)).toMatchObject({
      ok: false,
      problem: 'tooFarAhead',
    })
    expect(checkStrategy({ mode: 'once', at: at(24 * H) }, NOW).ok).toBe(true)
  })
})

describe('checkStrategy: continuous push (连续推送)', () => {
  it('plans every interval from the start to the end of the period, both included', () => {
    const c = checkStrategy({ mode: 'continuous', intervalSec: 10, from: at(60 * S), until: at(120 * S) }, NOW)
    expect(c).toEqual({
      ok: true,
      plan: { mode: 'continuous', from: NOW + 60 * S, until: NOW + 120 * S, intervalMs: 10 * S, total: 7 },
    })
  })
  it('starts now when the start is absent or has passed', () => {
    const c = checkStrategy({ mode: 'continuous', intervalSec: 1, until: at(3500) }, NOW)
    expect(c).toMatchObject({ ok: true, plan: { from: NOW, total: 4 } })
    const late = checkStrategy({ mode: 'continuous', intervalSec: 60, from: at(-H), until: at(H) }, NOW)
    expect(late).toMatchObject({ ok: true, plan: { from: NOW, until: NOW + H, total: 61 } })
  })
  it('accepts exactly 1 s and exactly 3 h (the reference limits) and refuses beyond them', () => {
    expect(checkStrategy({ mode: 'continuous', intervalSec: 1, from: at(0), until: at(3 * H) }, NOW)).toMatchObject({
      ok: true,
      plan: { total: 3 * 3600 + 1 },
    })
    expect(
      checkStrategy({ mode: 'continuous', intervalSec: 1, from: at(S), until: at(3 * H + 2 * S) }, NOW),
    ).toMatchObject({ ok: false, problem: 'windowTooLong', field: 'until' })
    expect(checkStrategy({ mode: 'continuous', intervalSec: 0, until: at(H) }, NOW)).toMatchObject({
      ok: false,
      problem: 'intervalTooShort',
      field: 'intervalSec',
    })
    expect(checkStrategy({ mode: 'continuous', intervalSec: 0.5, until: at(H) }, NOW)).toMatchObject({
      ok: false,
      problem: 'intervalTooShort',
    })
  })
  it('refuses periods that ended, end before they start, start too far ahead, or are shorter than the interval', () => {
    expect(checkStrategy({ mode: 'continuous', intervalSec: 5, until: at(-S) }, NOW)).toMatchObject({
      ok: false,
      problem: 'untilInPast',
    })
    expect(checkStrategy({ mode: 'continuous', intervalSec: 5, from: at(-2 * H), until: at(-H) }, NOW)).toMatchObject({
      ok: false,
      problem: 'untilInPast',
    })
    expect(checkStrategy({ mode: 'continuous', intervalSec: 5, from: at(H), until: at(H) }, NOW)).toMatchObject({
      ok: false,
      problem: 'untilBeforeFrom',
    })
    expect(
      checkStrategy({ mode: 'continuous', intervalSec: 5, from: at(25 * H), until: at(26 * H) }, NOW),
    ).toMatchObject({ ok: false, problem: 'tooFarAhead', field: 'from' })
    expect(checkStrategy({ mode: 'continuous', intervalSec: 120, until: at(60 * S) }, NOW)).toMatchObject({
      ok: false,
      problem: 'intervalLongerThanWindow',
    })
  })
})

describe('next fire', () => {
  const plan: PushPlan = { mode: 'continuous', from: NOW, until: NOW + 10 * S, intervalMs: 2 * S, total: 6 }

  it('fires at from + n × interval, then stops', () => {
    expect([0, 1, 5, 6, -1].map((n) => slotTime(plan, n))).toEqual([NOW, NOW + 2 * S, NOW + 10 * S, null, null])
    expect(nextSlot(plan, -1, NOW - 5 * S)).toBe(0)
    expect(nextSlot(plan, 0, NOW + 10)).toBe(1)
    expect(nextSlot(plan, 5, NOW + 10 * S)).toBeNull()
  })
  it('fires the first slot even late, and skips slots missed while the node was busy (no burst)', () => {
    expect(nextSlot(plan, -1, NOW + 7 * S)).toBe(0)
    expect(nextSlot(plan, 0, NOW + 7 * S)).toBe(3)
    expect(nextSlot(plan, 0, NOW + 60 * S)).toBeNull()
  })
  it('fires a scheduled push once', () => {
    const once: PushPlan = { mode: 'once', from: NOW, until: NOW, intervalMs: 0, total: 1 }
    expect(nextSlot(once, -1, NOW + S)).toBe(0)
    expect(nextSlot(once, 0, NOW + S)).toBeNull()
  })
})

describe('input schemas', () => {
  it('checks the interval and the reply shapes before the service sees them', () => {
    expect(ZPushStrategy.safeParse({ mode: 'continuous', intervalSec: 0.5, until: at(H) }).success).toBe(false)
    expect(ZPushStrategy.safeParse({ mode: 'continuous', intervalSec: 1, until: at(H) }).success).toBe(true)
    expect(ZPushStrategy.safeParse({ mode: 'once' }).success).toBe(false)
    expect(ZServiceReply.safeParse({ mode: 'error', code: 200, message: 'x' }).success).toBe(false)
    expect(ZServiceReply.safeParse({ mode: 'error', code: 460, message: 'busy' }).success).toBe(true)
  })
})
