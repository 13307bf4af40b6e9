import { generate } from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { ConnackError, LightClient, packetEnd } from './light-client'
import { fakeBroker } from './testing'

describe('packetEnd (framing)', () => {
  it('finds the end of whole packets and -1 for partial ones', () => {
    const a = generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(300), qos: 0, dup: false, retain: false })
    const b = generate({ cmd: 'pingresp' })
    const both = Buffer.concat([a, b])
    expect(packetEnd(both, 0)).toBe(a.length)
    expect(packetEnd(both, a.length)).toBe(both.length)
    expect(packetEnd(both.subarray(0, a.length - 1), 0)).toBe(-1)
    expect(packetEnd(a.subarray(0, 2), 0)).toBe(-1) // the length's second byte has not arrived
    expect(() => packetEnd(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toThrow(/malformed/)
  })
})

describe('LightClient', () => {
  it('connects with the given credentials, subscribes, publishes QoS 0 and 1, gets PUBACKs', async () => {
    const b = fakeBroker()
    const c = new LightClient({
      transport: b.transport,
      clientId: 'id|securemode=3|',
      username: 'dn&pk',
      password: 'pw',
    })
    await c.connect()
    expect(c.connected).toBe(true)
    const connect = b.received[0]?.packet
    expect(connect).toMatchObject({ cmd: 'connect', clientId: 'id|securemode=3|', username: 'dn&pk', clean: true })
    expect(String((connect as { password: Buffer }).password)).toBe('pw')
    expect(await c.subscribeAsync(['/a/+', '/b'], 1)).toEqual([1, 1])
    await c.publishAsync('/t/q1', '{"x":1}', 1)
    await c.publishAsync('/t/q0', 'raw', 0)
    expect(c.inflight).toBe(0)
    const pubs = b.publishes()
    expect(pubs.map((p) => [p.topic, p.qos, String(p.payload)])).toEqual([
      ['/t/q1', 1, '{"x":1}'],
      ['/t/q0', 0, 'raw'],
    ])
    await c.end()
    expect(c.closed).toBe(true)
    expect(b.received.at(-1)?.packet.cmd).toBe('disconnect')
  })

  it('rejects with the CONNACK refusal code', async () => {
    const b = fakeBroker({ connack: 4 })
    const c = new LightClient({ transport: b.transport, clientId: 'x' })
    const e = await c.connect().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConnackError)
    expect((e as ConnackError).returnCode).toBe(4)
    expect((e as Error).message).toMatch(/bad user name or password/)
    expect(c.closed).toBe(true)
  })

  it('reassembles packets split across reads, answers inbound QoS 1 with PUBACK, calls the shared hooks', async () => {
    const b = fakeBroker({ splitWrites: true })
    const seen: string[] = []
    const hooks = {
      message: (cl: LightClient<string>, topic: string, payload: Buffer, qos: 0 | 1) =>
        seen.push(`${cl.ctx} ${topic} ${payload} q${qos}`),
      puback: (cl: LightClient<string>, id: number) => seen.push(`${cl.ctx} puback ${id}`),
    }
    const c = new LightClient<string>({ transport: b.transport, clientId: 'x', hooks, ctx: 'dev1' })
    await c.connect()
    const id = c.publish('/up', 'p', 1)
    b.send({
      cmd: 'publish',
      topic: '/down/1',
      payload: Buffer.from('hello'),
      qos: 1,
      messageId: 77,
      dup: false,
      retain: false,
    })
    b.send({
      cmd: 'publish',
      topic: '/down/2',
      payload: Buffer.from('x'.repeat(500)),
      qos: 0,
      dup: false,
      retain: false,
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(seen).toEqual([`dev1 puback ${id}`, 'dev1 /down/1 hello q1', `dev1 /down/2 ${'x'.repeat(500)} q0`])
    expect(b.received.find((r) => r.packet.cmd === 'puback')?.packet).toMatchObject({ messageId: 77 })
    c.destroy()
  })

  it('fails outstanding QoS 1 callbacks when the connection closes, and emits close once', async () => {
    const b = fakeBroker({ ackPublish: false })
    const c = new LightClient({ transport: b.transport, clientId: 'x' })
    await c.connect()
    const p = new Promise<Error | null>((resolve) => c.publish('/never', 'x', 1, resolve))
    let closes = 0
    c.on('close', () => closes++)
    c.destroy(new Error('gone'))
    c.destroy()
    expect((await p)?.message).toBe('gone')
    expect(closes).toBe(1)
    expect(() => c.start()).toThrow(/connects once/)
  })
})
