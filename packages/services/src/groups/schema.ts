import { z } from 'zod'
import { ZDeviceRef } from '../devices/schema'
import { ZPage } from '../paging'

export const ZGroupName = z
  .string()
  .trim()
  .min(4, 'a group name has 4–30 characters')
  .max(30, 'a group name has 4–30 characters')
  .regex(/^[\p{L}\p{N}_]+$/u, 'a group name may contain letters, CJK characters, digits and _ only')
export const ZCreateGroupInput = z.object({ name: ZGroupName, description: z.string().trim().max(100).optional() })
export type TCreateGroupInput = z.infer<typeof ZCreateGroupInput>
export const ZGroupMembersInput = ZPage.extend({ id: z.string().uuid() })
export const ZAddGroupDevicesInput = z.object({ id: z.string().uuid(), devices: z.array(ZDeviceRef).min(1).max(1000) })
export const ZRemoveGroupDeviceInput = ZDeviceRef.extend({ id: z.string().uuid() })
