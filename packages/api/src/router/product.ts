import { products } from '@iotops/services'
import {
  ZCreateProductInput,
  ZCreateTopicClassInput,
  ZImportTslInput,
  ZListProductsInput,
  ZProductKey,
  ZUpdateProductInput,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZKey = z.object({ productKey: ZProductKey })
const ZKind = z.enum(['property', 'event', 'service'])

export const productRouter = createTRPCRouter({
  list: viewerProcedure.input(ZListProductsInput).query(({ ctx, input }) => products.listProducts(ctx.db, input)),
  byKey: viewerProcedure.input(ZKey).query(({ ctx, input }) => products.productDetail(ctx.db, input.productKey)),
  create: operatorProcedure.input(ZCreateProductInput).mutation(async ({ ctx, input }) => {
    const p = await products.createProduct(ctx.db, ctx.actor, input)
    return { productKey: p.productKey }
  }),
  update: operatorProcedure
    .input(ZUpdateProductInput)
    .mutation(({ ctx, input }) => products.updateProduct(ctx.db, ctx.actor, input, ctx.products)),
  delete: operatorProcedure
    .input(ZKey)
    .mutation(({ ctx, input }) => products.deleteProduct(ctx.db, ctx.actor, input.productKey, ctx.products)),
  importTsl: operatorProcedure
    .input(ZImportTslInput)
    .mutation(({ ctx, input }) => products.importThingModel(ctx.db, ctx.actor, input, ctx.products)),
  exportTsl: viewerProcedure.input(ZKey).query(({ ctx, input }) => products.exportThingModel(ctx.db, input.productKey)),
  upsertFeature: operatorProcedure
    .input(ZKey.extend({ kind: ZKind, feature: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => products.upsertFeature(ctx.db, ctx.actor, input, ctx.products)),
  deleteFeature: operatorProcedure
    .input(ZKey.extend({ kind: ZKind, identifier: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => products.deleteFeature(ctx.db, ctx.actor, input, ctx.products)),
  createTopicClass: operatorProcedure
    .input(ZCreateTopicClassInput)
    .mutation(({ ctx, input }) => products.createTopicClass(ctx.db, ctx.actor, input, ctx.products)),
  deleteTopicClass: operatorProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => products.deleteTopicClass(ctx.db, ctx.actor, input.id, ctx.products)),
})
