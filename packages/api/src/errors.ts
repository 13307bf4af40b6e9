import { AppError, type ErrorKind } from '@iotops/services'
import { TRPCError } from '@trpc/server'

const TRPC_CODE: Record<ErrorKind, TRPCError['code']> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  TIMEOUT: 'TIMEOUT',
}

/** HTTP status for the OpenAPI responses, from the same kinds. */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
  TIMEOUT: 504,
}

/** The one mapping from domain errors to tRPC errors; anything unexpected becomes a generic 500. */
export function toTRPCError(e: unknown): TRPCError {
  if (e instanceof TRPCError) {
    if (e.cause instanceof AppError)
      return new TRPCError({ code: TRPC_CODE[e.cause.kind], message: e.cause.message, cause: e.cause })
    return e
  }
  if (e instanceof AppError) return new TRPCError({ code: TRPC_CODE[e.kind], message: e.message, cause: e })
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'internal error; see the server log',
    cause: e as Error,
  })
}
