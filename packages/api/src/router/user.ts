import { auth } from '@iotops/services'
import { ZCreateApiKeyInput, ZCreateUserInput, ZUpdateUserInput } from '@iotops/services/schemas'
import { z } from 'zod'
import { adminProcedure, createTRPCRouter } from '../trpc'

export const userRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => auth.listUsers(ctx.db)),
  create: adminProcedure
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => auth.createUser(ctx.db, ctx.actor, input)),
  update: adminProcedure
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => auth.updateUser(ctx.db, ctx.actor, input)),
})

export const apiKeyRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => auth.listApiKeys(ctx.db)),
  create: adminProcedure
    .input(ZCreateApiKeyInput)
    .mutation(({ ctx, input }) => auth.createApiKey(ctx.db, ctx.actor, input)),
  revoke: adminProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => auth.revokeApiKey(ctx.db, ctx.actor, input.id)),
})
