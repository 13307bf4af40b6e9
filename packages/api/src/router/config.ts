import { remoteConfig } from '@iotops/services'
import {
  ZConfigProductInput,
  ZConfigTargetInput,
  ZConfigVersionInput,
  ZPushConfigInput,
  ZSaveConfigInput,
  ZSetConfigEnabledInput,
} from '@iotops/services/schemas'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

/** Remote configuration (ref §9): per-product switch, versions, batch update, push progress; group / query targets. */
export const remoteConfigRouter = createTRPCRouter({
  overview: viewerProcedure
    .input(ZConfigProductInput)
    .query(({ ctx, input }) => remoteConfig.configOverview(ctx.db, input.productKey)),
  target: viewerProcedure
    .input(ZConfigTargetInput)
    .query(({ ctx, input }) => remoteConfig.configTarget(ctx.db, input.productKey, input.target)),
  version: viewerProcedure
    .input(ZConfigVersionInput)
    .query(({ ctx, input }) => remoteConfig.configVersion(ctx.db, input.configId)),
  setEnabled: operatorProcedure
    .input(ZSetConfigEnabledInput)
    .mutation(({ ctx, input }) => remoteConfig.setConfigEnabled(ctx.db, ctx.actor, input.productKey, input.enabled)),
  save: operatorProcedure
    .input(ZSaveConfigInput)
    .mutation(({ ctx, input }) => remoteConfig.saveConfig(ctx.db, ctx.actor, input)),
  push: operatorProcedure
    .input(ZPushConfigInput)
    .mutation(({ ctx, input }) => remoteConfig.pushConfig(ctx.db, ctx.hub, ctx.actor, input)),
  removeTarget: operatorProcedure
    .input(ZConfigTargetInput)
    .mutation(({ ctx, input }) => remoteConfig.removeConfigTarget(ctx.db, ctx.actor, input.productKey, input.target)),
})
