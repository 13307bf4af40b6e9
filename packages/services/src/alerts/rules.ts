import type { Db, Prisma, Tx } from '@iotops/db'
import type { z } from 'zod'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, conflict, notFound } from '../errors'
import { channelsOf } from '../notify/contacts'
import { type PageOf, skipTake } from '../paging'
import { rulesChanged } from './changes'
import { scenesRaising } from './scenes'
import { type AlertChannel, type TSceneAction, ZAlertRuleInput, type ZAlertRuleList } from './schema'

type AlertRuleRow = Awaited<ReturnType<Db['prisma']['alertRule']['findFirstOrThrow']>>

export function alertRuleView(r: AlertRuleRow, scenes: { id: string; name: string; enabled: boolean }[] = []) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    level: r.level,
    channels: r.channels.filter((c) => c !== 'center') as AlertChannel[],
    contactGroupIds: r.contactGroupIds,
    escalateMinutes: r.escalateMinutes,
    enabled: r.enabled,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    scenes,
  }
}
export type AlertRuleView = ReturnType<typeof alertRuleView>

async function check(tx: Tx, rule: z.infer<typeof ZAlertRuleInput>, id?: string) {
  const same = await tx.alertRule.findUnique({ where: { name: rule.name } })
  if (same && same.id !== id) throw conflict(`an alert rule named ${rule.name} already exists`)
  const groups = await tx.contactGroup.findMany({
    where: { id: { in: rule.contactGroupIds } },
    include: { members: { include: { contact: true } } },
  })
  if (groups.length !== new Set(rule.contactGroupIds).size) throw badRequest('a chosen contact group does not exist')
  for (const ch of rule.channels) {
    if (!groups.some((g) => channelsOf(g).includes(ch)))
      throw badRequest(
        {
          dingtalk: 'none of the chosen contact groups has a DingTalk robot',
          email: 'none of the chosen contact groups has a member with an e-mail address',
          webhook: 'none of the chosen contact groups has a webhook URL',
        }[ch],
      )
  }
  const scenes = await tx.sceneRule.count({ where: { id: { in: rule.sceneRuleIds } } })
  if (scenes !== new Set(rule.sceneRuleIds).size) throw badRequest('a chosen scene rule does not exist')
}

const fields = (rule: z.infer<typeof ZAlertRuleInput>) => ({
  name: rule.name,
  description: rule.description ?? null,
  level: rule.level,
  channels: ['center', ...new Set(rule.channels)],
  contactGroupIds: [...new Set(rule.contactGroupIds)],
  escalateMinutes: rule.escalateMinutes,
  enabled: rule.enabled,
})

/** Makes exactly the given scene rules raise this alert: adds or removes their alert actions. */
async function linkScenes(tx: Tx, actor: Actor, alertRuleId: string, sceneIds: string[]) {
  const want = new Set(sceneIds)
  const linked = await scenesRaising(tx, alertRuleId)
  for (const s of linked) {
    if (want.has(s.id)) continue
    const actions = (s.actions as unknown as TSceneAction[]).filter(
      (a) => !(a.type === 'alert' && a.alertRuleId === alertRuleId),
    )
    if (actions.length === 0)
      throw badRequest(
        `the scene rule ${s.name} only raises this alert; give it another action or delete it before unlinking`,
      )
    await tx.sceneRule.update({ where: { id: s.id }, data: { actions: actions as unknown as Prisma.InputJsonValue } })
    await audit(
      tx,
      actor,
      'UpdateSceneRule',
      { type: 'sceneRule', id: s.id },
      { name: s.name, unlinkedAlertRuleId: alertRuleId },
    )
  }
  const have = new Set(linked.map((s) => s.id))
  for (const id of want) {
    if (have.has(id)) continue
    const s = await tx.sceneRule.findUniqueOrThrow({ where: { id } })
    const actions = [...(s.actions as unknown as TSceneAction[]), { type: 'alert', alertRuleId } as TSceneAction]
    if (actions.length > 10) throw badRequest(`the scene rule ${s.name} already has 10 actions`)
    await tx.sceneRule.update({ where: { id }, data: { actions: actions as unknown as Prisma.InputJsonValue } })
    await audit(
      tx,
      actor,
      'UpdateSceneRule',
      { type: 'sceneRule', id },
      { name: s.name, linkedAlertRuleId: alertRuleId },
    )
  }
}

async function withScenes(db: Db, r: AlertRuleRow) {
  const scenes = await scenesRaising(db, r.id)
  return alertRuleView(
    r,
    scenes.map((s) => ({ id: s.id, name: s.name, enabled: s.enabled })),
  )
}

export async function createAlertRule(db: Db, actor: Actor, input: z.input<typeof ZAlertRuleInput>) {
  const rule = ZAlertRuleInput.parse(input)
  const r = await db.prisma.$transaction(async (tx) => {
    await check(tx, rule)
    const r = await tx.alertRule.create({ data: { ...fields(rule), createdBy: actor.name } })
    await linkScenes(tx, actor, r.id, rule.sceneRuleIds)
    await audit(tx, actor, 'CreateAlertRule', { type: 'alertRule', id: r.id }, { name: r.name, level: r.level })
    return r
  })
  rulesChanged()
  return withScenes(db, r)
}

export async function updateAlertRule(db: Db, actor: Actor, id: string, input: z.input<typeof ZAlertRuleInput>) {
  const rule = ZAlertRuleInput.parse(input)
  const r = await db.prisma.$transaction(async (tx) => {
    if (!(await tx.alertRule.findUnique({ where: { id } }))) throw notFound('the alert rule')
    await check(tx, rule, id)
    const r = await tx.alertRule.update({ where: { id }, data: fields(rule) })
    await linkScenes(tx, actor, id, rule.sceneRuleIds)
    await audit(tx, actor, 'UpdateAlertRule', { type: 'alertRule', id }, { name: r.name, level: r.level })
    return r
  })
  rulesChanged()
  return withScenes(db, r)
}

export async function setAlertRuleEnabled(db: Db, actor: Actor, id: string, enabled: boolean) {
  const r = await db.prisma.$transaction(async (tx) => {
    if (!(await tx.alertRule.findUnique({ where: { id } }))) throw notFound('the alert rule')
    const r = await tx.alertRule.update({ where: { id }, data: { enabled } })
    await audit(tx, actor, enabled ? 'StartAlertRule' : 'StopAlertRule', { type: 'alertRule', id }, { name: r.name })
    return r
  })
  rulesChanged()
  return withScenes(db, r)
}

/** Deletes an alert rule and the alert actions that raise it; alerts already raised stay (with the rule's name). */
export async function deleteAlertRule(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.alertRule.findUnique({ where: { id } })
    if (!r) throw notFound('the alert rule')
    await linkScenes(tx, actor, id, [])
    await tx.alertRule.delete({ where: { id } })
    await audit(tx, actor, 'DeleteAlertRule', { type: 'alertRule', id }, { name: r.name })
  })
  rulesChanged()
  return { ok: true }
}

export async function getAlertRule(db: Db, id: string) {
  const r = await db.prisma.alertRule.findUnique({ where: { id } })
  if (!r) throw notFound('the alert rule')
  return withScenes(db, r)
}

export async function listAlertRules(db: Db, input: z.infer<typeof ZAlertRuleList>): Promise<PageOf<AlertRuleView>> {
  const where: Prisma.AlertRuleWhereInput = {
    ...(input.name ? { name: { contains: input.name, mode: 'insensitive' } } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.alertRule.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...skipTake(input) }),
    db.prisma.alertRule.count({ where }),
  ])
  return {
    items: await Promise.all(rows.map((r) => withScenes(db, r))),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

/** Every alert rule's id, name and level (for selects). */
export async function alertRuleOptions(db: Db) {
  return db.prisma.alertRule.findMany({
    select: { id: true, name: true, level: true, enabled: true },
    orderBy: { name: 'asc' },
  })
}
