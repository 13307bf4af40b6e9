import type { Db } from '@iotops/db'
import { parse } from 'libpg-query'
import type { Logger } from 'pino'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import { ANALYSIS_TABLES, type TAnalysisQuery, type TSavedQueryInput } from './schema'

/** Functions an analysis query may call: aggregates, time buckets, text and JSON helpers — nothing with effects. */
const FUNCTIONS = new Set([
  // aggregates and windows
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'variance',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'bool_and',
  'bool_or',
  'string_agg',
  'array_agg',
  'row_number',
  'rank',
  'dense_rank',
  'lag',
  'lead',
  // time
  'date_trunc',
  'date_bin',
  'date_part',
  'extract',
  'to_char',
  'to_timestamp',
  'now',
  'age',
  'make_interval',
  'timezone',
  // text and numbers
  'lower',
  'upper',
  'length',
  'substring',
  'substr',
  'split_part',
  'position',
  'strpos',
  'left',
  'right',
  'concat',
  'concat_ws',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'replace',
  'regexp_replace',
  'regexp_match',
  'regexp_substr',
  'starts_with',
  'round',
  'floor',
  'ceil',
  'ceiling',
  'abs',
  'greatest',
  'least',
  'coalesce',
  'nullif',
  'md5',
  // JSON inside the content column, and the keyword index
  'jsonb_extract_path_text',
  'json_extract_path_text',
  'jsonb_typeof',
  'to_tsquery',
  'plainto_tsquery',
  'websearch_to_tsquery',
  'ts_rank',
])
const SCHEMAS = new Set(['pg_catalog'])
export const MAX_ROWS = 1000
export const TIMEOUT_MS = 5000
const ROLE = 'iotops_analyst'

/** {{from}} and {{to}} stand for the chosen time range (parameters, never text pasted into the query). */
function bindRange(sql: string) {
  return sql.replaceAll('{{from}}', '$1::timestamptz').replaceAll('{{to}}', '$2::timestamptz')
}

type Node = unknown

/**
 * Checks a query is one plain SELECT (CTEs and subqueries allowed) that reads only the log tables and calls only
 * the allowed functions, using PostgreSQL's own parser. Throws a specific error for anything else.
 */
export async function checkAnalysisSql(sql: string): Promise<void> {
  let tree: { stmts?: { stmt: Record<string, Node> }[] }
  try {
    tree = (await parse(bindRange(sql))) as typeof tree
  } catch (e) {
    throw badRequest(`the query does not parse: ${(e as Error).message}`)
  }
  const stmts = tree.stmts ?? []
  if (stmts.length !== 1) throw badRequest('write exactly one SELECT statement')
  const top = stmts[0]!.stmt
  if (!('SelectStmt' in top)) throw badRequest(`only SELECT queries can run here, not ${Object.keys(top)[0]}`)
  const ctes = new Set<string>()
  const visit = (n: Node): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x)
      return
    }
    if (!n || typeof n !== 'object') return
    for (const [k, v] of Object.entries(n as Record<string, Node>)) {
      if (k === 'CommonTableExpr') ctes.add(String((v as { ctename?: string }).ctename))
      if (k.endsWith('Stmt') && k !== 'SelectStmt')
        throw badRequest(`only SELECT can run here: ${k.replace(/Stmt$/, '').toUpperCase()} is not allowed`)
      if (k === 'intoClause') throw badRequest('SELECT … INTO cannot run here: analysis is read-only')
      if (k === 'lockingClause') throw badRequest('FOR UPDATE/SHARE cannot run here: analysis is read-only')
      if (k === 'RangeVar') {
        const r = v as { relname: string; schemaname?: string }
        const ok =
          (!r.schemaname || r.schemaname === 'public') &&
          ((ANALYSIS_TABLES as readonly string[]).includes(r.relname) || (!r.schemaname && ctes.has(r.relname)))
        if (!ok)
          throw badRequest(
            `${r.schemaname ? `${r.schemaname}.` : ''}${r.relname} cannot be read here; use ${ANALYSIS_TABLES.join(', ')}`,
          )
      }
      if (k === 'FuncCall') {
        const names = ((v as { funcname: { String: { sval: string } }[] }).funcname ?? []).map((x) => x.String.sval)
        const name = names[names.length - 1]!
        const schema = names.length > 1 ? names[0]! : null
        if ((schema && !SCHEMAS.has(schema)) || !FUNCTIONS.has(name.toLowerCase()))
          throw badRequest(`the function ${names.join('.')} cannot be called here`)
      }
      visit(v)
    }
  }
  // CTE names first, so their references are known
  const withClause = (top.SelectStmt as { withClause?: { ctes?: Node[] } }).withClause
  for (const c of withClause?.ctes ?? [])
    ctes.add(String((c as { CommonTableExpr: { ctename: string } }).CommonTableExpr.ctename))
  visit(top)
}

let roleReady: Promise<boolean> | null = null
/** A role that may only read the log tables; used when the database user may create it (else read-only alone). */
function analystRole(db: Db, log?: Logger): Promise<boolean> {
  roleReady ??= (async () => {
    const tryQuery = (sql: string) =>
      db.pool.query(sql).then(
        () => true,
        () => false,
      )
    const exists = async () =>
      (await db.pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROLE])).rows.length > 0
    if (!(await exists())) await tryQuery(`CREATE ROLE ${ROLE} NOLOGIN`)
    await tryQuery(`GRANT SELECT ON ${ANALYSIS_TABLES.join(', ')} TO ${ROLE}`)
    await tryQuery(`GRANT ${ROLE} TO CURRENT_USER`)
    const { rows } = await db.pool
      .query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'USAGE')
              AND has_table_privilege($1, 'run_log', 'SELECT') AS ok`,
        [ROLE],
      )
      .catch(() => ({ rows: [{ ok: false }] }))
    if (!rows[0]?.ok)
      log?.warn('no read-only analysis role (the database user cannot create it); analysis queries run read-only')
    return !!rows[0]?.ok
  })()
  return roleReady
}

export interface AnalysisResult {
  columns: { name: string; kind: 'number' | 'time' | 'text' }[]
  rows: unknown[][]
  truncated: boolean
  elapsedMs: number
}

const NUMBER_TYPES = new Set([20, 21, 23, 700, 701, 1700])
const TIME_TYPES = new Set([1082, 1114, 1184])

/**
 * Runs a checked query in a read-only transaction as the read-only role, with a statement timeout and a row limit;
 * {{from}}/{{to}} default to the last 24 hours.
 */
export async function runAnalysis(db: Db, q: TAnalysisQuery, log?: Logger): Promise<AnalysisResult> {
  await checkAnalysisSql(q.sql)
  const to = q.to ?? new Date()
  const from = q.from ?? new Date(to.getTime() - 86_400_000)
  const useRole = await analystRole(db, log)
  const client = await db.pool.connect()
  const start = performance.now()
  try {
    await client.query('BEGIN READ ONLY')
    await client.query(`SET LOCAL statement_timeout = ${TIMEOUT_MS}`)
    if (useRole) await client.query(`SET LOCAL ROLE ${ROLE}`)
    const sql = bindRange(q.sql).replace(/;\s*$/, '')
    // both range parameters are always bound (declared once here), whether the query uses one, both or neither
    const r = await client.query({
      text: `WITH _range AS (SELECT $1::timestamptz AS "from", $2::timestamptz AS "to")
             SELECT q.* FROM (${sql}) AS q LIMIT ${MAX_ROWS + 1}`,
      values: [from, to],
      rowMode: 'array',
    })
    return {
      columns: r.fields.map((f) => ({
        name: f.name,
        kind: NUMBER_TYPES.has(f.dataTypeID) ? 'number' : TIME_TYPES.has(f.dataTypeID) ? 'time' : 'text',
      })),
      rows: r.rows
        .slice(0, MAX_ROWS)
        .map((row: unknown[]) => row.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v))),
      truncated: r.rows.length > MAX_ROWS,
      elapsedMs: Math.round(performance.now() - start),
    }
  } catch (e) {
    const err = e as { code?: string; message: string }
    if (err.code === '57014')
      throw badRequest(`the query ran longer than ${TIMEOUT_MS / 1000} s; narrow the time range`)
    if (err.code?.startsWith('42') || err.code?.startsWith('22')) throw badRequest(err.message)
    throw e
  } finally {
    await client.query('ROLLBACK').catch(() => {})
    client.release()
  }
}

export async function listSavedQueries(db: Db) {
  return db.prisma.savedLogQuery.findMany({ orderBy: { name: 'asc' } })
}

export async function saveQuery(db: Db, actor: Actor, input: TSavedQueryInput, id?: string) {
  await checkAnalysisSql(input.sql)
  const same = await db.prisma.savedLogQuery.findUnique({ where: { name: input.name } })
  if (same && same.id !== id) throw conflict(`a saved query named ${input.name} already exists`)
  if (id && !(await db.prisma.savedLogQuery.findUnique({ where: { id } }))) throw notFound('the saved query')
  const data = { name: input.name, sql: input.sql, chart: input.chart }
  const q = id
    ? await db.prisma.savedLogQuery.update({ where: { id }, data })
    : await db.prisma.savedLogQuery.create({ data: { ...data, createdBy: actor.name } })
  await audit(
    db.prisma,
    actor,
    id ? 'UpdateLogQuery' : 'SaveLogQuery',
    { type: 'logQuery', id: q.id },
    { name: q.name },
  )
  return q
}

/**
 * Deletes a saved query, refused (CONFLICT, nothing changed) while log alert rules use it: the error names them, and
 * its details carry `{ rules: [{ id, name }] }`.
 */
export async function deleteSavedQuery(db: Db, actor: Actor, id: string) {
  const q = await db.prisma.savedLogQuery.findUnique({ where: { id } })
  if (!q) throw notFound('the saved query')
  await db.prisma.$transaction(async (tx) => {
    // (a rule saved in the same instant can still slip past; the alarm engine then reports its query as deleted)
    const rules = await tx.alarmRule.findMany({
      where: { queryId: id },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    })
    if (rules.length > 0) throw savedQueryInUse(q.name, rules)
    await tx.savedLogQuery.delete({ where: { id } })
  })
  await audit(db.prisma, actor, 'DeleteLogQuery', { type: 'logQuery', id }, { name: q.name })
  return { ok: true }
}

/** The saved query `name` cannot go: these log alert rules run it. */
export function savedQueryInUse(name: string, rules: { id: string; name: string }[]) {
  const names = rules.map((r) => r.name)
  const list = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ')
  return new AppError(
    'CONFLICT',
    `the saved query ${name} is used by the log alert ${rules.length === 1 ? 'rule' : 'rules'} ${list}; ` +
      'change or delete those rules first',
    undefined,
    { rules },
  )
}
