import { importTsl } from '@iotops/alink'
import { SENSOR_TSL } from '@iotops/alink/fixtures'
import { describe, expect, it } from 'vitest'
import type { DataType, ThingModel } from '../../lib/alink'
import {
  buildPropertyItems,
  checkDraft,
  checkServiceInput,
  exampleServiceInput,
  isFilled,
  toDraft,
  toValue,
} from './values'

const imported = importTsl(SENSOR_TSL)
if (!imported.ok) throw new Error('fixture TSL does not import')
const model: ThingModel = imported.model
const temperature: DataType = { type: 'int', specs: { min: -40, max: 120, step: 1, unit: '°C' } }
const point: DataType = {
  type: 'struct',
  specs: [
    { identifier: 'x', name: 'X', dataType: { type: 'float', specs: { min: -1, max: 1 } } },
    { identifier: 'label', name: 'Label', dataType: { type: 'text', specs: { length: 4 } } },
  ],
}

describe('debug values', () => {
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

  it('checks values with the server validators and their codes', () => {
    expect(checkDraft(temperature, 'temperature', 20)).toBeNull()
    expect(checkDraft(temperature, 'temperature', 999)).toMatchObject({ kind: 'tsl', code: 6306 })
    expect(checkDraft(point, 'p', JSON.stringify({ x: 0, label: 'too long' }))).toMatchObject({ code: 6310 })
    expect(checkDraft(point, 'p', JSON.stringify({ x: 0 }))).toMatchObject({ code: 6312 })
  })

  it('builds property-set items and names every faulty property', () => {
    const ok = buildPropertyItems(model, [
      { identifier: 'temperature', dataType: temperature, draft: 25 },
      { identifier: 'power', dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } }, draft: 1 },
    ])
    expect(ok).toEqual({ ok: true, items: { temperature: 25, power: 1 } })
    const bad = buildPropertyItems(model, [
      { identifier: 'temperature', dataType: temperature, draft: 500 },
      { identifier: 'humidity', dataType: { type: 'float', specs: { min: 0, max: 100 } }, draft: 50 },
    ])
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.problems.temperature).toMatchObject({ code: 6306 })
      // read-only: the set is refused as the server refuses it
      expect(bad.problems.humidity).toMatchObject({ code: 6332 })
    }
  })

  it('pre-fills service input with valid example values and checks it', () => {
    const reboot = model.modules[0]!.services.find((s) => s.identifier === 'reboot')!
    const text = exampleServiceInput(reboot.inputData)
    expect(JSON.parse(text)).toEqual({ delay: 0 })
    expect(checkServiceInput(model, 'reboot', text)).toEqual({ ok: true, args: { delay: 0 } })
    expect(checkServiceInput(model, 'reboot', '{}')).toMatchObject({ ok: false, problem: { code: 6302 } })
    expect(checkServiceInput(model, 'reboot', '{"delay": 99}')).toMatchObject({ ok: false, problem: { code: 6306 } })
    expect(checkServiceInput(model, 'reboot', '{delay')).toMatchObject({ ok: false, problem: { kind: 'json' } })
  })
})
