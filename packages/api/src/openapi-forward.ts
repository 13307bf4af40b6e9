// OpenAPI actions for data forwarding rules (reference: CreateRule, CreateRuleAction, StartRule, StopRule, ListRule,
// GetRule, UpdateRule, DeleteRule, ListRuleActions, DeleteRuleAction), merged into the action table of openapi.ts.
import { AppError, forward } from '@iotops/services'
import { type Action, num, type Params, required, str } from './openapi-params'

const need = (p: Params, k: string) => required(p, k, 9321)
/** RuleId / ActionId: the ids our rules and actions have (UUIDs). */
const id = (p: Params, k: 'RuleId' | 'ActionId') => {
  const v = need(p, k)
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
    throw new AppError('NOT_FOUND', `no rule${k === 'ActionId' ? ' action' : ''} has the id ${v}`, 9321)
  return v
}

/** The statement from the reference's parts: Select, ShortTopic (after the ProductKey, or a full topic), Where. */
function statement(p: Params, prev?: { productKey: string; select: string; topic: string; where: string }) {
  const select = str(p, 'Select')?.trim() || prev?.select || '*'
  const short = str(p, 'ShortTopic')?.trim()
  const pk = str(p, 'ProductKey')?.trim() || prev?.productKey
  let topic = prev?.topic
  if (short) {
    if (short.startsWith('/')) topic = short
    else if (!pk) throw new AppError('BAD_REQUEST', 'ProductKey is required with a ShortTopic', 9321)
    else topic = `/${pk}/${short}`
  }
  if (!topic) throw new AppError('BAD_REQUEST', 'ShortTopic is required, e.g. +/thing/event/property/post', 9321)
  const where = p.Where === undefined ? (prev?.where ?? '') : String(p.Where).trim()
  return `SELECT ${select} FROM "${topic}"${where ? ` WHERE ${where}` : ''}`
}

/** Select / topic / Where of a stored statement, as the reference returns them. */
function parts(sql: string) {
  const m = /^\s*select\s+([\s\S]*?)\s+from\s+"([^"]*)"(?:\s+where\s+([\s\S]*))?\s*$/i.exec(sql)
  return { select: m?.[1] ?? '*', topic: m?.[2] ?? '', where: m?.[3] ?? '' }
}

const ruleInfo = (r: forward.ForwardRuleView) => {
  const x = parts(r.sql)
  return {
    Id: r.id,
    Name: r.name,
    ProductKey: r.productKey,
    ShortTopic: x.topic.startsWith(`/${r.productKey}/`) ? x.topic.slice(r.productKey.length + 2) : x.topic,
    Topic: r.topic,
    Select: x.select,
    Where: x.where,
    Sql: r.sql,
    DataType: r.dataType,
    Status: r.enabled ? 'RUNNING' : 'STOP',
    RuleDesc: r.description ?? '',
    LastError: r.lastError ?? undefined,
    CreateUserId: r.createdBy,
    Created: r.createdAt.toISOString(),
    Modified: r.updatedAt.toISOString(),
  }
}

const actionInfo = (a: forward.ForwardDestinationView) => ({
  Id: a.id,
  RuleId: a.ruleId,
  Type: a.type,
  Configuration: JSON.stringify(a.config),
  Status: a.enabled ? 'RUNNING' : 'STOP',
  ErrorActionFlag: false,
})

function configuration(p: Params) {
  const v = p.Configuration
  if (v && typeof v === 'object') return v
  try {
    return JSON.parse(need(p, 'Configuration'))
  } catch (e) {
    if (e instanceof AppError) throw e
    throw new AppError('BAD_REQUEST', 'Configuration is not a JSON object', 9321)
  }
}

export const FORWARD_ACTIONS: Record<string, Action> = {
  CreateRule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const r = await forward.createRule(d.db, actor, {
        name: need(p, 'Name'),
        description: str(p, 'RuleDesc'),
        sql: statement(p),
        dataType: str(p, 'DataType') === 'BINARY' ? 'BINARY' : 'JSON',
      })
      return { RuleId: r.id }
    },
  },
  UpdateRule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const prev = await forward.getRule(d.db, id(p, 'RuleId'))
      const x = parts(prev.sql)
      const r = await forward.updateRule(d.db, actor, prev.id, {
        name: str(p, 'Name') ?? prev.name,
        description: str(p, 'RuleDesc') ?? prev.description,
        sql: statement(p, { productKey: prev.productKey, ...x }),
        dataType: prev.dataType,
      })
      return { RuleInfo: ruleInfo(r) }
    },
  },
  GetRule: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      return { RuleInfo: ruleInfo(await forward.getRule(d.db, id(p, 'RuleId'))) }
    },
  },
  ListRule: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      const page = num(p, 'CurrentPage') ?? 1
      const pageSize = num(p, 'PageSize') ?? 10
      const r = await forward.listRules(d.db, { page, pageSize, search: str(p, 'SearchName') })
      return { RuleInfo: r.items.map(ruleInfo), Total: r.total, Page: r.page, PageSize: r.pageSize }
    },
  },
  StartRule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await forward.setRuleEnabled(d.db, actor, id(p, 'RuleId'), true)
      return undefined
    },
  },
  StopRule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await forward.setRuleEnabled(d.db, actor, id(p, 'RuleId'), false)
      return undefined
    },
  },
  DeleteRule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await forward.deleteRule(d.db, actor, id(p, 'RuleId'))
      return undefined
    },
  },
  CreateRuleAction: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const a = await forward.addDestination(d.db, actor, id(p, 'RuleId'), {
        type: need(p, 'Type').toUpperCase() as 'REPUBLISH',
        config: configuration(p),
      })
      return { ActionId: a.id }
    },
  },
  ListRuleActions: {
    role: 'VIEWER',
    async run(d, _actor, p) {
      const r = await forward.getRule(d.db, id(p, 'RuleId'))
      return { RuleActionList: r.destinations.map(actionInfo) }
    },
  },
  DeleteRuleAction: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await forward.deleteDestination(d.db, actor, id(p, 'ActionId'))
      return undefined
    },
  },
}
