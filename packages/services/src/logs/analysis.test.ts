import { describe, expect, it } from 'vitest'
import { checkAnalysisSql } from './analysis'

const ok = (sql: string) => expect(checkAnalysisSql(sql)).resolves.toBeUndefined()
const refused = (sql: string, why: RegExp) => expect(checkAnalysisSql(sql)).rejects.toThrow(why)

describe('analysis queries: one read-only SELECT over the log tables', () => {
  it('accepts selects, time buckets, CTEs and subqueries over the log stores', async () => {
    await ok(`SELECT date_trunc('hour', ts) AS t, count(*) FROM run_log WHERE code <> 200 GROUP BY 1 ORDER BY 1`)
    await ok(
      `WITH e AS (SELECT device_name, code FROM run_log_dump WHERE ts >= {{from}} AND ts < {{to}})
       SELECT code, count(*) AS n FROM e GROUP BY code ORDER BY n DESC`,
    )
    await ok(`SELECT level, count(*) FROM (SELECT * FROM device_log_dump) d GROUP BY level;`)
    await ok(`SELECT date_bin('5 minutes', ts, TIMESTAMPTZ 'epoch'), count(*) FROM device_log GROUP BY 1`)
  })

  it('refuses anything that writes, locks, reads other tables or calls other functions', async () => {
    await refused('DELETE FROM run_log', /only SELECT/)
    await refused('SELECT 1; SELECT 2', /exactly one/)
    await refused('WITH x AS (DELETE FROM run_log RETURNING *) SELECT * FROM x', /DELETE is not allowed/)
    await refused('SELECT * INTO t FROM run_log', /read-only/)
    await refused('SELECT * FROM run_log FOR UPDATE', /read-only/)
    await refused('SELECT * FROM "user"', /user cannot be read/)
    await refused('SELECT * FROM pg_catalog.pg_authid', /pg_authid cannot be read/)
    await refused('SELECT pg_sleep(10)', /pg_sleep cannot be called/)
    await refused(`SELECT pg_read_file('/etc/passwd')`, /pg_read_file/)
    await refused('SELECT public.count(*) FROM run_log', /public.count cannot be called/)
    await refused('SELEC * FROM run_log', /does not parse/)
  })
})
