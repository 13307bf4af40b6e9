import { Device } from '@iotops/device-sdk'
import { ZFleetScenario } from '@iotops/device-sdk/scenario'
import { devices, fleet } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFleetCli } from './fleet-cli'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
beforeAll(async () => {
  node = await startTestNode()
})
afterAll(() => node?.close())

const base = {
  count: 6,
  deviceNamePrefix: 'fr_',
  intervalMs: 1000,
  rampUpPerSecond: 50,
  properties: { temperature: { kind: 'random', min: 10, max: 30, decimals: 0 } },
}
/** a scenario document as the API receives it (defaults filled in) */
const sc = (changes: object = {}) => ZFleetScenario.parse({ ...base, ...changes })
const scenario = sc()

describe('fleet runs in the node (the simulator page and the API start them)', () => {
  it('saves a scenario only when it fits the thing model', async () => {
    const { productKey } = await seedSensorProduct(node, 0)
    await expect(
      fleet.saveScenario(node.db, TEST_ACTOR, {
        name: 'bad',
        productKey,
        config: sc({ properties: { pressure: { kind: 'constant', value: 1 } } }),
      }),
    ).rejects.toThrow(`the product's thing model has no property "pressure"`)
    await expect(
      fleet.saveScenario(node.db, TEST_ACTOR, {
        name: 'bad',
        productKey,
        config: sc({ properties: { power: { kind: 'sine', min: 0, max: 1, periodSeconds: 60 } } }),
      }),
    ).rejects.toThrow(/"power" is bool: a sine generator needs int, float or double/)
    await expect(
      fleet.saveScenario(node.db, TEST_ACTOR, {
        name: 'bad',
        productKey,
        config: sc({ properties: { temperature: { kind: 'random', min: 0, max: 5 } } }),
      }),
    ).rejects.toThrow(/"temperature" is int: set decimals to 0/)
    const { id } = await fleet.saveScenario(node.db, TEST_ACTOR, { name: 'warm room', productKey, config: scenario })
    await expect(
      fleet.saveScenario(node.db, TEST_ACTOR, { name: 'warm room', productKey, config: scenario }),
    ).rejects.toThrow('a scenario named warm room exists already')
    expect(await fleet.listScenarios(node.db, { productKey })).toMatchObject([{ id, name: 'warm room', productKey }])
  })

  it('creates the missing devices, runs them through the pipeline, counts, and takes them offline on stop', async () => {
    const { productKey } = await seedSensorProduct(node, 0)
    const { id: scenarioId } = await fleet.saveScenario(node.db, TEST_ACTOR, {
      name: `run ${productKey}`,
      productKey,
      config: scenario,
    })
    const { runId, created } = await node.fleet.start(TEST_ACTOR, { productKey, scenarioId })
    expect(created).toBe(6)
    await expect(node.fleet.start(TEST_ACTOR, { productKey, scenarioId })).rejects.toThrow(/is running/)
    const online = await eventually(async () => {
      const n = await node.db.prisma.device.count({ where: { productKey, status: 'ONLINE' } })
      return n === 6 && n
    }, 10_000)
    expect(online).toBe(6)
    const run = await eventually(async () => {
      const r = node.fleet.list(productKey)[0]!
      return r.stats.repliesOk >= 12 && r
    }, 10_000)
    expect(run).toMatchObject({ id: runId, running: true, count: 6, stats: { connected: 6, repliesError: 0 } })
    const values = await node.db.prisma.$queryRaw<{ v: number }[]>`
      SELECT (h.value #>> '{}')::float AS v FROM property_history h JOIN device d ON d.id = h.device_id
      WHERE d.product_key = ${productKey} AND h.identifier = 'temperature'`
    expect(values.length).toBeGreaterThanOrEqual(12)
    expect(values.every((r) => r.v >= 10 && r.v <= 30)).toBe(true)

    await node.fleet.stop(runId)
    expect(node.fleet.list(productKey)[0]).toMatchObject({ running: false, stats: { connected: 0 } })
    await eventually(async () => (await node.db.prisma.device.count({ where: { productKey, status: 'ONLINE' } })) === 0)
  })

  it('refuses a fleet whose devices are disabled or online already', async () => {
    const { productKey } = await seedSensorProduct(node, 0)
    const first = await fleet.ensureFleetDevices(node.db, TEST_ACTOR, productKey, sc({ count: 2 }))
    await node.db.prisma.device.update({
      where: { productKey_deviceName: { productKey, deviceName: first.devices[1]!.deviceName } },
      data: { disabled: true },
    })
    await expect(node.fleet.start(TEST_ACTOR, { productKey, config: sc({ count: 2 }) })).rejects.toThrow(
      /1 of the fleet's devices are disabled \(fr_00002/,
    )
    // the real fr_00001 is connected: a virtual one would take its place (427), so the run is refused
    await node.db.prisma.device.update({
      where: { productKey_deviceName: { productKey, deviceName: first.devices[1]!.deviceName } },
      data: { disabled: false },
    })
    const real = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...first.devices[0]! })
    try {
      await eventually(async () => (await devices.deviceDetail(node.db, first.devices[0]!)).status === 'ONLINE')
      await expect(node.fleet.start(TEST_ACTOR, { productKey, config: sc({ count: 2 }) })).rejects.toThrow(
        /1 of the fleet's devices are online already \(fr_00001/,
      )
      expect(node.fleet.list(productKey)).toEqual([])
    } finally {
      await real.close()
    }
  })

  it('runs headless from the CLI with a saved scenario, and fails the job when replies are errors', async () => {
    const { productKey } = await seedSensorProduct(node, 0)
    await fleet.saveScenario(node.db, TEST_ACTOR, {
      name: `cli ${productKey}`,
      productKey,
      config: sc({ count: 3, deviceNamePrefix: 'cli_' }),
    })
    const cli = async (...args: string[]) => {
      const lines: string[] = []
      const code = await runFleetCli('run', ['--product', productKey, '--duration', '2', ...args], {
        config: { ...node.config, MQTT_PORT: node.mqttPort },
        withDb: (fn) => fn(node.db),
        actor: TEST_ACTOR,
        out: (l) => lines.push(l),
        interrupted: new Promise(() => {}),
      })
      return { code, text: lines.join('\n') }
    }
    const ok = await cli('--scenario-name', `cli ${productKey}`)
    expect(ok.text).toMatch(/3 devices cli_00001…cli_00003 \(3 created\)/)
    expect(ok.text).toMatch(/code 200: [1-9]\d*, other: 0/)
    expect(ok).toMatchObject({ code: 0 })
    expect(ok.text).toMatch(/\[fleet\] OK$/)

    // values the thing model refuses (6306): the error ratio fails the run
    // --count overrides the saved count
    const one = await cli('--scenario-name', `cli ${productKey}`, '--count', '1')
    expect(one.text).toMatch(/1 devices cli_00001 \(0 created\)/)
    await fleet.saveScenario(node.db, TEST_ACTOR, {
      name: `cli bad ${productKey}`,
      productKey,
      config: sc({ count: 2, deviceNamePrefix: 'cli_', properties: { temperature: { kind: 'constant', value: 999 } } }),
    })
    const failed = await cli('--scenario-name', `cli bad ${productKey}`)
    expect(failed.code).toBe(1)
    expect(failed.text).toMatch(/FAILED: error ratio .* is above --max-error-ratio 0.01/)
    await expect(cli('--scenario-name', 'no such scenario')).rejects.toThrow(
      'the scenario no such scenario does not exist',
    )
  })
})
