import type { Db, Prisma, Tx } from '@iotops/db'
import type { Logger } from 'pino'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, conflict, notFound } from '../errors'
import { destinationOf, type OutboxPayload } from '../notify'
import { mailLocale, renderReportMail } from './report-mail'
import { logReport } from './reports'
import { nextRun, type ReportFrequency, type ReportId, type TReportSubscriptionInput } from './subscription-schema'

// Report subscriptions: CRUD, "send now", and the scheduler that mails due subscriptions through the notification
// outbox's e-mail channel (so delivery, retries and rate limits are the notifier's, as for alarms).

type Row = Awaited<ReturnType<Db['prisma']['reportSubscription']['findFirstOrThrow']>>

export function subscriptionView(r: Row) {
  return {
    id: r.id,
    name: r.name,
    reports: r.reports as ReportId[],
    rangeMinutes: r.rangeMinutes,
    frequency: r.frequency as ReportFrequency,
    at: r.at,
    weekday: r.weekday,
    contactGroupIds: r.contactGroupIds,
    productKey: r.productKey,
    locale: r.locale,
    enabled: r.enabled,
    lastSentAt: r.lastSentAt,
    nextAt: r.nextAt,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
export type ReportSubscriptionView = ReturnType<typeof subscriptionView>

async function check(db: Db, input: TReportSubscriptionInput, id?: string) {
  const same = await db.prisma.reportSubscription.findUnique({ where: { name: input.name } })
  if (same && same.id !== id) throw conflict(`a report subscription named ${input.name} already exists`)
  if (input.productKey && !(await db.prisma.product.findUnique({ where: { productKey: input.productKey } })))
    throw badRequest(`the product ${input.productKey} does not exist`)
  const groups = await db.prisma.contactGroup.findMany({
    where: { id: { in: input.contactGroupIds } },
    include: { members: { include: { contact: true } } },
  })
  if (groups.length !== new Set(input.contactGroupIds).size)
    throw badRequest('a chosen contact group does not exist any more')
  const mailless = groups.filter((g) => !g.members.some((m) => m.contact.email))
  if (mailless.length)
    throw badRequest(
      `reports are sent by e-mail, and no member of ${mailless.map((g) => `"${g.name}"`).join(', ')} has an e-mail address`,
    )
}

const fields = (input: TReportSubscriptionInput, now: number) => ({
  name: input.name,
  reports: input.reports,
  rangeMinutes: input.rangeMinutes,
  frequency: input.frequency,
  at: input.at,
  weekday: input.frequency === 'weekly' ? input.weekday : null,
  contactGroupIds: input.contactGroupIds,
  productKey: input.productKey,
  locale: input.locale,
  enabled: input.enabled,
  nextAt: nextRun(input, now),
})

export async function listSubscriptions(db: Db) {
  const rows = await db.prisma.reportSubscription.findMany({ orderBy: { createdAt: 'desc' } })
  return rows.map(subscriptionView)
}

export async function createSubscription(db: Db, actor: Actor, input: TReportSubscriptionInput, now = Date.now()) {
  await check(db, input)
  const r = await db.prisma.$transaction(async (tx) => {
    const r = await tx.reportSubscription.create({ data: { ...fields(input, now), createdBy: actor.name } })
    await audit(tx, actor, 'CreateReportSubscription', { type: 'reportSubscription', id: r.id }, { name: r.name })
    return r
  })
  return subscriptionView(r)
}

/** Saving a subscription schedules its next mail afresh from now. */
export async function updateSubscription(
  db: Db,
  actor: Actor,
  id: string,
  input: TReportSubscriptionInput,
  now = Date.now(),
) {
  if (!(await db.prisma.reportSubscription.findUnique({ where: { id } }))) throw notFound('the report subscription')
  await check(db, input, id)
  const r = await db.prisma.$transaction(async (tx) => {
    const r = await tx.reportSubscription.update({ where: { id }, data: fields(input, now) })
    await audit(tx, actor, 'UpdateReportSubscription', { type: 'reportSubscription', id }, { name: r.name })
    return r
  })
  return subscriptionView(r)
}

export async function setSubscriptionEnabled(db: Db, actor: Actor, id: string, enabled: boolean, now = Date.now()) {
  const cur = await db.prisma.reportSubscription.findUnique({ where: { id } })
  if (!cur) throw notFound('the report subscription')
  const r = await db.prisma.$transaction(async (tx) => {
    // re-enabling starts from the next regular time, not with the runs missed while it was off
    const r = await tx.reportSubscription.update({
      where: { id },
      data: {
        enabled,
        ...(enabled ? { nextAt: nextRun(subscriptionView(cur), now) } : {}),
      },
    })
    await audit(
      tx,
      actor,
      enabled ? 'EnableReportSubscription' : 'DisableReportSubscription',
      { type: 'reportSubscription', id },
      { name: r.name },
    )
    return r
  })
  return subscriptionView(r)
}

export async function deleteSubscription(db: Db, actor: Actor, id: string) {
  const cur = await db.prisma.reportSubscription.findUnique({ where: { id } })
  if (!cur) throw notFound('the report subscription')
  await db.prisma.$transaction(async (tx) => {
    await tx.reportSubscription.delete({ where: { id } })
    await audit(tx, actor, 'DeleteReportSubscription', { type: 'reportSubscription', id }, { name: cur.name })
  })
  return { ok: true }
}

/**
 * The report mail of a subscription for the range ending at `to`: over the product the subscription names (all
 * products when none), in its language (the node's default, en-US, when it has none).
 */
export async function renderSubscription(
  db: Db,
  s: Pick<Row, 'name' | 'reports' | 'rangeMinutes' | 'productKey' | 'locale'>,
  to: Date,
) {
  const from = new Date(to.getTime() - s.rangeMinutes * 60_000)
  const { productKey } = s
  const data = await logReport(db, { productKey, from, to })
  return renderReportMail({
    name: s.name,
    reports: s.reports as ReportId[],
    from,
    to,
    data,
    productKey,
    locale: mailLocale(s.locale),
  })
}

/**
 * Writes one e-mail outbox row per contact group of the subscription (its members with an address) in `tx`.
 * Returns how many rows were queued.
 */
async function queueMail(
  tx: Tx,
  s: Pick<Row, 'id' | 'name' | 'contactGroupIds'>,
  mail: { subject: string; text: string; html: string },
): Promise<number> {
  const groups = await tx.contactGroup.findMany({
    where: { id: { in: s.contactGroupIds } },
    include: { members: { include: { contact: true } } },
    orderBy: { id: 'asc' },
  })
  const rows: Prisma.NotificationCreateManyInput[] = []
  for (const g of groups) {
    const to = [...new Set(g.members.map((m) => m.contact.email).filter((e): e is string => !!e))].sort()
    if (to.length === 0) continue
    const payload: OutboxPayload = {
      level: 'INFO',
      status: 'ALARM',
      // `html` replaces the standard alarm layout of the e-mail (notify/render.ts)
      data: { report: true, subscriptionId: s.id, subscription: s.name, html: mail.html },
      dest: destinationOf('email', g.id),
      to,
    }
    rows.push({
      groupId: g.id,
      channel: 'email',
      subject: mail.subject,
      body: mail.text,
      payload: payload as unknown as Prisma.InputJsonValue,
      status: 'PENDING',
      nextAt: new Date(),
    })
  }
  if (rows.length) await tx.notification.createMany({ data: rows })
  return rows.length
}

/** "Send now": renders the report for the range ending now and queues it; the schedule is unchanged. */
export async function sendSubscriptionNow(db: Db, actor: Actor, id: string, opts: { kick?: () => void } = {}) {
  const s = await db.prisma.reportSubscription.findUnique({ where: { id } })
  if (!s) throw notFound('the report subscription')
  const now = new Date()
  const mail = await renderSubscription(db, s, now)
  const queued = await db.prisma.$transaction(async (tx) => {
    const n = await queueMail(tx, s, mail)
    if (n === 0) throw badRequest('none of the chosen contact groups has a member with an e-mail address')
    await tx.reportSubscription.update({ where: { id }, data: { lastSentAt: now } })
    await audit(tx, actor, 'SendReportSubscription', { type: 'reportSubscription', id }, { name: s.name })
    return n
  })
  opts.kick?.()
  return { queued, subject: mail.subject }
}

export interface ReportSchedulerOptions {
  db: Db
  log: Logger
  /** wakes the notification worker after mails are queued */
  kick?: () => void
  tickMs?: number
  now?: () => number
}

const LOCK = 0x1a1a_0005 // advisory lock: one node of a cluster sends the due reports

/**
 * Mails due subscriptions. A subscription whose time has come (including runs missed while no node was up) is
 * sent once, for the range ending now, and its next time is the next regular one after now — missed runs are
 * never sent one by one. Claiming a run (moving nextAt) and queuing its mail happen in one transaction.
 */
export class ReportScheduler {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null
  private readonly now: () => number

  constructor(private readonly o: ReportSchedulerOptions) {
    this.now = o.now ?? Date.now
  }

  /** Starts ticking; the first tick runs at once (sending what was missed while the node was down). */
  start() {
    if (this.timer) return
    const run = () => void this.tick().catch((e) => this.o.log.error({ err: e }, 'report subscriptions failed'))
    this.timer = setInterval(run, this.o.tickMs ?? 30_000)
    run()
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => {})
  }

  /** Sends every due subscription; returns how many were sent. */
  tick(now = this.now()): Promise<number> {
    if (this.running) return this.running
    this.running = this.sendDue(now).finally(() => {
      this.running = null
    })
    return this.running
  }

  private async sendDue(now: number): Promise<number> {
    const client = await this.o.db.pool.connect()
    let sent = 0
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK])
      if (!rows[0]?.ok) return 0
      try {
        const due = await this.o.db.prisma.reportSubscription.findMany({
          where: { enabled: true, nextAt: { lte: new Date(now) } },
          orderBy: { nextAt: 'asc' },
        })
        for (const s of due) {
          try {
            if (await this.sendOne(s, now)) sent++
          } catch (e) {
            this.o.log.error({ err: e, subscription: s.name }, 'report subscription not sent')
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK])
      }
    } finally {
      client.release()
    }
    if (sent) this.o.kick?.()
    return sent
  }

  private async sendOne(s: Row, now: number): Promise<boolean> {
    const mail = await renderSubscription(this.o.db, s, new Date(now))
    const next = nextRun(subscriptionView(s), now)
    return this.o.db.prisma.$transaction(async (tx) => {
      // claim this run: only if nobody moved it meanwhile (an edit, another node)
      const claimed = await tx.reportSubscription.updateMany({
        where: { id: s.id, nextAt: s.nextAt, enabled: true },
        data: { nextAt: next, lastSentAt: new Date(now) },
      })
      if (claimed.count === 0) return false
      const n = await queueMail(tx, s, mail)
      this.o.log.info({ subscription: s.name, mails: n, next }, 'report subscription sent')
      return true
    })
  }
}
