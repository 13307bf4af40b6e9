import { describe, expect, it } from 'vitest'
import {
  churnProbabilityPerTick,
  fleetDeviceName,
  type GeneratorValue,
  generatorValue,
  initGeneratorState,
  parseCsv,
  type RandomSource,
  seededRandom,
  type TGenerator,
  ZFleetScenario,
  ZGenerator,
} from './scenario'

const T0 = Date.UTC(2026, 0, 1)

/** n values of `gen` for one device, one tick a second from T0. */
function run(gen: TGenerator, n: number, random: RandomSource = seededRandom(42), id = 'temperature') {
  const st = initGeneratorState(gen, id, random)
  const out: (GeneratorValue | undefined)[] = []
  for (let t = 0; t < n; t++) out.push(generatorValue(gen, st, t, T0 + t * 1000, random))
  return out
}
const nums = (l: (GeneratorValue | undefined)[]) => l.map((v) => v as number)
const gen = (g: unknown) => ZGenerator.parse(g)

describe('ZFleetScenario', () => {
  it('fills in defaults from an empty object', () => {
    const s = ZFleetScenario.parse({})
    expect(s).toMatchObject({
      count: 10,
      deviceNamePrefix: 'sim_',
      intervalMs: 5000,
      jitter: 0.1,
      qos: 1,
      rampUpPerSecond: 100,
      properties: {},
      events: [],
      churn: { disconnectsPerDevicePerHour: 0, reconnectAfterMs: { min: 1000, max: 10_000 } },
      ota: { enabled: false, version: '1.0.0', acceptUpgrades: true, successRatio: 1, failStep: -1, steps: 5 },
      maxInflight: 2,
    })
  })

  it('rejects bad values with messages that say what is allowed', () => {
    const issues = (v: unknown) =>
      ZFleetScenario.safeParse(v).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []
    expect(issues({ count: 10_001 })).toEqual(['count: count must be 1–10000'])
    expect(issues({ count: 0 })).toEqual(['count: count must be 1–10000'])
    expect(issues({ intervalMs: 500 })).toEqual([
      'intervalMs: intervalMs must be at least 1000 (one message per second per device)',
    ])
    expect(issues({ jitter: 1.5 })).toEqual(['jitter: jitter must be 0–1'])
    expect(issues({ qos: 2 })).toEqual(['qos: qos must be 0 or 1'])
    expect(issues({ deviceNamePrefix: 'bad prefix' })[0]).toMatch(
      /^deviceNamePrefix: deviceNamePrefix must have 1–27 letters/,
    )
    expect(issues({ properties: { temperature: { kind: 'random', min: 5, max: 1 } } })).toEqual([
      'properties.temperature.max: min must not be greater than max',
    ])
    expect(issues({ properties: { t: { kind: 'gauss' } } })[0]).toMatch(/kind must be one of constant, random/)
    expect(issues({ properties: { 'bad-id': { kind: 'constant', value: 1 } } })[0]).toMatch(
      /^properties.bad-id: the property identifier "bad-id" must be 1–50 letters/,
    )
    expect(issues({ ota: { successRatio: 2 } })).toEqual(['ota.successRatio: successRatio must be 0–1'])
    expect(issues({ ota: { failStep: -5 } })).toEqual(['ota.failStep: failStep must be -1, -2, -3 or -4'])
    expect(issues({ churn: { reconnectAfterMs: { min: 5000, max: 10 } } })).toEqual([
      'churn.reconnectAfterMs.max: min must not be greater than max',
    ])
    expect(
      issues({
        events: [
          { identifier: 'overheat', probability: 0.1 },
          { identifier: 'overheat', probability: 0.2 },
        ],
      }),
    ).toEqual(['events.1.identifier: the event overheat is listed twice'])
  })

  it('checks that a replay CSV has the column it is meant to read', () => {
    const csv = 'temperature,humidity\n20,50\n21,51\n'
    expect(ZFleetScenario.safeParse({ properties: { temperature: { kind: 'replay', csv } } }).success).toBe(true)
    const r = ZFleetScenario.safeParse({ properties: { power: { kind: 'replay', csv } } })
    expect(r.error?.issues[0]).toMatchObject({
      path: ['properties', 'power', 'csv'],
      message: 'the CSV has no column "power" (columns: temperature, humidity)',
    })
    expect(
      ZFleetScenario.safeParse({ properties: { power: { kind: 'replay', csv, column: 'humidity' } } }).success,
    ).toBe(true)
    expect(
      ZFleetScenario.safeParse({ properties: { t: { kind: 'replay', csv: 'a,b\n' } } }).error?.issues[0],
    ).toMatchObject({ message: 'the CSV needs a header row of identifiers and at least one data row' })
  })

  it('names devices <prefix><5 digits> and turns churn per hour into a chance per tick', () => {
    expect(fleetDeviceName('sim_', 0)).toBe('sim_00001')
    expect(fleetDeviceName('load-', 9999)).toBe('load-10000')
    const s = ZFleetScenario.parse({ intervalMs: 1000, churn: { disconnectsPerDevicePerHour: 36 } })
    expect(churnProbabilityPerTick(s)).toBeCloseTo(0.01)
    expect(churnProbabilityPerTick({ ...s, churn: { ...s.churn, disconnectsPerDevicePerHour: 3600 } })).toBe(1)
  })
})

describe('generatorValue', () => {
  it('constant: the value every tick; booleans as Alink 1/0', () => {
    expect(run(gen({ kind: 'constant', value: 7 }), 3)).toEqual([7, 7, 7])
    expect(run(gen({ kind: 'constant', value: 'on' }), 2)).toEqual(['on', 'on'])
    expect(run(gen({ kind: 'constant', value: true }), 1)).toEqual([1])
  })

  it('random: inside [min, max], rounded to `decimals`, spread over the range', () => {
    const ints = nums(run(gen({ kind: 'random', min: -40, max: 120, decimals: 0 }), 2000))
    expect(ints.every((v) => Number.isInteger(v) && v >= -40 && v <= 120)).toBe(true)
    expect(Math.min(...ints)).toBeLessThan(-30)
    expect(Math.max(...ints)).toBeGreaterThan(110)
    const floats = nums(run(gen({ kind: 'random', min: 0, max: 1 }), 500))
    expect(floats.every((v) => v >= 0 && v <= 1 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9)).toBe(true)
  })

  it('sine: follows the wave between min and max with the given period', () => {
    const g = gen({ kind: 'sine', min: 10, max: 30, periodSeconds: 60, decimals: 3 })
    const st = initGeneratorState(g, 'x')
    const at = (s: number) => generatorValue(g, st, 0, s * 1000) as number
    expect(at(0)).toBe(20)
    expect(at(15)).toBe(30) // a quarter period: the top
    expect(at(45)).toBe(10) // three quarters: the bottom
    expect(at(60)).toBe(20)
    expect(at(75)).toBe(30)
    const all = nums(run(g, 120))
    expect(all.every((v) => v >= 10 && v <= 30)).toBe(true)
  })

  it('sine with randomPhase: each device starts elsewhere on the wave', () => {
    const g = gen({ kind: 'sine', min: 0, max: 100, periodSeconds: 60, randomPhase: true })
    const r = seededRandom(1)
    const a = initGeneratorState(g, 'x', r)
    const b = initGeneratorState(g, 'x', r)
    expect(a.phase).not.toBe(b.phase)
    expect(generatorValue(g, a, 0, T0)).not.toBe(generatorValue(g, b, 0, T0))
  })

  it('randomWalk: starts at `start`, moves at most `step` per tick, stays inside [min, max]', () => {
    const v = nums(run(gen({ kind: 'randomWalk', min: 0, max: 10, step: 0.5, start: 5, decimals: 6 }), 5000))
    expect(Math.abs(v[0]! - 5)).toBeLessThanOrEqual(0.5)
    for (let i = 1; i < v.length; i++) expect(Math.abs(v[i]! - v[i - 1]!)).toBeLessThanOrEqual(0.5 + 1e-9)
    expect(v.every((x) => x >= 0 && x <= 10)).toBe(true)
    // it wanders: it reaches both edges over 5000 ticks
    expect(Math.min(...v)).toBeLessThan(1)
    expect(Math.max(...v)).toBeGreaterThan(9)
  })

  it('randomWalk without start begins somewhere in the range', () => {
    const g = gen({ kind: 'randomWalk', min: 100, max: 200, step: 1 })
    const st = initGeneratorState(g, 'x', seededRandom(3))
    expect(st.value).toBeGreaterThanOrEqual(100)
    expect(st.value).toBeLessThanOrEqual(200)
  })

  it('replay: one CSV row per tick, looping; its own column; empty cells give no value', () => {
    const csv = 'temperature,humidity,mode\r\n20,50.5,eco\n21,,"fast, loud"\n22,52,\n'
    expect(run(gen({ kind: 'replay', csv }), 7)).toEqual([20, 21, 22, 20, 21, 22, 20])
    expect(run(gen({ kind: 'replay', csv }), 4, undefined, 'humidity')).toEqual([50.5, undefined, 52, 50.5])
    expect(run(gen({ kind: 'replay', csv, column: 'mode' }), 3)).toEqual(['eco', 'fast, loud', undefined])
    expect(parseCsv(csv).header).toEqual(['temperature', 'humidity', 'mode'])
  })

  it('enum: only the listed values, each of them over time', () => {
    const v = run(gen({ kind: 'enum', values: [0, 1, 2, 'x'] }), 400)
    expect(new Set(v)).toEqual(new Set([0, 1, 2, 'x']))
  })

  it('bool: 1/0 with the given share of 1', () => {
    const v = nums(run(gen({ kind: 'bool', trueRatio: 0.25 }), 4000))
    expect(v.every((x) => x === 0 || x === 1)).toBe(true)
    const share = v.filter((x) => x === 1).length / v.length
    expect(share).toBeGreaterThan(0.22)
    expect(share).toBeLessThan(0.28)
    expect(nums(run(gen({ kind: 'bool', trueRatio: 0 }), 50)).every((x) => x === 0)).toBe(true)
    expect(nums(run(gen({ kind: 'bool', trueRatio: 1 }), 50)).every((x) => x === 1)).toBe(true)
  })

  it('is deterministic with a seeded random source', () => {
    for (const g of [
      { kind: 'random', min: 0, max: 100 },
      { kind: 'randomWalk', min: 0, max: 100, step: 3 },
      { kind: 'enum', values: ['a', 'b', 'c'] },
      { kind: 'bool', trueRatio: 0.5 },
      { kind: 'sine', min: 0, max: 1, periodSeconds: 10, randomPhase: true },
    ]) {
      const a = run(gen(g), 100, seededRandom(7))
      const b = run(gen(g), 100, seededRandom(7))
      const c = run(gen(g), 100, seededRandom(8))
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
    }
  })

  it('uses exactly the injected random source', () => {
    const fixed: RandomSource = () => 0.5
    expect(run(gen({ kind: 'random', min: 0, max: 10 }), 2, fixed)).toEqual([5, 5])
    expect(run(gen({ kind: 'enum', values: ['a', 'b', 'c'] }), 1, fixed)).toEqual(['b'])
    expect(run(gen({ kind: 'randomWalk', min: 0, max: 10, step: 1, start: 3 }), 2, fixed)).toEqual([3, 3])
  })
})
