import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { alarmRouter } from './router/alarm'
import { alertCenterRouter } from './router/alert'
import { authRouter } from './router/auth'
import { remoteConfigRouter } from './router/config'
import { dashboardRouter } from './router/dashboard'
import { debugRouter } from './router/debug'
import { deviceRouter } from './router/device'
import { fleetRouter } from './router/fleet'
import { forwardRouter } from './router/forward'
import { groupRouter } from './router/group'
import { deviceLogRouter, logAnalysisRouter, logStoreRouter, overviewRouter, runLogRouter } from './router/misc'
import { monitorRouter } from './router/monitor'
import { notifyRouter } from './router/notify'
import { otaRouter } from './router/ota'
import { otaJobRouter } from './router/ota-job'
import { productRouter } from './router/product'
import { remoteLoginRouter } from './router/remote-login'
import { reportSubscriptionRouter } from './router/report'
import { sceneRouter } from './router/scene'
import { simulatorRouter } from './router/simulator'
import { subscriptionRouter } from './router/subscription'
import { tunnelRouter } from './router/tunnel'
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
  scene: sceneRouter,
  alertCenter: alertCenterRouter,
  deviceLog: deviceLogRouter,
  logStore: logStoreRouter,
  logAnalysis: logAnalysisRouter,
  reportSubscription: reportSubscriptionRouter,
  user: userRouter,
  apiKey: apiKeyRouter,
  notify: notifyRouter,
  ota: otaRouter,
  tunnel: tunnelRouter,
  remoteLogin: remoteLoginRouter,
  remoteConfig: remoteConfigRouter,
  otaJob: otaJobRouter,
  forward: forwardRouter,
  subscription: subscriptionRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
export const createCaller = createCallerFactory(appRouter)
