import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, conflict, notFound } from '../errors'
import { WATERMARK_METRICS } from '../metrics/codes'
import { requireSeriesKey } from '../metrics/query'
import type { PageOf } from '../paging'
import type { TAlarmHistoryQuery, TAlarmRuleInput, TAlarmRuleList, TWatermarkInput } from './schema'

type RuleRow = Awaited<ReturnType<Db['prisma']['alarmRule']['findFirstOrThrow']>>

export function ruleView(r: RuleRow) {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as 'threshold' | 'event' | 'log',
    metric: r.metric,
    productKey: r.productKey,
    operator: r.operator,
    threshold: r.threshold,
    periods: r.periods,
    granularity: r.granularity,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    silenceSeconds: r.silenceSeconds,
    level: r.level,
    noDataAlert: r.noDataAlert,
    events: r.events,
    queryId: r.queryId,
    contactGroupIds: r.contactGroupIds,
    enabled: r.enabled,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
export type AlarmRuleView = ReturnType<typeof ruleView>

/** The rule's fields as stored; the parts of the other kind take their neutral values. */
function data(input: TAlarmRuleInput) {
  const common = {
    name: input.name,
    kind: input.kind,
    level: input.level,
    effectiveFrom: input.effectiveFrom,
    effectiveTo: input.effectiveTo,
    silenceSeconds: input.silenceSeconds,
    contactGroupIds: input.contactGroupIds,
  }
  if (input.kind === 'event')
    return { ...common, metric: '', productKey: null, events: input.events, noDataAlert: false, queryId: null }
  if (input.kind === 'log')
    return {
      ...common,
      metric: '',
      productKey: null,
      operator: input.operator,
      threshold: input.threshold,
      periods: input.periods,
      granularity: input.granularity,
      noDataAlert: false,
      events: [],
      queryId: input.queryId,
    }
  return {
    ...common,
    metric: input.metric,
    productKey: input.productKey,
    operator: input.operator,
    threshold: input.threshold,
    periods: input.periods,
    granularity: input.granularity,
    noDataAlert: input.noDataAlert,
    events: [],
    queryId: null,
  }
}

async function check(db: Db, input: TAlarmRuleInput, id?: string) {
  const same = await db.prisma.alarmRule.findUnique({ where: { name: input.name } })
  if (same && same.id !== id) throw conflict(`an alarm rule named ${input.name} already exists`)
  const groups = await db.prisma.contactGroup.count({ where: { id: { in: input.contactGroupIds } } })
  if (groups !== new Set(input.contactGroupIds).size) throw badRequest('a chosen contact group does not exist any more')
  if (input.kind === 'threshold' && input.productKey) await requireSeriesKey(db, input.metric, input.productKey)
  if (input.kind === 'log' && !(await db.prisma.savedLogQuery.findUnique({ where: { id: input.queryId } })))
    throw notFound('the saved query (it may have been deleted)')
}

export async function createRule(db: Db, actor: Actor, input: TAlarmRuleInput) {
  await check(db, input)
  const r = await db.prisma.alarmRule.create({ data: data(input) })
  await audit(db.prisma, actor, 'CreateAlarmRule', { type: 'alarmRule', id: r.id }, { name: r.name, kind: r.kind })
  return ruleView(r)
}

/** Editing a rule starts its evaluation afresh (its state is cleared). */
export async function updateRule(db: Db, actor: Actor, id: string, input: TAlarmRuleInput) {
  const cur = await db.prisma.alarmRule.findUnique({ where: { id } })
  if (!cur) throw notFound('the alarm rule')
  if (cur.kind !== input.kind) throw badRequest('the kind of a rule cannot change: create a new rule instead')
  await check(db, input, id)
  const r = await db.prisma.$transaction(async (tx) => {
    await tx.alarmState.deleteMany({ where: { ruleId: id } })
    return tx.alarmRule.update({ where: { id }, data: data(input) })
  })
  await audit(db.prisma, actor, 'UpdateAlarmRule', { type: 'alarmRule', id }, { name: r.name })
  return ruleView(r)
}

export async function setRuleEnabled(db: Db, actor: Actor, id: string, enabled: boolean) {
  const cur = await db.prisma.alarmRule.findUnique({ where: { id } })
  if (!cur) throw notFound('the alarm rule')
  const r = await db.prisma.$transaction(async (tx) => {
    if (!enabled) await tx.alarmState.deleteMany({ where: { ruleId: id } })
    return tx.alarmRule.update({ where: { id }, data: { enabled } })
  })
  await audit(db.prisma, actor, enabled ? 'EnableAlarmRule' : 'DisableAlarmRule', { type: 'alarmRule', id })
  return ruleView(r)
}

export async function deleteRule(db: Db, actor: Actor, id: string) {
  const cur = await db.prisma.alarmRule.findUnique({ where: { id } })
  if (!cur) throw notFound('the alarm rule')
  await db.prisma.alarmRule.delete({ where: { id } })
  await audit(db.prisma, actor, 'DeleteAlarmRule', { type: 'alarmRule', id }, { name: cur.name })
  return { ok: true }
}

export async function listRules(db: Db, q: TAlarmRuleList): Promise<PageOf<AlarmRuleView & { states: StateView[] }>> {
  const where = {
    ...(q.name ? { name: { contains: q.name, mode: 'insensitive' as const } } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.enabled !== undefined ? { enabled: q.enabled } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.alarmRule.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      include: { states: true },
    }),
    db.prisma.alarmRule.count({ where }),
  ])
  return {
    items: rows.map((r) => ({
      ...ruleView(r),
      states: r.states.map((s) => ({
        productKey: s.productKey,
        state: s.state,
        since: s.since,
        lastValue: s.lastValue,
      })),
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  }
}
interface StateView {
  productKey: string
  state: string
  since: Date | null
  lastValue: number | null
}

export async function getRule(db: Db, id: string) {
  const r = await db.prisma.alarmRule.findUnique({ where: { id } })
  if (!r) throw notFound('the alarm rule')
  return ruleView(r)
}

export async function listHistory(db: Db, q: TAlarmHistoryQuery) {
  if (q.to <= q.from) throw badRequest('the end must be after the start')
  const where = {
    at: { gte: q.from, lt: q.to },
    ...(q.ruleId ? { ruleId: q.ruleId } : {}),
    ...(q.ruleName ? { ruleName: { contains: q.ruleName, mode: 'insensitive' as const } } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(q.productKey ? { productKey: q.productKey } : {}),
  }
  const [items, total] = await Promise.all([
    db.prisma.alarmHistory.findMany({
      where,
      orderBy: { at: 'desc' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.prisma.alarmHistory.count({ where }),
  ])
  return { items, total, page: q.page, pageSize: q.pageSize }
}

/**
 * One-click watermark alerts: a rule per watermark metric that fires when it reaches `percent` % (90 by default),
 * created or updated in place so clicking twice does not duplicate them.
 */
export async function enableWatermarkAlerts(db: Db, actor: Actor, input: TWatermarkInput) {
  const out = []
  for (const metric of WATERMARK_METRICS) {
    const rule: TAlarmRuleInput = {
      kind: 'threshold',
      name: `watermark_${metric}`,
      metric,
      productKey: '',
      operator: '>=',
      threshold: input.percent,
      periods: 1,
      granularity: 1,
      level: input.level,
      effectiveFrom: '00:00',
      effectiveTo: '23:59',
      silenceSeconds: 3600,
      noDataAlert: false,
      contactGroupIds: input.contactGroupIds,
    }
    const cur = await db.prisma.alarmRule.findUnique({ where: { name: rule.name } })
    out.push(cur ? await updateRule(db, actor, cur.id, rule) : await createRule(db, actor, rule))
  }
  return out
}
