import { debug } from '@iotops/services'
import { ZDebugPropertiesInput, ZDebugTargetInput } from '@iotops/services/schemas'
import { createTRPCRouter, viewerProcedure } from '../trpc'

/**
 * Online debugging. Commands go through the device router's verbs (setProperty, setDesired, invokeService), which
 * run the downlink pipeline; these are the reads the debugging page needs around them.
 */
export const debugRouter = createTRPCRouter({
  /** the device's state (polled), whether commands can reach it now (blockedCode), and its thing model */
  target: viewerProcedure.input(ZDebugTargetInput).query(({ ctx, input }) => debug.debugTarget(ctx.db, input)),
  /** "Get": latest reported values with the stored desired values */
  properties: viewerProcedure
    .input(ZDebugPropertiesInput)
    .query(({ ctx, input }) => debug.debugProperties(ctx.db, input)),
})
