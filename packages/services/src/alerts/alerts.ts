import type { Db, Prisma, Tx } from '@iotops/db'
import type { z } from 'zod'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, notFound } from '../errors'
import { channelsOf } from '../notify/contacts'
import { destinationOf, type OutboxPayload } from '../notify/outbox'
import { oneLine } from '../notify/render'
import type { AlarmLevel } from '../notify/schema'
import { type PageOf, skipTake } from '../paging'
import type { AlertStatus, ZAlertList } from './schema'

type AlertRuleRow = Awaited<ReturnType<Db['prisma']['alertRule']['findFirstOrThrow']>>
type AlertRow = Awaited<ReturnType<Db['prisma']['alert']['findFirstOrThrow']>>

/** The notification level of an alert level: 1–2 critical, 3 warning, 4–5 info. */
export const noticeLevel = (level: number): AlarmLevel => (level <= 2 ? 'CRITICAL' : level === 3 ? 'WARNING' : 'INFO')

export interface RaiseInput {
  rule: AlertRuleRow
  scene: { id: string; name: string }
  runId: string
  productKey?: string | null
  deviceName?: string | null
  /** the run's trigger and condition evaluation */
  trigger: Record<string, unknown>
  conditions: unknown[]
  at: Date
}

export interface RaiseResult {
  alertId: string
  /** a pending alert of the same rule and device took it (its count went up) */
  repeated: boolean
  count: number
  /** a sub-device whose gateway is offline: recorded, not notified */
  inhibited: boolean
  /** outbox rows written */
  notified: number
}

/** Is this device a sub-device whose gateway is not online? */
async function gatewayOffline(tx: Tx, productKey: string, deviceName: string): Promise<string | null> {
  const rows = await tx.$queryRaw<{ gw: string; status: string }[]>`
    SELECT g.product_key || '/' || g.device_name AS gw, g.status::text AS status
    FROM device d JOIN device g ON g.id = d.gateway_id
    WHERE d.product_key = ${productKey} AND d.device_name = ${deviceName}`
  const r = rows[0]
  return r && r.status !== 'ONLINE' ? r.gw : null
}

/**
 * Raises an alert of an alert rule for a scene run: a pending alert of the same rule and device takes the repeat
 * (count + 1, latest trigger values) and is not notified again; a new one is notified on the rule's channels
 * through the outbox, unless the device's gateway is offline (inhibited). One transaction, serialised per
 * rule + device by an advisory lock so concurrent runs cannot open two pending alerts.
 */
export async function raiseAlert(db: Db, input: RaiseInput): Promise<RaiseResult> {
  const device = input.productKey && input.deviceName ? `${input.productKey}/${input.deviceName}` : null
  const dedupeKey = `${input.rule.id}|${device ?? '-'}`
  const details = {
    scene: input.scene,
    runId: input.runId,
    trigger: input.trigger,
    conditions: input.conditions,
  } as unknown as Prisma.InputJsonValue
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${dedupeKey}))`
    const open = await tx.alert.findFirst({ where: { dedupeKey, status: 'PENDING' }, orderBy: { firstAt: 'desc' } })
    if (open) {
      const a = await tx.alert.update({
        where: { id: open.id },
        data: {
          count: { increment: 1 },
          lastAt: input.at,
          details,
          level: input.rule.level,
          ruleName: input.rule.name,
        },
      })
      await tx.alertActivity.create({
        data: { alertId: a.id, action: 'repeated', remark: `scene ${input.scene.name}, count ${a.count}` },
      })
      return { alertId: a.id, repeated: true, count: a.count, inhibited: a.inhibited, notified: 0 }
    }
    const gw = device ? await gatewayOffline(tx, input.productKey!, input.deviceName!) : null
    const a = await tx.alert.create({
      data: {
        alertRuleId: input.rule.id,
        ruleName: input.rule.name,
        level: input.rule.level,
        sceneRuleId: input.scene.id,
        productKey: input.productKey ?? null,
        deviceName: input.deviceName ?? null,
        details,
        dedupeKey,
        firstAt: input.at,
        lastAt: input.at,
        inhibited: gw !== null,
      },
    })
    await tx.alertActivity.create({ data: { alertId: a.id, action: 'raised', remark: `scene ${input.scene.name}` } })
    if (gw) {
      await tx.alertActivity.create({
        data: { alertId: a.id, action: 'inhibited', remark: `gateway ${gw} is offline: not notified` },
      })
      return { alertId: a.id, repeated: false, count: 1, inhibited: true, notified: 0 }
    }
    const notified = await notifyAlert(tx, input.rule, a, 'ALARM')
    if (notified)
      await tx.alertActivity.create({
        data: { alertId: a.id, action: 'notified', remark: `${notified} notification(s) queued` },
      })
    return { alertId: a.id, repeated: false, count: 1, inhibited: false, notified }
  })
}

/** The message an alert notification carries (webhook JSON = subject, text, level, status + `data`). */
export function alertMessage(
  rule: { name: string; level: number; description: string | null },
  a: AlertRow,
  escalation: boolean,
) {
  const d = (a.details ?? {}) as { scene?: { name?: string }; trigger?: Record<string, unknown> }
  const t = d.trigger ?? {}
  const device = a.productKey && a.deviceName ? `${a.productKey}/${a.deviceName}` : null
  const what =
    t.type === 'property'
      ? `${t.identifier} = ${JSON.stringify(t.value)}${t.op === 'changed' ? ' (changed)' : ` (${t.op} ${JSON.stringify(t.threshold)})`}`
      : t.type === 'event'
        ? `event ${t.identifier} (${t.eventType})`
        : t.type === 'status'
          ? `device ${String(t.status).toLowerCase()} (code ${t.code})`
          : t.type === 'schedule'
            ? `schedule ${t.cron}`
            : ''
  const subject = oneLine(
    `[IoT Ops] ${escalation ? 'Unhandled alert' : 'Alert'} L${a.level} ${rule.name}${device ? ` · ${device}` : ''}`,
  )
  const text = [
    `Alert rule: ${rule.name} (level ${a.level})`,
    ...(rule.description ? [`Description: ${rule.description}`] : []),
    ...(device ? [`Device: ${device}`] : []),
    `Scene rule: ${d.scene?.name ?? '-'}`,
    ...(what ? [`Trigger: ${what}`] : []),
    `First at: ${a.firstAt.toISOString()}`,
    `Count: ${a.count}`,
    ...(escalation ? [`Still pending since ${a.firstAt.toISOString()}; nobody has acknowledged it.`] : []),
  ].join('\n')
  const data = {
    source: 'alertCenter',
    alertId: a.id,
    alertRule: rule.name,
    alertLevel: a.level,
    sceneRule: d.scene?.name ?? null,
    productKey: a.productKey,
    deviceName: a.deviceName,
    trigger: t,
    count: a.count,
    firstAt: a.firstAt.toISOString(),
    lastAt: a.lastAt.toISOString(),
    escalation,
  }
  return { subject, text, data }
}

/**
 * Queues an alert's notification on the rule's channels (DingTalk / e-mail / webhook of its contact groups) in the
 * notification outbox, where per-destination rate limits and digests apply (DingTalk 20/min, never dropped).
 */
export async function notifyAlert(tx: Tx, rule: AlertRuleRow, a: AlertRow, status: 'ALARM' | 'REPEAT') {
  const channels = rule.channels.filter((c) => c !== 'center')
  if (channels.length === 0 || rule.contactGroupIds.length === 0) return 0
  const groups = await tx.contactGroup.findMany({
    where: { id: { in: rule.contactGroupIds } },
    include: { members: { include: { contact: true } } },
    orderBy: { id: 'asc' },
  })
  const m = alertMessage(rule, a, status === 'REPEAT')
  const level = noticeLevel(a.level)
  const rows: Prisma.NotificationCreateManyInput[] = []
  const now = new Date()
  for (const g of groups) {
    for (const channel of channelsOf(g)) {
      if (channel === 'console' || !channels.includes(channel)) continue
      const payload: OutboxPayload = { level, status, data: m.data }
      if (channel === 'email')
        payload.to = [...new Set(g.members.map((x) => x.contact.email).filter((e): e is string => !!e))].sort()
      payload.dest = destinationOf(channel, g.id, channel === 'webhook' ? g.webhookUrl : g.dingtalkUrl)
      rows.push({
        alarmId: null,
        groupId: g.id,
        channel,
        subject: m.subject.slice(0, 500),
        body: m.text,
        payload: payload as unknown as Prisma.InputJsonValue,
        status: 'PENDING',
        nextAt: now,
      })
    }
  }
  if (rows.length) await tx.notification.createMany({ data: rows })
  return rows.length
}

// ── reading ──

function listWhere(input: z.infer<typeof ZAlertList>): Prisma.AlertWhereInput {
  return {
    ...(input.status ? { status: input.status } : {}),
    ...(input.level ? { level: input.level } : {}),
    ...(input.alertRuleId ? { alertRuleId: input.alertRuleId } : {}),
    ...(input.productKey ? { productKey: input.productKey } : {}),
    ...(input.deviceName ? { deviceName: { contains: input.deviceName, mode: 'insensitive' } } : {}),
    ...(input.from || input.to
      ? { lastAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lte: input.to } : {}) } }
      : {}),
  }
}

export function alertView(a: AlertRow) {
  return {
    id: a.id,
    alertRuleId: a.alertRuleId,
    ruleName: a.ruleName,
    level: a.level,
    sceneRuleId: a.sceneRuleId,
    productKey: a.productKey,
    deviceName: a.deviceName,
    details: a.details as Record<string, unknown>,
    status: a.status as AlertStatus,
    count: a.count,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    assignee: a.assignee,
    ackBy: a.ackBy,
    ackAt: a.ackAt,
    closedBy: a.closedBy,
    closedAt: a.closedAt,
    remark: a.remark,
    escalatedAt: a.escalatedAt,
    inhibited: a.inhibited,
  }
}
export type AlertView = ReturnType<typeof alertView>

/** User ids → names (activity, assignee, acknowledgements); unknown ids are kept as they are. */
async function names(db: Db, ids: (string | null)[]) {
  const uuids = [...new Set(ids.filter((i): i is string => !!i && /^[0-9a-f-]{36}$/i.test(i)))]
  const users = uuids.length
    ? await db.prisma.user.findMany({ where: { id: { in: uuids } }, select: { id: true, name: true } })
    : []
  const m = new Map(users.map((u) => [u.id, u.name]))
  return (id: string | null) => (id ? (m.get(id) ?? id) : null)
}

export async function listAlerts(
  db: Db,
  input: z.infer<typeof ZAlertList>,
): Promise<PageOf<AlertView & { assigneeName: string | null }> & { levels: Record<string, number> }> {
  const where = listWhere(input)
  const [rows, total, levels] = await Promise.all([
    db.prisma.alert.findMany({ where, orderBy: [{ lastAt: 'desc' }, { id: 'asc' }], ...skipTake(input) }),
    db.prisma.alert.count({ where }),
    db.prisma.alert.groupBy({ by: ['level'], where: { ...where, level: undefined }, _count: { _all: true } }),
  ])
  const name = await names(
    db,
    rows.map((r) => r.assignee),
  )
  return {
    items: rows.map((r) => ({ ...alertView(r), assigneeName: name(r.assignee) })),
    total,
    page: input.page,
    pageSize: input.pageSize,
    levels: Object.fromEntries(levels.map((l) => [String(l.level), l._count._all])),
  }
}

/** Pending alerts (not inhibited), in all and per level: the navigation badge and the list's header. */
export async function pendingCounts(db: Db) {
  const rows = await db.prisma.alert.groupBy({
    by: ['level'],
    where: { status: 'PENDING', inhibited: false },
    _count: { _all: true },
  })
  const byLevel = Object.fromEntries(rows.map((r) => [String(r.level), r._count._all]))
  return { total: rows.reduce((n, r) => n + r._count._all, 0), byLevel }
}

export async function getAlert(db: Db, id: string) {
  const a = await db.prisma.alert.findUnique({ where: { id }, include: { activity: { orderBy: { at: 'asc' } } } })
  if (!a) throw notFound('the alert')
  const name = await names(db, [a.assignee, a.ackBy, a.closedBy, ...a.activity.map((x) => x.userId)])
  return {
    ...alertView(a),
    assigneeName: name(a.assignee),
    ackByName: name(a.ackBy),
    closedByName: name(a.closedBy),
    activity: a.activity.map((x) => ({
      id: x.id,
      at: x.at,
      action: x.action,
      remark: x.remark,
      userId: x.userId,
      userName: name(x.userId) ?? 'system',
    })),
  }
}

/** Active users an alert can be assigned to. */
export async function assignees(db: Db) {
  return db.prisma.user.findMany({
    where: { disabled: false },
    select: { id: true, name: true, email: true },
    orderBy: { name: 'asc' },
  })
}

// ── acting on alerts ──

async function pendingAlert(tx: Tx, id: string) {
  const a = await tx.alert.findUnique({ where: { id } })
  if (!a) throw notFound('the alert')
  if (a.status !== 'PENDING')
    throw new AppError(
      'PRECONDITION_FAILED',
      `the alert is already ${a.status === 'HANDLED' ? 'handled' : 'ignored'}; it can only be viewed`,
    )
  return a
}

const who = (actor: Actor) => actor.id ?? actor.name

export async function handleAlert(db: Db, actor: Actor, id: string, remark: string) {
  return db.prisma.$transaction(async (tx) => {
    await pendingAlert(tx, id)
    const a = await tx.alert.update({
      where: { id },
      data: { status: 'HANDLED', remark, closedBy: who(actor), closedAt: new Date() },
    })
    await tx.alertActivity.create({ data: { alertId: id, action: 'handled', remark, userId: who(actor) } })
    await audit(tx, actor, 'HandleAlert', { type: 'alert', id }, { rule: a.ruleName, remark })
    return alertView(a)
  })
}

export async function ignoreAlert(db: Db, actor: Actor, id: string, remark?: string) {
  return db.prisma.$transaction(async (tx) => {
    await pendingAlert(tx, id)
    const a = await tx.alert.update({
      where: { id },
      data: { status: 'IGNORED', remark: remark ?? null, closedBy: who(actor), closedAt: new Date() },
    })
    await tx.alertActivity.create({
      data: { alertId: id, action: 'ignored', remark: remark ?? null, userId: who(actor) },
    })
    await audit(tx, actor, 'IgnoreAlert', { type: 'alert', id }, { rule: a.ruleName, ...(remark ? { remark } : {}) })
    return alertView(a)
  })
}

/** Acknowledge: someone is on it (stops escalation; the alert stays pending until handled). */
export async function acknowledgeAlert(db: Db, actor: Actor, id: string) {
  return db.prisma.$transaction(async (tx) => {
    const cur = await pendingAlert(tx, id)
    if (cur.ackAt) throw new AppError('PRECONDITION_FAILED', 'the alert is already acknowledged')
    const a = await tx.alert.update({ where: { id }, data: { ackBy: who(actor), ackAt: new Date() } })
    await tx.alertActivity.create({ data: { alertId: id, action: 'acknowledged', userId: who(actor) } })
    await audit(tx, actor, 'AcknowledgeAlert', { type: 'alert', id }, { rule: a.ruleName })
    return alertView(a)
  })
}

export async function assignAlert(db: Db, actor: Actor, id: string, assignee: string) {
  return db.prisma.$transaction(async (tx) => {
    await pendingAlert(tx, id)
    const u = await tx.user.findUnique({ where: { id: assignee } }).catch(() => null)
    if (!u || u.disabled) throw badRequest('choose an active user to assign the alert to')
    const a = await tx.alert.update({ where: { id }, data: { assignee: u.id } })
    await tx.alertActivity.create({ data: { alertId: id, action: 'assigned', remark: u.name, userId: who(actor) } })
    await audit(tx, actor, 'AssignAlert', { type: 'alert', id }, { rule: a.ruleName, assignee: u.name })
    return alertView(a)
  })
}

/**
 * Escalation: pending, unacknowledged, not inhibited alerts of rules with `escalateMinutes` are notified again
 * once that long has passed since they were raised or last escalated. Returns how many were escalated.
 */
export async function escalateDue(db: Db, now = new Date()): Promise<number> {
  const due = await db.pool.query<{ id: string }>(
    `SELECT a.id FROM alert a JOIN alert_rule r ON r.id = a.alert_rule_id
     WHERE a.status = 'PENDING' AND NOT a.inhibited AND a.ack_at IS NULL AND r.enabled
       AND r.escalate_minutes IS NOT NULL
       AND COALESCE(a.escalated_at, a.first_at) + make_interval(mins => r.escalate_minutes) <= $1
     LIMIT 200`,
    [now],
  )
  let n = 0
  for (const { id } of due.rows) {
    await db.prisma.$transaction(async (tx) => {
      const a = await tx.alert.findUnique({ where: { id } })
      if (a?.status !== 'PENDING' || a.ackAt || !a.alertRuleId) return
      const rule = await tx.alertRule.findUnique({ where: { id: a.alertRuleId } })
      if (!rule) return
      const upd = await tx.alert.update({ where: { id }, data: { escalatedAt: now } })
      const queued = await notifyAlert(tx, rule, upd, 'REPEAT')
      await tx.alertActivity.create({
        data: {
          alertId: id,
          action: 'escalated',
          remark: `unhandled for ${rule.escalateMinutes} min; ${queued} notification(s) queued`,
        },
      })
      n++
    })
  }
  return n
}
