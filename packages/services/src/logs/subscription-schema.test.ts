import { describe, expect, it } from 'vitest'
import { nextRun, ZReportSubscriptionInput } from './subscription-schema'

// local-time arithmetic: build the instants from local fields so the test holds in any time zone
const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).getTime()

describe('nextRun', () => {
  it('hourly: the next mm past an hour, strictly after', () => {
    const s = { frequency: 'hourly' as const, at: '09:15', weekday: null }
    expect(nextRun(s, local(2026, 11, 24, 10, 0))).toEqual(new Date(local(2026, 11, 24, 10, 15)))
    expect(nextRun(s, local(2026, 11, 24, 10, 15))).toEqual(new Date(local(2026, 11, 24, 11, 15)))
    expect(nextRun(s, local(2026, 11, 24, 23, 20))).toEqual(new Date(local(2026, 11, 25, 0, 15)))
  })
  it('daily: today if still ahead, else tomorrow', () => {
    const s = { frequency: 'daily' as const, at: '08:30', weekday: null }
    expect(nextRun(s, local(2026, 11, 24, 8, 0))).toEqual(new Date(local(2026, 11, 24, 8, 30)))
    expect(nextRun(s, local(2026, 11, 24, 8, 30))).toEqual(new Date(local(2026, 11, 25, 8, 30)))
    expect(nextRun(s, local(2026, 12, 31, 9, 0))).toEqual(new Date(local(2027, 1, 1, 8, 30)))
  })
  it('weekly: the next chosen weekday (1 = Monday … 7 = Sunday) at the time', () => {
    // 2026-11-24 is a Tuesday
    const mon = { frequency: 'weekly' as const, at: '09:00', weekday: 1 }
    expect(nextRun(mon, local(2026, 11, 24, 12, 0))).toEqual(new Date(local(2026, 11, 30, 9, 0)))
    const tue = { frequency: 'weekly' as const, at: '13:00', weekday: 2 }
    expect(nextRun(tue, local(2026, 11, 24, 12, 0))).toEqual(new Date(local(2026, 11, 24, 13, 0)))
    expect(nextRun(tue, local(2026, 11, 24, 13, 0))).toEqual(new Date(local(2026, 12, 1, 13, 0)))
    const sun = { frequency: 'weekly' as const, at: '00:00', weekday: 7 }
    expect(nextRun(sun, local(2026, 11, 24, 12, 0))).toEqual(new Date(local(2026, 11, 29, 0, 0)))
  })
})

describe('ZReportSubscriptionInput', () => {
  const base = {
    name: 'Daily',
    reports: ['online'],
    rangeMinutes: 60,
    frequency: 'daily',
    contactGroupIds: ['7d1c3f0e-8a9b-4c2d-9e1f-0a1b2c3d4e5f'],
  }
  it('accepts a valid subscription with defaults', () => {
    expect(ZReportSubscriptionInput.parse(base)).toMatchObject({ at: '09:00', weekday: null, enabled: true })
  })
  it('rejects unknown reports, ranges, a weekly without a day and a bad time', () => {
    expect(ZReportSubscriptionInput.safeParse({ ...base, reports: ['nope'] }).success).toBe(false)
    expect(ZReportSubscriptionInput.safeParse({ ...base, reports: [] }).success).toBe(false)
    expect(ZReportSubscriptionInput.safeParse({ ...base, rangeMinutes: 61 }).success).toBe(false)
    expect(ZReportSubscriptionInput.safeParse({ ...base, frequency: 'weekly' }).error?.issues[0]?.message).toMatch(
      /day of the week/,
    )
    expect(ZReportSubscriptionInput.safeParse({ ...base, at: '24:00' }).success).toBe(false)
  })
})
