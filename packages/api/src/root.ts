import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { authRouter } from './router/auth'
import { deviceRouter } from './router/device'
import { groupRouter } from './router/group'
import { deviceLogRouter, overviewRouter, runLogRouter } from './router/misc'
import { productRouter } from './router/product'
import { apiKeyRouter, userRouter } from './router/user'
import { createCallerFactory, createTRPCRouter } from './trpc'

export const appRouter = createTRPCRouter({
  auth: authRouter,
  overview: overviewRouter,
  product: productRouter,
  device: deviceRouter,
  group: groupRouter,
  runLog: runLogRouter,
  deviceLog: deviceLogRouter,
  user: userRouter,
  apiKey: apiKeyRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
export const createCaller = createCallerFactory(appRouter)
