import {
  devices,
  messageTrace,
  searchDeviceLogs,
  searchRunLog,
  setLogUpload,
  tailDeviceLogs,
  tailRunLog,
} from '@iotops/services'
import {
  ZDeviceLogSearchInput,
  ZDeviceLogTailInput,
  ZDeviceRef,
  ZRunLogSearchInput,
  ZRunLogTailInput,
  ZTraceInput,
} from '@iotops/services/schemas'
import { tracked } from '@trpc/server'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

export const overviewRouter = createTRPCRouter({
  stats: viewerProcedure.query(({ ctx }) => devices.overviewStats(ctx.db)),
})

/** Each batch of a tail is sent with the id of its last row, so a reconnecting client resumes after it. */
async function* trackedBatches<R extends { ts: Date; id: number }>(batches: AsyncGenerator<R[]>) {
  for await (const rows of batches) {
    const last = rows[rows.length - 1]!
    yield tracked(`${last.ts.getTime()}:${last.id}`, rows)
  }
}

export const runLogRouter = createTRPCRouter({
  search: viewerProcedure.input(ZRunLogSearchInput).query(({ ctx, input }) => searchRunLog(ctx.db, input)),
  trace: viewerProcedure.input(ZTraceInput).query(({ ctx, input }) => messageTrace(ctx.db, input)),
  onTail: viewerProcedure
    .input(ZRunLogTailInput)
    .subscription(({ ctx, input, signal }) => trackedBatches(tailRunLog(ctx.db, ctx.hub, input, signal))),
})

export const deviceLogRouter = createTRPCRouter({
  search: viewerProcedure.input(ZDeviceLogSearchInput).query(({ ctx, input }) => searchDeviceLogs(ctx.db, input)),
  onTail: viewerProcedure
    .input(ZDeviceLogTailInput)
    .subscription(({ ctx, input, signal }) => trackedBatches(tailDeviceLogs(ctx.db, ctx.hub, input, signal))),
  setUpload: operatorProcedure
    .input(ZDeviceRef.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setLogUpload(ctx.db, ctx.hub, ctx.actor, input, input.enabled)),
})
