import { z } from 'zod'
import { ZPage } from '../paging'
import { ZProductKey } from '../products/schema'

// DeviceName: 4–32 characters of letters, digits and _ - @ . : (reference RegisterDevice)
export const ZDeviceName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_\-@.:]{4,32}$/, 'a DeviceName has 4–32 characters: letters, digits and _ - @ . :')

export const ZDeviceRef = z.object({ productKey: ZProductKey, deviceName: z.string().trim().min(1).max(64) })
export type TDeviceRef = z.infer<typeof ZDeviceRef>

export const ZNickname = z
  .string()
  .trim()
  .min(4, 'a nickname has 4–64 characters')
  .max(64, 'a nickname has 4–64 characters')
  .regex(/^[\p{L}\p{N}_\-@()（）]+$/u, 'a nickname may contain letters, CJK characters, digits and _ - @ ( ) only')

export const ZCreateDeviceInput = z.object({
  productKey: ZProductKey,
  deviceName: ZDeviceName.optional(),
  nickname: ZNickname.optional(),
})
export type TCreateDeviceInput = z.infer<typeof ZCreateDeviceInput>

export const BATCH_MAX = 10_000
export const ZBatchCreateDevicesInput = z
  .object({
    productKey: ZProductKey,
    deviceNames: z.array(ZDeviceName).max(BATCH_MAX, `at most ${BATCH_MAX} devices per batch`).optional(),
    count: z.number().int().min(1).max(BATCH_MAX, `at most ${BATCH_MAX} devices per batch`).optional(),
  })
  .refine((v) => (v.deviceNames?.length ?? 0) > 0 || (v.count ?? 0) > 0, 'give a list of DeviceNames or a count')
export type TBatchCreateDevicesInput = z.infer<typeof ZBatchCreateDevicesInput>

export const ZDeviceStatusFilter = z.enum(['ONLINE', 'OFFLINE', 'UNACTIVE', 'DISABLED'])
export const ZListDevicesInput = ZPage.extend({
  productKey: ZProductKey.optional(),
  status: ZDeviceStatusFilter.optional(),
  search: z.string().trim().max(64).optional(),
  groupId: z.string().uuid().optional(),
})
export type TListDevicesInput = z.infer<typeof ZListDevicesInput>

export const ZSetDisabledInput = ZDeviceRef.extend({ disabled: z.boolean() })
export const ZTag = z.object({
  key: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{1,29}$/, 'a tag key has 2–30 letters, digits or _ and starts with a letter'),
  value: z.string().max(128, 'a tag value has at most 128 characters'),
})
export const ZSetTagsInput = ZDeviceRef.extend({ tags: z.array(ZTag).max(100) })

export const ZDeviceEventsInput = ZDeviceRef.merge(ZPage).extend({
  type: z.enum(['info', 'alert', 'error']).optional(),
  identifier: z.string().max(64).optional(),
})
export const ZServiceCallsInput = ZDeviceRef.merge(ZPage)
export const ZPropertyHistoryInput = ZDeviceRef.extend({
  identifier: z.string().min(1).max(100),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(5000).default(500),
})

export const ZSetPropertyInput = ZDeviceRef.extend({ items: z.record(z.string(), z.unknown()) })
export const ZInvokeServiceInput = ZDeviceRef.extend({
  identifier: z.string().min(1).max(100),
  args: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.number().int().min(1000).max(8000).optional(),
})
