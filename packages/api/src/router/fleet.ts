import { fleet } from '@iotops/services'
import { ZFleetRunRef, ZListScenariosInput, ZSaveScenarioInput, ZStartFleetInput } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZScenarioRef = z.object({ id: z.uuid() })

export const fleetRouter = createTRPCRouter({
  scenarios: viewerProcedure.input(ZListScenariosInput).query(({ ctx, input }) => fleet.listScenarios(ctx.db, input)),
  saveScenario: operatorProcedure
    .input(ZSaveScenarioInput)
    .mutation(({ ctx, input }) => fleet.saveScenario(ctx.db, ctx.actor, input)),
  deleteScenario: operatorProcedure
    .input(ZScenarioRef)
    .mutation(({ ctx, input }) => fleet.deleteScenario(ctx.db, ctx.actor, input.id)),
  start: operatorProcedure.input(ZStartFleetInput).mutation(({ ctx, input }) => ctx.fleet.start(ctx.actor, input)),
  stop: operatorProcedure.input(ZFleetRunRef).mutation(({ ctx, input }) => ctx.fleet.stop(input.runId)),
  runs: viewerProcedure
    .input(z.object({ productKey: z.string().optional() }))
    .query(({ ctx, input }) => ctx.fleet.list(input.productKey)),
  /** the runs of this node with their live counters, once a second */
  onRuns: viewerProcedure
    .input(z.object({ productKey: z.string().optional() }))
    .subscription(({ ctx, input, signal }) => ctx.fleet.watch(input.productKey, signal)),
})
