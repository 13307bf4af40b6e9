import { TRPCClientError } from '@trpc/client'
import type { FormInstance } from 'antd'

interface ErrorData {
  code?: string
  httpStatus?: number
  /** present when the server's error formatter flattened a zod error: `{ fieldErrors, formErrors }` */
  zodError?: { fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] } | null
  /** the reference platform code behind a domain error (e.g. 9201 device offline, 6306 TSL int check) */
  alinkCode?: number | null
}

function errorData(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined
}

/**
 * The message to show for a failed call. Server messages are written for users, so they are shown as they are;
 * only a call that never reached the server gets the generic `fallback` (e.g. "cannot reach the server").
 */
export function errorMessage(error: unknown, fallback: string): string {
  if (!error) return fallback
  const data = errorData(error)
  const zod = data?.zodError
  if (zod) {
    const first = [...(zod.formErrors ?? []), ...Object.values(zod.fieldErrors ?? {}).flatMap((m) => m ?? [])][0]
    if (first) return first
  }
  if (error instanceof TRPCClientError && !data) return fallback
  if (error instanceof Error && error.message) return error.message
  return fallback
}

export function errorCode(error: unknown): string | undefined {
  return errorData(error)?.code
}

/** The platform status code of a failed call (9201, 1905, 63xx…), to explain with its meaning; undefined if none. */
export function errorAlinkCode(error: unknown): number | undefined {
  return errorData(error)?.alinkCode ?? undefined
}

/** Puts the server's per-field validation messages on the form's fields; returns true when it could. */
export function applyFieldErrors(form: FormInstance, error: unknown): boolean {
  const fieldErrors = errorData(error)?.zodError?.fieldErrors
  if (!fieldErrors) return false
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>))
  const fields = Object.entries(fieldErrors)
    .filter(([name, messages]) => known.has(name) && messages?.length)
    .map(([name, messages]) => ({ name, errors: messages ?? [] }))
  if (!fields.length) return false
  form.setFields(fields)
  return true
}
