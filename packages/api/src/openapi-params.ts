// The parameter readers and the action shape every OpenAPI action table shares (openapi.ts and openapi-*.ts).
import { type Actor, AppError } from '@iotops/services'
import type { OpenApiDeps } from './openapi'

export type Params = Record<string, unknown>

export interface Action {
  /** the least role a key needs */
  role: 'VIEWER' | 'OPERATOR'
  run(d: OpenApiDeps, actor: Actor, p: Params): Promise<unknown>
}

/** A parameter as text; undefined when absent. */
export const str = (p: Params, k: string) => (p[k] === undefined || p[k] === null ? undefined : String(p[k]))
/** A parameter that must be given: its text, trimmed; `${k} is required` (with `code`, e.g. 9321) when absent or blank. */
export function required(p: Params, k: string, code?: number): string {
  const v = str(p, k)?.trim()
  if (!v) throw new AppError('BAD_REQUEST', `${k} is required`, code)
  return v
}
/** A parameter as a number; undefined when absent or empty (NaN when not a number: the caller's schema says so). */
export const num = (p: Params, k: string) => (p[k] === undefined || p[k] === '' ? undefined : Number(p[k]))
/** A true/false parameter (a boolean or its text); undefined when absent; anything else is refused. */
export const bool = (p: Params, k: string) => {
  const v = p[k]
  if (v === undefined || v === null || v === '') return undefined
  if (v === true || v === 'true') return true
  if (v === false || v === 'false') return false
  throw new AppError('BAD_REQUEST', `${k} must be true or false`)
}
