import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { alarmRouter } from './router/alarm'
import { authRouter } from './router/auth'
import { dashboardRouter } from './router/dashboard'
import { debugRouter } from './router/debug'
import { deviceRouter } from './router/device'
import { fleetRouter } from './router/fleet'
import { groupRouter } from './router/group'
import { deviceLogRouter, logAnalysisRouter, logStoreRouter, overviewRouter, runLogRouter } from './router/misc'
import { monitorRouter } from './router/monitor'
import { notifyRouter } from './router/notify'
import { productRouter } from './router/product'
import { simulatorRouter } from './router/simulator'
import { apiKeyRouter, userRouter } from './router/user'
import { createCallerFactory, createTRPCRouter } from './trpc'

export const appRouter = createTRPCRouter({
  auth: authRouter,
  overview: overviewRouter,
  dashboard: dashboardRouter,
  product: productRouter,
  device: deviceRouter,
  group: groupRouter,
  fleet: fleetRouter,
  runLog: runLogRouter,
  debug: debugRouter,
  simulator: simulatorRouter,
  monitor: monitorRouter,
  alarm: alarmRouter,
  deviceLog: deviceLogRouter,
  logStore: logStoreRouter,
  logAnalysis: logAnalysisRouter,
  user: userRouter,
  apiKey: apiKeyRouter,
  notify: notifyRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
export const createCaller = createCallerFactory(appRouter)
