import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { authRouter } from './router/auth'
import { debugRouter } from './router/debug'
import { deviceRouter } from './router/device'
import { fleetRouter } from './router/fleet'
import { groupRouter } from './router/group'
import { deviceLogRouter, overviewRouter, runLogRouter } from './router/misc'
import { productRouter } from './router/product'
import { simulatorRouter } from './router/simulator'
import { apiKeyRouter, userRouter } from './router/user'
import { createCallerFactory, createTRPCRouter } from './trpc'

export const appRouter = createTRPCRouter({
  auth: authRouter,
  overview: overviewRouter,
  product: productRouter,
  device: deviceRouter,
  group: groupRouter,
  fleet: fleetRouter,
  runLog: runLogRouter,
  debug: debugRouter,
  simulator: simulatorRouter,
  deviceLog: deviceLogRouter,
  user: userRouter,
  apiKey: apiKeyRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
export const createCaller = createCallerFactory(appRouter)
