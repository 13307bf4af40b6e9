import { alerts } from '@iotops/services'
import { ZSceneRuleInput, ZSceneRuleList, ZSceneRunList, ZUpdateSceneRule } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

/** Scene-linkage rules (the alert center's triggers → conditions → actions) and their run history. */
export const sceneRouter = createTRPCRouter({
  list: viewerProcedure.input(ZSceneRuleList).query(({ ctx, input }) => alerts.listScenes(ctx.db, input)),
  byId: viewerProcedure.input(ZId).query(({ ctx, input }) => alerts.getScene(ctx.db, input.id)),
  create: operatorProcedure
    .input(ZSceneRuleInput)
    .mutation(({ ctx, input }) => alerts.createScene(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .input(ZUpdateSceneRule)
    .mutation(({ ctx, input }) => alerts.updateScene(ctx.db, ctx.actor, input.id, input.rule)),
  setEnabled: operatorProcedure
    .input(ZId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => alerts.setSceneEnabled(ctx.db, ctx.actor, input.id, input.enabled)),
  delete: operatorProcedure.input(ZId).mutation(({ ctx, input }) => alerts.deleteScene(ctx.db, ctx.actor, input.id)),
  runs: viewerProcedure.input(ZSceneRunList).query(({ ctx, input }) => alerts.listRuns(ctx.db, input)),
})
