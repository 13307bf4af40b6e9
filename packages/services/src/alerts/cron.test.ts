import { describe, expect, it } from 'vitest'
import { cronMatches, inTimeWindow, nextRuns, parseCron, wallClock } from './cron'

const at = (iso: string) => Date.parse(iso)

describe('cron', () => {
  it('refuses malformed expressions with a specific reason', () => {
    expect(parseCron('* * * *')).toMatchObject({ ok: false, error: expect.stringMatching(/five fields/) })
    expect(parseCron('60 * * * *')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/minute field allows 0–59/),
    })
    expect(parseCron('* * * * 9')).toMatchObject({ ok: false })
    expect(parseCron('5-1 * * * *')).toMatchObject({ ok: false, error: expect.stringMatching(/backwards/) })
    expect(parseCron('*/0 * * * *')).toMatchObject({ ok: false })
    expect(parseCron('0 9 * * MON-FRI').ok).toBe(true)
  })

  it('fires at the minutes it names, in the rule time zone', () => {
    expect(nextRuns('*/15 * * * *', at('2026-01-01T10:07:00Z'), 'UTC', 3)).toEqual([
      at('2026-01-01T10:15:00Z'),
      at('2026-01-01T10:30:00Z'),
      at('2026-01-01T10:45:00Z'),
    ])
    // 09:00 in Shanghai is 01:00 UTC
    expect(nextRuns('0 9 * * *', at('2026-01-01T00:00:00Z'), 'Asia/Shanghai', 1)).toEqual([at('2026-01-01T01:00:00Z')])
    // weekdays only: 2026-01-03 is a Saturday
    expect(nextRuns('30 8 * * MON-FRI', at('2026-01-02T09:00:00Z'), 'UTC', 1)).toEqual([at('2026-01-05T08:30:00Z')])
    // 7 is Sunday too
    const sunday = parseCron('0 0 * * 7')
    expect(sunday.ok && cronMatches(sunday.spec, wallClock(at('2026-01-04T00:00:00Z')))).toBe(true)
  })

  it('treats a restricted day of month and day of week as either (Vixie cron)', () => {
    const r = parseCron('0 0 1 * MON')
    if (!r.ok) throw new Error(r.error)
    expect(cronMatches(r.spec, wallClock(at('2026-01-01T00:00:00Z')))).toBe(true) // the 1st (Thursday)
    expect(cronMatches(r.spec, wallClock(at('2026-01-05T00:00:00Z')))).toBe(true) // a Monday
    expect(cronMatches(r.spec, wallClock(at('2026-01-06T00:00:00Z')))).toBe(false)
  })

  it('checks time windows, including ones that span midnight', () => {
    const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'UTC' }
    expect(inTimeWindow(office, at('2026-01-05T09:00:00Z'))).toBe(true)
    expect(inTimeWindow(office, at('2026-01-05T18:01:00Z'))).toBe(false)
    expect(inTimeWindow(office, at('2026-01-03T10:00:00Z'))).toBe(false) // Saturday
    const night = { days: [5], from: '22:00', to: '06:00', timezone: 'UTC' }
    expect(inTimeWindow(night, at('2026-01-02T23:00:00Z'))).toBe(true) // Friday night
    expect(inTimeWindow(night, at('2026-01-03T05:00:00Z'))).toBe(true) // Saturday early = Friday's window
    expect(inTimeWindow(night, at('2026-01-03T23:00:00Z'))).toBe(false)
  })
})
