import { importTsl } from '@iotops/alink'
import { SENSOR_TSL } from '@iotops/alink/fixtures'
import { describe, expect, it } from 'vitest'
import type { DataType, ThingModel } from '../../lib/alink'
import {
  buildPropertyItems,
  checkEventParams,
  checkServiceInput,
  checkServiceOutput,
  type Draft,
  exampleJson,
  isFilled,
  toDraft,
  toValue,
} from './values'

const imported = importTsl(SENSOR_TSL)
if (!imported.ok) throw new Error('fixture TSL does not import')
const sensor: ThingModel = imported.model
const temperature: DataType = { type: 'int', specs: { min: -40, max: 120, step: 1, unit: '°C' } }
const point: DataType = {
  type: 'struct',
  specs: [
    { identifier: 'x', name: 'X', dataType: { type: 'float', specs: { min: -1, max: 1 } } },
    { identifier: 'label', name: 'Label', dataType: { type: 'text', specs: { length: 4 } } },
  ],
}
// the sensor model with a read-write struct property `p`
const model: ThingModel = {
  ...sensor,
  modules: sensor.modules.map((m, i) =>
    i === 0
      ? { ...m, properties: [...m.properties, { identifier: 'p', name: 'P', accessMode: 'rw', dataType: point }] }
      : m,
  ),
}

/** The problem with one property's draft, checked as a device's post is checked; null when it can be sent. */
function checkDraft(dataType: DataType, identifier: string, draft: Draft) {
  const r = buildPropertyItems(model, 'post', [{ identifier, dataType, draft }])
  return r.ok ? null : (r.problems[identifier] ?? null)
}

describe('thing-model values', () => {
  it('tells filled inputs from empty ones', () => {
    expect(isFilled(undefined)).toBe(false)
    expect(isFilled('  ')).toBe(false)
    expect(isFilled(0)).toBe(true)
    expect(isFilled('{}')).toBe(true)
  })

  it('round-trips structs through JSON text and reports bad JSON', () => {
    const draft = toDraft(point, { x: 0.5, label: 'ab' })
    expect(typeof draft).toBe('string')
    expect(toValue(point, draft)).toEqual({ ok: true, value: { x: 0.5, label: 'ab' } })
    expect(checkDraft(point, 'p', '{"x":')).toMatchObject({ kind: 'json' })
  })

  it('shows text as it is, and anything else a device put in a text property as JSON', () => {
    const text: DataType = { type: 'text', specs: { length: 64 } }
    expect(toDraft(text, 'hello')).toBe('hello')
    expect(toDraft(text, 12)).toBe('12')
    expect(toDraft(text, { a: 1 })).toBe('{"a":1}')
    expect(toDraft({ type: 'date' }, 1700000000000)).toBe('1700000000000')
    expect(toDraft(temperature, null)).toBeUndefined()
  })

  it('checks values with the server validators and their codes', () => {
    expect(checkDraft(temperature, 'temperature', 20)).toBeNull()
    expect(checkDraft(temperature, 'temperature', 999)).toMatchObject({ kind: 'tsl', code: 6306 })
    expect(checkDraft(point, 'p', JSON.stringify({ x: 0, label: 'too long' }))).toMatchObject({ code: 6310 })
    expect(checkDraft(point, 'p', JSON.stringify({ x: 0 }))).toMatchObject({ code: 6312 })
  })

  it('builds property-set items and names every faulty property', () => {
    const ok = buildPropertyItems(model, 'set', [
      { identifier: 'temperature', dataType: temperature, draft: 25 },
      { identifier: 'power', dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } }, draft: 1 },
    ])
    expect(ok).toEqual({ ok: true, items: { temperature: 25, power: 1 } })
    const bad = buildPropertyItems(model, 'set', [
      { identifier: 'temperature', dataType: temperature, draft: 500 },
      { identifier: 'humidity', dataType: { type: 'float', specs: { min: 0, max: 100 } }, draft: 50 },
      { identifier: 'p', dataType: point, draft: '{"x":' },
    ])
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.problems.temperature).toMatchObject({ code: 6306 })
      // read-only: the set is refused as the server refuses it
      expect(bad.problems.humidity).toMatchObject({ code: 6332 })
      expect(bad.problems.p).toMatchObject({ kind: 'json' })
    }
  })

  it('builds a property post from the filled inputs: read-only properties are reported too', () => {
    const humidity: DataType = { type: 'float', specs: { min: 0, max: 100 } }
    expect(
      buildPropertyItems(model, 'post', [
        { identifier: 'temperature', dataType: temperature, draft: undefined },
        { identifier: 'humidity', dataType: humidity, draft: 41.5 },
      ]),
    ).toEqual({ ok: true, items: { humidity: 41.5 } })
    expect(buildPropertyItems(model, 'post', [{ identifier: 'nope', dataType: humidity, draft: 1 }])).toMatchObject({
      ok: false,
      problems: { nope: { code: 5092 } },
    })
  })

  it('pre-fills service input with valid example values and checks it', () => {
    const reboot = model.modules[0]!.services.find((s) => s.identifier === 'reboot')!
    const text = exampleJson(reboot.inputData)
    expect(JSON.parse(text)).toEqual({ delay: 0 })
    expect(checkServiceInput(model, 'reboot', text)).toEqual({ ok: true, params: { delay: 0 } })
    expect(checkServiceInput(model, 'reboot', '{}')).toMatchObject({ ok: false, problem: { code: 6302 } })
    expect(checkServiceInput(model, 'reboot', '{"delay": 99}')).toMatchObject({ ok: false, problem: { code: 6306 } })
    expect(checkServiceInput(model, 'reboot', '{delay')).toMatchObject({ ok: false, problem: { kind: 'json' } })
    // JSON that is not an object is never sent as the parameters
    expect(checkServiceInput(model, 'reboot', 'null')).toMatchObject({ ok: false, problem: { kind: 'json' } })
    expect(checkServiceInput(model, 'reboot', '[1]')).toMatchObject({ ok: false, problem: { kind: 'json' } })
  })

  it('checks event parameters and service output against their definitions', () => {
    expect(checkEventParams(model, 'overheat', '{"level": 7}')).toEqual({ ok: true, params: { level: 7 } })
    expect(checkEventParams(model, 'overheat', '{"level": 99}')).toMatchObject({ ok: false, problem: { code: 6306 } })
    expect(checkEventParams(model, 'overheat', '')).toEqual({ ok: true, params: {} })
    expect(checkServiceOutput(model, 'reboot', '{"ok": 1}')).toEqual({ ok: true, params: { ok: 1 } })
    expect(checkServiceOutput(model, 'reboot', '{"other": 1}')).toMatchObject({ ok: false, problem: { kind: 'tsl' } })
  })
})
