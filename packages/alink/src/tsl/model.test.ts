import { describe, expect, it } from 'vitest'
import {
  checkThingModel,
  findEvent,
  findProperty,
  findService,
  indexModel,
  listProperties,
  qualifyIdentifier,
  splitQualifiedIdentifier,
} from './model'
import type { ThingModel, TslModule } from './types'

function module(overrides: Partial<TslModule> = {}): TslModule {
  return {
    identifier: 'default',
    name: 'default',
    properties: [
      {
        identifier: 'temp',
        name: 'Temperature',
        accessMode: 'r',
        dataType: { type: 'float', specs: { min: -10, max: 50 } },
      },
    ],
    events: [{ identifier: 'Alarm', name: 'Alarm', type: 'alert', outputData: [] }],
    services: [{ identifier: 'Reset', name: 'Reset', callType: 'async', inputData: [], outputData: [] }],
    ...overrides,
  }
}

describe('checkThingModel', () => {
  it('accepts a valid hand-built model (as the console API creates them)', () => {
    expect(checkThingModel({ modules: [module(), module({ identifier: 'fan', name: 'Fan' })] })).toEqual([])
  })

  it.each<[string, ThingModel, RegExp]>([
    ['duplicate module', { modules: [module(), module()] }, /module is defined twice/],
    ['bad module id', { modules: [module({ identifier: 'my fan' })] }, /letters, digits/],
    ['module id over 30', { modules: [module({ identifier: 'm'.repeat(31) })] }, /longer than 30/],
    [
      'step not positive',
      {
        modules: [
          module({
            properties: [
              {
                identifier: 'p',
                name: 'p',
                accessMode: 'r',
                dataType: { type: 'int', specs: { min: 0, max: 9, step: 0 } },
              },
            ],
          }),
        ],
      },
      /step must be a positive number/,
    ],
    [
      'float bound beyond float32',
      {
        modules: [
          module({
            properties: [
              {
                identifier: 'p',
                name: 'p',
                accessMode: 'r',
                dataType: { type: 'float', specs: { min: 0, max: 1e39 } },
              },
            ],
          }),
        ],
      },
      /does not fit a 32-bit float/,
    ],
    [
      'int bound beyond int32',
      {
        modules: [
          module({
            properties: [
              {
                identifier: 'p',
                name: 'p',
                accessMode: 'r',
                dataType: { type: 'int', specs: { min: 0, max: 2 ** 31 } },
              },
            ],
          }),
        ],
      },
      /int32|integer in \[-2147483648, 2147483647\]/,
    ],
    [
      'empty enum',
      {
        modules: [
          module({
            properties: [{ identifier: 'p', name: 'p', accessMode: 'r', dataType: { type: 'enum', specs: {} } }],
          }),
        ],
      },
      /at least one value/,
    ],
    [
      'non-canonical enum key',
      {
        modules: [
          module({
            properties: [
              { identifier: 'p', name: 'p', accessMode: 'r', dataType: { type: 'enum', specs: { '01': 'x' } } },
            ],
          }),
        ],
      },
      /enum value "01"/,
    ],
    [
      'empty struct',
      {
        modules: [
          module({
            properties: [{ identifier: 'p', name: 'p', accessMode: 'r', dataType: { type: 'struct', specs: [] } }],
          }),
        ],
      },
      /at least one member/,
    ],
    [
      'reserved service',
      {
        modules: [
          module({ services: [{ identifier: 'get', name: 'g', callType: 'sync', inputData: [], outputData: [] }] }),
        ],
      },
      /reserved/,
    ],
    [
      'event and property sharing an id',
      { modules: [module({ events: [{ identifier: 'temp', name: 't', type: 'info', outputData: [] }] })] },
      /already used by a property/,
    ],
  ])('reports %s', (_label, model, expected) => {
    const issues = checkThingModel(model)
    expect(issues.map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(expected)
  })
})

describe('lookup helpers', () => {
  const model: ThingModel = { modules: [module(), module({ identifier: 'fan', name: 'Fan' })] }

  it('split and qualify identifiers', () => {
    expect(splitQualifiedIdentifier('temp')).toEqual({ moduleId: 'default', identifier: 'temp' })
    expect(splitQualifiedIdentifier('fan:temp')).toEqual({ moduleId: 'fan', identifier: 'temp' })
    expect(qualifyIdentifier('default', 'temp')).toBe('temp')
    expect(qualifyIdentifier('fan', 'temp')).toBe('fan:temp')
  })

  it('find functions by qualified identifier', () => {
    expect(findProperty(model, 'fan:temp')?.name).toBe('Temperature')
    expect(findProperty(model, 'pump:temp')).toBeUndefined()
    expect(findEvent(model, 'Alarm')?.type).toBe('alert')
    expect(findService(model, 'fan:Reset')?.callType).toBe('async')
    expect(listProperties(model).map((p) => p.identifier)).toEqual(['temp', 'fan:temp'])
  })

  it('index a model once', () => {
    expect(indexModel(model)).toBe(indexModel(model))
  })
})
