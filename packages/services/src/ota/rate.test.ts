import { describe, expect, it } from 'vitest'
import { ZOtaRate } from './job-schema'
import { pushBudget, ratePerMinute, rateSchedule, refill } from './rate'

const example = ZOtaRate.parse({ mode: 'VARIABLE', base: 50, factor: 2, max: 10_000, threshold: 1000, by: 'PUSHED' })

describe('OTA push rate', () => {
  it("follows the reference's worked example: 50/min until 1,000 pushed, doubling per 1,000, capped at 10,000", () => {
    // ref §8.2.3: 50 → 100 (1,000) → 200 (2,000) → 400 (3,000) → 800 → 1,600 → 3,200 → 6,400, then 12,800 > max → 10,000
    expect(rateSchedule(example, 100_000)).toEqual([
      { from: 0, perMinute: 50 },
      { from: 1000, perMinute: 100 },
      { from: 2000, perMinute: 200 },
      { from: 3000, perMinute: 400 },
      { from: 4000, perMinute: 800 },
      { from: 5000, perMinute: 1600 },
      { from: 6000, perMinute: 3200 },
      { from: 7000, perMinute: 6400 },
      { from: 8000, perMinute: 10_000 },
    ])
    expect(ratePerMinute(example, 999)).toBe(50)
    expect(ratePerMinute(example, 1000)).toBe(100)
    expect(ratePerMinute(example, 7999)).toBe(6400)
    expect(ratePerMinute(example, 8000)).toBe(10_000)
    expect(ratePerMinute(example, 5_000_000)).toBe(10_000)
  })

  it('keeps a constant rate and rounds fractional factors down', () => {
    expect(ratePerMinute({ mode: 'CONSTANT', perMinute: 120 }, 10_000)).toBe(120)
    const r = ZOtaRate.parse({ mode: 'VARIABLE', base: 10, factor: 1.25, max: 100, threshold: 10 })
    expect([0, 10, 20, 30].map((n) => ratePerMinute(r, n))).toEqual([10, 12, 15, 19])
  })

  it('spreads the rate over the minute: extra ticks do not push faster, and never past 60 s of rate', () => {
    // 600/min = 10 a second; a bucket holds one tick (1 s) of pushes
    expect(refill(0, 600, 1000, 1000)).toBe(10)
    expect(refill(0, 600, 100, 1000)).toBe(1)
    expect(refill(10, 600, 5000, 1000)).toBe(10)
    // 10/min: one device every 6 s, however often the engine ticks
    let tokens = refill(0, 10, 0, 1000)
    let pushed = 0
    for (let t = 0; t < 60_000; t += 100) {
      tokens = refill(tokens, 10, 100, 1000)
      const n = pushBudget(10, 0, tokens)
      tokens -= n
      pushed += n
    }
    expect(pushed).toBe(10)
    expect(pushBudget(600, 595, 10)).toBe(5)
    expect(pushBudget(600, 600, 10)).toBe(0)
  })

  it('refuses rates outside the reference limits', () => {
    const bad = (v: object) => ZOtaRate.safeParse(v).success
    expect(bad({ mode: 'CONSTANT', perMinute: 9 })).toBe(false)
    expect(bad({ mode: 'CONSTANT', perMinute: 10_001 })).toBe(false)
    expect(bad({ mode: 'VARIABLE', base: 50, factor: 1.19, max: 100, threshold: 1 })).toBe(false)
    expect(bad({ mode: 'VARIABLE', base: 50, factor: 1.234, max: 100, threshold: 1 })).toBe(false)
    expect(bad({ mode: 'VARIABLE', base: 200, factor: 2, max: 100, threshold: 1 })).toBe(false)
    expect(bad({ mode: 'VARIABLE', base: 50, factor: 2, max: 100, threshold: 100_001 })).toBe(false)
    expect(bad({ mode: 'VARIABLE', base: 50, factor: 5, max: 100, threshold: 1 })).toBe(true)
  })
})
