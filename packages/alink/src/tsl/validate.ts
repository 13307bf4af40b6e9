/**
 * Validation of thing-model data against a model, with the run-log codes of ref §7.1:
 *
 * - params not an object / unknown parameter / read-only property set → 6332 (parameters do not
 *   conform to the TSL; the reference has no dedicated code for a read-only set, 6332 is the closest);
 * - more than 200 properties in one post → 6106;
 * - unknown property → 5092 ("property not in the thing model"). 6320 ("property info missing during
 *   the TSL check") describes a model that has no property definitions at all, i.e. a lookup
 *   failure on the platform side, so an unknown identifier sent by a device is 5092;
 * - unknown module in `module:identifier` → 5490; unknown event → 5096; unknown service → 5094;
 * - missing service input → 6302;
 * - int 6306, float 6307, double 6322, bool 6308, enum 6309, text 6310, date 6311,
 *   struct 6312 (not an object, members missing) and 6304 (member not in the struct),
 *   array 6324 (too many items, bad item) and 6328 (not an array), unsupported item type 6325;
 * - a property-set reply whose data is not empty → 6335.
 *
 * Range checks use min/max; `step` is descriptive only (the reference does not reject off-step values).
 */
import { Codes } from '../codes'
import { FLOAT32_MAX, INT32_MAX, INT32_MIN, MAX_PROPERTIES_PER_POST } from '../limits'
import { indexModel, type ModuleIndex, splitQualifiedIdentifier } from './model'
import type {
  ArrayItemType,
  CallType,
  DataType,
  EventType,
  NumericSpecs,
  StructField,
  ThingModel,
  TslParam,
} from './types'

export interface TslValidationError {
  ok: false
  code: number
  message: string
  /** The property, event, service or parameter at fault (qualified for custom modules); '' for the whole payload. */
  identifier: string
  /** Location inside the value, e.g. `position.lat` or `readings[3]`. */
  path?: string
}

export interface PropertyValue {
  identifier: string
  value: unknown
  /** UTC milliseconds, when the device sent `{ value, time }`. */
  time?: number
}

export type PropertyPostResult = { ok: true; values: PropertyValue[] } | TslValidationError
export type PropertySetResult = { ok: true; values: Array<{ identifier: string; value: unknown }> } | TslValidationError
export type EventPostResult =
  | { ok: true; identifier: string; type: EventType; values: Record<string, unknown>; time?: number }
  | TslValidationError
export type ServiceDataResult =
  | { ok: true; identifier: string; callType: CallType; values: Record<string, unknown> }
  | TslValidationError

interface ValueIssue {
  code: number
  message: string
  path: string
}

// ---------------------------------------------------------------------------------------------
// Value checks
// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function range(specs: NumericSpecs | undefined): string {
  return specs ? ` in [${specs.min}, ${specs.max}]` : ''
}

function checkNumber(
  type: 'int' | 'float' | 'double',
  specs: NumericSpecs | undefined,
  value: unknown,
  path: string,
): ValueIssue | null {
  const code =
    type === 'int' ? Codes.TSL_INT_INVALID : type === 'float' ? Codes.TSL_FLOAT_INVALID : Codes.TSL_DOUBLE_INVALID
  const expected = `${path} expects ${type}${range(specs)}`
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { code, path, message: `${expected}, got ${show(value)}` }
  if (type === 'int' && !(Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)) {
    return { code, path, message: `${expected}, got ${value} which is not a 32-bit integer` }
  }
  if (type === 'float' && Math.abs(value) > FLOAT32_MAX) {
    return { code, path, message: `${expected}, got ${value} which does not fit a 32-bit float` }
  }
  if (specs && (value < specs.min || value > specs.max)) return { code, path, message: `${expected}, got ${value}` }
  return null
}

function checkStruct(fields: readonly StructField[], value: unknown, path: string): ValueIssue | null {
  if (!isPlainObject(value)) {
    return { code: Codes.TSL_STRUCT_INVALID, path, message: `${path} expects a struct object, got ${show(value)}` }
  }
  const known = new Map(fields.map((f) => [f.identifier, f]))
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      return {
        code: Codes.TSL_STRUCT_FIELD_UNKNOWN,
        path: `${path}.${key}`,
        message: `${path} has no member "${key}"; members are ${[...known.keys()].join(', ')}`,
      }
    }
  }
  const missing = fields.filter((f) => !(f.identifier in value)).map((f) => f.identifier)
  if (missing.length > 0) {
    return {
      code: Codes.TSL_STRUCT_INVALID,
      path,
      message: `${path} lacks member(s) ${missing.join(', ')} (a struct value carries all ${fields.length} members)`,
    }
  }
  for (const field of fields) {
    const issue = checkValue(field.dataType, value[field.identifier], `${path}.${field.identifier}`)
    if (issue) return issue
  }
  return null
}

function itemDataType(item: ArrayItemType): DataType | null {
  switch (item.type) {
    case 'struct':
      return { type: 'struct', specs: item.specs }
    case 'text':
      return item.specs ? { type: 'text', specs: item.specs } : null
    default:
      return item.specs ? { type: item.type, specs: item.specs } : null
  }
}

function checkArrayItem(item: ArrayItemType, value: unknown, path: string): ValueIssue | null {
  const full = itemDataType(item)
  if (full) return checkValue(full, value, path)
  if (item.type === 'text') {
    return typeof value === 'string'
      ? null
      : { code: Codes.TSL_TEXT_INVALID, path, message: `${path} expects text, got ${show(value)}` }
  }
  if (item.type === 'int' || item.type === 'float' || item.type === 'double')
    return checkNumber(item.type, undefined, value, path)
  return {
    code: Codes.TSL_ARRAY_ITEM_UNSUPPORTED,
    path,
    message: `${path}: array item type ${String((item as { type: unknown }).type)} is not supported`,
  }
}

function checkArray(specs: { size: number; item: ArrayItemType }, value: unknown, path: string): ValueIssue | null {
  if (!Array.isArray(value))
    return { code: Codes.TSL_NOT_ARRAY, path, message: `${path} expects an array, got ${show(value)}` }
  if (value.length > specs.size) {
    return {
      code: Codes.TSL_ARRAY_INVALID,
      path,
      message: `${path} holds ${value.length} items; at most ${specs.size} are allowed`,
    }
  }
  for (let i = 0; i < value.length; i++) {
    const issue = checkArrayItem(specs.item, value[i], `${path}[${i}]`)
    if (issue) {
      const code = issue.code === Codes.TSL_ARRAY_ITEM_UNSUPPORTED ? issue.code : Codes.TSL_ARRAY_INVALID
      return { code, path: issue.path, message: `${issue.message} (array of ${specs.item.type})` }
    }
  }
  return null
}

/** Checks one value against a data type; null when it conforms. */
function checkValue(dataType: DataType, value: unknown, path: string): ValueIssue | null {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
      return checkNumber(dataType.type, dataType.specs, value, path)
    case 'enum': {
      if (typeof value === 'number' && Number.isInteger(value) && String(value) in dataType.specs) return null
      const allowed = Object.entries(dataType.specs)
        .map(([k, n]) => `${k} (${n})`)
        .join(', ')
      return { code: Codes.TSL_ENUM_INVALID, path, message: `${path} expects one of ${allowed}, got ${show(value)}` }
    }
    case 'bool':
      if (value === 0 || value === 1) return null
      return {
        code: Codes.TSL_BOOL_INVALID,
        path,
        message: `${path} expects bool 0 (${dataType.specs['0']}) or 1 (${dataType.specs['1']}), got ${show(value)}`,
      }
    case 'text': {
      if (typeof value !== 'string')
        return { code: Codes.TSL_TEXT_INVALID, path, message: `${path} expects text, got ${show(value)}` }
      const bytes = utf8Bytes(value)
      if (bytes > dataType.specs.length) {
        return {
          code: Codes.TSL_TEXT_INVALID,
          path,
          message: `${path} is ${bytes} bytes long; at most ${dataType.specs.length} bytes are allowed`,
        }
      }
      return null
    }
    case 'date':
      if (dateMillis(value) !== null) return null
      return {
        code: Codes.TSL_DATE_INVALID,
        path,
        message: `${path} expects a UTC timestamp in milliseconds such as "1700000000000", got ${show(value)}`,
      }
    case 'struct':
      return checkStruct(dataType.specs, value, path)
    case 'array':
      return checkArray(dataType.specs, value, path)
  }
}

// TextEncoder, not Buffer: the console runs these validators in the browser before it sends anything.
const encoder = new TextEncoder()
const utf8Bytes = (text: string) => encoder.encode(text).length

/** A date value as epoch milliseconds: a decimal string or a non-negative integer. */
function dateMillis(value: unknown): number | null {
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  return null
}

/**
 * A value as a number for metrics and charts: numbers as they are, bool 0/1, enum keys, dates as
 * epoch milliseconds; null for text, struct, array or a value that does not fit the type.
 */
export function numericValue(dataType: DataType, value: unknown): number | null {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
    case 'enum':
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    case 'bool':
      return value === 0 || value === 1 ? value : null
    case 'date':
      return dateMillis(value)
    default:
      return null
  }
}

// ---------------------------------------------------------------------------------------------
// Function lookup
// ---------------------------------------------------------------------------------------------

function fail(code: number, identifier: string, message: string, path?: string): TslValidationError {
  const error: TslValidationError = { ok: false, code, message, identifier }
  if (path !== undefined) error.path = path
  return error
}

function fromIssue(identifier: string, issue: ValueIssue): TslValidationError {
  return fail(issue.code, identifier, issue.message, issue.path)
}

function moduleOf(
  model: ThingModel,
  qualified: string,
): { index: ModuleIndex; identifier: string } | TslValidationError {
  const { moduleId, identifier } = splitQualifiedIdentifier(qualified)
  const index = indexModel(model).get(moduleId)
  if (!index) {
    return fail(
      Codes.MODULE_NOT_EXIST,
      qualified,
      `module "${moduleId}" of "${qualified}" does not exist in the thing model`,
    )
  }
  return { index, identifier }
}

/** Splits `{ value, time }` from a bare value (Alink property post accepts both). */
function unwrapTimed(value: unknown, dataType: DataType): { value: unknown; time?: unknown } {
  if (!isPlainObject(value) || !('value' in value)) return { value }
  const keys = Object.keys(value)
  if (!keys.every((k) => k === 'value' || k === 'time')) return { value }
  // A struct whose members are literally "value"/"time" is taken as a bare struct value.
  if (dataType.type === 'struct') {
    const members = dataType.specs.map((f) => f.identifier).sort()
    if (members.join(',') === [...keys].sort().join(',')) return { value }
  }
  return 'time' in value ? { value: value.value, time: value.time } : { value: value.value }
}

function timeMillis(time: unknown): number | null {
  return dateMillis(time)
}

// ---------------------------------------------------------------------------------------------
// Validators
// ---------------------------------------------------------------------------------------------

/**
 * Property post (`thing.event.property.post`): params is `{ id: value | { value, time } }`;
 * custom-module properties are written `moduleId:identifier`.
 */
export function validatePropertyPost(model: ThingModel, params: unknown): PropertyPostResult {
  if (!isPlainObject(params)) {
    return fail(
      Codes.TSL_PARAMS_INVALID,
      '',
      `params of a property post must be an object of property values, got ${show(params)}`,
    )
  }
  const entries = Object.entries(params)
  if (entries.length > MAX_PROPERTIES_PER_POST) {
    return fail(
      Codes.TOO_MANY_PROPERTIES,
      '',
      `${entries.length} properties in one post; at most ${MAX_PROPERTIES_PER_POST} are allowed`,
    )
  }
  const values: PropertyValue[] = []
  for (const [qualified, raw] of entries) {
    const owner = moduleOf(model, qualified)
    if ('ok' in owner) return owner
    const property = owner.index.properties.get(owner.identifier)
    if (!property)
      return fail(Codes.PROPERTY_NOT_EXIST, qualified, `property "${qualified}" is not defined in the thing model`)
    const timed = unwrapTimed(raw, property.dataType)
    const issue = checkValue(property.dataType, timed.value, qualified)
    if (issue) return fromIssue(qualified, issue)
    const entry: PropertyValue = { identifier: qualified, value: timed.value }
    if ('time' in timed) {
      const time = timeMillis(timed.time)
      if (time === null) {
        return fail(
          Codes.TSL_PARAMS_INVALID,
          qualified,
          `time of "${qualified}" must be a UTC timestamp in milliseconds, got ${show(timed.time)}`,
        )
      }
      entry.time = time
    }
    values.push(entry)
  }
  return { ok: true, values }
}

/** Property set (`thing.service.property.set`, API SetDeviceProperty): only `rw` properties. */
export function validatePropertySet(model: ThingModel, items: unknown): PropertySetResult {
  if (!isPlainObject(items)) {
    return fail(Codes.TSL_PARAMS_INVALID, '', `items must be an object of property values, got ${show(items)}`)
  }
  const entries = Object.entries(items)
  if (entries.length === 0)
    return fail(Codes.TSL_PARAMS_INVALID, '', 'items is empty: name at least one property to set')
  const values: Array<{ identifier: string; value: unknown }> = []
  for (const [qualified, value] of entries) {
    const owner = moduleOf(model, qualified)
    if ('ok' in owner) return owner
    const property = owner.index.properties.get(owner.identifier)
    if (!property)
      return fail(Codes.PROPERTY_NOT_EXIST, qualified, `property "${qualified}" is not defined in the thing model`)
    if (property.accessMode !== 'rw') {
      return fail(
        Codes.TSL_PARAMS_INVALID,
        qualified,
        `property "${qualified}" is read-only (accessMode "r"); only "rw" properties can be set`,
      )
    }
    const issue = checkValue(property.dataType, value, qualified)
    if (issue) return fromIssue(qualified, issue)
    values.push({ identifier: qualified, value })
  }
  return { ok: true, values }
}

/** Checks named parameters; `requireAll` makes a missing parameter 6302. */
function checkParams(
  params: readonly TslParam[],
  data: unknown,
  owner: string,
  what: string,
  requireAll: boolean,
): { ok: true; values: Record<string, unknown> } | TslValidationError {
  const input = data === undefined || data === null ? {} : data
  if (!isPlainObject(input))
    return fail(Codes.TSL_PARAMS_INVALID, owner, `${what} of "${owner}" must be an object, got ${show(data)}`)
  const defined = new Map(params.map((p) => [p.identifier, p]))
  for (const key of Object.keys(input)) {
    if (!defined.has(key)) {
      const names = params.length > 0 ? params.map((p) => p.identifier).join(', ') : 'none'
      return fail(
        Codes.TSL_PARAMS_INVALID,
        owner,
        `"${key}" is not an ${what} parameter of "${owner}" (defined: ${names})`,
        key,
      )
    }
  }
  const values: Record<string, unknown> = {}
  for (const param of params) {
    if (!(param.identifier in input)) {
      if (requireAll)
        return fail(
          Codes.TSL_PARAM_MISSING,
          owner,
          `${what} parameter "${param.identifier}" of "${owner}" is missing`,
          param.identifier,
        )
      continue
    }
    const issue = checkValue(param.dataType, input[param.identifier], `${owner}.${param.identifier}`)
    if (issue) return fromIssue(owner, issue)
    values[param.identifier] = input[param.identifier]
  }
  return { ok: true, values }
}

/** Splits the event wrapper `{ value: {...}, time }` from bare output parameters. */
function unwrapEventParams(params: unknown, outputs: readonly TslParam[]): { data: unknown; time?: unknown } {
  if (!isPlainObject(params) || !isPlainObject(params.value)) return { data: params }
  if (!Object.keys(params).every((k) => k === 'value' || k === 'time')) return { data: params }
  if (outputs.some((p) => p.identifier === 'value')) return { data: params }
  return 'time' in params ? { data: params.value, time: params.time } : { data: params.value }
}

/**
 * Event post (`thing.event.{id}.post`): params are the event's output parameters, bare or wrapped as
 * `{ value: {...}, time }`. Parameters may be omitted; unknown ones are refused.
 */
export function validateEventPost(model: ThingModel, eventIdentifier: string, params: unknown): EventPostResult {
  const owner = moduleOf(model, eventIdentifier)
  if ('ok' in owner) return owner
  const event = owner.index.events.get(owner.identifier)
  if (!event)
    return fail(Codes.EVENT_NOT_EXIST, eventIdentifier, `event "${eventIdentifier}" is not defined in the thing model`)
  const unwrapped = unwrapEventParams(params, event.outputData)
  const checked = checkParams(event.outputData, unwrapped.data, eventIdentifier, 'output', false)
  if (!checked.ok) return checked
  const result: EventPostResult = { ok: true, identifier: eventIdentifier, type: event.type, values: checked.values }
  if ('time' in unwrapped) {
    const time = timeMillis(unwrapped.time)
    if (time === null) {
      return fail(
        Codes.TSL_PARAMS_INVALID,
        eventIdentifier,
        `time of event "${eventIdentifier}" must be a UTC timestamp in milliseconds, got ${show(unwrapped.time)}`,
      )
    }
    result.time = time
  }
  return result
}

function findServiceOrFail(model: ThingModel, serviceIdentifier: string) {
  const owner = moduleOf(model, serviceIdentifier)
  if ('ok' in owner) return owner
  const service = owner.index.services.get(owner.identifier)
  if (!service)
    return fail(
      Codes.SERVICE_NOT_EXIST,
      serviceIdentifier,
      `service "${serviceIdentifier}" is not defined in the thing model`,
    )
  return service
}

/** Service call arguments (InvokeThingService): every input parameter is required (6302). */
export function validateServiceInput(model: ThingModel, serviceIdentifier: string, args: unknown): ServiceDataResult {
  const service = findServiceOrFail(model, serviceIdentifier)
  if ('ok' in service) return service
  const checked = checkParams(service.inputData, args, serviceIdentifier, 'input', true)
  if (!checked.ok) return checked
  return { ok: true, identifier: serviceIdentifier, callType: service.callType, values: checked.values }
}

/** The `data` of a service reply: output parameters may be omitted; unknown ones are refused. */
export function validateServiceOutput(model: ThingModel, serviceIdentifier: string, data: unknown): ServiceDataResult {
  const service = findServiceOrFail(model, serviceIdentifier)
  if ('ok' in service) return service
  const checked = checkParams(service.outputData, data, serviceIdentifier, 'output', false)
  if (!checked.ok) return checked
  return { ok: true, identifier: serviceIdentifier, callType: service.callType, values: checked.values }
}

/** A property-set reply carries no data (ref §7.1 code 6335). */
export function validatePropertySetReply(data: unknown): { ok: true } | TslValidationError {
  if (data === undefined || data === null) return { ok: true }
  if (isPlainObject(data) && Object.keys(data).length === 0) return { ok: true }
  return fail(
    Codes.PROPERTY_SET_REPLY_NOT_EMPTY,
    '',
    `a property-set reply must have empty data ({}), got ${show(data)}`,
  )
}

/** Checks a single value against a data type (for forms and the simulator). */
export function validateValue(
  dataType: DataType,
  value: unknown,
  identifier: string,
): { ok: true } | TslValidationError {
  const issue = checkValue(dataType, value, identifier)
  return issue ? fromIssue(identifier, issue) : { ok: true }
}
