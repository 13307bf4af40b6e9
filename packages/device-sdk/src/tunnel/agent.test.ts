import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Device } from '../device'
import { type AgentEvent, DEFAULT_SERVICES, parseServiceMapping, REMOTE_LOGIN_REFRESH_MS, TunnelAgent } from './agent'

describe('iotops-agent --service', () => {
  it('maps a service type to a host and port', () => {
    expect(parseServiceMapping('_SSH=127.0.0.1:22')).toEqual(['_SSH', { host: '127.0.0.1', port: 22 }])
    expect(parseServiceMapping('HTTP.admin=device.local:8080')).toEqual([
      'HTTP.admin',
      { host: 'device.local', port: 8080 },
    ])
    expect(parseServiceMapping('VNC=[::1]:5900')).toEqual(['VNC', { host: '::1', port: 5900 }])
  })

  it('refuses what the protocol would refuse, with the expected shape in the message', () => {
    for (const bad of [
      'SSH',
      '1SSH=127.0.0.1:22',
      'SSH=127.0.0.1',
      'SSH=:22',
      `${'a'.repeat(17)}=h:1`,
      'SSH=h:0',
      'SSH=h:70000',
    ])
      expect(() => parseServiceMapping(bad), bad).toThrow()
    expect(() => parseServiceMapping('SSH')).toThrow(/_SSH=127\.0\.0\.1:22/)
  })

  it('defaults to the device’s sshd', () => {
    expect(DEFAULT_SERVICES).toEqual({ _SSH: { host: '127.0.0.1', port: 22 } })
  })
})

/** A device whose MQTT client only records what the agent publishes (no broker). */
function fakeDevice() {
  const device = new EventEmitter() as EventEmitter & {
    productKey: string
    deviceName: string
    client: EventEmitter & Record<string, unknown>
  }
  const published: { topic: string; body: { id: string; params: { service_types: string[] } } }[] = []
  const client = new EventEmitter() as EventEmitter & Record<string, unknown>
  client.subscribeAsync = async () => []
  client.publish = (topic: string, payload: string, _o: unknown, cb?: () => void) => {
    published.push({ topic, body: JSON.parse(payload) })
    cb?.()
  }
  Object.assign(device, { productKey: 'pk1', deviceName: 'dn1', client })
  const reply = (id: string, code: number, data: Record<string, unknown>, message?: string) =>
    device.emit(
      'message',
      '/sys/pk1/dn1/secure_tunnel/proxy/request_reply',
      Buffer.from(JSON.stringify({ id, code, data, message })),
    )
  return { device: device as unknown as Device, published, reply, client }
}

describe('device-initiated remote login (agent side)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks on start, renews every 24 h, and retries a refused or unanswered request after a minute', async () => {
    const { device, published, reply } = fakeDevice()
    const agent = new TunnelAgent(device, { remoteLogin: true })
    const events: AgentEvent[] = []
    agent.on('event', (e: AgentEvent) => events.push(e))
    await agent.start()
    expect(published).toHaveLength(1)
    expect(published[0]).toMatchObject({
      topic: '/sys/pk1/dn1/secure_tunnel/proxy/request',
      body: { version: '1.0', params: { service_types: ['_SSH'] } },
    })
    // a reply to another request is not ours
    reply('someone-else', 200, { tunnel_id: 'tx' })
    expect(agent.remoteLogin().tunnelId).toBeNull()
    reply(published[0]!.body.id, 200, { tunnel_id: 't1', expire_time: 123 })
    expect(agent.remoteLogin()).toEqual({ tunnelId: 't1', connected: false })
    expect(events).toContainEqual({ type: 'remote-login', tunnelId: 't1', expiresAt: 123, replaced: null })

    vi.advanceTimersByTime(REMOTE_LOGIN_REFRESH_MS - 1000)
    expect(published).toHaveLength(1)
    vi.advanceTimersByTime(1000)
    expect(published).toHaveLength(2)
    reply(published[1]!.body.id, 500, {}, 'the device is disabled')
    expect(events.at(-1)).toEqual({
      type: 'remote-login-failed',
      code: 500,
      message: 'the device is disabled',
      retryInMs: 60_000,
    })
    expect(agent.remoteLogin().tunnelId).toBe('t1')
    vi.advanceTimersByTime(60_000)
    expect(published).toHaveLength(3)
    // no answer within 10 s: retried a minute later
    vi.advanceTimersByTime(10_000)
    expect(events.at(-1)).toMatchObject({ type: 'remote-login-failed', code: 0 })
    vi.advanceTimersByTime(60_000)
    expect(published).toHaveLength(4)
    reply(published[3]!.body.id, 200, { tunnel_id: 't2', expire_time: 456 })
    expect(events.at(-1)).toEqual({ type: 'remote-login', tunnelId: 't2', expiresAt: 456, replaced: 't1' })

    await agent.stop()
    vi.advanceTimersByTime(2 * REMOTE_LOGIN_REFRESH_MS)
    expect(published).toHaveLength(4)
  })

  it('asks again when MQTT reconnects without a channel; never asks without the option', async () => {
    const a = fakeDevice()
    const agent = new TunnelAgent(a.device, { remoteLogin: { refreshMs: 3_600_000 } })
    await agent.start()
    a.reply(a.published[0]!.body.id, 500, {}, 'no')
    a.client.emit('connect')
    expect(a.published).toHaveLength(2)
    await agent.stop()

    const b = fakeDevice()
    const plain = new TunnelAgent(b.device)
    await plain.start()
    b.client.emit('connect')
    vi.advanceTimersByTime(2 * REMOTE_LOGIN_REFRESH_MS)
    expect(b.published).toHaveLength(0)
    await plain.stop()
  })
})
