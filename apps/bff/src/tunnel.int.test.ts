// Secure tunnels end to end (ref §11.1): a real node, a device running the tunnel agent in front of a local TCP
// echo service, and an access-side client speaking the frame protocol over the WebSocket endpoints.
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  decodeTunnelStatus,
  encodeTunnelFrame,
  TUNNEL_MAX_PER_DEVICE,
  TUNNEL_MAX_SESSIONS,
  type TunnelFrame,
} from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { type AgentEvent, TunnelAccess, TunnelAgent, TunnelError } from '@iotops/device-sdk/tunnel'
import { tunnelRelayOf, tunnels } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import {
  createApiKey,
  eventually,
  type HttpSession,
  seedSensorProduct,
  signInHttp,
  startTestNode,
  TEST_ACTOR,
} from './testing'

let node: RunningNode
let api: HttpSession
let echo: net.Server
let echoPort = 0
const echoSockets = new Set<net.Socket>()
beforeAll(async () => {
  node = await startTestNode()
  api = await signInHttp(node)
  echo = net.createServer((s) => {
    echoSockets.add(s)
    s.on('close', () => echoSockets.delete(s))
    s.on('error', () => {})
    s.pipe(s)
  })
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  echoPort = (echo.address() as net.AddressInfo).port
})
afterAll(async () => {
  await node?.close()
  echo?.close()
})

interface Created {
  tunnelId: string
  accessUrl: string
  accessToken: string
}

/** An online device running the agent with ECHO → the echo server (and a port nobody listens on as DEAD). */
async function deviceWithAgent() {
  const { productKey, devices } = await seedSensorProduct(node, 1)
  const d = devices[0]!
  const device = await Device.connect({
    url: `mqtt://127.0.0.1:${node.mqttPort}`,
    productKey,
    deviceName: d.deviceName,
    deviceSecret: d.deviceSecret,
  })
  const agent = new TunnelAgent(device, {
    services: { ECHO: { host: '127.0.0.1', port: echoPort }, DEAD: { host: '127.0.0.1', port: 1 } },
    reconnectDelayMs: 200,
  })
  const events: AgentEvent[] = []
  agent.on('event', (e: AgentEvent) => events.push(e))
  await agent.start()
  await eventually(async () => {
    const row = await node.db.prisma.device.findUnique({
      where: { productKey_deviceName: { productKey, deviceName: d.deviceName } },
    })
    return row?.status === 'ONLINE'
  })
  const ref = { productKey, deviceName: d.deviceName }
  return {
    ref,
    device,
    agent,
    events,
    stop: async () => {
      await agent.stop()
      await device.client.endAsync()
    },
  }
}

async function create(ref: { productKey: string; deviceName: string }, extra: Record<string, unknown> = {}) {
  const r = await api.call<Created>('tunnel.create', { ...ref, ...extra }, 'mutation')
  if (r.error) throw new Error(r.error.message)
  return r.data!
}

async function listed(tunnelId: string) {
  const r = await api.call<{ items: tunnels.TunnelView[] }>('tunnel.list', { tunnelId })
  return r.data!.items[0]!
}

async function runLog(ref: { productKey: string; deviceName: string }) {
  const { rows } = await node.db.pool.query<{ operation: string; code: number; content: string }>(
    `SELECT operation, code, content FROM run_log WHERE product_key = $1 AND device_name = $2 AND biz_type = 'DeviceSecureTunnel' ORDER BY ts, id`,
    [ref.productKey, ref.deviceName],
  )
  return rows
}

const read = (s: NodeJS.ReadableStream, n: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = []
    let got = 0
    const on = (c: Buffer) => {
      parts.push(c)
      got += c.length
      if (got >= n) {
        s.off('data', on)
        resolve(Buffer.concat(parts))
      }
    }
    s.on('data', on)
    s.once('error', reject)
  })

/** The next common_response the platform sends to this client. */
const nextResponse = (c: TunnelAccess) =>
  new Promise<{ header: TunnelFrame['header']; code: number; msg: string }>((resolve) => {
    const on = (f: TunnelFrame) => {
      if (f.header.frame_type !== 1) return
      c.off('frame', on)
      const st = decodeTunnelStatus(f.payload)
      resolve({ header: f.header, code: st.ok ? st.value.code : -1, msg: st.ok ? st.value.msg : '' })
    }
    c.on('frame', on)
  })

describe('secure tunnels', () => {
  it('creates a tunnel only for an online device; the notify topic carries the device-side URL, token and udi', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const offline = await api.call('tunnel.create', { productKey, deviceName: devices[0]!.deviceName }, 'mutation')
    expect(offline.error?.data.alinkCode).toBe(9201)
    expect(offline.error?.message).toMatch(/offline/)

    const dev = await deviceWithAgent()
    const notices: Record<string, unknown>[] = []
    dev.device.on('message', (topic: string, payload: Buffer) => {
      if (topic.endsWith('/secure_tunnel/notify')) notices.push(JSON.parse(payload.toString()))
    })
    const t = await create(dev.ref, { udi: '{"reason":"diagnose"}', description: 'first' })
    expect(t.accessUrl).toBe(`ws://127.0.0.1:${node.httpPort}/api/ws/tunnel/access/${t.tunnelId}`)
    expect(t.accessToken).toMatch(/^[\w-]{43}$/)
    const n = await eventually(async () => notices[0])
    expect(n).toMatchObject({
      tunnel_id: t.tunnelId,
      operation: 'connect',
      uri: `ws://127.0.0.1:${node.httpPort}/api/ws/tunnel/device/${t.tunnelId}`,
      udi: '{"reason":"diagnose"}',
      token_expire: 86400,
    })
    expect(n.token).not.toBe(t.accessToken)
    // only hashes are stored
    const row = await node.db.prisma.tunnel.findUniqueOrThrow({ where: { tunnelId: t.tunnelId } })
    expect(JSON.stringify(row)).not.toContain(t.accessToken)
    expect(JSON.stringify(row)).not.toContain(n.token as string)
    // the agent connected the device side by itself
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    expect(await listed(t.tunnelId)).toMatchObject({ status: 'OPEN', accessConnected: false, description: 'first' })
    await dev.stop()
  })

  it('relays a session to the echo service both ways, counts bytes, and shows both sides connected', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref)
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
    await eventually(async () => (await listed(t.tunnelId)).accessConnected)

    const s = await access.openSession('ECHO')
    expect(s.sessionId).toMatch(/^[0-9a-f-]{36}$/)
    s.write('hello tunnel')
    expect((await read(s, 12)).toString()).toBe('hello tunnel')
    // more than one frame's worth, in order and intact
    const big = Buffer.alloc(300_000)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251
    const back = read(s, big.length)
    s.write(big)
    expect((await back).equals(big)).toBe(true)

    const detail = await api.call<{ sessions: { sessionId: string; bytesUp: number; bytesDown: number }[] }>(
      'tunnel.byId',
      { tunnelId: t.tunnelId },
    )
    expect(detail.data!.sessions[0]).toMatchObject({ sessionId: s.sessionId, bytesUp: 300_012, bytesDown: 300_012 })

    // the access side releases: the device closes its local connection, the session is stored as released (0)
    const before = echoSockets.size
    s.release()
    await eventually(async () => echoSockets.size < before)
    const stored = await eventually(() =>
      node.db.prisma.tunnelSession.findFirst({ where: { sessionId: s.sessionId, releasedAt: { not: null } } }),
    )
    expect(stored).toMatchObject({ releaseCode: 0, bytesUp: 300_012n, bytesDown: 300_012n })

    // the local service closes: the device releases (1) toward the access side
    const s2 = await access.openSession('ECHO')
    s2.write('x')
    await read(s2, 1)
    const released = new Promise<number>((r) => s2.once('released', (code: number) => r(code)))
    for (const sock of echoSockets) sock.destroy()
    expect(await released).toBe(1)

    await access.close()
    await eventually(async () => !(await listed(t.tunnelId)).accessConnected)
    const expected = [
      'CreateTunnel:200',
      'DeviceEndConn:200',
      'AccessEndConn:200',
      'SessionCreate:200',
      'SessionRelease:200',
      'AccessEndDisconn:200',
    ]
    // run-log rows are written off the relay's path: wait for the last one
    const ops = await eventually(async () => {
      const rows = (await runLog(dev.ref)).map((r) => `${r.operation}:${r.code}`)
      return expected.every((op) => rows.includes(op)) && rows
    })
    expect(ops).toEqual(expect.arrayContaining(expected))
    await dev.stop()
  })

  it('shapes a rate-limited tunnel by delaying frames, never dropping them', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref, { rateLimitKBps: 256 })
    expect(await listed(t.tunnelId)).toMatchObject({ rateLimitKBps: 256 })
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
    const s = await access.openSession('ECHO')
    const data = Buffer.alloc(256 * 1024, 7)
    const started = Date.now()
    const back = read(s, data.length)
    s.write(data)
    expect((await back).equals(data)).toBe(true)
    // 256 KB each way at 256 KB/s per direction (the two directions overlap): about a second, never instant
    expect(Date.now() - started).toBeGreaterThanOrEqual(800)
    await access.close()
    await dev.stop()
  })

  it('opens an in-process session for the platform itself (remote login’s path), refused ones with 78115', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref)
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const relay = tunnelRelayOf(node.hub)!
    expect(relay.deviceConnected(t.tunnelId)).toBe(true)
    const stream = await relay.openSession(t.tunnelId, 'ECHO')
    const big = Buffer.alloc(20_000, 3)
    const back = read(stream, big.length)
    stream.write(big)
    expect((await back).equals(big)).toBe(true)
    const before = echoSockets.size
    stream.end()
    await eventually(async () => echoSockets.size < before)
    await expect(relay.openSession(t.tunnelId, 'NOPE')).rejects.toMatchObject({ code: 78115 })
    await expect(relay.openSession('no-such-tunnel', 'ECHO')).rejects.toMatchObject({ code: 78115 })
    await dev.stop()
  })

  it('the iotops-agent program: connects with the triple, serves the mapped service, asks for its remote-login channel, stops cleanly on SIGTERM', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const d = devices[0]!
    const bin = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../packages/device-sdk/bin/iotops-agent.mjs',
    )
    const child = spawn(
      process.execPath,
      [
        bin,
        '--product-key',
        productKey,
        '--device-name',
        d.deviceName,
        '--mqtt',
        `mqtt://127.0.0.1:${node.mqttPort}`,
        '--service',
        `ECHO=127.0.0.1:${echoPort}`,
        '--remote-login',
      ],
      // the secret through the environment, out of the process list
      { env: { ...process.env, IOTOPS_DEVICE_SECRET: d.deviceSecret }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString()
    })
    try {
      await eventually(async () => out.includes('agent ready'), 20_000)
      expect(out).not.toContain(d.deviceSecret)
      // --remote-login: it asked for its own remote-login channel (7 days) and holds it
      const rl = await eventually(async () =>
        node.db.prisma.tunnel.findFirst({
          where: { productKey, deviceName: d.deviceName, purpose: 'remote_login', status: 'OPEN' },
        }),
      )
      expect(Math.abs(rl.expiresAt.getTime() - rl.createdAt.getTime() - 7 * 86_400_000)).toBeLessThan(5000)
      await eventually(async () => (await listed(rl.tunnelId)).deviceConnected)
      // the request's reply and the tunnel's connect notice travel separately: either may come first
      await eventually(async () => out.includes('"msg":"remote-login"'))
      const t = await create({ productKey, deviceName: d.deviceName })
      await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
      const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
      const s = await access.openSession('ECHO')
      s.write('cli')
      expect((await read(s, 3)).toString()).toBe('cli')
      const released = new Promise<number>((r) => s.once('released', (code: number) => r(code)))
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(await released).toBe(1)
      // the agent released its session (1, by the device) and closed the device side
      await eventually(async () => !(await listed(t.tunnelId)).deviceConnected)
      await access.close()
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('a device side that never answers a session_create: code 5 after 10 s, logged as 78115', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const d = devices[0]!
    const device = await Device.connect({
      url: `mqtt://127.0.0.1:${node.mqttPort}`,
      productKey,
      deviceName: d.deviceName,
      deviceSecret: d.deviceSecret,
    })
    const notice = new Promise<{ uri: string; token: string }>((resolve) =>
      device.on('message', (topic: string, payload: Buffer) => {
        if (topic.endsWith('/secure_tunnel/notify')) resolve(JSON.parse(payload.toString()))
      }),
    )
    await device.client.subscribeAsync(`/sys/${productKey}/${d.deviceName}/secure_tunnel/notify`)
    await eventually(
      async () => (await node.db.prisma.device.findFirst({ where: { productKey } }))?.status === 'ONLINE',
    )
    const t = await create({ productKey, deviceName: d.deviceName })
    const n = await notice
    // a device side that connects but ignores everything (the client speaks the protocol, it just never answers)
    const mute = await TunnelAccess.connect(n.uri, n.token)
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
    const started = Date.now()
    await expect(access.openSession('ECHO')).rejects.toMatchObject({ code: 5, message: /did not answer/ })
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500)
    const row = await eventually(async () =>
      (await runLog({ productKey, deviceName: d.deviceName })).find((r) => r.code === 78115),
    )
    expect(JSON.parse(row.content).Message).toMatch(/did not answer/)
    await access.close()
    await mute.close()
    await device.client.endAsync()
  }, 30_000)

  it('refuses a wrong token with 78114 (header and first-message auth) and logs it', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref)
    const err = await TunnelAccess.connect(t.accessUrl, 'not-the-token').catch((e: TunnelError) => e)
    expect(err).toBeInstanceOf(TunnelError)
    expect(err).toMatchObject({ status: 401, code: 78114 })
    // the device token does not open the access side
    const deviceSide = await TunnelAccess.connect(t.accessUrl.replace('/access/', '/device/'), t.accessToken).catch(
      (e: TunnelError) => e,
    )
    expect(deviceSide).toMatchObject({ code: 78114 })
    // a browser sends the token as its first message, not in the URL
    const bad = await TunnelAccess.connect(t.accessUrl, 'wrong', { auth: 'message' }).catch((e: TunnelError) => e)
    expect(bad).toMatchObject({ code: 78114, status: 4401 })
    const ok = await TunnelAccess.connect(t.accessUrl, t.accessToken, { auth: 'message' })
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const s = await ok.openSession('ECHO')
    s.write('via first message')
    expect((await read(s, 17)).toString()).toBe('via first message')
    await ok.close()
    const refusals = await eventually(async () => {
      const rows = (await runLog(dev.ref)).filter((r) => r.code === 78114)
      return rows.length >= 3 && rows
    })
    expect(refusals.map((r) => r.operation)).toEqual(['AccessEndConn', 'DeviceEndConn', 'AccessEndConn'])
    await dev.stop()
  })

  it('answers bad service types, refusing devices, unknown sessions and the 11th session as documented (78115)', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref)
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)

    // an invalid service_type never reaches the device: code 3
    const badType = nextResponse(access)
    const raw = Buffer.from(JSON.stringify({ frame_type: 2, frame_id: 41, service_type: '9lives' }))
    access.send(Buffer.concat([Buffer.from([0, raw.length]), raw]))
    expect(await badType).toMatchObject({
      code: 3,
      header: { frame_id: 41 },
      msg: expect.stringMatching(/service_type/),
    })

    // the device has nothing mapped / cannot reach the service: code 2 from the device
    await expect(access.openSession('NOPE')).rejects.toMatchObject({ code: 2, message: /no local service/ })
    await expect(access.openSession('DEAD')).rejects.toMatchObject({ code: 2, message: /cannot reach DEAD/ })

    // data for a session that does not exist: code 4
    const unknown = nextResponse(access)
    access.send(
      encodeTunnelFrame({ header: { frame_type: 4, frame_id: 1, session_id: 'nope' }, payload: Buffer.from('x') }),
    )
    expect(await unknown).toMatchObject({ code: 4, header: { session_id: 'nope' } })

    // at most 10 sessions per tunnel: the 11th gets code 1
    const open = []
    for (let i = 0; i < TUNNEL_MAX_SESSIONS; i++) open.push(await access.openSession('ECHO'))
    await expect(access.openSession('ECHO')).rejects.toMatchObject({ code: 1 })
    open[0]!.release()
    await eventually(async () => (await access.openSession('ECHO').catch(() => null)) ?? false)
    // a session released right after it opened is stored as released too (its row is written first)
    const quick = await access.openSession('ECHO').catch(() => null)
    if (quick) quick.release()
    else open[1]!.release()
    const quickId = quick ? quick.sessionId : open[1]!.sessionId
    await eventually(() =>
      node.db.prisma.tunnelSession.findFirst({
        where: { sessionId: quickId, releasedAt: { not: null }, releaseCode: 0 },
      }),
    )

    const failed = await eventually(async () => {
      const rows = (await runLog(dev.ref)).filter((r) => r.code === 78115)
      return rows.length >= 4 && rows
    })
    expect(failed.every((r) => r.operation === 'SessionCreate')).toBe(true)
    expect(failed.map((r) => JSON.parse(r.content).Message).join('\n')).toMatch(/service_type[\s\S]*refused/)
    await access.close()
    await dev.stop()
  })

  it('closing releases both sides, a closed tunnel never reopens, and only closed tunnels are deleted', async () => {
    const dev = await deviceWithAgent()
    const t = await create(dev.ref)
    await eventually(async () => (await listed(t.tunnelId)).deviceConnected)
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
    const s = await access.openSession('ECHO')
    const released = new Promise<number>((r) => s.once('released', (code: number) => r(code)))
    const closed = new Promise<number>((r) => access.once('close', (code: number) => r(code)))

    const notYet = await api.call('tunnel.delete', { tunnelIds: [t.tunnelId] }, 'mutation')
    expect(notYet.error?.message).toMatch(/only closed tunnels can be deleted/)

    expect((await api.call('tunnel.close', { tunnelIds: [t.tunnelId] }, 'mutation')).data).toEqual({
      closed: [t.tunnelId],
    })
    expect(await released).toBe(4)
    expect(await closed).toBe(4000)
    await eventually(async () =>
      dev.events.some((e) => e.type === 'disconnected' && e.tunnelId === t.tunnelId && !e.willReconnect),
    )
    expect(await listed(t.tunnelId)).toMatchObject({ status: 'CLOSED', deviceConnected: false, accessConnected: false })
    // the token of a closed tunnel is refused
    await expect(TunnelAccess.connect(t.accessUrl, t.accessToken)).rejects.toMatchObject({ code: 78114 })
    const again = await api.call('tunnel.close', { tunnelIds: [t.tunnelId] }, 'mutation')
    expect(again.error?.message).toMatch(/only open tunnels can be closed/)

    expect((await api.call('tunnel.delete', { tunnelIds: [t.tunnelId] }, 'mutation')).data).toEqual({
      deleted: [t.tunnelId],
    })
    expect(await node.db.prisma.tunnel.findUnique({ where: { tunnelId: t.tunnelId } })).toBeNull()
    const closing = ['CloseTunnel', 'DeviceEndDisconn', 'AccessEndDisconn', 'DeleteTunnel']
    await eventually(async () => {
      const ops = (await runLog(dev.ref)).map((r) => r.operation)
      return closing.every((op) => ops.includes(op))
    })
    await dev.stop()
  })

  it('batch closes and deletes; at most 10 open tunnels per device; the sweeper closes at 24 h and deletes at 30 days', async () => {
    const dev = await deviceWithAgent()
    const ids: string[] = []
    for (let i = 0; i < TUNNEL_MAX_PER_DEVICE; i++) ids.push((await create(dev.ref)).tunnelId)
    const eleventh = await api.call('tunnel.create', dev.ref, 'mutation')
    expect(eleventh.error?.message).toMatch(/already has 10 open tunnels/)
    await api.call('tunnel.close', { tunnelIds: ids.slice(0, 8) }, 'mutation')
    expect(
      (await api.call<{ deleted: string[] }>('tunnel.delete', { tunnelIds: ids.slice(0, 8) }, 'mutation')).data!
        .deleted,
    ).toHaveLength(8)
    const listOpen = await api.call<{ total: number }>('tunnel.list', { ...dev.ref, status: 'OPEN' })
    expect(listOpen.data!.total).toBe(2)

    // 24 h later: forced closed; 30 days after creation: gone
    await node.db.prisma.tunnel.updateMany({
      where: { tunnelId: ids[8] },
      data: { expiresAt: new Date(Date.now() - 1) },
    })
    expect(await tunnels.sweepTunnels(node.db, node.hub, TEST_ACTOR)).toMatchObject({ closed: 1 })
    expect(await listed(ids[8]!)).toMatchObject({ status: 'CLOSED', closeReason: 'expired' })
    await node.db.prisma.tunnel.updateMany({
      where: { tunnelId: ids[9] },
      data: { deleteAt: new Date(Date.now() - 1) },
    })
    expect(await tunnels.sweepTunnels(node.db, node.hub, TEST_ACTOR)).toMatchObject({ deleted: 1 })
    expect(await node.db.prisma.tunnel.findUnique({ where: { tunnelId: ids[9] } })).toBeNull()
    await dev.stop()
  })

  it('OpenAPI: CreateDeviceTunnel, QueryDeviceTunnel, ListDeviceTunnel, CloseDeviceTunnel, DeleteDeviceTunnel', async () => {
    const dev = await deviceWithAgent()
    const key = await createApiKey(node)
    const call = async (action: string, body: Record<string, unknown>) =>
      (await (
        await fetch(`http://127.0.0.1:${node.httpPort}/api/v1/${action}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as { Success: boolean; Code?: string; Data?: Record<string, unknown> }
    const c = await call('CreateDeviceTunnel', {
      ProductKey: dev.ref.productKey,
      DeviceName: dev.ref.deviceName,
      Udi: 'u',
    })
    expect(c).toMatchObject({
      Success: true,
      Data: { TunnelId: expect.any(String), SourceAccessToken: expect.any(String) },
    })
    const id = c.Data!.TunnelId as string
    expect(String(c.Data!.SourceURI)).toContain(`/api/ws/tunnel/access/${id}`)
    await eventually(
      async () => (await call('QueryDeviceTunnel', { TunnelId: id })).Data?.DeviceConnectionState === 'CONNECTED',
    )
    expect((await call('QueryDeviceTunnel', { TunnelId: id })).Data).toMatchObject({
      TunnelState: 'OPEN',
      SourceConnectionState: 'DISCONNECTED',
      Udi: 'u',
      Sessions: [],
    })
    expect((await call('ListDeviceTunnel', { ProductKey: dev.ref.productKey })).Data).toMatchObject({ Total: 1 })
    expect(await call('DeleteDeviceTunnel', { TunnelId: id })).toMatchObject({ Success: false })
    expect(await call('CloseDeviceTunnel', { TunnelId: id })).toMatchObject({ Success: true })
    expect(await call('DeleteDeviceTunnel', { TunnelId: id })).toMatchObject({ Success: true })
    expect(await call('QueryDeviceTunnel', { TunnelId: id })).toMatchObject({ Success: false, Code: 'NOT_FOUND' })
    await dev.stop()
  })

  it('a node shutting down releases sessions with code 4 and closes both sides without waiting for them', async () => {
    const other = await startTestNode()
    try {
      const { productKey, devices } = await seedSensorProduct(other, 1)
      const device = await Device.connect({
        url: `mqtt://127.0.0.1:${other.mqttPort}`,
        productKey,
        deviceName: devices[0]!.deviceName,
        deviceSecret: devices[0]!.deviceSecret,
      })
      const agent = new TunnelAgent(device, { services: { ECHO: { host: '127.0.0.1', port: echoPort } } })
      const events: AgentEvent[] = []
      agent.on('event', (e: AgentEvent) => events.push(e))
      await agent.start()
      await eventually(
        async () => (await other.db.prisma.device.findFirst({ where: { productKey } }))?.status === 'ONLINE',
      )
      const t = await tunnels.createTunnel(other.db, other.hub, TEST_ACTOR, {
        productKey,
        deviceName: devices[0]!.deviceName,
      })
      await eventually(async () => agent.connectedTunnels().includes(t.tunnelId))
      const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
      const s = await access.openSession('ECHO')
      const released = new Promise<number>((r) => s.once('released', (code: number) => r(code)))
      const closed = new Promise<number>((r) => access.once('close', (code: number) => r(code)))
      const started = Date.now()
      await other.close()
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(await released).toBe(4)
      expect(await closed).toBe(1001)
      // the agent will come back (after a second) to wherever the platform is again
      expect(events.find((e) => e.type === 'disconnected')).toMatchObject({ code: 1001, willReconnect: true })
      await agent.stop()
      device.client.end(true)
    } finally {
      await other.close().catch(() => undefined)
    }
  })
})
