// OpenAPI actions for secure tunnels (ref §11.1.1 相关API), merged into the action table of openapi.ts.
import { AppError, tunnels } from '@iotops/services'
import { ZCreateTunnelInput, ZListTunnelsInput } from '@iotops/services/schemas'
import { type Action, num, type Params, required, str } from './openapi-params'

const tunnelId = (p: Params) => required(p, 'TunnelId')
const ms = (d: Date | null) => (d ? d.getTime() : undefined)

const info = (t: tunnels.TunnelView) => ({
  TunnelId: t.tunnelId,
  ProductKey: t.productKey,
  DeviceName: t.deviceName,
  TunnelState: t.status === 'OPEN' ? 'OPEN' : 'CLOSED',
  Description: t.description ?? '',
  Udi: t.udi ?? '',
  DeviceConnectionState: t.deviceConnected ? 'CONNECTED' : 'DISCONNECTED',
  SourceConnectionState: t.accessConnected ? 'CONNECTED' : 'DISCONNECTED',
  CreateTime: t.createdAt.getTime(),
  UtcCreated: t.createdAt.toISOString(),
  ExpireTime: t.expiresAt.getTime(),
  CloseTime: ms(t.closedAt),
  CloseReason: t.closeReason ?? undefined,
  OpenSessions: t.openSessions,
})

export const TUNNEL_ACTIONS: Record<string, Action> = {
  CreateDeviceTunnel: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const input = ZCreateTunnelInput.parse({
        productKey: str(p, 'ProductKey'),
        deviceName: str(p, 'DeviceName'),
        udi: str(p, 'Udi'),
        description: str(p, 'Description'),
        rateLimitKBps: num(p, 'RateLimitKBps'),
      })
      const r = await tunnels.createTunnel(d.db, d.hub, actor, input)
      return {
        TunnelId: r.tunnelId,
        SourceURI: r.accessUrl,
        SourceAccessToken: r.accessToken,
        ExpireTime: r.expiresAt.getTime(),
      }
    },
  },
  CloseDeviceTunnel: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await tunnels.closeTunnels(d.db, d.hub, actor, [tunnelId(p)], 'api')
      return undefined
    },
  },
  DeleteDeviceTunnel: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await tunnels.deleteTunnels(d.db, d.hub, actor, [tunnelId(p)])
      return undefined
    },
  },
  QueryDeviceTunnel: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const t = await tunnels.tunnelDetail(d.db, d.hub, tunnelId(p))
      return {
        ...info(t),
        Sessions: t.sessions.map((s) => ({
          SessionId: s.sessionId,
          ServiceType: s.serviceType,
          CreateTime: s.createdAt.getTime(),
          ReleaseTime: ms(s.releasedAt),
          ReleaseCode: s.releaseCode ?? undefined,
          BytesUp: s.bytesUp,
          BytesDown: s.bytesDown,
        })),
      }
    },
  },
  /** beyond the reference's four actions: the list the console shows */
  ListDeviceTunnel: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const state = str(p, 'TunnelState')
      if (state !== undefined && state !== 'OPEN' && state !== 'CLOSED')
        throw new AppError('BAD_REQUEST', 'TunnelState must be OPEN or CLOSED')
      const input = ZListTunnelsInput.parse({
        productKey: str(p, 'ProductKey'),
        deviceName: str(p, 'DeviceName'),
        tunnelId: str(p, 'TunnelId'),
        status: state,
        page: num(p, 'CurrentPage') ?? 1,
        pageSize: num(p, 'PageSize') ?? 10,
      })
      const r = await tunnels.listTunnels(d.db, input)
      return {
        Total: r.total,
        PageSize: r.pageSize,
        CurrentPage: r.page,
        PageCount: Math.ceil(r.total / r.pageSize),
        List: r.items.map(info),
      }
    },
  },
}
