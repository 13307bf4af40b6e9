import { remoteLogin } from '@iotops/services'
import { afterAll, expect, it } from 'vitest'
import { startTestNode } from './testing'

afterAll(() => {
  remoteLogin.configureRemoteLogin(remoteLogin.DEFAULT_REMOTE_LOGIN_LIMITS)
})

it('a node started with REMOTE_LOGIN_* applies those limits and keeps the defaults of the others', async () => {
  const node = await startTestNode({ REMOTE_LOGIN_IDLE_TIMEOUT_S: '77', REMOTE_LOGIN_MAX_SESSIONS_PER_USER: '2' })
  try {
    expect(remoteLogin.remoteLoginLimits()).toEqual({
      ...remoteLogin.DEFAULT_REMOTE_LOGIN_LIMITS,
      idleTimeoutMs: 77_000,
      maxSessionsPerUser: 2,
    })
  } finally {
    await node.close()
  }
})
