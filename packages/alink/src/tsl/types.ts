/**
 * Our normalised thing model (TSL). Numbers are numbers here; the reference export format keeps
 * them as strings (see import.ts / export.ts). A model is treated as immutable once built: the
 * validators cache an index per model object.
 */

export interface NumericSpecs {
  min: number
  max: number
  step?: number
  unit?: string
  unitName?: string
}

export interface IntDataType {
  type: 'int'
  specs: NumericSpecs
}
export interface FloatDataType {
  type: 'float'
  specs: NumericSpecs
}
export interface DoubleDataType {
  type: 'double'
  specs: NumericSpecs
}
/** Keys are integer values written in decimal ("0", "1", "-3"), values their display names. */
export interface EnumDataType {
  type: 'enum'
  specs: Record<string, string>
}
/** Display names of 0 and 1. */
export interface BoolDataType {
  type: 'bool'
  specs: { '0': string; '1': string }
}
/** `length` is the maximum size in UTF-8 bytes (≤ 10240). */
export interface TextDataType {
  type: 'text'
  specs: { length: number }
}
/** A UTC timestamp in milliseconds, sent as a decimal string (numbers are accepted too). */
export interface DateDataType {
  type: 'date'
}

export type ScalarDataType =
  | IntDataType
  | FloatDataType
  | DoubleDataType
  | EnumDataType
  | BoolDataType
  | TextDataType
  | DateDataType

/** A struct member; members are scalar (no nested struct or array). */
export interface StructField {
  identifier: string
  name: string
  dataType: ScalarDataType
}

export interface StructDataType {
  type: 'struct'
  specs: StructField[]
}

/** Array items may be int, float, double, text or struct (ref §7.1 code 6325). */
export type ArrayItemType =
  | { type: 'int' | 'float' | 'double'; specs?: NumericSpecs }
  | { type: 'text'; specs?: { length: number } }
  | { type: 'struct'; specs: StructField[] }

export interface ArrayDataType {
  type: 'array'
  /** `size` is the maximum number of items (≤ 512). */
  specs: { size: number; item: ArrayItemType }
}

export type DataType = ScalarDataType | StructDataType | ArrayDataType
export type DataTypeName = DataType['type']

export const DATA_TYPE_NAMES: readonly DataTypeName[] = [
  'int',
  'float',
  'double',
  'enum',
  'bool',
  'text',
  'date',
  'struct',
  'array',
]
export const ARRAY_ITEM_TYPES: readonly ArrayItemType['type'][] = ['int', 'float', 'double', 'text', 'struct']

export type AccessMode = 'r' | 'rw'
export type EventType = 'info' | 'alert' | 'error'
export type CallType = 'sync' | 'async'

export interface TslProperty {
  identifier: string
  name: string
  accessMode: AccessMode
  required?: boolean
  description?: string
  dataType: DataType
}

/** An input/output parameter of an event or a service. */
export interface TslParam {
  identifier: string
  name: string
  dataType: DataType
}

export interface TslEvent {
  identifier: string
  name: string
  type: EventType
  required?: boolean
  description?: string
  outputData: TslParam[]
}

export interface TslService {
  identifier: string
  name: string
  callType: CallType
  required?: boolean
  description?: string
  inputData: TslParam[]
  outputData: TslParam[]
}

/** `identifier` is `default` for the default module, else the custom module (functionBlockId). */
export interface TslModule {
  identifier: string
  name: string
  properties: TslProperty[]
  events: TslEvent[]
  services: TslService[]
}

export interface ThingModel {
  modules: TslModule[]
}

export const DEFAULT_MODULE_ID = 'default'

/** One problem found in a thing model or a TSL document, with where it is. */
export interface TslIssue {
  /** Human-readable location, e.g. `module "default" › property "temp" › dataType.specs.max`. */
  path: string
  message: string
}
