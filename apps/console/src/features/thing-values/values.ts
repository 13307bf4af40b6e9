/**
 * Thing-model values in the console (online debugging, the device simulator): what an input holds (a draft) ↔ the
 * value sent, and the checks run before sending — the platform's own TSL validators, so the codes and messages are
 * the server's. Relative imports: the unit tests run without the app's path aliases.
 */
import {
  type DataType,
  exampleTslParams,
  type ThingModel,
  type TslModule,
  type TslParam,
  type TslValidationError,
  validateEventPost,
  validatePropertyPost,
  validatePropertySet,
  validateServiceInput,
  validateServiceOutput,
} from '../../lib/alink'

/**
 * What an input holds: a number for int/float/double/enum/bool, a string for text, the epoch milliseconds as a
 * decimal string for date, JSON text for struct and array; undefined when the input is empty.
 */
export type Draft = number | string | undefined

/** A problem with a value, found before sending: not JSON, or refused by the thing model (code 63xx / 5092 …). */
export type ValueProblem = { kind: 'json'; message: string } | { kind: 'tsl'; code: number; message: string }

export const isJsonType = (dataType: DataType) => dataType.type === 'struct' || dataType.type === 'array'

/** Whether an input counts as filled in (only filled inputs are sent). */
export function isFilled(draft: Draft): boolean {
  if (draft === undefined) return false
  return typeof draft === 'string' ? draft.trim() !== '' : Number.isFinite(draft)
}

/**
 * The draft for a value the device holds or reported: structs and arrays as indented JSON, dates as text, text as is
 * (anything else a device put in a text property as its JSON, so an object does not read "[object Object]").
 */
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

/**
 * The filled drafts as property items, each checked as the platform checks them: a property set
 * (SetDeviceProperty: unknown property 5092, read-only 6332, type checks 63xx) or a device's property post. The
 * platform stops at the first problem; here each property is checked on its own, so every faulty input gets its
 * message at once (problems are per identifier).
 */
export function buildPropertyItems(
  model: ThingModel,
  purpose: 'set' | 'post',
  drafts: ReadonlyArray<{ identifier: string; dataType: DataType; draft: Draft }>,
): { ok: true; items: Record<string, unknown> } | { ok: false; problems: Record<string, ValueProblem> } {
  const validate = purpose === 'set' ? validatePropertySet : validatePropertyPost
  const items: Record<string, unknown> = {}
  const problems: Record<string, ValueProblem> = {}
  for (const d of drafts) {
    if (!isFilled(d.draft)) continue
    const v = toValue(d.dataType, d.draft)
    if (!v.ok) {
      problems[d.identifier] = v.problem
      continue
    }
    const r = validate(model, { [d.identifier]: v.value })
    if (r.ok) items[d.identifier] = v.value
    else problems[d.identifier] = tslProblem(r)
  }
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, items }
}

/** JSON parameters parsed and checked, or why they cannot be sent. */
export type ParamsCheck = { ok: true; params: Record<string, unknown> } | { ok: false; problem: ValueProblem }

/** Parses JSON parameters (an object; empty text is `{}`) and checks them with `check`. */
function checkParams(
  text: string,
  check: (params: Record<string, unknown>) => { ok: true } | TslValidationError,
): ParamsCheck {
  let params: unknown
  try {
    params = text.trim() === '' ? {} : JSON.parse(text)
  } catch (e) {
    return { ok: false, problem: { kind: 'json', message: (e as Error).message } }
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return { ok: false, problem: { kind: 'json', message: 'expected a JSON object: {"identifier": value}' } }
  const r = check(params as Record<string, unknown>)
  return r.ok ? { ok: true, params: params as Record<string, unknown> } : { ok: false, problem: tslProblem(r) }
}

/** A service call's input checked as InvokeThingService checks it (every input parameter is required, 6302). */
export const checkServiceInput = (model: ThingModel, qualifiedService: string, text: string): ParamsCheck =>
  checkParams(text, (p) => validateServiceInput(model, qualifiedService, p))

/** Event parameters checked against the event's output definition, as the platform checks the post. */
export const checkEventParams = (model: ThingModel, qualifiedEvent: string, text: string): ParamsCheck =>
  checkParams(text, (p) => validateEventPost(model, qualifiedEvent, p))

/** A service's reply output checked against its output definition. */
export const checkServiceOutput = (model: ThingModel, qualifiedService: string, text: string): ParamsCheck =>
  checkParams(text, (p) => validateServiceOutput(model, qualifiedService, p))

export const prettyJson = (v: unknown) => JSON.stringify(v, null, 2)

/** The JSON a form starts from: every parameter with an example value of its type that passes the checks. */
export const exampleJson = (params: readonly TslParam[]) => prettyJson(exampleTslParams(params))

/** Modules that have something of the given kind, in the model's order (the default module first). */
export function modulesWith(model: ThingModel, what: 'properties' | 'events' | 'services'): TslModule[] {
  return model.modules.filter((m) => m[what].length > 0)
}
