import { z } from 'zod'
import { ZDeviceRef } from '../devices/schema'

/** The device an online-debugging session works on. */
export const ZDebugTargetInput = ZDeviceRef
export type TDebugTargetInput = z.infer<typeof ZDebugTargetInput>

/** "Get" on the debugging page: latest reported and desired values, of every property or of the ones named. */
export const ZDebugPropertiesInput = ZDeviceRef.extend({
  /** qualified identifiers (`module:identifier` outside the default module); all properties when absent */
  identifiers: z.array(z.string().trim().min(1).max(100)).min(1).max(200).optional(),
})
export type TDebugPropertiesInput = z.infer<typeof ZDebugPropertiesInput>

/**
 * Desired property values (SetDeviceDesiredProperty): stored with a version per property; the device reads them
 * with /thing/property/desired/get, e.g. when it comes back online. `versions` makes the write conditional.
 */
export const ZSetDesiredInput = ZDeviceRef.extend({
  items: z.record(z.string(), z.unknown()),
  versions: z.record(z.string(), z.number().int().min(0)).optional(),
})
export type TSetDesiredInput = z.infer<typeof ZSetDesiredInput>
