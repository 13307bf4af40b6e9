import { describe, expect, it } from 'vitest'
import { clone, PRODUCT_KEY, referenceDefaultTsl, referenceFanModuleTsl } from './__fixtures__/reference-tsl'
import { importTsl } from './import'
import { checkThingModel, findProperty, listProperties } from './model'
import type { ThingModel } from './types'

function imported(input: unknown): ThingModel {
  const r = importTsl(input)
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2))
  return r.model
}

function errorsOf(input: unknown): string[] {
  const r = importTsl(input)
  if (r.ok) throw new Error('expected the import to fail')
  return r.errors.map((e) => `${e.path}: ${e.message}`)
}

describe('importTsl: the reference export format', () => {
  it('imports the default module and converts string specs to numbers', () => {
    const r = importTsl(referenceDefaultTsl)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.productKey).toBe(PRODUCT_KEY)
    expect(r.model.modules).toHaveLength(1)
    const [module] = r.model.modules
    expect(module?.identifier).toBe('default')
    expect(module?.properties.map((p) => p.identifier)).toEqual([
      'PowerSwitch',
      'Temperature',
      'Brightness',
      'Energy',
      'WorkMode',
      'Label',
      'LastService',
      'GeoLocation',
      'Readings',
      'Slots',
    ])
    expect(findProperty(r.model, 'Temperature')).toEqual({
      identifier: 'Temperature',
      name: '温度',
      accessMode: 'r',
      required: true,
      description: 'ambient temperature',
      dataType: { type: 'float', specs: { min: -40, max: 120, step: 0.1, unit: '°C', unitName: '摄氏度' } },
    })
    expect(findProperty(r.model, 'Label')?.dataType).toEqual({ type: 'text', specs: { length: 16 } })
    expect(findProperty(r.model, 'Readings')?.dataType).toEqual({
      type: 'array',
      specs: { size: 4, item: { type: 'int' } },
    })
    expect(findProperty(r.model, 'Slots')?.dataType).toEqual({
      type: 'array',
      specs: {
        size: 2,
        item: {
          type: 'struct',
          specs: [
            { identifier: 'start', name: '开始', dataType: { type: 'int', specs: { min: 0, max: 1439, step: 1 } } },
            { identifier: 'on', name: '开关', dataType: { type: 'bool', specs: { '0': '关', '1': '开' } } },
          ],
        },
      },
    })
  })

  it('skips the system event post and the services set/get', () => {
    const model = imported(referenceDefaultTsl)
    const [module] = model.modules
    expect(module?.events.map((e) => e.identifier)).toEqual(['Error', 'Heartbeat'])
    expect(module?.services.map((s) => s.identifier)).toEqual(['Reboot', 'Calibrate'])
    expect(module?.services[1]).toMatchObject({
      callType: 'sync',
      inputData: [{ identifier: 'offset' }, { identifier: 'persist' }],
    })
  })

  it('merges a list of documents with custom modules', () => {
    const model = imported([referenceDefaultTsl, referenceFanModuleTsl])
    expect(model.modules.map((m) => [m.identifier, m.name])).toEqual([
      ['default', 'default'],
      ['fan', '风扇'],
    ])
    expect(findProperty(model, 'fan:Speed')?.dataType).toMatchObject({ type: 'int', specs: { min: 0, max: 3000 } })
    expect(listProperties(model).map((p) => p.identifier)).toContain('fan:Speed')
    expect(model.modules[1]?.events).toEqual([
      {
        identifier: 'Overheat',
        name: '过热',
        type: 'alert',
        required: false,
        outputData: [{ identifier: 'temp', name: '温度', dataType: { type: 'float', specs: { min: 0, max: 200 } } }],
      },
    ])
  })

  it('accepts JSON text and numbers where the reference writes strings', () => {
    const doc = clone(referenceDefaultTsl) as unknown as {
      properties: Array<{ dataType: { specs: Record<string, unknown> } }>
    }
    const brightness = doc.properties[2]
    if (brightness) brightness.dataType.specs = { min: 0, max: 100, step: 1 }
    const model = imported(JSON.stringify(doc))
    expect(findProperty(model, 'Brightness')?.dataType).toEqual({ type: 'int', specs: { min: 0, max: 100, step: 1 } })
  })

  it('produces models that pass checkThingModel', () => {
    expect(checkThingModel(imported([referenceDefaultTsl, referenceFanModuleTsl]))).toEqual([])
  })
})

describe('importTsl: specific, actionable errors', () => {
  type Doc = typeof referenceDefaultTsl
  const mutate = (fn: (doc: Doc & Record<string, unknown>) => void) => {
    const doc = clone(referenceDefaultTsl) as Doc & Record<string, unknown>
    fn(doc)
    return doc
  }
  const prop = (doc: Doc, identifier: string) => {
    const p = doc.properties.find((x) => x.identifier === identifier)
    if (!p) throw new Error(identifier)
    return p as unknown as Record<string, unknown> & {
      dataType: Record<string, unknown> & { specs: Record<string, unknown> }
    }
  }

  it.each<[string, (doc: Doc) => void, RegExp]>([
    [
      'non-numeric min',
      (d) => (prop(d, 'Temperature').dataType.specs.min = 'cold'),
      /"Temperature".*min.*must be a number/,
    ],
    [
      'min above max',
      (d) => (prop(d, 'Brightness').dataType.specs.min = '500'),
      /"Brightness".*min \(500\) is greater than max \(100\)/,
    ],
    ['missing max', (d) => delete prop(d, 'Energy').dataType.specs.max, /"Energy".*max is required/],
    [
      'fractional int bound',
      (d) => (prop(d, 'Brightness').dataType.specs.max = '99.5'),
      /"Brightness".*max of an int must be an integer/,
    ],
    ['unsupported type', (d) => (prop(d, 'Energy').dataType.type = 'long'), /"Energy".*unsupported data type "long"/],
    ['bad accessMode', (d) => (prop(d, 'Label').accessMode = 'w'), /"Label".*accessMode must be "r" or "rw"/],
    [
      'identifier with a dash',
      (d) => (prop(d, 'Label').identifier = 'my-label'),
      /"my-label".*letters, digits and "_"/,
    ],
    ['identifier too long', (d) => (prop(d, 'Label').identifier = 'x'.repeat(51)), /longer than 50 characters/],
    ['name too long', (d) => (prop(d, 'Label').name = 'n'.repeat(31)), /"Label".*longer than 30 characters/],
    ['empty name', (d) => (prop(d, 'Label').name = ' '), /"Label".*name is empty/],
    [
      'text too long',
      (d) => (prop(d, 'Label').dataType.specs.length = '20000'),
      /"Label".*text length must be an integer in \[1, 10240\]/,
    ],
    [
      'array too large',
      (d) => (prop(d, 'Readings').dataType.specs.size = '600'),
      /"Readings".*array size must be an integer in \[1, 512\]/,
    ],
    ['array of enum', (d) => (prop(d, 'Readings').dataType.specs.item = { type: 'enum' }), /"Readings".*6325/],
    [
      'enum with a non-integer key',
      (d) => (prop(d, 'WorkMode').dataType.specs = { a: 'x' }),
      /"WorkMode".*enum value "a" must be an int32 integer/,
    ],
    [
      'bool without name of 1',
      (d) => (prop(d, 'PowerSwitch').dataType.specs = { '0': 'off' }),
      /"PowerSwitch".*names of "0" and "1"/,
    ],
    [
      'struct inside struct',
      (d) => {
        const specs = prop(d, 'GeoLocation').dataType.specs as unknown as unknown[]
        specs.push({ identifier: 'Inner', name: '内层', dataType: { type: 'struct', specs: [] } })
      },
      /"GeoLocation".*"Inner".*cannot be a struct/,
    ],
    [
      'duplicate identifier across property and service',
      (d) => {
        const s = d.services[2]
        if (s) s.identifier = 'Brightness'
      },
      /service "Brightness".*already used by a property/,
    ],
    [
      'service ending with _reply',
      (d) => {
        const s = d.services[2]
        if (s) s.identifier = 'Reboot_reply'
      },
      /service "Reboot_reply".*cannot end with "_reply"/,
    ],
    [
      'event named property',
      (d) => {
        const e = d.events[1]
        if (e) e.identifier = 'property'
      },
      /event "property".*reserved/,
    ],
    [
      'bad event type',
      (d) => {
        const e = d.events[1] as unknown as Record<string, unknown>
        e.type = 'warning'
      },
      /"Error".*type must be "info", "alert" or "error"/,
    ],
    [
      'bad callType',
      (d) => {
        const s = d.services[2] as unknown as Record<string, unknown>
        s.callType = 'oneway'
      },
      /"Reboot".*callType must be "sync" or "async"/,
    ],
    [
      'duplicate service parameter',
      (d) => {
        const inputs = d.services[3]?.inputData as unknown[] | undefined
        if (inputs) inputs.push(clone(inputs[0]))
      },
      /"Calibrate".*parameter "offset" is defined twice/,
    ],
    [
      'properties not a list',
      (d) => {
        ;(d as unknown as Record<string, unknown>).properties = {}
      },
      /properties must be a list/,
    ],
  ])('%s', (_label, change, expected) => {
    const errors = errorsOf(mutate(change))
    expect(errors.join('\n')).toMatch(expected)
  })

  it('reports every problem at once', () => {
    const doc = mutate((d) => {
      prop(d, 'Label').accessMode = 'x'
      prop(d, 'Energy').dataType.type = 'long'
    })
    expect(errorsOf(doc).length).toBeGreaterThanOrEqual(2)
  })

  it('refuses documents of different products and duplicate modules', () => {
    const other = clone(referenceFanModuleTsl)
    other.profile.productKey = 'otherPK'
    expect(errorsOf([referenceDefaultTsl, other]).join('\n')).toMatch(/different products: a1B2c3D4e5F, otherPK/)
    expect(errorsOf([referenceDefaultTsl, referenceDefaultTsl]).join('\n')).toMatch(/module "default".*defined twice/)
  })

  it('refuses invalid JSON, empty lists and non-objects', () => {
    expect(errorsOf('{"properties": [').join()).toMatch(/not valid JSON/)
    expect(errorsOf([]).join()).toMatch(/empty/)
    expect(errorsOf(42).join()).toMatch(/must be a JSON object/)
  })
})
