/**
 * The green run-log record of forwarding: one per message and rule, written once every destination of the rule has
 * answered, listing the destinations that took the row —
 *
 *   {"destinations":[{"destinationId":…,"operation":"webhook","latencyMs":12},…],"at":<accepted, ms>,
 *    "ruleName":…,"ruleId":…,"Content":"<the row>"}
 *
 * (a failed destination keeps a red record of its own). One row instead of one per destination: each run-log row
 * costs PostgreSQL its indexes, and green records were most of forwarding's database work (docs/PERFORMANCE.md).
 * The message trace shows it as one hop per destination again (`expandFanout`), in the per-destination form that
 * failures and replays use: `{"destinationId":…,"latencyMs":…,"ruleName":…,"ruleId":…,"Content":…}`.
 * The list comes first so a long row that `logContent` would cut only loses the end of its Content.
 */
import type { RunLogRow } from '../runlog/search'

export interface FanoutHop {
  destinationId: string
  operation: string
  latencyMs: number
}

/** `rest` is `"ruleName":…,"ruleId":…,"Content":"…"}` (JSON without its opening brace). */
export function fanoutContent(hops: FanoutHop[], at: number, rest: string): string {
  const list = hops.map(
    (h) =>
      `{"destinationId":${JSON.stringify(h.destinationId)},"operation":"${h.operation}","latencyMs":${h.latencyMs}}`,
  )
  return `{"destinations":[${list.join(',')}],"at":${at},${rest}`
}

const FANOUT = /^\{"destinations":(\[[^\]]*\]),"at":(\d+),/

/** A fan-out record as one hop per destination (at the time it answered); any other record as it is. */
export function expandFanout<R extends RunLogRow>(row: R): R[] {
  const m = row.code === 200 ? FANOUT.exec(row.content) : null
  if (!m) return [row]
  const at = Number(m[2])
  const rest = row.content.slice(m[0].length)
  return (JSON.parse(m[1]!) as FanoutHop[]).map((h) => ({
    ...row,
    ts: new Date(at + h.latencyMs),
    operation: h.operation,
    content: `{"destinationId":${JSON.stringify(h.destinationId)},"latencyMs":${h.latencyMs},${rest}`,
  }))
}

/**
 * SQL: how many destination rows a RuleEngine record stands for — the destinations of a green fan-out record (each
 * has one `"latencyMs":`; the row inside Content is escaped, so its own keys do not count), else one.
 */
export const FORWARDED_ROWS_SQL = `greatest(1, (length(content) - length(replace(content, '"latencyMs":', ''))) / 12)`
