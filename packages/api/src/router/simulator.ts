import {
  ZCloudPubInput,
  ZDevicePublishInput,
  ZDeviceSubscribeInput,
  ZReportEventInput,
  ZReportPropertiesInput,
  ZSetServiceReplyInput,
  ZSimulatorRef,
} from '@iotops/services/schemas'
import { tracked } from '@trpc/server'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

/**
 * The device simulator (reference §6): a server-side virtual device per device, held by the page's `onLog` stream.
 * Property sets and service calls to it go through the device router (`device.setProperty`, `device.invokeService`).
 */
export const simulatorRouter = createTRPCRouter({
  /** the device, its product's thing model and topic classes, why a simulator cannot start, and its simulator */
  target: viewerProcedure.input(ZSimulatorRef).query(({ ctx, input }) => ctx.simulator.target(input)),
  start: operatorProcedure.input(ZSimulatorRef).mutation(({ ctx, input }) => ctx.simulator.start(ctx.actor, input)),
  stop: operatorProcedure.input(ZSimulatorRef).mutation(({ ctx, input }) => ctx.simulator.stop(ctx.actor, input)),
  reportProperties: operatorProcedure
    .input(ZReportPropertiesInput)
    .mutation(({ ctx, input }) => ctx.simulator.reportProperties(ctx.actor, input)),
  reportEvent: operatorProcedure
    .input(ZReportEventInput)
    .mutation(({ ctx, input }) => ctx.simulator.reportEvent(ctx.actor, input)),
  cancelStrategy: operatorProcedure
    .input(ZSimulatorRef)
    .mutation(({ ctx, input }) => ctx.simulator.cancelStrategy(input)),
  devicePublish: operatorProcedure
    .input(ZDevicePublishInput)
    .mutation(({ ctx, input }) => ctx.simulator.devicePublish(input)),
  deviceSubscribe: operatorProcedure
    .input(ZDeviceSubscribeInput)
    .mutation(({ ctx, input }) => ctx.simulator.deviceSubscribe(input)),
  deviceUnsubscribe: operatorProcedure
    .input(ZDeviceSubscribeInput)
    .mutation(({ ctx, input }) => ctx.simulator.deviceUnsubscribe(input)),
  setServiceReply: operatorProcedure
    .input(ZSetServiceReplyInput)
    .mutation(({ ctx, input }) => ctx.simulator.setServiceReply(input)),
  cloudPub: operatorProcedure
    .input(ZCloudPubInput)
    .mutation(({ ctx, input }) => ctx.simulator.cloudPub(ctx.actor, input)),
  /**
   * The simulator's state and device-side log as they change. The open stream is the simulator's lease: when the
   * last one closes, the simulator stops after a short grace period.
   */
  onLog: viewerProcedure
    .input(ZSimulatorRef.extend({ lastEventId: z.string().max(100).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const e of ctx.simulator.stream(input, signal, input.lastEventId)) yield tracked(e.id, e.data)
    }),
})
