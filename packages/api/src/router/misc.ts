import { devices, searchDeviceLogs, searchRunLog } from '@iotops/services'
import { ZDeviceLogSearchInput, ZRunLogSearchInput } from '@iotops/services/schemas'
import { createTRPCRouter, viewerProcedure } from '../trpc'

export const overviewRouter = createTRPCRouter({
  stats: viewerProcedure.query(({ ctx }) => devices.overviewStats(ctx.db)),
})

export const runLogRouter = createTRPCRouter({
  search: viewerProcedure.input(ZRunLogSearchInput).query(({ ctx, input }) => searchRunLog(ctx.db, input)),
})

export const deviceLogRouter = createTRPCRouter({
  search: viewerProcedure.input(ZDeviceLogSearchInput).query(({ ctx, input }) => searchDeviceLogs(ctx.db, input)),
})
