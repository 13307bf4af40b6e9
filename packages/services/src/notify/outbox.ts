import { createHash } from 'node:crypto'
import type { Db, Prisma } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { notFound } from '../errors'
import type { PageOf } from '../paging'
import { skipTake } from '../paging'
import { channelsOf } from './contacts'
import { oneLine } from './render'
import type { AlarmLevel, AlarmState, NotifyChannel, NotifyStatus, TInboxListInput } from './schema'

/** What the alarm engine hands over: one alarm (or recovery) to tell the groups of its rule about. */
export interface AlarmNotice {
  alarmId: string | null
  level: 'CRITICAL' | 'WARNING' | 'INFO'
  status: 'ALARM' | 'REPEAT' | 'RECOVERED' | 'NO_DATA'
  /** one line */
  subject: string
  /** the plain-text body, already laid out by the alarm engine */
  text: string
  /** the JSON for webhooks (merged after subject/text/level/status) */
  data: Record<string, unknown>
}

/** The JSON an outbox row carries besides its columns. */
export interface OutboxPayload {
  level: AlarmLevel
  status: AlarmState
  data: Record<string, unknown>
  /** the rate-limit destination: `email:<groupId>`, `webhook:<url hash>`, `dingtalk:<url hash>` */
  dest?: string
  /** e-mail recipients, fixed when the notice was accepted */
  to?: string[]
  /** a digest row: the rows it replaces */
  digestOf?: string[]
  /** a folded row: the digest that carried it */
  coalescedInto?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A destination key for rate limits; URLs are hashed so tokens in them stay out of the payload. */
export function destinationOf(channel: NotifyChannel, groupId: string, url?: string | null): string {
  if (channel === 'email' || !url) return `${channel}:${groupId}`
  return `${channel}:${createHash('sha256').update(url).digest('hex').slice(0, 24)}`
}

/**
 * Accepts a notice for the given contact groups: in one transaction, one outbox row per group and channel the
 * group has (e-mail: one row addressed to every member with an address). Console rows are the inbox and are
 * written as sent. Unknown group ids are skipped (a deleted group must not break alarms). Returns the row count;
 * call `Notifier.kick()` afterwards to send without waiting for the next poll.
 */
export async function enqueue(db: Db, notice: AlarmNotice, groupIds: string[]): Promise<number> {
  return (await enqueueRows(db, notice, groupIds)).length
}

/** `enqueue`, returning the rows written (id, group, channel). */
export async function enqueueRows(
  db: Db,
  notice: AlarmNotice,
  groupIds: string[],
): Promise<{ id: string; groupId: string; channel: NotifyChannel }[]> {
  const ids = [...new Set(groupIds.filter((g) => UUID.test(g)))]
  if (ids.length === 0) return []
  const subject = oneLine(notice.subject).slice(0, 500) || '(no subject)'
  const base: OutboxPayload = { level: notice.level, status: notice.status, data: notice.data ?? {} }
  return db.prisma.$transaction(async (tx) => {
    const groups = await tx.contactGroup.findMany({
      where: { id: { in: ids } },
      include: { members: { include: { contact: true } } },
      orderBy: { id: 'asc' },
    })
    const now = new Date()
    const rows: Prisma.NotificationCreateManyInput[] = []
    for (const g of groups) {
      for (const channel of channelsOf(g)) {
        const payload: OutboxPayload = { ...base }
        if (channel === 'email') {
          payload.to = [...new Set(g.members.map((m) => m.contact.email).filter((e): e is string => !!e))].sort()
        }
        if (channel !== 'console') {
          payload.dest = destinationOf(channel, g.id, channel === 'webhook' ? g.webhookUrl : g.dingtalkUrl)
        }
        rows.push({
          alarmId: notice.alarmId,
          groupId: g.id,
          channel,
          subject,
          body: notice.text,
          payload: payload as unknown as Prisma.InputJsonValue,
          ...(channel === 'console' ? { status: 'SENT', sentAt: now } : { status: 'PENDING', nextAt: now }),
        })
      }
    }
    if (rows.length === 0) return []
    const created = await tx.notification.createManyAndReturn({
      data: rows,
      select: { id: true, groupId: true, channel: true },
    })
    return created.map((r) => ({ id: r.id, groupId: r.groupId!, channel: r.channel as NotifyChannel }))
  })
}

/**
 * Sends a test notice to one group through the same outbox as alarms. Returns the rows written, so the console
 * can follow their delivery (`deliveryStatus`).
 */
export async function sendTest(db: Db, actor: Actor, groupId: string) {
  const g = await db.prisma.contactGroup.findUnique({ where: { id: groupId } })
  if (!g) throw notFound('the contact group')
  const now = new Date()
  const rows = await enqueueRows(
    db,
    {
      alarmId: null,
      level: 'INFO',
      status: 'ALARM',
      subject: `[IoT Ops] Test notification for "${g.name}"`,
      text: [
        `This is a test notification sent by ${actor.name} to the contact group "${g.name}".`,
        `Sent at ${now.toISOString()}.`,
        'If you can read this, alarms will reach you on this channel.',
      ].join('\n'),
      data: { test: true, group: g.name, sentAt: now.toISOString() },
    },
    [g.id],
  )
  await db.prisma.$transaction(async (tx) => {
    await audit(
      tx,
      actor,
      'SendTestNotification',
      { type: 'contactGroup', id: g.id },
      {
        name: g.name,
        channels: rows.map((r) => r.channel),
      },
    )
  })
  return { ids: rows.map((r) => r.id), channels: rows.map((r) => r.channel) }
}

export interface DeliveryView {
  id: string
  channel: NotifyChannel
  status: NotifyStatus
  attempts: number
  error: string | null
  sentAt: Date | null
  nextAt: Date
}

/** Where given outbox rows stand (the "send test" result). */
export async function deliveryStatus(db: Db, ids: string[]): Promise<DeliveryView[]> {
  const rows = await db.prisma.notification.findMany({
    where: { id: { in: ids } },
    select: { id: true, channel: true, status: true, attempts: true, error: true, sentAt: true, nextAt: true },
    orderBy: { channel: 'asc' },
  })
  return rows.map((r) => ({ ...r, channel: r.channel as NotifyChannel, status: r.status as NotifyStatus }))
}

// ── the console inbox ──

export interface InboxItem {
  id: string
  createdAt: Date
  alarmId: string | null
  groupId: string | null
  groupName: string | null
  level: AlarmLevel
  status: AlarmState
  subject: string
  text: string
  readAt: Date | null
}

function inboxWhere(input: { unreadOnly?: boolean; level?: AlarmLevel }): Prisma.NotificationWhereInput {
  return {
    channel: 'console',
    ...(input.unreadOnly ? { readAt: null } : {}),
    ...(input.level ? { payload: { path: ['level'], equals: input.level } } : {}),
  }
}

export async function listInbox(db: Db, input: TInboxListInput): Promise<PageOf<InboxItem> & { unread: number }> {
  const where = inboxWhere(input)
  const [rows, total, unread] = await Promise.all([
    db.prisma.notification.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...skipTake(input),
    }),
    db.prisma.notification.count({ where }),
    unreadCount(db),
  ])
  const groupIds = [...new Set(rows.map((r) => r.groupId).filter((g): g is string => !!g))]
  const groups = groupIds.length
    ? await db.prisma.contactGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } })
    : []
  const names = new Map(groups.map((g) => [g.id, g.name]))
  return {
    items: rows.map((r) => {
      const p = (r.payload ?? {}) as unknown as Partial<OutboxPayload>
      return {
        id: r.id,
        createdAt: r.createdAt,
        alarmId: r.alarmId,
        groupId: r.groupId,
        groupName: r.groupId ? (names.get(r.groupId) ?? null) : null,
        level: p.level ?? 'INFO',
        status: p.status ?? 'ALARM',
        subject: r.subject,
        text: r.body,
        readAt: r.readAt,
      }
    }),
    total,
    page: input.page,
    pageSize: input.pageSize,
    unread,
  }
}

export function unreadCount(db: Db): Promise<number> {
  return db.prisma.notification.count({ where: { channel: 'console', readAt: null } })
}

/** Marks inbox notifications read; returns how many changed. */
export async function markRead(db: Db, actor: Actor, ids: string[]): Promise<number> {
  return db.prisma.$transaction(async (tx) => {
    const r = await tx.notification.updateMany({
      where: { id: { in: ids }, channel: 'console', readAt: null },
      data: { readAt: new Date() },
    })
    if (r.count) await audit(tx, actor, 'MarkNotificationsRead', null, { count: r.count })
    return r.count
  })
}

export async function markAllRead(db: Db, actor: Actor): Promise<number> {
  return db.prisma.$transaction(async (tx) => {
    const r = await tx.notification.updateMany({
      where: { channel: 'console', readAt: null },
      data: { readAt: new Date() },
    })
    if (r.count) await audit(tx, actor, 'MarkNotificationsRead', null, { count: r.count, all: true })
    return r.count
  })
}

/** The newest inbox row's id and the unread count: cheap enough to poll for a live bell. */
export async function inboxHead(db: Db) {
  const [last, unread] = await Promise.all([
    db.prisma.notification.findFirst({
      where: { channel: 'console' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, createdAt: true },
    }),
    unreadCount(db),
  ])
  return { lastId: last?.id ?? null, lastAt: last?.createdAt ?? null, unread }
}
