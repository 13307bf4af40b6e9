import { forward } from '@iotops/services'
import {
  ZDeadLetterList,
  ZForwardDestinationInput,
  ZForwardRuleInput,
  ZForwardRuleList,
  ZForwardSqlTest,
  ZUpdateForwardDestination,
  ZUpdateForwardRule,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

/** Data forwarding: rules (SQL over a topic class), their destinations, run history and dead letters. */
export const forwardRouter = createTRPCRouter({
  list: viewerProcedure.input(ZForwardRuleList).query(({ ctx, input }) => forward.listRules(ctx.db, input)),
  byId: viewerProcedure.input(ZId).query(({ ctx, input }) => forward.getRule(ctx.db, input.id)),
  stats: viewerProcedure
    .input(
      z.object({ ruleIds: z.array(z.string().uuid()).max(100), hours: z.number().int().min(1).max(168).default(24) }),
    )
    .query(({ ctx, input }) => forward.ruleStats(ctx.db, input.ruleIds, input.hours)),
  create: operatorProcedure
    .input(ZForwardRuleInput)
    .mutation(({ ctx, input }) => forward.createRule(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .input(ZUpdateForwardRule)
    .mutation(({ ctx, input }) => forward.updateRule(ctx.db, ctx.actor, input.id, input.rule)),
  setEnabled: operatorProcedure
    .input(ZId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => forward.setRuleEnabled(ctx.db, ctx.actor, input.id, input.enabled)),
  delete: operatorProcedure.input(ZId).mutation(({ ctx, input }) => forward.deleteRule(ctx.db, ctx.actor, input.id)),
  /** runs a statement on a sample payload: the selected row or the 9307 message */
  testSql: viewerProcedure.input(ZForwardSqlTest).mutation(({ input }) => forward.testSql(input)),

  addDestination: operatorProcedure
    .input(ZForwardDestinationInput)
    .mutation(({ ctx, input }) =>
      forward.addDestination(ctx.db, ctx.actor, input.ruleId, input.destination, input.enabled),
    ),
  updateDestination: operatorProcedure
    .input(ZUpdateForwardDestination)
    .mutation(({ ctx, input }) =>
      forward.updateDestination(ctx.db, ctx.actor, input.id, input.destination, input.enabled),
    ),
  deleteDestination: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => forward.deleteDestination(ctx.db, ctx.actor, input.id)),

  deadLetters: viewerProcedure.input(ZDeadLetterList).query(({ ctx, input }) => forward.listDeadLetters(ctx.db, input)),
  replay: operatorProcedure.input(z.object({ id: z.string().regex(/^\d{1,19}$/) })).mutation(({ ctx, input }) =>
    forward.replayDeadLetter(
      {
        db: ctx.db,
        publish: (topic, payload, qos) => ctx.hub.publish(topic, payload, qos),
        record: (r) => ctx.hub.record(r),
      },
      ctx.actor,
      input.id,
    ),
  ),
})
