import { Codes } from '@iotops/alink'
/**
 * The one error type domain services throw. The API layer maps `kind` to a tRPC / HTTP status in one place
 * (packages/api/src/errors.ts); `message` is shown to users as is, so it must say what is wrong and how to fix it.
 */
export type ErrorKind =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS'
  | 'TIMEOUT'

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** a reference platform code (e.g. 9201 device offline, 6306 TSL int check) when one applies */
    readonly code?: number,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} does not exist`)
/** A device that is not registered. */
export const deviceNotFound = (ref: { productKey: string; deviceName: string }) =>
  new AppError('NOT_FOUND', `the device ${ref.productKey}/${ref.deviceName} does not exist`, Codes.DEVICE_NOT_EXIST)
export const badRequest = (msg: string, code?: number, details?: unknown) =>
  new AppError('BAD_REQUEST', msg, code, details)
export const conflict = (msg: string) => new AppError('CONFLICT', msg)
