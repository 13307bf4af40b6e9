/**
 * Values on the debugging page: what an input holds (a draft) ↔ the thing-model value sent to the device, the
 * checks run before sending (the server's own TSL validators, so the codes and messages match), and example
 * service input built from the service's parameters.
 */
import {
  type DataType,
  type ThingModel,
  type TslParam,
  type TslValidationError,
  validatePropertySet,
  validateServiceInput,
  validateValue,
} from '../../lib/alink'

/**
 * What a property input holds: a number for int/float/double/enum/bool, a string for text, the epoch milliseconds
 * as a decimal string for date, JSON text for struct and array; undefined when the input is empty.
 */
export type Draft = number | string | undefined

/** A problem with a value, found before sending: not JSON, or refused by the thing model (code 63xx / 5092 …). */
export type ValueProblem = { kind: 'json'; message: string } | { kind: 'tsl'; code: number; message: string }

const JSON_TYPES = new Set(['struct', 'array'])
export const isJsonType = (dataType: DataType) => JSON_TYPES.has(dataType.type)

/** Whether an input counts as filled in (batch actions send the filled ones). */
export function isFilled(draft: Draft): boolean {
  if (draft === undefined) return false
  return typeof draft === 'string' ? draft.trim() !== '' : Number.isFinite(draft)
}

/** The draft for a value read from the device (Get): structs and arrays as indented JSON, dates as text. */
export function toDraft(dataType: DataType, value: unknown): Draft {
  if (value === null || value === undefined) return undefined
  if (isJsonType(dataType)) return JSON.stringify(value, null, 2)
  if (dataType.type === 'date') return String(value)
  if (dataType.type === 'text') return typeof value === 'string' ? value : JSON.stringify(value)
  return typeof value === 'number' ? value : undefined
}

/** The value to send for a filled draft, or why it cannot be sent. */
export function toValue(
  dataType: DataType,
  draft: Draft,
): { ok: true; value: unknown } | { ok: false; problem: ValueProblem } {
  if (isJsonType(dataType) && typeof draft === 'string') {
    try {
      return { ok: true, value: JSON.parse(draft) }
    } catch (e) {
      return { ok: false, problem: { kind: 'json', message: (e as Error).message } }
    }
  }
  if (dataType.type === 'date' && typeof draft === 'string') return { ok: true, value: draft.trim() }
  return { ok: true, value: draft }
}

const tslProblem = (e: TslValidationError): ValueProblem => ({ kind: 'tsl', code: e.code, message: e.message })

/** Checks one property's draft against its data type, as the server will; null when it can be sent. */
export function checkDraft(dataType: DataType, identifier: string, draft: Draft): ValueProblem | null {
  const v = toValue(dataType, draft)
  if (!v.ok) return v.problem
  const r = validateValue(dataType, v.value, identifier)
  return r.ok ? null : tslProblem(r)
}

/**
 * The items of a property set (or desired set) from drafts, checked against the whole model as the server checks
 * SetDeviceProperty (unknown property 5092, read-only 6332, type checks 63xx). Problems are per identifier.
 */
export function buildPropertyItems(
  model: ThingModel,
  drafts: ReadonlyArray<{ identifier: string; dataType: DataType; draft: Draft }>,
): { ok: true; items: Record<string, unknown> } | { ok: false; problems: Record<string, ValueProblem> } {
  const items: Record<string, unknown> = {}
  const problems: Record<string, ValueProblem> = {}
  for (const d of drafts) {
    const v = toValue(d.dataType, d.draft)
    if (!v.ok) problems[d.identifier] = v.problem
    else items[d.identifier] = v.value
  }
  if (Object.keys(problems).length === 0) {
    // the server validates the items one by one and stops at the first problem; do the same per property so
    // every faulty input gets its message at once
    for (const [identifier, value] of Object.entries(items)) {
      const r = validatePropertySet(model, { [identifier]: value })
      if (!r.ok) problems[identifier] = tslProblem(r)
    }
  }
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, items }
}

/** Parses and checks service input JSON against the service's input parameters (every one is required, 6302). */
export function checkServiceInput(
  model: ThingModel,
  qualifiedService: string,
  text: string,
): { ok: true; args: Record<string, unknown> } | { ok: false; problem: ValueProblem } {
  let args: unknown
  try {
    args = text.trim() === '' ? {} : JSON.parse(text)
  } catch (e) {
    return { ok: false, problem: { kind: 'json', message: (e as Error).message } }
  }
  const r = validateServiceInput(model, qualifiedService, args)
  if (!r.ok) return { ok: false, problem: tslProblem(r) }
  return { ok: true, args: args as Record<string, unknown> }
}

/** A value of the type that passes its checks: 0 when in range (else the minimum), the first enum key, now for dates. */
export function exampleValue(dataType: DataType): unknown {
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
      return String(Date.now())
    case 'struct':
      return Object.fromEntries(dataType.specs.map((f) => [f.identifier, exampleValue(f.dataType)]))
    case 'array': {
      const item = dataType.specs.item
      const example =
        item.type === 'struct'
          ? exampleValue({ type: 'struct', specs: item.specs })
          : item.type === 'text'
            ? ''
            : item.specs
              ? exampleValue({ type: item.type, specs: item.specs })
              : 0
      return [example]
    }
  }
}

/** The JSON a service call starts from: every input parameter with an example value of its type. */
export function exampleServiceInput(inputData: readonly TslParam[]): string {
  return JSON.stringify(Object.fromEntries(inputData.map((p) => [p.identifier, exampleValue(p.dataType)])), null, 2)
}
