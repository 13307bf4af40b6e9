// Remote login end to end (ref §11.2): a real node, a device running the tunnel agent in front of a real OpenSSH
// server (testing-sshd.ts), and the browser's side of /api/ws/terminal played by a WebSocket client.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Device } from '@iotops/device-sdk'
import { type AgentEvent, TunnelAgent } from '@iotops/device-sdk/tunnel'
import { auth, remoteLogin, tunnelRelayOf } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'
import { sshdUnavailable, startTestSshd, type TestSshd } from './testing-sshd'

const skip = sshdUnavailable()
let node: RunningNode
let api: HttpSession
let sshd: TestSshd
let ref: { productKey: string; deviceName: string }
let device: Device
let agent: TunnelAgent
/** the agent's service map (the test points `_SSH` at another sshd by changing it) */
let agentServices: Record<string, { host: string; port: number }>

beforeAll(async () => {
  if (skip) return
  sshd = await startTestSshd()
  node = await startTestNode({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'iotops-rl-')) })
  api = await signInHttp(node)
  const { productKey, devices } = await seedSensorProduct(node, 1)
  const d = devices[0]!
  ref = { productKey, deviceName: d.deviceName }
  device = await Device.connect({
    url: `mqtt://127.0.0.1:${node.mqttPort}`,
    productKey,
    deviceName: d.deviceName,
    deviceSecret: d.deviceSecret,
  })
  agentServices = { _SSH: { host: '127.0.0.1', port: sshd.port } }
  agent = new TunnelAgent(device, { services: agentServices, reconnectDelayMs: 200 })
  await agent.start()
  await eventually(async () => {
    const row = await node.db.prisma.device.findUnique({ where: { productKey_deviceName: ref } })
    return row?.status === 'ONLINE'
  })
})
afterAll(async () => {
  remoteLogin.configureRemoteLogin(remoteLogin.DEFAULT_REMOTE_LOGIN_LIMITS)
  await agent?.stop()
  await device?.client.endAsync()
  await node?.close()
  await sshd?.stop()
})

type ServerMsg = {
  type: string
  state?: string
  sessionId?: string
  code?: number | null
  message?: string
  reason?: string
}

/** The browser's terminal: opens the socket, sends `open`, collects output and the server's messages. */
async function terminal(open: Record<string, unknown>, opts: { cookie?: string } = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${node.httpPort}/api/ws/terminal`, {
    headers: opts.cookie === undefined ? { cookie: api.cookie } : opts.cookie ? { cookie: opts.cookie } : {},
  })
  const messages: ServerMsg[] = []
  let output = ''
  const decoder = new TextDecoder()
  ws.on('message', (data, isBinary) => {
    if (isBinary) output += decoder.decode(data as Buffer, { stream: true })
    else messages.push(JSON.parse(data.toString()))
  })
  const closed = new Promise<void>((r) => ws.on('close', () => r()))
  await new Promise((r, j) => {
    ws.once('open', r)
    ws.once('error', j)
  })
  ws.send(JSON.stringify({ type: 'open', cols: 100, rows: 30, ...open }))
  const settled = await eventually(async () => messages.find((m) => m.type === 'error' || m.state === 'ready'), 25_000)
  return {
    ws,
    messages,
    settled,
    closed,
    get output() {
      return output
    },
    type: (s: string) => ws.send(Buffer.from(s, 'utf8')),
    waitFor: (s: string, ms = 10_000) => eventually(async () => output.includes(s), ms),
  }
}

const creds = (password = sshd.password) => ({ username: sshd.user, password })

async function runLog(operation: string) {
  const { rows } = await node.db.pool.query<{ code: number; content: string }>(
    `SELECT code, content FROM run_log WHERE product_key = $1 AND device_name = $2 AND operation = $3 ORDER BY ts, id`,
    [ref.productKey, ref.deviceName, operation],
  )
  return rows
}

describe.skipIf(!!skip)(`remote login over a tunnel to a real sshd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('logs in, runs a command with UTF-8 output, records the session as asciicast v2 and audits it', async () => {
    const t = await terminal({ ...ref, credentials: creds() })
    expect(t.settled).toMatchObject({ type: 'status', state: 'ready' })
    const sessionId = t.settled.sessionId!
    t.type('echo hello; echo "héllo 你好"\n')
    await t.waitFor('héllo 你好')
    expect(t.output).toContain('hello')
    t.ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }))
    t.type('stty size\n')
    await t.waitFor('40 120')
    t.ws.close()
    const row = await eventually(async () => {
      const r = await node.db.prisma.sshSession.findUnique({ where: { id: sessionId } })
      return r?.endedAt ? r : null
    })
    expect(row).toMatchObject({ openedBy: 'admin@example.com', sshUser: sshd.user, endReason: 'closed' })
    expect(Number(row.bytesOut)).toBeGreaterThan(10)
    expect(Number(row.bytesIn)).toBe(Buffer.byteLength('echo hello; echo "héllo 你好"\nstty size\n'))

    // the recording: valid asciicast v2, the output in it, the keystrokes not recorded as input events
    const rec = await api.call<{ cast: string; fileName: string }>('remoteLogin.recording', { sessionId })
    const cast = remoteLogin.parseCast(rec.data!.cast)
    expect(cast.header).toMatchObject({ version: 2, width: 100, height: 30 })
    expect(cast.events.every(([, kind]) => kind === 'o' || kind === 'r')).toBe(true)
    expect(cast.events.map(([, , d]) => d).join('')).toContain('héllo 你好')
    expect(cast.events.some(([, k, d]) => k === 'r' && d === '120x40')).toBe(true)
    expect(rec.data!.fileName).toMatch(/\.cast$/)

    const list = await api.call<{ items: remoteLogin.SshSessionView[] }>('remoteLogin.sessions', { ...ref })
    expect(list.data!.items.find((s) => s.sessionId === sessionId)).toMatchObject({
      endReason: 'closed',
      hasRecording: true,
      live: false,
    })
    expect((await runLog('LoginConsoleSsh')).some((r) => r.code === 200)).toBe(true)
    expect((await runLog('OpenConsoleSsh')).some((r) => r.code === 200)).toBe(true)
    await eventually(async () => (await runLog('CloseConsoleSsh')).some((r) => r.content.includes(sessionId)))
    // the password is nowhere in the run log
    const { rows } = await node.db.pool.query(`SELECT content FROM run_log WHERE content LIKE $1`, [
      `%${sshd.password}%`,
    ])
    expect(rows).toHaveLength(0)
  })

  it('a wrong SSH password is refused with 78116 and logged', async () => {
    const t = await terminal({ ...ref, credentials: creds('not-the-password') })
    expect(t.settled).toMatchObject({ type: 'error', code: 78116 })
    expect(t.settled.message).toMatch(/user name or password/)
    await t.closed
    expect((await runLog('LoginConsoleSsh')).some((r) => r.code === 78116)).toBe(true)
  })

  it('refuses without a console session, and for an offline device with 9201', async () => {
    const anon = await terminal({ ...ref, credentials: creds() }, { cookie: '' })
    expect(anon.settled).toMatchObject({ type: 'error', message: 'sign in to the console first' })
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const r = await api.call('remoteLogin.open', { productKey, deviceName: devices[0]!.deviceName }, 'mutation')
    expect(r.error?.data.alinkCode).toBe(9201)
    expect(r.error?.message).toMatch(/offline/)
  })

  it('share link: password → ticket → SSH; reset refuses the old password, running sessions continue; revoke ends them', async () => {
    const created = await api.call<remoteLogin.CreatedShare>('remoteLogin.createShare', ref, 'mutation')
    const share = created.data!
    const token = share.path.split('/').pop()!
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16)
    // only hashes at rest
    const row = await node.db.prisma.sshShare.findUnique({ where: { id: share.shareId } })
    expect(JSON.stringify(row)).not.toContain(token)
    expect(JSON.stringify(row)).not.toContain(share.password)

    const anon = await signInAnonymous()
    const wrong = await anon('remoteLogin.shareLogin', { token, password: 'nope' })
    const unknown = await anon('remoteLogin.shareLogin', { token: 'x'.repeat(43), password: share.password })
    expect(wrong.error?.message).toBe(unknown.error?.message)
    expect(wrong.error?.data.code).toBe('UNAUTHORIZED')

    const ok = await anon<{ ticket: string; deviceName: string }>('remoteLogin.shareLogin', {
      token,
      password: share.password,
    })
    expect(ok.data!.deviceName).toBe(ref.deviceName)
    const t = await terminal({ shareTicket: ok.data!.ticket, credentials: creds() }, { cookie: '' })
    expect(t.settled.state).toBe('ready')
    t.type('echo shared-$((40+2))\n')
    await t.waitFor('shared-42')

    const reset = await api.call<{ password: string }>(
      'remoteLogin.resetSharePassword',
      { shareId: share.shareId },
      'mutation',
    )
    expect(reset.data!.password).not.toBe(share.password)
    const old = await anon('remoteLogin.shareLogin', { token, password: share.password })
    expect(old.error?.message).toBe(unknown.error?.message)
    expect((await anon('remoteLogin.shareLogin', { token, password: reset.data!.password })).data).toBeTruthy()
    // the session logged in before the reset goes on
    t.type('echo still-$((1+1))\n')
    await t.waitFor('still-2')

    await api.call('remoteLogin.revokeShare', { shareId: share.shareId }, 'mutation')
    await t.closed
    expect(t.messages.at(-1)).toMatchObject({ type: 'closed', reason: 'revoked' })
    const revoked = await anon('remoteLogin.shareLogin', { token, password: reset.data!.password })
    expect(revoked.error?.message).toBe(unknown.error?.message)
    // a ticket from before the revocation no longer opens a terminal
    const again = await terminal({ shareTicket: ok.data!.ticket, credentials: creds() }, { cookie: '' })
    expect(again.settled.type).toBe('error')

    for (const op of ['OpenConsoleSshShare', 'UpdateConsoleSshSharePwd', 'CloseConsoleSshShare'])
      expect((await runLog(op)).length, op).toBeGreaterThan(0)
  })

  it('locks a share link after 5 wrong passwords', async () => {
    const share = (await api.call<remoteLogin.CreatedShare>('remoteLogin.createShare', ref, 'mutation')).data!
    const token = share.path.split('/').pop()!
    const anon = await signInAnonymous()
    for (let i = 0; i < 5; i++) await anon('remoteLogin.shareLogin', { token, password: `wrong-${i}` })
    const locked = await anon('remoteLogin.shareLogin', { token, password: share.password })
    expect(locked.error?.data.code).toBe('TOO_MANY_REQUESTS')
    const shares = await api.call<remoteLogin.ShareView[]>('remoteLogin.shares', ref)
    expect(shares.data!.find((s) => s.shareId === share.shareId)?.state).toBe('locked')
    // a reset clears the lock
    const reset = (
      await api.call<{ password: string }>('remoteLogin.resetSharePassword', { shareId: share.shareId }, 'mutation')
    ).data!
    expect((await anon('remoteLogin.shareLogin', { token, password: reset.password })).data).toBeTruthy()
  })

  it('disconnects an idle session with a message, and limits concurrent sessions per device', async () => {
    remoteLogin.configureRemoteLogin({ idleTimeoutMs: 1500, maxSessionsPerDevice: 1 })
    try {
      const t = await terminal({ ...ref, credentials: creds() })
      expect(t.settled.state).toBe('ready')
      const second = await terminal({ ...ref, credentials: creds() })
      expect(second.settled).toMatchObject({ type: 'error' })
      expect(second.settled.message).toMatch(/at most 1/)
      await t.closed
      expect(t.messages.at(-1)).toMatchObject({ type: 'closed', reason: 'idle' })
      expect(t.messages.at(-1)?.message).toMatch(/without input/)
    } finally {
      remoteLogin.configureRemoteLogin({ idleTimeoutMs: 5 * 60_000, maxSessionsPerDevice: 5 })
    }
  })
  it('limits concurrent sessions per console user', async () => {
    remoteLogin.configureRemoteLogin({ maxSessionsPerUser: 1 })
    try {
      const t = await terminal({ ...ref, credentials: creds() })
      expect(t.settled.state).toBe('ready')
      const second = await terminal({ ...ref, credentials: creds() })
      expect(second.settled).toMatchObject({ type: 'error' })
      expect(second.settled.message).toMatch(/you already have 1 remote login sessions open \(at most 1\)/)
      t.ws.close()
      await t.closed
      // the slot is free again once the first one ended
      const third = await eventually(async () => {
        const x = await terminal({ ...ref, credentials: creds() })
        if (x.settled.state === 'ready') return x
        x.ws.close()
        return null
      })
      third.ws.close()
      await third.closed
    } finally {
      remoteLogin.configureRemoteLogin({ maxSessionsPerUser: 5 })
    }
  })

  it('ends a session at its absolute timeout even while keys keep coming, and stores why', async () => {
    remoteLogin.configureRemoteLogin({ maxSessionMs: 2000 })
    try {
      const t = await terminal({ ...ref, credentials: creds() })
      expect(t.settled.state).toBe('ready')
      const sessionId = t.settled.sessionId!
      // typing keeps the idle timer away; the absolute one still ends it
      const typing = setInterval(() => t.type(' '), 300)
      await t.closed
      clearInterval(typing)
      expect(t.messages.at(-1)).toMatchObject({ type: 'closed', reason: 'timeout' })
      expect(t.messages.at(-1)?.message).toMatch(/maximum duration/)
      const row = await eventually(async () => {
        const r = await node.db.prisma.sshSession.findUnique({ where: { id: sessionId } })
        return r?.endedAt ? r : null
      })
      expect(row.endReason).toBe('timeout')
    } finally {
      remoteLogin.configureRemoteLogin({ maxSessionMs: remoteLogin.DEFAULT_REMOTE_LOGIN_LIMITS.maxSessionMs })
    }
  })

  it('trusts the host key of the first login, refuses a changed one until an admin forgets it', async () => {
    // earlier tests logged in: the key of the test sshd is recorded
    const first = (await api.call<remoteLogin.KnownHostKey>('remoteLogin.hostKey', ref)).data!
    expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(first.algorithm).toBe('ssh-ed25519')
    expect(first.firstSeenBy).toBe('admin@example.com')
    // the device is re-installed: another sshd with another host key behind the same `_SSH`
    const other = await startTestSshd()
    agentServices._SSH = { host: '127.0.0.1', port: other.port }
    try {
      const refused = await terminal({ ...ref, credentials: creds() })
      expect(refused.settled).toMatchObject({ type: 'error' })
      expect(refused.settled.message).toContain(`${first.fingerprint} (ssh-ed25519) was recorded at the first login`)
      expect(refused.settled.message).toMatch(/host key has changed.*the device now presents SHA256:/)
      expect((await runLog('LoginConsoleSsh')).at(-1)).toMatchObject({ code: 403 })
      // forgetting is for admins only
      await auth.createUser(node.db, TEST_ACTOR, {
        email: 'rl-operator@example.com',
        name: 'Operator',
        password: 'operator-password-1',
        role: 'OPERATOR',
      })
      const op = await signInHttp(node, 'rl-operator@example.com', 'operator-password-1')
      expect((await op.call('remoteLogin.forgetHostKey', ref, 'mutation')).error?.data.code).toBe('FORBIDDEN')
      expect((await api.call('remoteLogin.forgetHostKey', ref, 'mutation')).data).toEqual({ forgotten: true })
      expect((await api.call('remoteLogin.hostKey', ref)).data).toBeNull()
      const again = await terminal({ ...ref, credentials: creds() })
      expect(again.settled.state).toBe('ready')
      again.ws.close()
      await again.closed
      const second = (await api.call<remoteLogin.KnownHostKey>('remoteLogin.hostKey', ref)).data!
      expect(second.fingerprint).toMatch(/^SHA256:/)
      expect(second.fingerprint).not.toBe(first.fingerprint)
    } finally {
      agentServices._SSH = { host: '127.0.0.1', port: sshd.port }
      await api.call('remoteLogin.forgetHostKey', ref, 'mutation')
      await other.stop()
    }
  })
})

describe.skipIf(!!skip)('device-initiated remote login', () => {
  it('the agent asks for its 7-day channel, a renewal replaces it, and remote login works while MQTT is down', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const d = devices[0]!
    const own = { productKey, deviceName: d.deviceName }
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...own, deviceSecret: d.deviceSecret })
    const topic = `/sys/${productKey}/${d.deviceName}/secure_tunnel/proxy/request`
    const replies: { id: string; code: number; data: { tunnel_id?: string; expire_time?: number } }[] = []
    await dev.client.subscribeAsync(`${topic}_reply`)
    dev.client.on('message', (t, p) => {
      if (t === `${topic}_reply`) replies.push(JSON.parse(p.toString()))
    })
    const events: AgentEvent[] = []
    const ag = new TunnelAgent(dev, {
      services: { _SSH: { host: '127.0.0.1', port: sshd.port } },
      reconnectDelayMs: 200,
      remoteLogin: true,
    })
    ag.on('event', (e: AgentEvent) => events.push(e))
    await eventually(async () => {
      const row = await node.db.prisma.device.findUnique({ where: { productKey_deviceName: own } })
      return row?.status === 'ONLINE'
    })
    await ag.start()
    try {
      // on start: one request, answered with a remote-login tunnel valid 7 days that the agent connects
      const first = await eventually(async () => replies[0])
      expect(first.code).toBe(200)
      expect(first.id).toMatch(/^rl-/)
      const relay = tunnelRelayOf(node.hub)!
      const firstId = first.data.tunnel_id!
      await eventually(async () => relay.deviceConnected(firstId))
      expect(ag.remoteLogin()).toEqual({ tunnelId: firstId, connected: true })
      const row1 = await node.db.prisma.tunnel.findUnique({ where: { tunnelId: firstId } })
      expect(row1?.purpose).toBe('remote_login')
      const days = (row1!.expiresAt.getTime() - row1!.createdAt.getTime()) / 86_400_000
      expect(days).toBeCloseTo(7, 3)
      expect(first.data.expire_time).toBe(row1!.expiresAt.getTime())

      // an operator is logged in over that channel when the daily renewal comes
      const before = await terminal({ ...own, credentials: creds() })
      expect(before.settled.state).toBe('ready')
      before.type('echo before-$((2*3))\n')
      await before.waitFor('before-6')

      // the daily renewal (called directly here): a new tunnel replaces the old one, which stays open for the live
      // session and closes when it ends
      ag.requestRemoteLogin()
      const second = await eventually(async () => replies[1])
      const secondId = second.data.tunnel_id!
      expect(second.code).toBe(200)
      expect(secondId).not.toBe(firstId)
      await eventually(async () => relay.deviceConnected(secondId))
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'remote-login', tunnelId: secondId, replaced: firstId }),
      )
      await new Promise((r) => setTimeout(r, 300))
      expect((await node.db.prisma.tunnel.findUnique({ where: { tunnelId: firstId } }))?.status).toBe('OPEN')
      before.type('echo during-$((4*4))\n')
      await before.waitFor('during-16')
      before.ws.close()
      await before.closed
      await eventually(async () => !relay.deviceConnected(firstId))
      const replacedRow = await eventually(async () => {
        const r = await node.db.prisma.tunnel.findUnique({ where: { tunnelId: firstId } })
        return r?.status === 'CLOSED' ? r : null
      })
      expect(replacedRow.closeReason).toBe('replaced')
      await eventually(async () => ag.connectedTunnels().join() === secondId)

      // the business MQTT connection goes away; the agent's tunnel stays and carries remote login
      dev.client.end(true)
      await eventually(async () => {
        const row = await node.db.prisma.device.findUnique({ where: { productKey_deviceName: own } })
        return row?.status === 'OFFLINE'
      })
      const t = await terminal({ ...own, credentials: creds() })
      expect(t.settled.state).toBe('ready')
      t.type('echo offline-$((3*3))\n')
      await t.waitFor('offline-9')
      t.ws.close()
      await t.closed
      // that session went through the device-initiated tunnel (no new tunnel was opened for it)
      const open = await node.db.prisma.tunnel.findMany({
        where: { productKey, deviceName: d.deviceName, status: 'OPEN' },
      })
      expect(open.map((x) => x.tunnelId)).toEqual([secondId])
    } finally {
      await ag.stop()
      dev.client.end(true)
    }
  })
})

/** tRPC calls without a console session (the share recipient's browser). */
async function signInAnonymous() {
  const base = `http://127.0.0.1:${node.httpPort}/api/trpc`
  return async <T = unknown>(proc: string, input: unknown) => {
    const r = await fetch(`${base}/${proc}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-iotops-csrf': '1' },
      body: JSON.stringify({ json: input }),
    })
    const body = (await r.json()) as {
      result?: { data: { json: T } }
      error?: { json: { message: string; data: { code: string } } }
    }
    return body.error ? { error: body.error.json } : { data: body.result!.data.json }
  }
}
