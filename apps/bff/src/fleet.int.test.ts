// Fleet simulation against a whole node (real broker, real PostgreSQL): connect, property posts from
// generators, replies, churn, OTA participation and stop.
import { Fleet, type FleetDevice, type FleetStats, type TFleetScenarioInput } from '@iotops/device-sdk'
import { devices } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let url: string
const fleets: Fleet[] = []

beforeAll(async () => {
  // churn reconnects more often than the default 5 connects a minute per device allows
  node = await startTestNode({ DEVICE_CONNECT_QPM: '1000' })
  url = `mqtt://127.0.0.1:${node.mqttPort}`
})
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()))
  await node?.close()
})

async function product(n: number): Promise<{ productKey: string; list: FleetDevice[] }> {
  const { productKey } = await seedSensorProduct(node, 0)
  const r = await devices.batchCreateDevices(node.db, TEST_ACTOR, { productKey, count: n })
  return { productKey, list: r.devices }
}

function startFleet(list: FleetDevice[], scenario: TFleetScenarioInput) {
  const f = new Fleet({ devices: list, scenario, url })
  fleets.push(f)
  f.start()
  return f
}

const statusCounts = async (productKey: string) => {
  const r = await node.db.pool.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM device WHERE product_key = $1 GROUP BY status',
    [productKey],
  )
  return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)])) as Record<string, number>
}

/** Messages the node's broker routes on `filter` (device uplinks included), as parsed JSON. */
function watch(filter: string) {
  const seen: { topic: string; body: { params?: Record<string, unknown> } }[] = []
  node.hub.broker.subscribe(
    filter,
    (packet, cb) => {
      seen.push({ topic: packet.topic, body: JSON.parse(String(packet.payload)) })
      cb()
    },
    () => {},
  )
  return seen
}

describe('Fleet against a node', () => {
  it('connects 50 devices, posts generator values that land in PostgreSQL with code 200, runs an OTA upgrade, and stop() takes all offline', async () => {
    const { productKey, list } = await product(50)
    const progress = watch(`/ota/device/progress/${productKey}/+`)
    const informs = watch(`/ota/device/inform/${productKey}/+`)
    const fleet = startFleet(list, {
      count: 50,
      intervalMs: 1000,
      jitter: 0.2,
      rampUpPerSecond: 200,
      qos: 1,
      properties: {
        temperature: { kind: 'random', min: 10, max: 30, decimals: 0 },
        humidity: { kind: 'sine', min: 40, max: 60, periodSeconds: 30, randomPhase: true, decimals: 1 },
        power: { kind: 'bool', trueRatio: 0.5 },
      },
      events: [
        {
          identifier: 'overheat',
          probability: 0.3,
          params: { level: { kind: 'random', min: 0, max: 10, decimals: 0 } },
        },
      ],
      ota: { enabled: true, version: '1.0.0', steps: 3, stepDelayMs: 100 },
    })

    await eventually(async () => fleet.stats().connected === 50, 10_000)
    await eventually(async () => (await statusCounts(productKey)).ONLINE === 50, 5000)
    // every device reported its version after connecting
    await eventually(async () => informs.length >= 50)
    expect(informs.every((m) => m.body.params?.version === '1.0.0')).toBe(true)

    // posts arrive: property_history rows with values inside the generators' ranges
    const rows = await eventually(async () => {
      const r = await node.db.pool.query<{ identifier: string; num: number; device_id: string }>(
        `SELECT h.identifier, h.num, h.device_id FROM property_history h JOIN device d ON d.id = h.device_id
         WHERE d.product_key = $1`,
        [productKey],
      )
      return new Set(r.rows.map((x) => x.device_id)).size === 50 && r.rows.length >= 150 ? r.rows : null
    }, 8000)
    const by = (id: string) => rows.filter((r) => r.identifier === id).map((r) => Number(r.num))
    expect(by('temperature').every((v) => Number.isInteger(v) && v >= 10 && v <= 30)).toBe(true)
    expect(by('humidity').every((v) => v >= 40 && v <= 60)).toBe(true)
    expect(by('power').every((v) => v === 0 || v === 1)).toBe(true)

    let s: FleetStats = await eventually(async () => {
      const x = fleet.stats()
      return x.repliesOk >= 100 && x.eventPosts > 0 ? x : null
    }, 5000)
    expect(s.repliesError).toBe(0)
    expect(s.errors.replyCodes).toEqual({})
    expect(s.errors.connectRefused).toEqual({})
    expect(s.ackedTotal).toBeGreaterThan(0)

    // an upgrade notice published through the node: progress 33, 67, 100, then the new version is reported
    const target = list[7]!
    await node.hub.publish(
      `/ota/device/upgrade/${productKey}/${target.deviceName}`,
      JSON.stringify({
        id: '1',
        code: 200,
        data: { version: '2.0.0', size: 10, url: 'http://127.0.0.1:1/fw.bin', md5: 'x', sign: 'x', signMethod: 'MD5' },
        message: 'success',
      }),
      1,
    )
    await eventually(async () => fleet.stats().ota.succeeded === 1, 5000)
    // the fleet counts on publish; the broker sees the message a moment later
    const mine = await eventually(async () => {
      const l = progress.filter((m) => m.topic.endsWith(`/${target.deviceName}`)).map((m) => m.body.params?.step)
      return l.length === 3 ? l : null
    })
    expect(mine).toEqual(['33', '67', '100'])
    await eventually(async () =>
      informs.some((m) => m.topic.endsWith(`/${target.deviceName}`) && m.body.params?.version === '2.0.0'),
    )
    const detail = await eventually(async () => {
      const d = await devices.deviceDetail(node.db, { productKey, deviceName: target.deviceName })
      return d.firmware.default === '2.0.0' ? d : null
    })
    expect(detail.firmware.default).toBe('2.0.0')
    s = fleet.stats()
    expect(s.ota).toMatchObject({ upgradesReceived: 1, progressReported: 3, succeeded: 1, failed: 0 })

    await fleet.stop()
    expect(fleet.stats().connected).toBe(0)
    await eventually(async () => (await statusCounts(productKey)).OFFLINE === 50, 5000)
  })

  it('churn drops devices (offline) and brings them back (online); a failing upgrade reports its step code', async () => {
    const { productKey, list } = await product(10)
    const changes: { deviceName: string; status: string }[] = []
    const onStatus = (c: { productKey: string; deviceName: string; status: string }) => {
      if (c.productKey === productKey) changes.push(c)
    }
    node.hub.on('status', onStatus)
    const progress = watch(`/ota/device/progress/${productKey}/+`)
    const fleet = startFleet(list, {
      count: 10,
      intervalMs: 1000,
      rampUpPerSecond: 100,
      properties: { temperature: { kind: 'randomWalk', min: 0, max: 50, step: 2, decimals: 0 } },
      // about one drop per device every 3 s; back within 0.2–0.6 s
      churn: { disconnectsPerDevicePerHour: 1200, reconnectAfterMs: { min: 200, max: 600 } },
      ota: { enabled: true, successRatio: 0, failStep: -3, steps: 4, stepDelayMs: 50 },
    })
    try {
      await eventually(async () => fleet.stats().connected === 10, 10_000)
      await eventually(async () => {
        const s = fleet.stats()
        return s.churn.disconnects >= 5 && s.churn.reconnects >= 5
      }, 10_000)
      // some device went OFFLINE and later came back ONLINE
      const cameBack = (dn: string) => {
        const l = changes.filter((c) => c.deviceName === dn).map((c) => c.status)
        const off = l.indexOf('OFFLINE')
        return off !== -1 && l.indexOf('ONLINE', off) !== -1
      }
      await eventually(async () => list.some((d) => cameBack(d.deviceName)), 5000)
      const s = fleet.stats()
      expect(s.errors.disconnects).toBe(0) // only the scenario's own drops
      expect(s.repliesError).toBe(0)

      // an upgrade that fails: the device reports -3 (verification failed) after some progress
      const target = list[3]!
      const notice = JSON.stringify({
        id: '9',
        code: 200,
        data: { version: '3.0.0', size: 1, url: 'http://127.0.0.1:1/x' },
      })
      // the device may be between a drop and its reconnect: resend until it takes the notice
      await eventually(async () => {
        await node.hub.publish(`/ota/device/upgrade/${productKey}/${target.deviceName}`, notice, 1)
        await new Promise((r) => setTimeout(r, 200))
        return fleet.stats().ota.upgradesReceived > 0
      }, 5000)
      await eventually(async () => fleet.stats().ota.failed === 1, 5000)
      const steps = await eventually(async () => {
        const l = progress.filter((m) => m.topic.endsWith(`/${target.deviceName}`)).map((m) => m.body.params)
        return l.at(-1)?.step === '-3' ? l : null
      })
      expect(steps.at(-1)).toMatchObject({ step: '-3', desc: 'verification failed' })
      expect(steps.slice(0, -1).every((p) => Number(p?.step) > 0 && Number(p?.step) < 100)).toBe(true)
    } finally {
      node.hub.off('status', onStatus)
      await fleet.stop()
    }
    await eventually(async () => (await statusCounts(productKey)).OFFLINE === 10, 5000)
  })
})
