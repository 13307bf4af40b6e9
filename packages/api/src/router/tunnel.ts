import { tunnels } from '@iotops/services'
import { ZCreateTunnelInput, ZListTunnelsInput, ZTunnelId, ZTunnelIdsInput } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

/** Secure tunnels (ref §11.1): thin over `@iotops/services` tunnel verbs; the bytes flow over /api/ws/tunnel/*. */
export const tunnelRouter = createTRPCRouter({
  list: viewerProcedure.input(ZListTunnelsInput).query(({ ctx, input }) => tunnels.listTunnels(ctx.db, input)),
  byId: viewerProcedure
    .input(z.object({ tunnelId: ZTunnelId }))
    .query(({ ctx, input }) => tunnels.tunnelDetail(ctx.db, ctx.hub, input.tunnelId)),
  /** the access URL and token are in this answer only */
  create: operatorProcedure
    .input(ZCreateTunnelInput)
    .mutation(({ ctx, input }) => tunnels.createTunnel(ctx.db, ctx.hub, ctx.actor, input)),
  close: operatorProcedure
    .input(ZTunnelIdsInput)
    .mutation(({ ctx, input }) => tunnels.closeTunnels(ctx.db, ctx.hub, ctx.actor, input.tunnelIds, 'user')),
  delete: operatorProcedure
    .input(ZTunnelIdsInput)
    .mutation(({ ctx, input }) => tunnels.deleteTunnels(ctx.db, ctx.hub, ctx.actor, input.tunnelIds)),
})
