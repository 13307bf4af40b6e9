import { describe, expect, it } from 'vitest'
import {
  inMaintenanceWindow,
  scheduleProblem,
  ZCreateOtaDynamicJobInput,
  ZCreateOtaStaticJobInput,
  ZCreateOtaVerifyJobInput,
  ZOtaPolicy,
} from './job-schema'

const msgs = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => i.message)

describe('OTA batch parameters', () => {
  it('takes a static batch with defaults (push, constant 10,000/min, HTTPS)', () => {
    const v = ZCreateOtaStaticJobInput.parse({ firmwareId: 'f1' })
    expect(v).toMatchObject({ scope: 'ALL', push: true, downloadProtocol: 'HTTPS', multiModule: false })
    expect(v.rate).toEqual({ mode: 'CONSTANT', perMinute: 10_000 })
  })

  it('enforces the schedule limits: start 5 min–7 days ahead, end 1 h–30 days after', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    const at = (min: number) => new Date(now + min * 60_000)
    expect(scheduleProblem(at(10), undefined, now)).toBeNull()
    expect(scheduleProblem(at(2), undefined, now)).toMatch(/5 minutes to 7 days/)
    expect(scheduleProblem(at(7 * 1440 + 1), undefined, now)).toMatch(/5 minutes to 7 days/)
    expect(scheduleProblem(at(10), at(40), now)).toMatch(/1 hour to 30 days/)
    expect(scheduleProblem(at(10), at(10 + 30 * 1440 + 1), now)).toMatch(/1 hour to 30 days/)
    expect(scheduleProblem(at(10), at(80), now)).toBeNull()
    expect(scheduleProblem(undefined, at(80), now)).toMatch(/needs a start/)
  })

  it('refuses contradictory strategies with specific messages', () => {
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', multiModule: true, overwrite: true }))).toEqual([
      'multi-module upgrades and overwriting earlier tasks cannot both be on',
    ])
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', retryInterval: 10 }))).toEqual([
      'choose how many retries (1, 2 or 5)',
    ])
    expect(
      msgs(
        ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', retryInterval: 60, maxRetries: 2, timeoutMinutes: 60 }),
      ),
    ).toEqual(['the retry interval must be shorter than the upgrade timeout (no retry happens after a timeout)'])
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', retryInterval: 5, maxRetries: 1 }))[0]).toMatch(
      /0 \(immediately\), 10, 30, 60 or 1440/,
    )
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', retryInterval: 10, maxRetries: 3 }))).toEqual([
      'the retry limit is 1, 2 or 5',
    ])
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', scope: 'GRAY' }))).toEqual([
      'give the share of devices (1–100%)',
    ])
    expect(msgs(ZCreateOtaStaticJobInput.safeParse({ firmwareId: 'f', timeoutMinutes: 1441 }))[0]).toMatch(/1–1,440/)
  })

  it('limits a verification batch to 1–10 devices', () => {
    const names = Array.from({ length: 11 }, (_, i) => `dev_${i}`)
    expect(ZCreateOtaVerifyJobInput.safeParse({ firmwareId: 'f', deviceNames: names, timeoutMinutes: 5 }).success).toBe(
      false,
    )
    expect(
      ZCreateOtaVerifyJobInput.safeParse({ firmwareId: 'f', deviceNames: names.slice(0, 10), timeoutMinutes: 5 })
        .success,
    ).toBe(true)
  })

  it('checks rollout waves and gives dynamic batches none', () => {
    expect(msgs(ZOtaPolicy.safeParse({ waves: [{ percent: 10 }, { percent: 5 }, { percent: 100 }] }))).toEqual([
      'each wave reaches more devices',
    ])
    expect(msgs(ZOtaPolicy.safeParse({ waves: [{ percent: 10 }] }))).toEqual([
      'the last wave reaches 100% of the devices',
    ])
    expect(msgs(ZOtaPolicy.safeParse({ rollback: true }))).toEqual(['rollback needs an abort rule or an aborting wave'])
    expect(
      msgs(ZCreateOtaDynamicJobInput.safeParse({ firmwareId: 'f', policy: { waves: [{ percent: 100 }] } })),
    ).toEqual(['a dynamic batch has no waves: its devices arrive over time'])
  })

  it('tells whether a moment is inside a maintenance window, across midnight and time zones', () => {
    const p = ZOtaPolicy.parse({ windows: [{ days: [1], from: '22:00', to: '02:00' }], timeZone: 'Asia/Shanghai' })
    // Monday 23:00 in Shanghai = Monday 15:00 UTC
    expect(inMaintenanceWindow(p, new Date('2026-01-05T15:00:00Z'))).toBe(true)
    // Tuesday 01:00 in Shanghai belongs to Monday's window
    expect(inMaintenanceWindow(p, new Date('2026-01-05T17:00:00Z'))).toBe(true)
    // Tuesday 03:00 Shanghai
    expect(inMaintenanceWindow(p, new Date('2026-01-05T19:00:00Z'))).toBe(false)
    expect(inMaintenanceWindow(ZOtaPolicy.parse({}), new Date())).toBe(true)
  })
})
