import { subscription } from '@iotops/services'
import { ZConsumerGroupInput, ZGroupRef, ZServerSubscriptionInput } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

/**
 * Server-side subscription: consumer groups (their token shown once), per-product subscriptions (message types →
 * groups), backlog and consume rate. Consumption itself is HTTP (`/api/subscription/{groupId}/stream` and `/ack`).
 */
export const subscriptionRouter = createTRPCRouter({
  groups: viewerProcedure.query(({ ctx }) => subscription.listGroups(ctx.db)),
  createGroup: operatorProcedure
    .input(ZConsumerGroupInput)
    .mutation(({ ctx, input }) => subscription.createGroup(ctx.db, ctx.actor, input)),
  updateGroup: operatorProcedure
    .input(ZGroupRef.extend({ group: ZConsumerGroupInput }))
    .mutation(({ ctx, input }) => subscription.updateGroup(ctx.db, ctx.actor, input.groupId, input.group)),
  rotateToken: operatorProcedure
    .input(ZGroupRef)
    .mutation(({ ctx, input }) => subscription.rotateToken(ctx.db, ctx.actor, input.groupId)),
  deleteGroup: operatorProcedure
    .input(ZGroupRef)
    .mutation(({ ctx, input }) => subscription.deleteGroup(ctx.db, ctx.actor, input.groupId)),
  clearBacklog: operatorProcedure
    .input(ZGroupRef)
    .mutation(({ ctx, input }) => subscription.clearBacklog(ctx.db, ctx.actor, input.groupId)),
  groupMetrics: viewerProcedure
    .input(ZGroupRef.extend({ hours: z.number().int().min(1).max(168).default(1) }))
    .query(({ ctx, input }) => subscription.groupMetrics(ctx.db, input.groupId, input.hours)),

  list: viewerProcedure.query(({ ctx }) => subscription.listSubscriptions(ctx.db)),
  save: operatorProcedure
    .input(ZServerSubscriptionInput)
    .mutation(({ ctx, input }) => subscription.saveSubscription(ctx.db, ctx.actor, input)),
  delete: operatorProcedure
    .input(z.object({ productKey: z.string().min(1) }))
    .mutation(({ ctx, input }) => subscription.deleteSubscription(ctx.db, ctx.actor, input.productKey)),
})
