import { describe, expect, it } from 'vitest'
import { loadConfig, remoteLoginLimitsOf } from './env'

// Remote login's limits from the environment: only what is set changes, bad values name the variable.
describe('REMOTE_LOGIN_* limits', () => {
  it('keeps the defaults when nothing is set', () => {
    expect(remoteLoginLimitsOf(loadConfig({}))).toEqual({})
  })
  it('gives the limits that are set, in milliseconds, and nothing else', () => {
    const limits = remoteLoginLimitsOf(
      loadConfig({
        REMOTE_LOGIN_IDLE_TIMEOUT_S: '60',
        REMOTE_LOGIN_MAX_SESSION_S: '3600',
        REMOTE_LOGIN_MAX_SESSIONS_PER_DEVICE: '2',
        REMOTE_LOGIN_MAX_SESSIONS_PER_USER: '1',
        REMOTE_LOGIN_SHARE_MAX_FAILURES: '3',
        REMOTE_LOGIN_SHARE_LOCK_S: '600',
      }),
    )
    expect(limits).toEqual({
      idleTimeoutMs: 60_000,
      maxSessionMs: 3_600_000,
      maxSessionsPerDevice: 2,
      maxSessionsPerUser: 1,
      shareMaxFailures: 3,
      shareLockMs: 600_000,
    })
  })
  it('refuses values that are not whole positive numbers', () => {
    expect(() => loadConfig({ REMOTE_LOGIN_IDLE_TIMEOUT_S: '5m' })).toThrow(
      /REMOTE_LOGIN_IDLE_TIMEOUT_S must be a number of seconds/,
    )
    expect(() => loadConfig({ REMOTE_LOGIN_MAX_SESSIONS_PER_USER: '0' })).toThrow(
      /REMOTE_LOGIN_MAX_SESSIONS_PER_USER must be at least 1/,
    )
    expect(() => loadConfig({ REMOTE_LOGIN_SHARE_LOCK_S: '1.5' })).toThrow(/whole number of seconds/)
  })
})
