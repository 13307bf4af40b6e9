/**
 * Rules a thing model must follow, and fast lookup of its functions.
 *
 * Naming rules (reference console, restated as IoT Ops rules):
 * - identifiers: letters, digits and `_`, 1–50 characters; module ids the same, 1–30 characters;
 * - every property, event and service identifier is unique within its module;
 *   parameters are unique within their list, struct members within their struct;
 * - events and services cannot be named `set`, `get`, `post` or `property` (these are the system
 *   functions and topic words: thing.service.property.set, thing.event.property.post…), and
 *   cannot end in `_reply` (the topic `/thing/service/{id}_reply` would be ambiguous);
 * - display names: 1–30 characters (enum and bool value names too), not blank.
 * Data types: min ≤ max, finite; int bounds are int32 integers; float bounds fit float32; step > 0;
 * enum keys are canonical int32 decimals; text length 1–10240; array size 1–512; struct members
 * are scalar; array items are int/float/double/text/struct.
 */
import {
  FLOAT32_MAX,
  INT32_MAX,
  INT32_MIN,
  TSL_ARRAY_MAX_SIZE,
  TSL_IDENTIFIER_MAX_LENGTH,
  TSL_IDENTIFIER_PATTERN,
  TSL_MODULE_ID_MAX_LENGTH,
  TSL_NAME_MAX_LENGTH,
  TSL_TEXT_MAX_LENGTH,
} from '../limits'
import {
  ARRAY_ITEM_TYPES,
  type ArrayItemType,
  type DataType,
  DEFAULT_MODULE_ID,
  type NumericSpecs,
  type StructField,
  type ThingModel,
  type TslEvent,
  type TslIssue,
  type TslModule,
  type TslParam,
  type TslProperty,
  type TslService,
} from './types'

export const RESERVED_FUNCTION_IDENTIFIERS: readonly string[] = ['set', 'get', 'post', 'property']

// ---------------------------------------------------------------------------------------------
// Rule helpers, shared with the importer
// ---------------------------------------------------------------------------------------------

export function identifierProblem(identifier: string, maxLength = TSL_IDENTIFIER_MAX_LENGTH): string | null {
  if (identifier.length === 0) return 'identifier is empty'
  if (identifier.length > maxLength) return `identifier "${identifier}" is longer than ${maxLength} characters`
  if (!TSL_IDENTIFIER_PATTERN.test(identifier)) {
    return `identifier "${identifier}" may only contain letters, digits and "_"`
  }
  return null
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

export function nameProblem(name: string, what = 'name'): string | null {
  const length = [...name].length
  if (name.trim() === '') return `${what} is empty`
  if (length > TSL_NAME_MAX_LENGTH) return `${what} "${name}" is longer than ${TSL_NAME_MAX_LENGTH} characters`
  if (hasControlCharacter(name)) return `${what} "${name}" contains control characters`
  return null
}

class IssueList {
  readonly issues: TslIssue[] = []
  add(path: string, message: string | null): void {
    if (message !== null) this.issues.push({ path, message })
  }
}

function checkNumericSpecs(type: 'int' | 'float' | 'double', specs: NumericSpecs, path: string, out: IssueList): void {
  const { min, max, step } = specs
  if (!Number.isFinite(min)) out.add(`${path}.min`, 'min must be a finite number')
  if (!Number.isFinite(max)) out.add(`${path}.max`, 'max must be a finite number')
  if (Number.isFinite(min) && Number.isFinite(max) && min > max)
    out.add(path, `min (${min}) is greater than max (${max})`)
  if (step !== undefined && !(Number.isFinite(step) && step > 0))
    out.add(`${path}.step`, `step must be a positive number, got ${step}`)
  if (type === 'int') {
    for (const [key, v] of [
      ['min', min],
      ['max', max],
    ] as const) {
      if (Number.isFinite(v) && !(Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) {
        out.add(`${path}.${key}`, `${key} of an int must be an integer in [${INT32_MIN}, ${INT32_MAX}], got ${v}`)
      }
    }
    if (step !== undefined && Number.isFinite(step) && !Number.isInteger(step))
      out.add(`${path}.step`, `step of an int must be an integer, got ${step}`)
  }
  if (type === 'float') {
    for (const [key, v] of [
      ['min', min],
      ['max', max],
    ] as const) {
      if (Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX)
        out.add(`${path}.${key}`, `${key} ${v} does not fit a 32-bit float`)
    }
  }
}

function checkStructFields(fields: readonly StructField[], path: string, out: IssueList): void {
  if (fields.length === 0) out.add(path, 'a struct needs at least one member')
  const seen = new Set<string>()
  fields.forEach((f, i) => {
    const p = `${path}[${i}] "${f.identifier}"`
    out.add(p, identifierProblem(f.identifier))
    out.add(p, nameProblem(f.name))
    if (seen.has(f.identifier)) out.add(p, `member "${f.identifier}" is defined twice`)
    seen.add(f.identifier)
    const t: string = f.dataType.type
    if (t === 'struct' || t === 'array') out.add(`${p}.dataType`, `a struct member cannot be a ${t}`)
    else checkDataType(f.dataType, `${p}.dataType`, out)
  })
}

function checkArrayItem(item: ArrayItemType, path: string, out: IssueList): void {
  if (!ARRAY_ITEM_TYPES.includes(item.type)) {
    out.add(path, `array items must be one of ${ARRAY_ITEM_TYPES.join(', ')} (code 6325), got ${String(item.type)}`)
    return
  }
  if (item.type === 'struct') checkStructFields(item.specs, `${path}.specs`, out)
  else if (item.type === 'text') {
    if (item.specs) checkDataType({ type: 'text', specs: item.specs }, path, out)
  } else if (item.specs) checkNumericSpecs(item.type, item.specs, `${path}.specs`, out)
}

/** Checks one data type definition (not a value). */
function checkDataType(dataType: DataType, path: string, out: IssueList): void {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
      checkNumericSpecs(dataType.type, dataType.specs, `${path}.specs`, out)
      return
    case 'enum': {
      const entries = Object.entries(dataType.specs)
      if (entries.length === 0) out.add(`${path}.specs`, 'an enum needs at least one value')
      for (const [key, name] of entries) {
        const n = Number(key)
        if (!(/^-?\d+$/.test(key) && String(n) === key && n >= INT32_MIN && n <= INT32_MAX)) {
          out.add(`${path}.specs`, `enum value "${key}" must be an int32 integer written in decimal`)
        }
        out.add(`${path}.specs["${key}"]`, nameProblem(name, 'enum value name'))
      }
      return
    }
    case 'bool':
      out.add(`${path}.specs["0"]`, nameProblem(dataType.specs['0'] ?? '', 'name of 0'))
      out.add(`${path}.specs["1"]`, nameProblem(dataType.specs['1'] ?? '', 'name of 1'))
      return
    case 'text': {
      const { length } = dataType.specs
      if (!(Number.isInteger(length) && length >= 1 && length <= TSL_TEXT_MAX_LENGTH)) {
        out.add(`${path}.specs.length`, `text length must be an integer in [1, ${TSL_TEXT_MAX_LENGTH}], got ${length}`)
      }
      return
    }
    case 'date':
      return
    case 'struct':
      checkStructFields(dataType.specs, `${path}.specs`, out)
      return
    case 'array': {
      const { size, item } = dataType.specs
      if (!(Number.isInteger(size) && size >= 1 && size <= TSL_ARRAY_MAX_SIZE)) {
        out.add(`${path}.specs.size`, `array size must be an integer in [1, ${TSL_ARRAY_MAX_SIZE}], got ${size}`)
      }
      checkArrayItem(item, `${path}.specs.item`, out)
      return
    }
    default: {
      const unknownType: { type?: unknown } = dataType
      out.add(`${path}.type`, `unsupported data type ${String(unknownType.type)}`)
    }
  }
}

function checkParams(params: readonly TslParam[], path: string, out: IssueList): void {
  const seen = new Set<string>()
  params.forEach((p, i) => {
    const at = `${path}[${i}] "${p.identifier}"`
    out.add(at, identifierProblem(p.identifier))
    out.add(at, nameProblem(p.name))
    if (seen.has(p.identifier)) out.add(at, `parameter "${p.identifier}" is defined twice`)
    seen.add(p.identifier)
    checkDataType(p.dataType, `${at}.dataType`, out)
  })
}

function checkFunctionIdentifier(
  kind: 'property' | 'event' | 'service',
  identifier: string,
  at: string,
  seen: Map<string, string>,
  out: IssueList,
): void {
  out.add(at, identifierProblem(identifier))
  const previous = seen.get(identifier)
  if (previous !== undefined) out.add(at, `identifier "${identifier}" is already used by a ${previous} of this module`)
  seen.set(identifier, kind)
  if (kind !== 'property') {
    if (RESERVED_FUNCTION_IDENTIFIERS.includes(identifier)) {
      out.add(at, `"${identifier}" is reserved for system functions; choose another ${kind} identifier`)
    }
    if (identifier.endsWith('_reply')) out.add(at, `a ${kind} identifier cannot end with "_reply"`)
  }
}

function checkModule(module: TslModule, out: IssueList): void {
  const base = `module "${module.identifier}"`
  if (module.identifier !== DEFAULT_MODULE_ID)
    out.add(base, identifierProblem(module.identifier, TSL_MODULE_ID_MAX_LENGTH))
  out.add(base, nameProblem(module.name, 'module name'))
  const seen = new Map<string, string>()
  module.properties.forEach((p: TslProperty, i) => {
    const at = `${base} › property "${p.identifier}"`
    checkFunctionIdentifier('property', p.identifier, at, seen, out)
    out.add(at, nameProblem(p.name))
    if (p.accessMode !== 'r' && p.accessMode !== 'rw')
      out.add(at, `accessMode must be "r" or "rw", got "${String(p.accessMode)}" (index ${i})`)
    checkDataType(p.dataType, `${at} › dataType`, out)
  })
  module.events.forEach((e: TslEvent) => {
    const at = `${base} › event "${e.identifier}"`
    checkFunctionIdentifier('event', e.identifier, at, seen, out)
    out.add(at, nameProblem(e.name))
    if (!['info', 'alert', 'error'].includes(e.type))
      out.add(at, `type must be info, alert or error, got "${String(e.type)}"`)
    checkParams(e.outputData, `${at} › outputData`, out)
  })
  module.services.forEach((s: TslService) => {
    const at = `${base} › service "${s.identifier}"`
    checkFunctionIdentifier('service', s.identifier, at, seen, out)
    out.add(at, nameProblem(s.name))
    if (s.callType !== 'sync' && s.callType !== 'async')
      out.add(at, `callType must be sync or async, got "${String(s.callType)}"`)
    checkParams(s.inputData, `${at} › inputData`, out)
    checkParams(s.outputData, `${at} › outputData`, out)
  })
}

/** All rule violations of a model (empty when the model is valid). */
export function checkThingModel(model: ThingModel): TslIssue[] {
  const out = new IssueList()
  const seen = new Set<string>()
  for (const module of model.modules) {
    if (seen.has(module.identifier)) out.add(`module "${module.identifier}"`, 'module is defined twice')
    seen.add(module.identifier)
    checkModule(module, out)
  }
  return out.issues
}

// ---------------------------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------------------------

export interface ModuleIndex {
  module: TslModule
  properties: ReadonlyMap<string, TslProperty>
  events: ReadonlyMap<string, TslEvent>
  services: ReadonlyMap<string, TslService>
}

const INDEX_CACHE = new WeakMap<ThingModel, ReadonlyMap<string, ModuleIndex>>()

function byIdentifier<T extends { identifier: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.identifier, item]))
}

/** Per-module maps of a model, built once per model object. */
export function indexModel(model: ThingModel): ReadonlyMap<string, ModuleIndex> {
  const cached = INDEX_CACHE.get(model)
  if (cached) return cached
  const index = new Map<string, ModuleIndex>()
  for (const module of model.modules) {
    index.set(module.identifier, {
      module,
      properties: byIdentifier(module.properties),
      events: byIdentifier(module.events),
      services: byIdentifier(module.services),
    })
  }
  INDEX_CACHE.set(model, index)
  return index
}

/**
 * Splits `moduleId:identifier` (custom modules, ref §7.1 codes 5094/5096) or a bare identifier
 * (default module).
 */
export function splitQualifiedIdentifier(qualified: string): { moduleId: string; identifier: string } {
  const colon = qualified.indexOf(':')
  if (colon === -1) return { moduleId: DEFAULT_MODULE_ID, identifier: qualified }
  return { moduleId: qualified.slice(0, colon), identifier: qualified.slice(colon + 1) }
}

/** `identifier` for the default module, `moduleId:identifier` otherwise. */
export function qualifyIdentifier(moduleId: string, identifier: string): string {
  return moduleId === DEFAULT_MODULE_ID ? identifier : `${moduleId}:${identifier}`
}

export function findProperty(model: ThingModel, qualified: string): TslProperty | undefined {
  const { moduleId, identifier } = splitQualifiedIdentifier(qualified)
  return indexModel(model).get(moduleId)?.properties.get(identifier)
}

export function findEvent(model: ThingModel, qualified: string): TslEvent | undefined {
  const { moduleId, identifier } = splitQualifiedIdentifier(qualified)
  return indexModel(model).get(moduleId)?.events.get(identifier)
}

export function findService(model: ThingModel, qualified: string): TslService | undefined {
  const { moduleId, identifier } = splitQualifiedIdentifier(qualified)
  return indexModel(model).get(moduleId)?.services.get(identifier)
}

/** Every property with its qualified identifier, in model order (for the console and metrics). */
export function listProperties(model: ThingModel): Array<{ identifier: string; property: TslProperty }> {
  return model.modules.flatMap((m) =>
    m.properties.map((property) => ({ identifier: qualifyIdentifier(m.identifier, property.identifier), property })),
  )
}
