/**
 * Values on the simulator page: what an input holds (a draft) ↔ the thing-model value the virtual device sends, and
 * the checks run before sending — the platform's own TSL validators, so codes and messages match the server's.
 */
import {
  type DataType,
  type ThingModel,
  type TslModule,
  type TslValidationError,
  validateEventPost,
  validateServiceOutput,
  validateValue,
} from '@/lib/alink'

/**
 * What an input holds: a number for int/float/double/enum/bool, a string for text, the epoch milliseconds as a
 * decimal string for date, JSON text for struct and array; undefined when empty.
 */
export type Draft = number | string | undefined

/** A problem found before sending: not JSON, or refused by the thing model (63xx, 5092 …). */
export type ValueProblem = { kind: 'json'; message: string } | { kind: 'tsl'; code: number; message: string }

export const isJsonType = (dataType: DataType) => dataType.type === 'struct' || dataType.type === 'array'

export function isFilled(draft: Draft): boolean {
  if (draft === undefined) return false
  return typeof draft === 'string' ? draft.trim() !== '' : Number.isFinite(draft)
}

/** The draft for a value the device holds: structs and arrays as indented JSON, dates as text. */
export function toDraft(dataType: DataType, value: unknown): Draft {
  if (value === null || value === undefined) return undefined
  if (isJsonType(dataType)) return JSON.stringify(value, null, 2)
  if (dataType.type === 'date' || dataType.type === 'text') return typeof value === 'string' ? value : String(value)
  return typeof value === 'number' ? value : undefined
}

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
 * The filled drafts as property values, each checked against its data type; problems per qualified identifier so
 * every faulty input gets its message at once.
 */
export function buildItems(
  drafts: ReadonlyArray<{ identifier: string; dataType: DataType; draft: Draft }>,
): { ok: true; items: Record<string, unknown> } | { ok: false; problems: Record<string, ValueProblem> } {
  const items: Record<string, unknown> = {}
  const problems: Record<string, ValueProblem> = {}
  for (const d of drafts) {
    if (!isFilled(d.draft)) continue
    const v = toValue(d.dataType, d.draft)
    if (!v.ok) {
      problems[d.identifier] = v.problem
      continue
    }
    const r = validateValue(d.dataType, v.value, d.identifier)
    if (!r.ok) problems[d.identifier] = tslProblem(r)
    else items[d.identifier] = v.value
  }
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, items }
}

/** Parses JSON parameters (an object) and checks them with `check`; empty text is `{}`. */
function parseParams(
  text: string,
  check: (params: Record<string, unknown>) => { ok: true } | TslValidationError,
): { ok: true; params: Record<string, unknown> } | { ok: false; problem: ValueProblem } {
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

/** Event parameters checked against the event's output definition, as the platform checks the post. */
export const checkEventParams = (model: ThingModel, qualifiedEvent: string, text: string) =>
  parseParams(text, (p) => validateEventPost(model, qualifiedEvent, p))

/** A service's reply output checked against its output definition. */
export const checkServiceOutput = (model: ThingModel, qualifiedService: string, text: string) =>
  parseParams(text, (p) => validateServiceOutput(model, qualifiedService, p))

export const prettyJson = (v: unknown) => JSON.stringify(v, null, 2)

/** Modules that have something of the given kind, the default module first. */
export function modulesWith(model: ThingModel, what: 'properties' | 'events' | 'services'): TslModule[] {
  return model.modules.filter((m) => m[what].length > 0)
}

/** Whether a topic still has wildcard levels the user must replace with names before publishing. */
export const hasWildcard = (topic: string) => topic.split('/').some((l) => l === '+' || l === '#')
