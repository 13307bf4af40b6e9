import { describe, expect, it } from 'vitest'
import { referenceDefaultTsl, referenceFanModuleTsl } from './__fixtures__/reference-tsl'
import { exampleTslParams } from './examples'
import { importTsl } from './import'
import { qualifyIdentifier } from './model'
import { validateEventPost, validateServiceInput, validateServiceOutput } from './validate'

const NOW = Date.UTC(2026, 10, 24, 8, 0, 0)

describe('example values', () => {
  it('builds example parameters that pass the thing model', () => {
    expect(
      exampleTslParams(
        [
          { identifier: 'level', name: 'Level', dataType: { type: 'int', specs: { min: 1, max: 10 } } },
          { identifier: 'mode', name: 'Mode', dataType: { type: 'enum', specs: { '2': 'eco', '3': 'max' } } },
          { identifier: 'on', name: 'On', dataType: { type: 'bool', specs: { '0': 'off', '1': 'on' } } },
          { identifier: 'at', name: 'At', dataType: { type: 'date' } },
          {
            identifier: 'pos',
            name: 'Pos',
            dataType: { type: 'array', specs: { size: 4, item: { type: 'double', specs: { min: -1, max: 1 } } } },
          },
        ],
        NOW,
      ),
    ).toEqual({ level: 1, mode: 2, on: 0, at: String(NOW), pos: [0] })
  })

  it('fills every service input, service output and event of the reference thing models validly', () => {
    const r = importTsl([referenceDefaultTsl, referenceFanModuleTsl])
    if (!r.ok) throw new Error('reference TSL does not import')
    for (const m of r.model.modules) {
      for (const s of m.services) {
        const q = qualifyIdentifier(m.identifier, s.identifier)
        expect(validateServiceInput(r.model, q, exampleTslParams(s.inputData, NOW))).toMatchObject({ ok: true })
        expect(validateServiceOutput(r.model, q, exampleTslParams(s.outputData, NOW))).toMatchObject({ ok: true })
      }
      for (const e of m.events) {
        const q = qualifyIdentifier(m.identifier, e.identifier)
        expect(validateEventPost(r.model, q, exampleTslParams(e.outputData, NOW))).toMatchObject({ ok: true })
      }
    }
  })
})
