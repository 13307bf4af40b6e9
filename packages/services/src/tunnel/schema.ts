// Secure tunnel inputs (ref §11.1.2 creation dialog, CreateDeviceTunnel / CloseDeviceTunnel / DeleteDeviceTunnel /
// QueryDeviceTunnel). Pure zod: the console's forms use the same schemas.
import { z } from 'zod'
import { ZDeviceRef } from '../devices/schema'
import { ZPage } from '../paging'

export const TUNNEL_UDI_MAX = 2048
export const TUNNEL_DESCRIPTION_MAX = 100

export const ZTunnelId = z.string().trim().min(1, 'give a tunnel id').max(64)

export const ZCreateTunnelInput = ZDeviceRef.extend({
  /** custom information pushed to the device with the notification */
  udi: z.string().max(TUNNEL_UDI_MAX, `the custom information has at most ${TUNNEL_UDI_MAX} characters`).optional(),
  description: z
    .string()
    .trim()
    .max(TUNNEL_DESCRIPTION_MAX, `the description has at most ${TUNNEL_DESCRIPTION_MAX} characters`)
    .optional(),
  /** optional shaping per direction, KB/s (frames are delayed, never dropped); unset: no limit */
  rateLimitKBps: z.number().int().min(1).max(1_000_000).optional(),
})
export type TCreateTunnelInput = z.infer<typeof ZCreateTunnelInput>

export const ZTunnelStatus = z.enum(['OPEN', 'CLOSED'])
export const ZListTunnelsInput = ZPage.extend({
  productKey: z.string().trim().min(1).optional(),
  deviceName: z.string().trim().min(1).optional(),
  tunnelId: z.string().trim().min(1).optional(),
  status: ZTunnelStatus.optional(),
})
export type TListTunnelsInput = z.infer<typeof ZListTunnelsInput>

export const ZTunnelIdsInput = z.object({
  tunnelIds: z.array(ZTunnelId).min(1, 'select at least one tunnel').max(100, 'at most 100 tunnels at a time'),
})
export type TTunnelIdsInput = z.infer<typeof ZTunnelIdsInput>
