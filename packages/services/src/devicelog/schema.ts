import { z } from 'zod'

export const DEVICE_LOG_LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'OTHER'] as const

export const ZDeviceLogSearchInput = z.object({
  productKey: z.string().max(64).optional(),
  deviceName: z.string().max(64).optional(),
  traceId: z.string().max(64).optional(),
  module: z.string().max(64).optional(),
  keyword: z.string().max(128).optional(),
  level: z.enum(DEVICE_LOG_LEVELS).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** `<ts ms>:<id>` of the last row of the previous page */
  cursor: z
    .string()
    .regex(/^\d+:\d+$/)
    .optional(),
  limit: z.number().int().min(1).max(500).default(50),
})
export type TDeviceLogSearchInput = z.infer<typeof ZDeviceLogSearchInput>

export const ZDeviceLogTailInput = ZDeviceLogSearchInput.omit({
  from: true,
  to: true,
  cursor: true,
  limit: true,
}).extend({
  since: z.coerce.date().optional(),
  lastEventId: z.string().nullish(),
})
export type TDeviceLogTailInput = z.infer<typeof ZDeviceLogTailInput>
