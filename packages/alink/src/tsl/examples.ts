/**
 * Example values that pass the thing model's checks: what the simulator answers a service with by default, and what
 * the console pre-fills service input, event parameters and service output with. Pure: safe in the browser.
 */
import type { DataType, TslParam } from './types'

/** A valid value of a data type: 0 when in range (else the minimum), the first enum key, 0 for bool, "", now. */
export function exampleTslValue(dataType: DataType, now = Date.now()): unknown {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double': {
      const { min, max } = dataType.specs
      return min <= 0 && 0 <= max ? 0 : min
    }
    case 'enum': {
      const first = Object.keys(dataType.specs)[0]
      return first === undefined ? 0 : Number(first)
    }
    case 'bool':
      return 0
    case 'text':
      return ''
    case 'date':
      return String(now)
    case 'struct':
      return Object.fromEntries(dataType.specs.map((f) => [f.identifier, exampleTslValue(f.dataType, now)]))
    case 'array': {
      const item = dataType.specs.item
      if (item.type === 'struct') return [exampleTslValue({ type: 'struct', specs: item.specs }, now)]
      if (item.type === 'text') return ['']
      return [item.specs ? exampleTslValue({ type: item.type, specs: item.specs }, now) : 0]
    }
  }
}

/** Every parameter with an example value (service input, event output, service output). */
export function exampleTslParams(params: readonly TslParam[], now = Date.now()): Record<string, unknown> {
  return Object.fromEntries(params.map((p) => [p.identifier, exampleTslValue(p.dataType, now)]))
}
