import { alerts } from '@iotops/services'
import {
  ZAlertAssign,
  ZAlertHandle,
  ZAlertIgnore,
  ZAlertList,
  ZAlertRuleInput,
  ZAlertRuleList,
  ZUpdateAlertRule,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

/** The alert center: alert rules and the alerts scene rules raise (`alarm` is the monitoring alarms). */
export const alertCenterRouter = createTRPCRouter({
  rules: viewerProcedure.input(ZAlertRuleList).query(({ ctx, input }) => alerts.listAlertRules(ctx.db, input)),
  ruleOptions: viewerProcedure.query(({ ctx }) => alerts.alertRuleOptions(ctx.db)),
  rule: viewerProcedure.input(ZId).query(({ ctx, input }) => alerts.getAlertRule(ctx.db, input.id)),
  createRule: operatorProcedure
    .input(ZAlertRuleInput)
    .mutation(({ ctx, input }) => alerts.createAlertRule(ctx.db, ctx.actor, input)),
  updateRule: operatorProcedure
    .input(ZUpdateAlertRule)
    .mutation(({ ctx, input }) => alerts.updateAlertRule(ctx.db, ctx.actor, input.id, input.rule)),
  setRuleEnabled: operatorProcedure
    .input(ZId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => alerts.setAlertRuleEnabled(ctx.db, ctx.actor, input.id, input.enabled)),
  deleteRule: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => alerts.deleteAlertRule(ctx.db, ctx.actor, input.id)),

  list: viewerProcedure.input(ZAlertList).query(({ ctx, input }) => alerts.listAlerts(ctx.db, input)),
  pending: viewerProcedure.query(({ ctx }) => alerts.pendingCounts(ctx.db)),
  byId: viewerProcedure.input(ZId).query(({ ctx, input }) => alerts.getAlert(ctx.db, input.id)),
  assignees: viewerProcedure.query(({ ctx }) => alerts.assignees(ctx.db)),
  handle: operatorProcedure
    .input(ZAlertHandle)
    .mutation(({ ctx, input }) => alerts.handleAlert(ctx.db, ctx.actor, input.id, input.remark)),
  ignore: operatorProcedure
    .input(ZAlertIgnore)
    .mutation(({ ctx, input }) => alerts.ignoreAlert(ctx.db, ctx.actor, input.id, input.remark)),
  acknowledge: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => alerts.acknowledgeAlert(ctx.db, ctx.actor, input.id)),
  assign: operatorProcedure
    .input(ZAlertAssign)
    .mutation(({ ctx, input }) => alerts.assignAlert(ctx.db, ctx.actor, input.id, input.assignee)),
})
