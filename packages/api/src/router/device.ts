import { devices, downlink } from '@iotops/services'
import {
  ZBatchCreateDevicesInput,
  ZCreateDeviceInput,
  ZDeviceEventsInput,
  ZDeviceRef,
  ZInvokeServiceInput,
  ZListDevicesInput,
  ZPropertyHistoryInput,
  ZServiceCallsInput,
  ZSetDesiredInput,
  ZSetDisabledInput,
  ZSetPropertyInput,
  ZSetTagsInput,
} from '@iotops/services/schemas'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

export const deviceRouter = createTRPCRouter({
  list: viewerProcedure.input(ZListDevicesInput).query(({ ctx, input }) => devices.listDevices(ctx.db, input)),
  byName: viewerProcedure.input(ZDeviceRef).query(({ ctx, input }) => devices.deviceDetail(ctx.db, input)),
  create: operatorProcedure
    .input(ZCreateDeviceInput)
    .mutation(({ ctx, input }) => devices.createDevice(ctx.db, ctx.actor, input)),
  batchCreate: operatorProcedure
    .input(ZBatchCreateDevicesInput)
    .mutation(({ ctx, input }) => devices.batchCreateDevices(ctx.db, ctx.actor, input)),
  /** a query by nature, but a mutation so that it needs the CSRF header and is audited as an action */
  secret: operatorProcedure
    .input(ZDeviceRef)
    .mutation(({ ctx, input }) => devices.deviceSecret(ctx.db, ctx.actor, input)),
  setDisabled: operatorProcedure
    .input(ZSetDisabledInput)
    .mutation(({ ctx, input }) => devices.setDeviceDisabled(ctx.db, ctx.hub, ctx.actor, input, input.disabled)),
  delete: operatorProcedure
    .input(ZDeviceRef)
    .mutation(({ ctx, input }) => devices.deleteDevice(ctx.db, ctx.hub, ctx.actor, input)),
  setTags: operatorProcedure
    .input(ZSetTagsInput)
    .mutation(({ ctx, input }) => devices.setDeviceTags(ctx.db, ctx.actor, input, input.tags)),
  events: viewerProcedure.input(ZDeviceEventsInput).query(({ ctx, input }) => devices.deviceEvents(ctx.db, input)),
  serviceCalls: viewerProcedure
    .input(ZServiceCallsInput)
    .query(({ ctx, input }) => devices.deviceServiceCalls(ctx.db, input)),
  propertyHistory: viewerProcedure
    .input(ZPropertyHistoryInput)
    .query(({ ctx, input }) => devices.propertyHistory(ctx.db, input)),
  setProperty: operatorProcedure
    .input(ZSetPropertyInput)
    .mutation(({ ctx, input }) => downlink.setDeviceProperty(ctx.hub, ctx.actor, input)),
  /** SetDeviceDesiredProperty: stored (versioned) whatever the device's state; it reads them when it comes online */
  setDesired: operatorProcedure
    .input(ZSetDesiredInput)
    .mutation(({ ctx, input }) => downlink.setDesiredProperty(ctx.hub, ctx.actor, input)),
  invokeService: operatorProcedure
    .input(ZInvokeServiceInput)
    .mutation(({ ctx, input }) => downlink.invokeThingService(ctx.hub, ctx.actor, input)),
})
