import {
  devices,
  logAnalysis,
  logReport,
  logStore,
  messageTrace,
  searchDeviceLogs,
  searchRunLog,
  setLogUpload,
  tailDeviceLogs,
  tailRunLog,
} from '@iotops/services'
import {
  ZAnalysisQuery,
  ZDeviceLogSearchInput,
  ZDeviceLogTailInput,
  ZDeviceRef,
  ZLogStorePolicy,
  ZReportInput,
  ZRunLogSearchInput,
  ZRunLogTailInput,
  ZSavedQueryInput,
  ZTraceInput,
} from '@iotops/services/schemas'
import { tracked } from '@trpc/server'
import { z } from 'zod'
import { adminProcedure, createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

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

/** Log analysis: safe read-only SELECTs over the log stores, and saved queries with their chart. */
export const logAnalysisRouter = createTRPCRouter({
  run: viewerProcedure.input(ZAnalysisQuery).mutation(({ ctx, input }) => logAnalysis.runAnalysis(ctx.db, input)),
  saved: viewerProcedure.query(({ ctx }) => logAnalysis.listSavedQueries(ctx.db)),
  report: viewerProcedure.input(ZReportInput).query(({ ctx, input }) => logReport(ctx.db, input)),
  save: operatorProcedure
    .input(ZSavedQueryInput.extend({ id: z.string().uuid().optional() }))
    .mutation(({ ctx, input: { id, ...q } }) => logAnalysis.saveQuery(ctx.db, ctx.actor, q, id)),
  delete: operatorProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => logAnalysis.deleteSavedQuery(ctx.db, ctx.actor, input.id)),
})

/** Long-term log storage per product ("dump"): on/off and retention, for run logs and device logs apart. */
export const logStoreRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => logStore.listLogStorePolicies(ctx.db)),
  get: viewerProcedure
    .input(z.object({ productKey: z.string().min(1) }))
    .query(({ ctx, input }) => logStore.getLogStorePolicy(ctx.db, input.productKey)),
  set: adminProcedure.input(ZLogStorePolicy).mutation(async ({ ctx, input }) => {
    const p = await logStore.setLogStorePolicy(ctx.db, ctx.actor, input)
    await ctx.hub.logDump.refresh()
    return p
  }),
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
