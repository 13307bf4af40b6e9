import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import { type RuleSpec, type RuleState, step, type Transition } from '../alarms/evaluate'
import { localTime } from '../alarms/message'
import type { Operator } from '../alarms/schema'
import { AppError } from '../errors'
import { type AnalysisResult, runAnalysis } from './analysis'

// Log alerts: a saved log-analysis query run over each closed period, its first number compared with a condition.
// The alarm engine drives the periods and records/notifies transitions; what a period yields and how it moves the
// rule's state lives here.

/** What one period of a log rule yielded: a number, or why there is none. */
export type LogPeriodOutcome = { value: number; error: null } | { value: null; error: string }

/**
 * The number a log rule compares: the first numeric value of the first row; a query returning no rows counted
 * nothing (0). A first row without any number is an error the user must fix, never a silent 0.
 */
export function firstNumber(r: Pick<AnalysisResult, 'columns' | 'rows'>): LogPeriodOutcome {
  const row = r.rows[0]
  if (!row) return { value: 0, error: null }
  for (const v of row) {
    if (typeof v === 'number' && Number.isFinite(v)) return { value: v, error: null }
    if (typeof v === 'bigint') return { value: Number(v), error: null }
  }
  return {
    value: null,
    error: `the query's first row has no numeric column (columns: ${r.columns.map((c) => c.name).join(', ') || 'none'})`,
  }
}

/** Runs a rule's saved query over one period; a failure (timeout, rejected SQL, deleted query) is an outcome too. */
export async function runLogPeriod(
  db: Db,
  queryId: string | null,
  from: Date,
  to: Date,
  log?: Logger,
): Promise<LogPeriodOutcome & { query: string | null }> {
  const q = queryId ? await db.prisma.savedLogQuery.findUnique({ where: { id: queryId } }) : null
  if (!q) return { value: null, error: 'the saved query of this rule was deleted', query: null }
  try {
    return { ...firstNumber(await runAnalysis(db, { sql: q.sql, from, to }, log)), query: q.name }
  } catch (e) {
    const message = e instanceof AppError ? e.message : `the query failed: ${(e as Error).message}`
    return { value: null, error: message, query: q.name }
  }
}

/**
 * One closed period through a log rule's state machine. A number is judged as a threshold rule judges its metric
 * (fires after `periods` periods, repeats after the silence, recovers). A failed period is announced at once as
 * NO_DATA with its reason — a query that cannot run is never taken for "all is well" — and when the query works
 * again the rule recovers (RECOVERED) before it is judged as usual.
 */
export function stepLog(
  spec: Omit<RuleSpec, 'noDataAlert' | 'counter'>,
  s: RuleState,
  p: { start: number; end: number; outcome: LogPeriodOutcome },
): { state: RuleState; transition: Transition | null } {
  if (p.outcome.error !== null) {
    const missing = s.missing + 1
    if (s.state === 'NO_DATA') return { state: { ...s, streak: 0, missing }, transition: null }
    return {
      state: { ...s, state: 'NO_DATA', streak: 0, missing, since: p.start, lastNotifiedAt: p.end },
      transition: 'NO_DATA',
    }
  }
  const full: RuleSpec = { ...spec, noDataAlert: true, counter: false }
  return step(full, s, { start: p.start, end: p.end, value: p.outcome.value, reference: null })
}

interface LogRuleLike {
  id: string
  name: string
  operator: string
  threshold: number
  periods: number
  granularity: number
  level: string
  queryId: string | null
}

/** The text and JSON of a log alarm, laid out like the threshold alarms'. */
export function logAlarmMessage(a: {
  instanceId: string
  regionId: string
  rule: LogRuleLike
  query: string | null
  transition: Transition
  /** end of the period */
  at: number
  value: number | null
  error: string | null
  durationSeconds: number | null
}) {
  const { rule } = a
  const queryName = a.query ?? '(deleted query)'
  const value = a.value === null ? 'no value' : String(Math.round(a.value * 1000) / 1000)
  const period = `${localTime(a.at - rule.granularity * 60_000)} – ${localTime(a.at)}`
  const what = {
    ALARM: `alarm: the query returned ${value} for ${period}`,
    REPEAT: `still alarming: the query returned ${value} for ${period}`,
    RECOVERED: `recovered: the query returned ${value} for ${period}`,
    NO_DATA: `no result for ${period}: ${a.error ?? 'the query returned nothing usable'}`,
  }[a.transition]
  const text = [
    `IoT Ops instance: instanceId=${a.instanceId}, regionId=${a.regionId}`,
    `Log alert on saved query "${queryName}" — ${what}.`,
    `Rule details: alarm rule ${rule.name}, every ${rule.granularity} min, ${rule.periods} consecutive period(s) meeting: value ${rule.operator} ${rule.threshold}.`,
  ].join('\n')
  const label = { ALARM: 'ALARM', REPEAT: 'ALARM (repeat)', RECOVERED: 'RECOVERED', NO_DATA: 'NO DATA' }[a.transition]
  return {
    subject: `[${rule.level}] ${label}: ${rule.name} — log query ${queryName}`,
    text,
    durationSeconds: a.durationSeconds,
    data: {
      kind: 'log',
      status: a.transition,
      level: rule.level,
      instanceId: a.instanceId,
      regionId: a.regionId,
      query: queryName,
      queryId: rule.queryId,
      value: a.value,
      error: a.error,
      from: new Date(a.at - rule.granularity * 60_000).toISOString(),
      at: new Date(a.at).toISOString(),
      durationSeconds: a.durationSeconds,
      rule: {
        id: rule.id,
        name: rule.name,
        operator: rule.operator as Operator,
        threshold: rule.threshold,
        periods: rule.periods,
        granularity: rule.granularity,
      },
    },
  }
}
