import { monitoring } from '@iotops/services'
import {
  ZAddBasicCards,
  ZBoardData,
  ZBoardRange,
  ZPage,
  ZPropertyCardInput,
  ZSavePanel,
  ZUpdateCard,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { adminProcedure, createTRPCRouter, viewerProcedure } from '../trpc'

const ZSpec = z.object({
  devices: z.number().int().positive('the device quota must be a positive whole number'),
  messageTps: z.number().int().positive('the message TPS must be a positive whole number'),
  forwardTps: z.number().int().positive('the forwarding TPS must be a positive whole number'),
})

/** Monitoring boards are personal: every signed-in user arranges their own. */
export const monitorRouter = createTRPCRouter({
  metrics: viewerProcedure.query(() => monitoring.metricCatalogue()),
  cards: viewerProcedure.query(({ ctx }) => monitoring.listCards(ctx.db, ctx.user.id)),
  addBasic: viewerProcedure
    .input(ZAddBasicCards)
    .mutation(({ ctx, input }) => monitoring.addBasicCards(ctx.db, ctx.actor, ctx.user.id, input.metrics)),
  addProperty: viewerProcedure
    .input(ZPropertyCardInput)
    .mutation(({ ctx, input }) => monitoring.addPropertyCard(ctx.db, ctx.actor, ctx.user.id, input)),
  updateCard: viewerProcedure
    .input(ZUpdateCard)
    .mutation(({ ctx, input }) => monitoring.updateCard(ctx.db, ctx.actor, ctx.user.id, input)),
  deleteCard: viewerProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => monitoring.deleteCard(ctx.db, ctx.actor, ctx.user.id, input.id)),
  savePanel: viewerProcedure
    .input(ZSavePanel)
    .mutation(({ ctx, input }) => monitoring.savePanel(ctx.db, ctx.actor, ctx.user.id, input)),
  data: viewerProcedure.input(ZBoardData).query(({ ctx, input }) => monitoring.boardData(ctx.db, ctx.user.id, input)),
  legacy: viewerProcedure
    .input(z.object({ productKey: z.string().min(1).nullable(), range: ZBoardRange }))
    .query(({ ctx, input }) => monitoring.legacyView(ctx.db, { productKey: input.productKey, ...input.range })),
  networkStatus: viewerProcedure
    .input(ZPage.extend({ productKey: z.string().min(1), deviceName: z.string().min(1), range: ZBoardRange }))
    .query(({ ctx, input }) =>
      monitoring.listNetworkStatus(ctx.db, {
        productKey: input.productKey,
        deviceName: input.deviceName,
        page: input.page,
        pageSize: input.pageSize,
        ...input.range,
      }),
    ),
  spec: viewerProcedure.query(({ ctx }) => monitoring.getInstanceSpec(ctx.db)),
  setSpec: adminProcedure.input(ZSpec).mutation(({ ctx, input }) => monitoring.setInstanceSpec(ctx.db, input)),
})
