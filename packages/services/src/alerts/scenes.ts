import type { Db, Prisma, Tx } from '@iotops/db'
import type { z } from 'zod'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, conflict, notFound } from '../errors'
import { type PageOf, skipTake } from '../paging'
import { rulesChanged } from './changes'
import {
  type TSceneAction,
  type TSceneCondition,
  type TSceneRule,
  type TSceneTrigger,
  ZSceneRuleInput,
  type ZSceneRuleList,
  type ZSceneRunList,
} from './schema'

type SceneRow = Awaited<ReturnType<Db['prisma']['sceneRule']['findFirstOrThrow']>>

export function sceneView(r: SceneRow) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    triggers: r.triggers as unknown as TSceneTrigger[],
    conditions: r.conditions as unknown as TSceneCondition[],
    actions: r.actions as unknown as TSceneAction[],
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    lastRunAt: r.lastRunAt,
  }
}
export type SceneRuleView = ReturnType<typeof sceneView>

/** Everything a rule refers to must exist: devices' products, named devices, alert rules. */
async function check(tx: Tx, rule: TSceneRule, id?: string) {
  const same = await tx.sceneRule.findUnique({ where: { name: rule.name } })
  if (same && same.id !== id) throw conflict(`a scene rule named ${rule.name} already exists`)
  const refs = [...rule.triggers, ...rule.conditions, ...rule.actions].flatMap((x) =>
    'productKey' in x ? [{ productKey: x.productKey, deviceName: 'deviceName' in x ? x.deviceName : undefined }] : [],
  )
  const pks = [...new Set(refs.map((r) => r.productKey))]
  if (pks.length) {
    const found = new Set(
      (await tx.product.findMany({ where: { productKey: { in: pks } }, select: { productKey: true } })).map(
        (p) => p.productKey,
      ),
    )
    const missing = pks.find((pk) => !found.has(pk))
    if (missing) throw badRequest(`the product ${missing} does not exist`)
  }
  for (const r of refs) {
    if (!r.deviceName) continue
    const d = await tx.device.findUnique({
      where: { productKey_deviceName: { productKey: r.productKey, deviceName: r.deviceName } },
      select: { id: true },
    })
    if (!d) throw badRequest(`the device ${r.productKey}/${r.deviceName} does not exist`)
  }
  const alertIds = [...new Set(rule.actions.flatMap((a) => (a.type === 'alert' ? [a.alertRuleId] : [])))]
  if (alertIds.length) {
    const n = await tx.alertRule.count({ where: { id: { in: alertIds } } })
    if (n !== alertIds.length) throw badRequest('an alert action refers to an alert rule that does not exist')
  }
  const noDevice = rule.actions.find(
    (a) => (a.type === 'setProperty' || a.type === 'invokeService') && !a.deviceName,
  ) as { productKey: string } | undefined
  if (noDevice && !rule.triggers.some((t) => t.type !== 'schedule' && t.productKey === noDevice.productKey))
    throw badRequest(
      `an action on "the triggering device" of ${noDevice.productKey} needs a device trigger of that product; name a device instead`,
    )
}

const fields = (rule: TSceneRule) => ({
  name: rule.name,
  description: rule.description ?? null,
  enabled: rule.enabled,
  triggers: rule.triggers as unknown as Prisma.InputJsonValue,
  conditions: rule.conditions as unknown as Prisma.InputJsonValue,
  actions: rule.actions as unknown as Prisma.InputJsonValue,
})

export async function createScene(db: Db, actor: Actor, input: z.input<typeof ZSceneRuleInput>) {
  const rule = ZSceneRuleInput.parse(input)
  const r = await db.prisma.$transaction(async (tx) => {
    await check(tx, rule)
    const r = await tx.sceneRule.create({ data: { ...fields(rule), createdBy: actor.name } })
    await audit(tx, actor, 'CreateSceneRule', { type: 'sceneRule', id: r.id }, { name: r.name })
    return r
  })
  rulesChanged()
  return sceneView(r)
}

export async function updateScene(db: Db, actor: Actor, id: string, input: z.input<typeof ZSceneRuleInput>) {
  const rule = ZSceneRuleInput.parse(input)
  const r = await db.prisma.$transaction(async (tx) => {
    if (!(await tx.sceneRule.findUnique({ where: { id } }))) throw notFound('the scene rule')
    await check(tx, rule, id)
    const r = await tx.sceneRule.update({ where: { id }, data: fields(rule) })
    await audit(tx, actor, 'UpdateSceneRule', { type: 'sceneRule', id }, { name: r.name })
    return r
  })
  rulesChanged()
  return sceneView(r)
}

export async function setSceneEnabled(db: Db, actor: Actor, id: string, enabled: boolean) {
  const r = await db.prisma.$transaction(async (tx) => {
    if (!(await tx.sceneRule.findUnique({ where: { id } }))) throw notFound('the scene rule')
    const r = await tx.sceneRule.update({ where: { id }, data: { enabled } })
    await audit(
      tx,
      actor,
      enabled ? 'EnableSceneRule' : 'DisableSceneRule',
      { type: 'sceneRule', id },
      { name: r.name },
    )
    return r
  })
  rulesChanged()
  return sceneView(r)
}

export async function deleteScene(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.sceneRule.findUnique({ where: { id } })
    if (!r) throw notFound('the scene rule')
    await tx.sceneRule.delete({ where: { id } })
    await audit(tx, actor, 'DeleteSceneRule', { type: 'sceneRule', id }, { name: r.name })
  })
  rulesChanged()
  return { ok: true }
}

export async function getScene(db: Db, id: string) {
  const r = await db.prisma.sceneRule.findUnique({ where: { id } })
  if (!r) throw notFound('the scene rule')
  return sceneView(r)
}

/** Scene rules whose actions raise alerts of the given alert rule. */
export async function scenesRaising(db: Db | Tx, alertRuleId: string): Promise<SceneRow[]> {
  const client = 'prisma' in db ? db.prisma : db
  return client.sceneRule.findMany({
    where: { actions: { array_contains: [{ type: 'alert', alertRuleId }] } },
    orderBy: { name: 'asc' },
  })
}

export async function listScenes(
  db: Db,
  input: z.infer<typeof ZSceneRuleList>,
): Promise<PageOf<SceneRuleView & { runs: number; failedRuns: number }>> {
  const where: Prisma.SceneRuleWhereInput = {
    ...(input.name ? { name: { contains: input.name, mode: 'insensitive' } } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.alertRuleId ? { actions: { array_contains: [{ type: 'alert', alertRuleId: input.alertRuleId }] } } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.sceneRule.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...skipTake(input) }),
    db.prisma.sceneRule.count({ where }),
  ])
  const counts = rows.length
    ? (
        await db.pool.query<{ rule_id: string; runs: string; failed: string }>(
          `SELECT rule_id, count(*) AS runs, count(*) FILTER (WHERE NOT ok) AS failed
           FROM scene_run WHERE rule_id = ANY($1::uuid[]) GROUP BY rule_id`,
          [rows.map((r) => r.id)],
        )
      ).rows
    : []
  const byId = new Map(counts.map((c) => [c.rule_id, c]))
  return {
    items: rows.map((r) => ({
      ...sceneView(r),
      runs: Number(byId.get(r.id)?.runs ?? 0),
      failedRuns: Number(byId.get(r.id)?.failed ?? 0),
    })),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export interface SceneRunView {
  id: string
  ruleId: string
  at: Date
  trigger: Record<string, unknown>
  conditions: { index: number; type: string; value: unknown; passed: boolean; reason?: string }[]
  passed: boolean
  actions: { index: number; type: string; ok: boolean; result?: unknown; error?: string }[]
  ok: boolean
}

export async function listRuns(db: Db, input: z.infer<typeof ZSceneRunList>): Promise<PageOf<SceneRunView>> {
  const where: Prisma.SceneRunWhereInput = {
    ruleId: input.ruleId,
    ...(input.passed !== undefined ? { passed: input.passed } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.sceneRun.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'asc' }], ...skipTake(input) }),
    db.prisma.sceneRun.count({ where }),
  ])
  return {
    items: rows.map((r) => ({
      id: r.id,
      ruleId: r.ruleId,
      at: r.at,
      trigger: r.trigger as Record<string, unknown>,
      conditions: r.conditions as unknown as SceneRunView['conditions'],
      passed: r.passed,
      actions: r.actions as unknown as SceneRunView['actions'],
      ok: r.ok,
    })),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}
