import { notify } from '@iotops/services'
import { tracked } from '@trpc/server'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

const ZId = z.object({ id: z.string().uuid() })

const contactsRouter = createTRPCRouter({
  list: viewerProcedure.input(notify.ZListContactsInput).query(({ ctx, input }) => notify.listContacts(ctx.db, input)),
  create: operatorProcedure
    .input(notify.ZCreateContactInput)
    .mutation(({ ctx, input }) => notify.createContact(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .input(notify.ZUpdateContactInput)
    .mutation(({ ctx, input }) => notify.updateContact(ctx.db, ctx.actor, input)),
  delete: operatorProcedure.input(ZId).mutation(({ ctx, input }) => notify.deleteContact(ctx.db, ctx.actor, input.id)),
})

const groupsRouter = createTRPCRouter({
  list: viewerProcedure
    .input(notify.ZListContactGroupsInput)
    .query(({ ctx, input }) => notify.listContactGroups(ctx.db, input)),
  byId: viewerProcedure.input(ZId).query(({ ctx, input }) => notify.getContactGroup(ctx.db, input.id)),
  create: operatorProcedure
    .input(notify.ZCreateContactGroupInput)
    .mutation(({ ctx, input }) => notify.createContactGroup(ctx.db, ctx.actor, input)),
  update: operatorProcedure
    .input(notify.ZUpdateContactGroupInput)
    .mutation(({ ctx, input }) => notify.updateContactGroup(ctx.db, ctx.actor, input)),
  delete: operatorProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => notify.deleteContactGroup(ctx.db, ctx.actor, input.id)),
  /** sends a test notice through the outbox; follow it with `deliveries` */
  test: operatorProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const r = await notify.sendTest(ctx.db, ctx.actor, input.id)
    ctx.notifier.kick()
    return r
  }),
  deliveries: viewerProcedure
    .input(notify.ZDeliveryStatusInput)
    .query(({ ctx, input }) => notify.deliveryStatus(ctx.db, input.ids)),
})

const inboxRouter = createTRPCRouter({
  list: viewerProcedure.input(notify.ZInboxListInput).query(({ ctx, input }) => notify.listInbox(ctx.db, input)),
  unreadCount: viewerProcedure.query(({ ctx }) => notify.unreadCount(ctx.db)),
  markRead: operatorProcedure
    .input(notify.ZMarkReadInput)
    .mutation(({ ctx, input }) => notify.markRead(ctx.db, ctx.actor, input.ids)),
  markAllRead: operatorProcedure.mutation(({ ctx }) => notify.markAllRead(ctx.db, ctx.actor)),
})

/** Wakes every 2 s and yields the unread count when the inbox changed (a new row or a read mark). */
async function* watchInbox(db: Parameters<typeof notify.inboxHead>[0], signal: AbortSignal | undefined) {
  let last = ''
  while (!signal?.aborted) {
    const head = await notify.inboxHead(db)
    const key = `${head.lastId}:${head.unread}`
    if (key !== last) {
      last = key
      yield tracked(key, head)
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000)
      signal?.addEventListener('abort', () => {
        clearTimeout(t)
        resolve()
      })
    })
  }
}

export const notifyRouter = createTRPCRouter({
  contacts: contactsRouter,
  groups: groupsRouter,
  inbox: inboxRouter,
  onInbox: viewerProcedure.subscription(({ ctx, signal }) => watchInbox(ctx.db, signal)),
})
