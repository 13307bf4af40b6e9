import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Fleet, type FleetDevice, fleetErrorRatio } from './fleet'
import { seededRandom, type TFleetScenarioInput } from './scenario'
import { type FakeBrokerOptions, fakeBroker } from './testing'

const PK = 'a1FleetTest'
const devices = (n: number): FleetDevice[] =>
  Array.from({ length: n }, (_, i) => ({
    productKey: PK,
    deviceName: `sim_${String(i + 1).padStart(5, '0')}`,
    deviceSecret: `secret-${i}`,
  }))

let fleets: Fleet[] = []
function run(scenario: TFleetScenarioInput, broker: FakeBrokerOptions = {}, n = scenario.count ?? 10) {
  const b = fakeBroker(broker)
  const f = new Fleet({ devices: devices(n), scenario, transport: b.transport, random: seededRandom(1) })
  fleets.push(f)
  f.start()
  return { b, f }
}
const json = (p: { payload: string | Buffer }) => JSON.parse(String(p.payload))
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms)

beforeEach(() => {
  // Date and the timers are simulated; the in-memory streams (nextTick, setImmediate) run for real
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
})
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(fleets.map((f) => f.stop(100)))
  fleets = []
})

describe('Fleet', () => {
  it('connects at the ramp-up rate with Link SDK credentials and subscribes to its reply topics', async () => {
    const { b, f } = run({ count: 20, rampUpPerSecond: 10, intervalMs: 60_000 })
    await advance(1050)
    expect(f.stats().connected).toBeGreaterThanOrEqual(10)
    expect(f.stats().connected).toBeLessThanOrEqual(11)
    await advance(1100)
    expect(f.stats()).toMatchObject({ connected: 20, connecting: 0, connectAttempts: 20, target: 20 })
    const connect = b.received.find((r) => r.packet.cmd === 'connect')!.packet as {
      clientId: string
      username: string
      password: Buffer
    }
    const ts = /^a1FleetTest\.sim_00001\|securemode=3,signmethod=hmacsha256,timestamp=(\d+)\|$/.exec(connect.clientId)
    expect(ts).not.toBeNull()
    expect(connect.username).toBe(`sim_00001&${PK}`)
    const sign = createHmac('sha256', 'secret-0')
      .update(`clientId${PK}.sim_00001deviceNamesim_00001productKey${PK}timestamp${ts![1]}`)
      .digest('hex')
    expect(String(connect.password)).toBe(sign)
    const sub = b.received.find((r) => r.packet.cmd === 'subscribe')!.packet as { subscriptions: { topic: string }[] }
    expect(sub.subscriptions.map((s) => s.topic)).toEqual([`/sys/${PK}/sim_00001/thing/event/+/post_reply`])
  })

  it('posts generator values in the Alink shape every interval (± jitter) and counts PUBACKs and replies', async () => {
    const { b, f } = run(
      {
        count: 5,
        intervalMs: 1000,
        jitter: 0.2,
        rampUpPerSecond: 100,
        properties: { temperature: { kind: 'constant', value: 21 }, power: { kind: 'bool', trueRatio: 1 } },
      },
      { replyCode: 200 },
    )
    await advance(10_000)
    const posts = b.publishes(`/sys/${PK}/+/thing/event/property/post`)
    // 5 devices × ~10 s at 1 s (the first post within the first interval)
    expect(posts.length).toBeGreaterThanOrEqual(40)
    expect(posts.length).toBeLessThanOrEqual(56)
    const body = json(posts[0]!)
    expect(body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      version: '1.0',
      params: { temperature: 21, power: 1 },
      method: 'thing.event.property.post',
    })
    expect(posts.every((p) => p.qos === 1)).toBe(true)
    const s = f.stats()
    expect(s.propertyPosts).toBe(posts.length)
    expect(s.sentTotal).toBe(posts.length)
    expect(s.ackedTotal).toBe(posts.length)
    expect(s.repliesOk).toBe(posts.length)
    expect(s.repliesError).toBe(0)
    expect(s.msgsPerSecond).toBeGreaterThanOrEqual(4)
    expect(s.msgsPerSecond).toBeLessThanOrEqual(6)
    expect(fleetErrorRatio(s)).toBe(0)
  })

  it('posts events with their probability, params from generators, on /thing/event/{id}/post', async () => {
    const { b, f } = run({
      count: 4,
      intervalMs: 1000,
      rampUpPerSecond: 100,
      events: [
        { identifier: 'overheat', probability: 1, params: { level: { kind: 'constant', value: 7 } } },
        { identifier: 'never', probability: 0 },
      ],
    })
    await advance(3500)
    const ev = b.publishes(`/sys/${PK}/+/thing/event/overheat/post`)
    expect(ev.length).toBeGreaterThanOrEqual(8)
    expect(json(ev[0]!)).toMatchObject({ method: 'thing.event.overheat.post', params: { value: { level: 7 } } })
    expect(typeof json(ev[0]!).params.time).toBe('number')
    expect(b.publishes(`/sys/${PK}/+/thing/event/never/post`)).toEqual([])
    expect(b.publishes(`/sys/${PK}/+/thing/event/property/post`)).toEqual([]) // no properties in the scenario
    expect(f.stats().eventPosts).toBe(ev.length)
  })

  it('skips ticks while maxInflight QoS 1 posts are unacknowledged, and counts missing replies as timeouts', async () => {
    const { b, f } = run(
      {
        count: 1,
        intervalMs: 1000,
        replyTimeoutMs: 2000,
        maxInflight: 1,
        properties: { t: { kind: 'constant', value: 1 } },
      },
      { ackPublish: false },
    )
    await advance(6000)
    const s = f.stats()
    expect(b.publishes('/sys/#')).toHaveLength(1)
    expect(s.skippedTicks).toBeGreaterThanOrEqual(4)
    expect(s.ackedTotal).toBe(0)
    expect(s.errors.timeouts).toBe(1)
  })

  it('counts reply codes other than 200', async () => {
    const { f } = run(
      { count: 2, intervalMs: 1000, properties: { t: { kind: 'constant', value: 1 } } },
      { replyCode: 6306 },
    )
    await advance(3500)
    const s = f.stats()
    expect(s.repliesOk).toBe(0)
    expect(s.repliesError).toBeGreaterThanOrEqual(4)
    expect(s.errors.replyCodes).toEqual({ 6306: s.repliesError })
    expect(fleetErrorRatio(s)).toBeGreaterThan(0.5)
  })

  it('counts CONNACK refusals by code and retries with a growing backoff', async () => {
    const { f } = run({ count: 2, rampUpPerSecond: 100 }, { connack: 5 })
    await advance(500)
    expect(f.stats().errors.connectRefused).toEqual({ 5: 2 })
    await advance(60_000)
    const s = f.stats()
    // backoff 0.5–1 s, 1–2 s, 2–4 s, 4–8 s, 8–16 s, 16–32 s: at most 7 tries each within a minute
    expect(s.errors.connectRefused['5']).toBeGreaterThanOrEqual(10)
    expect(s.errors.connectRefused['5']).toBeLessThanOrEqual(14)
    expect(s.connected).toBe(0)
  })

  it('reconnects after the broker drops the connections', async () => {
    const { b, f } = run({ count: 5, rampUpPerSecond: 100, intervalMs: 1000 })
    await advance(500)
    expect(f.stats().connected).toBe(5)
    b.dropAll()
    await advance(10)
    expect(f.stats().connected).toBe(0)
    expect(f.stats().errors.disconnects).toBe(5)
    await advance(1500)
    expect(f.stats()).toMatchObject({ connected: 5, connectAttempts: 10 })
    expect(f.stats().churn.reconnects).toBe(5)
  })

  it('churn drops connections at the configured rate and reconnects after reconnectAfterMs', async () => {
    const { f } = run({
      count: 20,
      intervalMs: 1000,
      rampUpPerSecond: 1000,
      properties: { t: { kind: 'constant', value: 1 } },
      churn: { disconnectsPerDevicePerHour: 360, reconnectAfterMs: { min: 500, max: 1000 } }, // 10 % a tick
    })
    await advance(20_000)
    const s = f.stats()
    // ≈ 20 devices × ~18 ticks × 0.1
    expect(s.churn.disconnects).toBeGreaterThanOrEqual(15)
    expect(s.churn.disconnects).toBeLessThanOrEqual(60)
    expect(s.churn.reconnects).toBeGreaterThanOrEqual(s.churn.disconnects - 20)
    expect(s.errors.disconnects).toBe(0)
    expect(s.connected).toBeGreaterThanOrEqual(14)
  })

  it('postAfterRampUp: nobody posts before the whole fleet is connected', async () => {
    const { b, f } = run({
      count: 30,
      rampUpPerSecond: 10,
      intervalMs: 1000,
      postAfterRampUp: true,
      properties: { t: { kind: 'constant', value: 1 } },
    })
    await advance(2500)
    expect(f.stats().connected).toBeGreaterThan(15)
    expect(b.publishes('/sys/#')).toEqual([])
    await advance(3000)
    expect(f.stats().allConnectedAt).not.toBeNull()
    expect(b.publishes('/sys/#').length).toBeGreaterThan(0)
  })

  it('OTA: reports its version, takes an upgrade through progress steps and reports the new version', async () => {
    const { b, f } = run({
      count: 2,
      rampUpPerSecond: 100,
      intervalMs: 60_000,
      ota: { enabled: true, version: '1.0.0', module: 'MCU', steps: 4, stepDelayMs: 1000 },
    })
    await advance(500)
    expect(b.publishes(`/ota/device/inform/${PK}/+`).map((p) => json(p).params)).toEqual([
      { version: '1.0.0', module: 'MCU' },
      { version: '1.0.0', module: 'MCU' },
    ])
    const sub = b.received.filter((r) => r.packet.cmd === 'subscribe').map((r) => r.packet) as {
      subscriptions: { topic: string }[]
    }[]
    expect(sub[0]!.subscriptions.map((s) => s.topic)).toContain(`/ota/device/upgrade/${PK}/sim_00001`)

    b.publish(
      `/ota/device/upgrade/${PK}/sim_00002`,
      JSON.stringify({ id: '5', code: 200, data: { version: '1.1.0', module: 'MCU', url: 'https://x/fw', size: 3 } }),
    )
    await advance(4500)
    const progress = b.publishes(`/ota/device/progress/${PK}/sim_00002`).map((p) => json(p))
    expect(progress.map((p) => p.params.step)).toEqual(['25', '50', '75', '100'])
    expect(progress[0]).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      params: { module: 'MCU', desc: 'upgrading 25%' },
    })
    expect(b.publishes(`/ota/device/progress/${PK}/sim_00001`)).toEqual([])
    const informs = b.publishes(`/ota/device/inform/${PK}/sim_00002`).map((p) => json(p).params)
    expect(informs.at(-1)).toEqual({ version: '1.1.0', module: 'MCU' })
    expect(f.stats().ota).toEqual({
      informed: 3,
      upgradesReceived: 1,
      upgradesIgnored: 0,
      progressReported: 4,
      succeeded: 1,
      failed: 0,
    })
  })

  it('OTA: fails with the configured step code at the configured ratio; ignores notices when not accepting', async () => {
    const { b, f } = run({
      count: 1,
      intervalMs: 60_000,
      ota: { enabled: true, successRatio: 0, failStep: -4, steps: 3, stepDelayMs: 200 },
    })
    await advance(200)
    b.publish(`/ota/device/upgrade/${PK}/sim_00001`, JSON.stringify({ code: 200, data: { version: '9' } }))
    await advance(1000)
    const steps = b.publishes(`/ota/device/progress/${PK}/+`).map((p) => json(p).params)
    expect(steps.at(-1)).toEqual({ step: '-4', desc: 'flash failed' })
    expect(f.stats().ota).toMatchObject({ failed: 1, succeeded: 0 })
    // the version did not change
    expect(b.publishes(`/ota/device/inform/${PK}/+`).map((p) => json(p).params.version)).toEqual(['1.0.0'])

    const other = run({ count: 1, intervalMs: 60_000, ota: { enabled: true, acceptUpgrades: false } })
    await advance(200)
    other.b.publish(`/ota/device/upgrade/${PK}/sim_00001`, JSON.stringify({ code: 200, data: { version: '9' } }))
    await advance(1000)
    expect(other.f.stats().ota).toMatchObject({ upgradesIgnored: 1, upgradesReceived: 0, progressReported: 0 })
  })

  it('OTA with verifyFirmware: downloads the package and reports -3 when its md5 does not match', async () => {
    const b = fakeBroker()
    const f = new Fleet({
      devices: devices(1),
      scenario: { count: 1, intervalMs: 60_000, ota: { enabled: true, verifyFirmware: true, stepDelayMs: 100 } },
      transport: b.transport,
      fetchFirmware: async () => new Uint8Array([1, 2, 3]),
    })
    fleets.push(f)
    f.start()
    await advance(200)
    b.publish(
      `/ota/device/upgrade/${PK}/sim_00001`,
      JSON.stringify({ code: 200, data: { version: '2', url: 'http://fw', size: 3, signMethod: 'MD5', sign: '00ff' } }),
    )
    await advance(500)
    expect(b.publishes(`/ota/device/progress/${PK}/+`).map((p) => json(p).params)).toEqual([
      { step: '-3', desc: 'md5 sign mismatch' },
    ])
  })

  it('stop() sends DISCONNECT on every connection and leaves nothing connected', async () => {
    const { b, f } = run({ count: 10, rampUpPerSecond: 1000 })
    await advance(300)
    expect(f.stats().connected).toBe(10)
    vi.useRealTimers()
    await f.stop()
    expect(b.received.filter((r) => r.packet.cmd === 'disconnect')).toHaveLength(10)
    expect(f.stats().connected).toBe(0)
    expect(f.stats().stoppedAt).not.toBeNull()
    expect(b.connections()).toEqual([])
  })

  it('rejects an invalid scenario and an empty device list', () => {
    const b = fakeBroker()
    expect(() => new Fleet({ devices: devices(1), scenario: { intervalMs: 10 }, transport: b.transport })).toThrow(
      /intervalMs must be at least 1000/,
    )
    expect(() => new Fleet({ devices: [], scenario: {}, transport: b.transport })).toThrow(/no devices/)
  })
})
