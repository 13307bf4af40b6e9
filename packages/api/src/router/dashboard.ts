import { dashboard } from '@iotops/services'
import { createTRPCRouter, viewerProcedure } from '../trpc'

/** The ops dashboard (reference §4): read-only statistics, computed on request. */
export const dashboardRouter = createTRPCRouter({
  /** lifecycle cards (created / activated / online / active) with last week's figure, online rate, 30-day trend */
  summary: viewerProcedure.input(dashboard.ZDashboardInput).query(({ ctx, input }) => dashboard.summary(ctx.db, input)),
  /** devices per province or city: online now and activated */
  regions: viewerProcedure
    .input(dashboard.ZDashboardRegionsInput)
    .query(({ ctx, input }) => dashboard.regions(ctx.db, input)),
  /** events and cycles: duration buckets, 7-day event types, top-5 devices and events (type filter) */
  events: viewerProcedure
    .input(dashboard.ZDashboardEventsInput)
    .query(({ ctx, input }) => dashboard.events(ctx.db, input)),
  /** status and messages: today's top-5 flips, latency and topic classes */
  status: viewerProcedure.input(dashboard.ZDashboardInput).query(({ ctx, input }) => dashboard.status(ctx.db, input)),
})
