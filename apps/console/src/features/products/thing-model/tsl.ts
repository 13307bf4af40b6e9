/**
 * The reference TSL (thing specification language) JSON that thing-model forms produce and tables show.
 * A data type is `{ type, specs }`: numbers have string min/max/step/unit, enum and bool map value → name,
 * text has a length, struct lists fields, array has a size and an item type.
 */

export const DATA_TYPES = ['int', 'float', 'double', 'enum', 'bool', 'text', 'date', 'struct', 'array'] as const
export type DataTypeName = (typeof DATA_TYPES)[number]
/** Types a struct field or a service/event parameter may have (the reference allows no nested struct here). */
export const PARAM_TYPES = ['int', 'float', 'double', 'enum', 'bool', 'text', 'date'] as const
/** Types an array item may have. */
export const ARRAY_ITEM_TYPES = ['int', 'float', 'double', 'text', 'struct'] as const
export const NUMERIC_TYPES: readonly string[] = ['int', 'float', 'double']
export const EVENT_TYPES = ['info', 'alert', 'error'] as const
export const CALL_TYPES = ['async', 'sync'] as const
export const ACCESS_MODES = ['rw', 'r'] as const

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
export const isDataTypeName = oneOf(DATA_TYPES)
export const isEventType = oneOf(EVENT_TYPES)
export const isCallType = oneOf(CALL_TYPES)
export const isAccessMode = oneOf(ACCESS_MODES)

export interface TslDataType {
  type: string
  specs?: unknown
}
export interface TslParam {
  identifier: string
  name: string
  dataType: TslDataType
}

/** What the data-type part of a form holds. */
export interface DataTypeValues {
  type: DataTypeName
  min?: string
  max?: string
  step?: string
  unit?: string
  enumItems?: { value: number; name: string }[]
  boolFalse?: string
  boolTrue?: string
  length?: number
  arraySize?: number
  arrayItemType?: (typeof ARRAY_ITEM_TYPES)[number]
  structFields?: ParamValues[]
}
export type ParamValues = DataTypeValues & { identifier: string; name: string }

export function toDataType(v: DataTypeValues): TslDataType {
  switch (v.type) {
    case 'int':
    case 'float':
    case 'double':
      return {
        type: v.type,
        specs: {
          min: String(v.min ?? '').trim(),
          max: String(v.max ?? '').trim(),
          step: String(v.step ?? '').trim(),
          ...(v.unit?.trim() ? { unit: v.unit.trim() } : {}),
        },
      }
    case 'enum':
      return {
        type: 'enum',
        specs: Object.fromEntries((v.enumItems ?? []).map((i) => [String(i.value), i.name.trim()])),
      }
    case 'bool':
      return { type: 'bool', specs: { '0': (v.boolFalse ?? '').trim(), '1': (v.boolTrue ?? '').trim() } }
    case 'text':
      return { type: 'text', specs: { length: String(v.length ?? '') } }
    case 'date':
      return { type: 'date', specs: {} }
    case 'struct':
      return { type: 'struct', specs: (v.structFields ?? []).map(toParam) }
    case 'array': {
      const itemType = v.arrayItemType ?? 'int'
      const item: TslDataType =
        itemType === 'struct' ? { type: 'struct', specs: (v.structFields ?? []).map(toParam) } : { type: itemType }
      return { type: 'array', specs: { size: String(v.arraySize ?? ''), item } }
    }
  }
}

export function toParam(p: ParamValues): TslParam {
  return { identifier: p.identifier.trim(), name: p.name.trim(), dataType: toDataType(p) }
}

export interface PropertyValues extends DataTypeValues {
  identifier: string
  name: string
  accessMode: (typeof ACCESS_MODES)[number]
  desc?: string
}
export interface EventValues {
  identifier: string
  name: string
  type: (typeof EVENT_TYPES)[number]
  desc?: string
  outputData?: ParamValues[]
}
export interface ServiceValues {
  identifier: string
  name: string
  callType: (typeof CALL_TYPES)[number]
  desc?: string
  inputData?: ParamValues[]
  outputData?: ParamValues[]
}

const withDesc = (desc: string | undefined) => (desc?.trim() ? { desc: desc.trim() } : {})

export function toPropertyFeature(v: PropertyValues) {
  return {
    identifier: v.identifier.trim(),
    name: v.name.trim(),
    accessMode: v.accessMode,
    required: false,
    ...withDesc(v.desc),
    dataType: toDataType(v),
  }
}

export function toEventFeature(v: EventValues) {
  const identifier = v.identifier.trim()
  return {
    identifier,
    name: v.name.trim(),
    type: v.type,
    required: false,
    ...withDesc(v.desc),
    method: `thing.event.${identifier}.post`,
    outputData: (v.outputData ?? []).map(toParam),
  }
}

export function toServiceFeature(v: ServiceValues) {
  const identifier = v.identifier.trim()
  return {
    identifier,
    name: v.name.trim(),
    callType: v.callType,
    required: false,
    ...withDesc(v.desc),
    method: `thing.service.${identifier}`,
    inputData: (v.inputData ?? []).map(toParam),
    outputData: (v.outputData ?? []).map(toParam),
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** The parts of a data type's specs a table shows, whatever shape the specs have. */
export function specsOf(dataType: TslDataType | undefined) {
  const specs = dataType?.specs
  const rec = isRecord(specs) ? specs : {}
  const str = (k: string) => (rec[k] === undefined || rec[k] === null || rec[k] === '' ? undefined : String(rec[k]))
  return {
    min: str('min'),
    max: str('max'),
    step: str('step'),
    unit: str('unitName') && str('unit') ? `${str('unit')} (${str('unitName')})` : str('unit'),
    length: str('length'),
    size: str('size'),
    item: isRecord(rec.item) ? (rec.item as unknown as TslDataType) : undefined,
    entries: isRecord(specs) ? Object.entries(specs).filter(([k]) => /^-?\d+$/.test(k)) : [],
    fields: Array.isArray(specs) ? (specs as TslParam[]) : [],
  }
}
