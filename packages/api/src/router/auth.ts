import { auth } from '@iotops/services'
import { ZChangePasswordInput, ZLoginInput } from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, publicProcedure, viewerProcedure } from '../trpc'

export const SESSION_COOKIE = 'iotops_session'
const cookie = (value: string, maxAgeSec: number) =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}`

export const authRouter = createTRPCRouter({
  me: publicProcedure.query(({ ctx }) => ctx.session.user),
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const r = await auth.login(ctx.db, input, { ip: ctx.ip, userAgent: ctx.userAgent })
    ctx.setCookie(cookie(r.token, Math.floor((r.expiresAt.getTime() - Date.now()) / 1000)))
    return r.user
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    await auth.logout(ctx.db, ctx.session.token)
    ctx.setCookie(cookie('', 0))
    return { ok: true }
  }),
  changePassword: viewerProcedure
    .input(ZChangePasswordInput)
    .mutation(({ ctx, input }) => auth.changePassword(ctx.db, ctx.actor, ctx.session.token, input)),
  setLocale: viewerProcedure
    .input(z.object({ locale: z.enum(['en-US', 'zh-CN', 'ja-JP']) }))
    .mutation(({ ctx, input }) => auth.setLocale(ctx.db, ctx.user.id, input.locale)),
})
