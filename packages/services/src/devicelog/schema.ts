import { z } from 'zod'
import { logInputs } from '../logs/window'

export const DEVICE_LOG_LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'OTHER'] as const

const { search: ZDeviceLogSearchInput, tail: ZDeviceLogTailInput } = logInputs({
  productKey: z.string().max(64).optional(),
  deviceName: z.string().max(64).optional(),
  traceId: z.string().max(64).optional(),
  module: z.string().max(64).optional(),
  keyword: z.string().max(128).optional(),
  level: z.enum(DEVICE_LOG_LEVELS).optional(),
})

export { ZDeviceLogSearchInput, ZDeviceLogTailInput }
export type TDeviceLogSearchInput = z.infer<typeof ZDeviceLogSearchInput>
export type TDeviceLogTailInput = z.infer<typeof ZDeviceLogTailInput>
