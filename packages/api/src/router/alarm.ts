import { alarms } from '@iotops/services'
import {
  ZAlarmHistoryQuery,
  ZAlarmRuleInput,
  ZAlarmRuleList,
  ZUpdateAlarmRule,
  ZWatermarkInput,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

export const alarmRouter = createTRPCRouter({
  rules: viewerProcedure.input(ZAlarmRuleList).query(({ ctx, input }) => alarms.listRules(ctx.db, input)),
  rule: viewerProcedure.input(ZId).query(({ ctx, input }) => alarms.getRule(ctx.db, input.id)),
  createRule: operatorProcedure
    .input(ZAlarmRuleInput)
    .mutation(({ ctx, input }) => alarms.createRule(ctx.db, ctx.actor, input)),
  updateRule: operatorProcedure
    .input(ZUpdateAlarmRule)
    .mutation(({ ctx, input }) => alarms.updateRule(ctx.db, ctx.actor, input.id, input.rule)),
  setEnabled: operatorProcedure
    .input(ZId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => alarms.setRuleEnabled(ctx.db, ctx.actor, input.id, input.enabled)),
  deleteRule: operatorProcedure.input(ZId).mutation(({ ctx, input }) => alarms.deleteRule(ctx.db, ctx.actor, input.id)),
  history: viewerProcedure.input(ZAlarmHistoryQuery).query(({ ctx, input }) => alarms.listHistory(ctx.db, input)),
  enableWatermarks: operatorProcedure
    .input(ZWatermarkInput)
    .mutation(({ ctx, input }) => alarms.enableWatermarkAlerts(ctx.db, ctx.actor, input)),
})
