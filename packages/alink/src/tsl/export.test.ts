import { describe, expect, it } from 'vitest'
import { PRODUCT_KEY, referenceDefaultTsl, referenceFanModuleTsl } from './__fixtures__/reference-tsl'
import { exportDataType, exportTsl, exportTslModules, TSL_SCHEMA_URL } from './export'
import { importTsl } from './import'
import type { ThingModel } from './types'

function imported(input: unknown): ThingModel {
  const r = importTsl(input)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.model
}

const model = imported([referenceDefaultTsl, referenceFanModuleTsl])

describe('exportTsl', () => {
  it('writes the reference document for the default module', () => {
    const doc = exportTsl(model, PRODUCT_KEY)
    expect(doc.schema).toBe(TSL_SCHEMA_URL)
    expect(doc.profile).toEqual({ version: '1.0', productKey: PRODUCT_KEY })
    expect(doc.functionBlockId).toBeUndefined()
    // user properties come out exactly as the reference wrote them (string specs, desc, required)
    expect(doc.properties).toEqual(referenceDefaultTsl.properties)
  })

  it('generates the system post event and set/get services from the properties', () => {
    const doc = exportTsl(model, PRODUCT_KEY)
    const [post, ...events] = doc.events
    expect(post).toMatchObject({ identifier: 'post', method: 'thing.event.property.post', required: true })
    expect(post?.outputData.map((p) => p.identifier)).toEqual(referenceDefaultTsl.properties.map((p) => p.identifier))
    expect(events.map((e) => [e.identifier, e.method])).toEqual([
      ['Error', 'thing.event.Error.post'],
      ['Heartbeat', 'thing.event.Heartbeat.post'],
    ])
    const [set, get, ...services] = doc.services
    expect(set?.method).toBe('thing.service.property.set')
    const setInputs = (set?.inputData ?? []) as Array<{ identifier: string }>
    expect(setInputs.map((p) => p.identifier)).toEqual(['PowerSwitch', 'Brightness', 'WorkMode', 'Label', 'Slots'])
    expect(get?.inputData).toEqual(referenceDefaultTsl.properties.map((p) => p.identifier))
    expect(services.map((s) => [s.identifier, s.callType, s.method])).toEqual([
      ['Reboot', 'async', 'thing.service.Reboot'],
      ['Calibrate', 'sync', 'thing.service.Calibrate'],
    ])
    expect(services[0]?.inputData).toEqual(referenceDefaultTsl.services[2]?.inputData)
  })

  it('writes custom modules with functionBlockId and module-qualified methods', () => {
    const doc = exportTsl(model, PRODUCT_KEY, 'fan')
    expect(doc.functionBlockId).toBe('fan')
    expect(doc.functionBlockName).toBe('风扇')
    expect(doc.events.map((e) => e.method)).toEqual(['thing.event.property.post', 'thing.event.fan:Overheat.post'])
    expect(doc.services.map((s) => s.method)).toEqual([
      'thing.service.property.set',
      'thing.service.property.get',
      'thing.service.fan:Stop',
    ])
  })

  it('round-trips: importTsl(exportTsl(model)) gives the model back', () => {
    const single = imported(referenceDefaultTsl)
    expect(imported(exportTsl(single, PRODUCT_KEY))).toEqual(single)
    expect(imported(exportTslModules(model, PRODUCT_KEY))).toEqual(model)
    const r = importTsl(JSON.stringify(exportTsl(single, PRODUCT_KEY)))
    expect(r.ok && r.productKey).toBe(PRODUCT_KEY)
  })

  it('refuses an unknown module', () => {
    expect(() => exportTsl(model, PRODUCT_KEY, 'nope')).toThrow(RangeError)
  })

  it('writes spec numbers as strings', () => {
    expect(exportDataType({ type: 'double', specs: { min: -0.5, max: 1e6, step: 0.001 } })).toEqual({
      type: 'double',
      specs: { min: '-0.5', max: '1000000', step: '0.001' },
    })
    expect(exportDataType({ type: 'array', specs: { size: 3, item: { type: 'text', specs: { length: 8 } } } })).toEqual(
      {
        type: 'array',
        specs: { size: '3', item: { type: 'text', specs: { length: '8' } } },
      },
    )
    expect(exportDataType({ type: 'date' })).toEqual({ type: 'date', specs: {} })
  })
})
