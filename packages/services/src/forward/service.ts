import type { Db, Prisma } from '@iotops/db'
import type { z } from 'zod'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import type { PageOf } from '../paging'
import { logContent } from '../runlog/writer'
import { createSender, ForwardFailure } from './destinations'
import { forwardChanged, RULE_ENGINE_BIZ, ruleInput, ruleTopic } from './engine'
import { FORWARDED_ROWS_SQL } from './fanout'
import {
  checkRuleSql,
  type ForwardType,
  SECRET_MASK,
  type TForwardDestinationConfig,
  ZDeadLetterList,
  ZForwardDestinationConfig,
  ZForwardRuleInput,
  type ZForwardRuleList,
  ZForwardSqlTest,
} from './schema'
import { parseRuleSql, RuleSqlError, runRuleSql, topicMatches } from './sql'

type RuleRow = Awaited<ReturnType<Db['prisma']['forwardRule']['findFirstOrThrow']>>
type DestRow = Awaited<ReturnType<Db['prisma']['forwardDestination']['findFirstOrThrow']>>

/** A destination as the console sees it: passwords in URLs and header values masked. */
export function destinationView(d: DestRow) {
  return {
    id: d.id,
    ruleId: d.ruleId,
    type: d.type as ForwardType,
    config: maskConfig(d.type as ForwardType, d.config as Record<string, unknown>),
    enabled: d.enabled,
    createdAt: d.createdAt,
  }
}
export type ForwardDestinationView = ReturnType<typeof destinationView>

function maskUrl(u: string) {
  try {
    const url = new URL(u)
    if (url.password) url.password = SECRET_MASK
    return url.toString()
  } catch {
    return u
  }
}
function maskConfig(type: ForwardType, c: Record<string, unknown>) {
  if (type === 'WEBHOOK')
    return {
      ...c,
      headers: ((c.headers as { name: string; value: string }[]) ?? []).map((h) => ({
        name: h.name,
        value: SECRET_MASK,
      })),
    }
  if (type === 'POSTGRES' || type === 'QUEUE') return { ...c, url: maskUrl(String(c.url)) }
  return c
}
/** A masked secret sent back unchanged keeps the stored one. */
function unmask(next: TForwardDestinationConfig, prev: DestRow | null): TForwardDestinationConfig {
  if (!prev || prev.type !== next.type) return next
  const old = prev.config as Record<string, unknown>
  if (next.type === 'WEBHOOK') {
    const oldHeaders = (old.headers as { name: string; value: string }[]) ?? []
    return {
      ...next,
      config: {
        ...next.config,
        headers: next.config.headers.map((h) =>
          h.value === SECRET_MASK ? { name: h.name, value: oldHeaders.find((o) => o.name === h.name)?.value ?? '' } : h,
        ),
      },
    }
  }
  if (next.type === 'POSTGRES' || next.type === 'QUEUE') {
    const url = new URL(next.config.url)
    if (decodeURIComponent(url.password) === SECRET_MASK) {
      url.password = new URL(String(old.url)).password
      return { ...next, config: { ...next.config, url: url.toString() } } as TForwardDestinationConfig
    }
  }
  return next
}

export function ruleView(r: RuleRow & { destinations?: DestRow[] }) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    sql: r.sql,
    topic: r.topic,
    productKey: r.productKey,
    dataType: r.dataType as 'JSON' | 'BINARY',
    enabled: r.enabled,
    lastError: r.lastError,
    lastErrorAt: r.lastErrorAt,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    destinations: (r.destinations ?? []).map(destinationView),
  }
}
export type ForwardRuleView = ReturnType<typeof ruleView>

/** Parses the statement (9307 with the position) and checks its product exists. */
async function checkSql(db: Db, sql: string) {
  const c = checkRuleSql(sql)
  if (!c.ok) throw badRequest(c.message, c.code)
  const product = await db.prisma.product.findUnique({ where: { productKey: c.productKey }, select: { id: true } })
  if (!product) throw badRequest(`the product ${c.productKey} of the FROM topic does not exist`, 9321)
  return c
}

export async function createRule(db: Db, actor: Actor, input: z.input<typeof ZForwardRuleInput>) {
  const rule = ZForwardRuleInput.parse(input)
  const c = await checkSql(db, rule.sql)
  if (await db.prisma.forwardRule.findUnique({ where: { name: rule.name } }))
    throw conflict(`a forwarding rule named ${rule.name} already exists`)
  const r = await db.prisma.$transaction(async (tx) => {
    const r = await tx.forwardRule.create({
      data: {
        name: rule.name,
        description: rule.description ?? null,
        sql: rule.sql,
        topic: c.topic,
        productKey: c.productKey,
        dataType: rule.dataType,
        createdBy: actor.name,
      },
    })
    await audit(tx, actor, 'CreateRule', { type: 'forwardRule', id: r.id }, { name: r.name, topic: r.topic })
    return r
  })
  return ruleView({ ...r, destinations: [] })
}

export async function updateRule(db: Db, actor: Actor, id: string, input: z.input<typeof ZForwardRuleInput>) {
  const rule = ZForwardRuleInput.parse(input)
  const c = await checkSql(db, rule.sql)
  const same = await db.prisma.forwardRule.findUnique({ where: { name: rule.name } })
  if (same && same.id !== id) throw conflict(`a forwarding rule named ${rule.name} already exists`)
  const r = await db.prisma.$transaction(async (tx) => {
    if (!(await tx.forwardRule.findUnique({ where: { id } }))) throw notFound('the forwarding rule')
    const r = await tx.forwardRule.update({
      where: { id },
      data: {
        name: rule.name,
        description: rule.description ?? null,
        sql: rule.sql,
        topic: c.topic,
        productKey: c.productKey,
        dataType: rule.dataType,
      },
      include: { destinations: { orderBy: { createdAt: 'asc' } } },
    })
    await audit(tx, actor, 'UpdateRule', { type: 'forwardRule', id }, { name: r.name, topic: r.topic })
    return r
  })
  await forwardChanged()
  return ruleView(r)
}

export async function setRuleEnabled(db: Db, actor: Actor, id: string, enabled: boolean) {
  const r = await db.prisma.$transaction(async (tx) => {
    const before = await tx.forwardRule.findUnique({ where: { id }, include: { destinations: true } })
    if (!before) throw notFound('the forwarding rule')
    if (enabled && !before.destinations.some((d) => d.enabled))
      throw badRequest('add a destination to the rule before starting it', 9321)
    const r = await tx.forwardRule.update({
      where: { id },
      data: { enabled, ...(enabled ? { lastError: null, lastErrorAt: null } : {}) },
      include: { destinations: { orderBy: { createdAt: 'asc' } } },
    })
    await audit(tx, actor, enabled ? 'StartRule' : 'StopRule', { type: 'forwardRule', id }, { name: r.name })
    return r
  })
  await forwardChanged(enabled ? undefined : id)
  return ruleView(r)
}

export async function deleteRule(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const r = await tx.forwardRule.findUnique({ where: { id } })
    if (!r) throw notFound('the forwarding rule')
    await tx.forwardDeadLetter.deleteMany({ where: { ruleId: id } })
    await tx.forwardRule.delete({ where: { id } })
    await audit(tx, actor, 'DeleteRule', { type: 'forwardRule', id }, { name: r.name })
  })
  await forwardChanged(id)
  return { ok: true as const }
}

export async function getRule(db: Db, id: string) {
  const r = await db.prisma.forwardRule.findUnique({
    where: { id },
    include: { destinations: { orderBy: { createdAt: 'asc' } } },
  })
  if (!r) throw notFound('the forwarding rule')
  return ruleView(r)
}

export async function listRules(db: Db, input: z.infer<typeof ZForwardRuleList>): Promise<PageOf<ForwardRuleView>> {
  const where: Prisma.ForwardRuleWhereInput = input.search
    ? {
        OR: [
          { name: { contains: input.search, mode: 'insensitive' } },
          { productKey: { contains: input.search, mode: 'insensitive' } },
        ],
      }
    : {}
  const [rows, total] = await Promise.all([
    db.prisma.forwardRule.findMany({
      where,
      include: { destinations: { orderBy: { createdAt: 'asc' } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
    }),
    db.prisma.forwardRule.count({ where }),
  ])
  return { items: rows.map(ruleView), total, page: input.page, pageSize: input.pageSize }
}

/**
 * Run history of rules over the last `hours`: rows forwarded (per destination) and failed per rule, and the time of
 * the last run.
 */
export async function ruleStats(db: Db, ruleIds: string[], hours = 24) {
  if (ruleIds.length === 0) return []
  const { rows } = await db.pool.query<{ rule_id: string; ok: string; failed: string; last_at: Date | null }>(
    `SELECT substring(content from '"ruleId":"([0-9a-f-]{36})"') AS rule_id,
            sum(${FORWARDED_ROWS_SQL}) FILTER (WHERE code = 200) AS ok,
            count(*) FILTER (WHERE code <> 200) AS failed,
            max(ts) AS last_at
     FROM run_log
     WHERE biz_type = $1 AND ts > now() - make_interval(hours => $2::int)
       AND substring(content from '"ruleId":"([0-9a-f-]{36})"') = ANY($3)
     GROUP BY 1`,
    [RULE_ENGINE_BIZ, hours, ruleIds],
  )
  const dead = await db.prisma.forwardDeadLetter.groupBy({
    by: ['ruleId'],
    where: { ruleId: { in: ruleIds }, replayedAt: null },
    _count: { _all: true },
  })
  return ruleIds.map((id) => {
    const r = rows.find((x) => x.rule_id === id)
    return {
      ruleId: id,
      forwarded: Number(r?.ok ?? 0),
      failed: Number(r?.failed ?? 0),
      lastRunAt: r?.last_at ?? null,
      deadLetters: dead.find((d) => d.ruleId === id)?._count._all ?? 0,
    }
  })
}

// ───────────────────────────── destinations ─────────────────────────────

async function checkDestination(db: Db, d: TForwardDestinationConfig) {
  if (d.type === 'REPUBLISH') {
    // a topic devices may subscribe to: /{pk}/{dn}/user/<suffix> of a SUB or ALL topic class of the product
    const [, pk, , ...rest] = d.config.topic.split('/')
    const product = await db.prisma.product.findUnique({
      where: { productKey: pk! },
      select: { topicClasses: { select: { suffix: true, operation: true } } },
    })
    if (!product) throw badRequest(`the product ${pk} of the republish topic does not exist`, 9321)
    const suffix = `/${rest.slice(1).join('/')}`
    const ok = product.topicClasses.some(
      (c) => c.operation !== 'PUB' && (c.suffix.includes('$') || topicMatches(`/${c.suffix}`, suffix)),
    )
    if (!ok && !suffix.includes('${'))
      throw badRequest(
        `devices cannot subscribe to ${d.config.topic}: add a topic class user${suffix} with the subscribe right to the product first`,
        9321,
      )
  }
}

export async function addDestination(
  db: Db,
  actor: Actor,
  ruleId: string,
  input: z.input<typeof ZForwardDestinationConfig>,
  enabled = true,
) {
  const dest = ZForwardDestinationConfig.parse(input)
  const rule = await db.prisma.forwardRule.findUnique({ where: { id: ruleId }, include: { destinations: true } })
  if (!rule) throw notFound('the forwarding rule')
  if (rule.destinations.length >= 10) throw badRequest('a rule has at most 10 destinations', 9321)
  await checkDestination(db, dest)
  const d = await db.prisma.$transaction(async (tx) => {
    const d = await tx.forwardDestination.create({
      data: { ruleId, type: dest.type, config: dest.config as Prisma.InputJsonValue, enabled },
    })
    await audit(
      tx,
      actor,
      'CreateRuleAction',
      { type: 'forwardDestination', id: d.id },
      { rule: rule.name, type: d.type },
    )
    return d
  })
  await forwardChanged()
  return destinationView(d)
}

export async function updateDestination(
  db: Db,
  actor: Actor,
  id: string,
  input: z.input<typeof ZForwardDestinationConfig>,
  enabled = true,
) {
  const parsed = ZForwardDestinationConfig.parse(input)
  const prev = await db.prisma.forwardDestination.findUnique({ where: { id }, include: { rule: true } })
  if (!prev) throw notFound('the destination')
  const dest = unmask(parsed, prev)
  await checkDestination(db, dest)
  const d = await db.prisma.$transaction(async (tx) => {
    const d = await tx.forwardDestination.update({
      where: { id },
      data: { type: dest.type, config: dest.config as Prisma.InputJsonValue, enabled },
    })
    await audit(
      tx,
      actor,
      'UpdateRuleAction',
      { type: 'forwardDestination', id },
      { rule: prev.rule.name, type: d.type },
    )
    return d
  })
  await forwardChanged()
  return destinationView(d)
}

export async function deleteDestination(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const d = await tx.forwardDestination.findUnique({ where: { id }, include: { rule: true } })
    if (!d) throw notFound('the destination')
    const others = await tx.forwardDestination.count({ where: { ruleId: d.ruleId, enabled: true, id: { not: id } } })
    if (d.rule.enabled && others === 0)
      throw badRequest('this is the running rule’s last destination; stop the rule before deleting it', 9321)
    await tx.forwardDeadLetter.deleteMany({ where: { destinationId: id } })
    await tx.forwardDestination.delete({ where: { id } })
    await audit(tx, actor, 'DeleteRuleAction', { type: 'forwardDestination', id }, { rule: d.rule.name, type: d.type })
  })
  await forwardChanged()
  return { ok: true as const }
}

// ───────────────────────────── test, dead letters ─────────────────────────────

/**
 * Runs a statement on a sample payload as the engine would (same input format per topic class): the selected row,
 * `null` when WHERE leaves the message out, or the 9307 / 9320 error with its message.
 */
export function testSql(input: z.input<typeof ZForwardSqlTest>) {
  const q = ZForwardSqlTest.parse(input)
  const c = checkRuleSql(q.sql)
  if (!c.ok) return { ok: false as const, code: c.code, message: c.message }
  const st = parseRuleSql(q.sql)
  const deviceName = q.deviceName || 'device1'
  const concrete = st.topic
    .split('/')
    .map((s, i) =>
      s === '+' ? (i === 2 || (c.kind === 'lifecycle' && i === 5) ? deviceName : 'x') : s === '#' ? 'x' : s,
    )
    .join('/')
  const at = new Date()
  const data = ruleInput({ payload: Buffer.from(q.payload), productKey: c.productKey, deviceName, at }, concrete, {
    kind: c.kind,
    binary: false,
  })
  if (!data.ok) return { ok: false as const, code: 9320, message: data.message }
  try {
    const row = runRuleSql(st, data.value, {
      productKey: c.productKey,
      deviceName,
      topic: ruleTopic(concrete),
      messageId: 'test',
      at: at.getTime(),
    })
    return { ok: true as const, row, input: data.value }
  } catch (e) {
    if (e instanceof RuleSqlError) return { ok: false as const, code: e.code, message: e.message }
    return { ok: false as const, code: 9362, message: (e as Error).message }
  }
}

export async function listDeadLetters(db: Db, input: z.input<typeof ZDeadLetterList>) {
  const q = ZDeadLetterList.parse(input)
  const where: Prisma.ForwardDeadLetterWhereInput = q.ruleId ? { ruleId: q.ruleId } : {}
  const [rows, total] = await Promise.all([
    db.prisma.forwardDeadLetter.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.prisma.forwardDeadLetter.count({ where }),
  ])
  const rules = await db.prisma.forwardRule.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.ruleId))] } },
    select: { id: true, name: true },
  })
  const dests = await db.prisma.forwardDestination.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.destinationId))] } },
    select: { id: true, type: true },
  })
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      at: r.at,
      ruleId: r.ruleId,
      ruleName: rules.find((x) => x.id === r.ruleId)?.name ?? null,
      destinationId: r.destinationId,
      destinationType: (dests.find((x) => x.id === r.destinationId)?.type ?? null) as ForwardType | null,
      traceId: r.traceId,
      payload: r.payload,
      code: r.code,
      error: r.error,
      attempts: r.attempts,
      replayedAt: r.replayedAt,
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  }
}

export interface ReplayDeps {
  db: Db
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>
  record(r: {
    productKey: string | null
    deviceName: string | null
    traceId: string
    messageId: string | null
    bizType: string
    operation: string
    code: number
    content: string
  }): Promise<void>
}

/**
 * Sends a dead letter once more to its destination (as configured now). Success marks it replayed and writes a
 * RuleEngine run-log record in the original trace; a failure keeps it, with the new error and one more attempt.
 */
export async function replayDeadLetter(deps: ReplayDeps, actor: Actor, id: string) {
  const { db } = deps
  const dl = await db.prisma.forwardDeadLetter.findUnique({ where: { id: BigInt(id) } })
  if (!dl) throw notFound('the dead letter')
  if (dl.replayedAt) throw conflict('this dead letter was already replayed')
  const dest = await db.prisma.forwardDestination.findUnique({
    where: { id: dl.destinationId },
    include: { rule: true },
  })
  if (!dest) throw notFound('the destination of this dead letter')
  let row: Record<string, unknown>
  try {
    row = JSON.parse(dl.payload) as Record<string, unknown>
  } catch {
    row = { payload: dl.payload }
  }
  const sender = createSender(dest.type as ForwardType, dest.config, { publish: deps.publish })
  const traceId = dl.traceId ?? `replay${Date.now().toString(36)}`
  const ctx = {
    traceId,
    productKey: dest.rule.productKey,
    deviceName: typeof row.deviceName === 'string' ? row.deviceName : '',
  }
  const log = (code: number, extra: Record<string, unknown>) =>
    deps
      .record({
        productKey: dest.rule.productKey,
        deviceName: ctx.deviceName || null,
        traceId,
        messageId: null,
        bizType: RULE_ENGINE_BIZ,
        operation: dest.type.toLowerCase(),
        code,
        content: logContent({
          ruleName: dest.rule.name,
          ruleId: dest.ruleId,
          destinationId: dest.id,
          replay: true,
          Content: dl.payload,
          ...extra,
        }),
      })
      .catch(() => {})
  try {
    // as the engine sends it (a batch-mode webhook gets a one-row array)
    if (sender.sendBatch) await sender.sendBatch([{ row, text: dl.payload, ctx }])
    else await sender.send(row, dl.payload, ctx)
  } catch (e) {
    const f = e instanceof ForwardFailure ? e : new ForwardFailure(9331, (e as Error).message, true)
    await db.prisma.forwardDeadLetter.update({
      where: { id: dl.id },
      data: { attempts: { increment: 1 }, code: f.code, error: f.message },
    })
    await log(f.code, { Message: f.message })
    throw new AppError('PRECONDITION_FAILED', `replay failed: ${f.message}`, f.code)
  } finally {
    await sender.close()
  }
  await db.prisma.$transaction(async (tx) => {
    await tx.forwardDeadLetter.update({
      where: { id: dl.id },
      data: { replayedAt: new Date(), attempts: { increment: 1 } },
    })
    await audit(tx, actor, 'ReplayForwardDeadLetter', { type: 'forwardDeadLetter', id }, { rule: dest.rule.name })
  })
  await log(200, {})
  return { ok: true as const }
}
