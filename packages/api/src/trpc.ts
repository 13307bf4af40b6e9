import type { Db } from '@iotops/db'
import {
  type Actor,
  AppError,
  type DeviceHub,
  type FleetRuns,
  type notify,
  type ProductCache,
  type Role,
  type SimulatorManager,
} from '@iotops/services'
import { initTRPC, TRPCError } from '@trpc/server'
import superjson from 'superjson'
import { ZodError } from 'zod'
import { toTRPCError } from './errors'

export interface SessionInfo {
  user: { id: string; email: string; name: string; role: Role; locale: string | null } | null
  token: string | undefined
}

export interface Context {
  db: Db
  hub: DeviceHub
  products: ProductCache
  /** fleets of virtual devices running on this node */
  fleet: FleetRuns
  /** device simulators running on this node (the simulator page) */
  simulator: SimulatorManager
  /** the notification outbox worker of this node (kick it after enqueueing) */
  notifier: notify.Notifier
  session: SessionInfo
  ip: string | undefined
  userAgent: string | undefined
  /** true when the request carries the anti-CSRF header (and a same-origin Origin, if any) */
  csrfOk: boolean
  setCookie(value: string): void
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause
    return {
      ...shape,
      data: {
        ...shape.data,
        // field errors of invalid input, for forms
        zodError: cause instanceof ZodError ? cause.flatten() : null,
        // the reference platform code behind the error (e.g. 9201 device offline), when there is one
        alinkCode: cause instanceof AppError ? (cause.code ?? null) : null,
      },
    }
  },
})

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory

/** Every procedure: domain errors become tRPC errors in one place; mutations need the CSRF header. */
const base = t.procedure.use(async ({ ctx, type, next }) => {
  if (type === 'mutation' && !ctx.csrfOk) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'request rejected: missing anti-CSRF header' })
  }
  const r = await next()
  if (!r.ok) throw toTRPCError(r.error)
  return r
})

export const publicProcedure = base

const RANK: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 }
const withRole = (min: Role) =>
  base.use(({ ctx, next }) => {
    const user = ctx.session.user
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' })
    if (RANK[user.role] < RANK[min]) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `this needs the ${min.toLowerCase()} role; you are ${user.role.toLowerCase()}`,
      })
    }
    const actor: Actor = { type: 'user', id: user.id, name: user.email, role: user.role, ip: ctx.ip }
    return next({ ctx: { ...ctx, user, actor } })
  })

export const viewerProcedure = withRole('VIEWER')
export const operatorProcedure = withRole('OPERATOR')
export const adminProcedure = withRole('ADMIN')
