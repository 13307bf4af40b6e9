import { reportSubscriptions } from '@iotops/services'
import { ZReportSubscriptionInput, ZUpdateReportSubscription } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

/** Report subscriptions: log reports mailed on a schedule, and "send now". */
export const reportSubscriptionRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => reportSubscriptions.listSubscriptions(ctx.db)),
  create: operatorProcedure
    .input(ZReportSubscriptionInput)
    .mutation(({ ctx, input }) => reportSubscriptions.createSubscription(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .input(ZUpdateReportSubscription)
    .mutation(({ ctx, input }) =>
      reportSubscriptions.updateSubscription(ctx.db, ctx.actor, input.id, input.subscription),
    ),
  setEnabled: operatorProcedure
    .input(ZId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      reportSubscriptions.setSubscriptionEnabled(ctx.db, ctx.actor, input.id, input.enabled),
    ),
  delete: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => reportSubscriptions.deleteSubscription(ctx.db, ctx.actor, input.id)),
  sendNow: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) =>
      reportSubscriptions.sendSubscriptionNow(ctx.db, ctx.actor, input.id, { kick: () => ctx.notifier.kick() }),
    ),
})
