// Log-service benchmark (issue 5): 10M cloud run-log rows over 7 days (1,000 devices), then
//  - search: keyword + product + DeviceName + last 24 h, newest first, first page (50) — p50/p95 over many devices
//    and keywords, through the same service call the console and API use;
//  - ingest: run-log records written through the pipeline's batch writer (COPY, 1,000 rows a batch, 3 in flight;
//    `--method insert` for the unnest INSERT), sustained records/s with the GIN keyword index maintained.
//    `--index-sql '<sql>'` runs after the history load (to measure an index change before it becomes a migration).
// Writes bench/results/logs-<date>.json.
//
//   pnpm --filter @iotops/bench logs
//   pnpm --filter @iotops/bench logs -- --rows 1000000 --searches 200 --ingest-seconds 10
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createDb, ensurePartition, migrate, startEmbeddedPostgres } from '@iotops/db'
import { createRunLogWriter, newTraceId, searchRunLog } from '@iotops/services'

const here = path.dirname(fileURLToPath(import.meta.url))
const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rows: { type: 'string' },
    devices: { type: 'string' },
    searches: { type: 'string' },
    'ingest-seconds': { type: 'string' },
    out: { type: 'string' },
    explain: { type: 'boolean' },
    // ingest variants (defaults: the node's writer as it runs in the pipeline)
    batch: { type: 'string' },
    inflight: { type: 'string' },
    // 'copy' (COPY … FROM STDIN, the default), 'insert' (unnest INSERT), or a list run one after the other
    method: { type: 'string' },
    // run SQL after the history load and before the searches, e.g. an index change under test
    'index-sql': { type: 'string' },
    // PostgreSQL's shared_buffers for the run (e.g. 1GB; the node's server runs with the default, 128MB)
    'shared-buffers': { type: 'string' },
    // then run SQL on the loaded table (e.g. swap an index) and measure the searches and the ingest again
    'after-sql': { type: 'string' },
  },
})
const cfg = {
  rows: Number(argv.rows ?? 10_000_000),
  devices: Number(argv.devices ?? 1000),
  days: 7,
  searches: Number(argv.searches ?? 300),
  ingestSeconds: Number(argv['ingest-seconds'] ?? 20),
  methods: (argv.method ?? 'copy').split(','),
  indexSql: argv['index-sql'] ?? null,
  afterSql: argv['after-sql'] ?? null,
}
if (!cfg.methods.every((m) => /^(copy|insert)(\+random)?$/.test(m)))
  throw new Error('--method is a list of copy, insert, copy+random, insert+random')
const DAY = 86_400_000
const WORDS = ['temperature', 'humidity', 'reboot', 'overheat', 'firmware', 'voltage', 'timeout', 'calibrate']

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-bench-logs-'))
fs.chmodSync(dataDir, 0o755)
let pg = await startEmbeddedPostgres(dataDir)
if (argv['shared-buffers']) {
  // a server setting: set, then restart
  const c = createDb(pg.url)
  await c.pool.query(`ALTER SYSTEM SET shared_buffers = '${argv['shared-buffers'].replace(/[^0-9A-Za-z]/g, '')}'`)
  await c.close()
  await pg.stop()
  pg = await startEmbeddedPostgres(dataDir)
}

// CPU seconds used so far by this process and by the database's processes (the postmaster's children: the pool's
// backends, WAL writer, checkpointer…), from /proc. On a shared machine the wall-clock rate depends on what else
// runs; the CPU spent per record does much less, so the ingest reports both.
const TICK = 100 // USER_HZ on Linux
function postgresCpuSeconds(): number {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])
  let ticks = 0
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      // fields after the command name "(…)": state ppid … utime(14) stime(15), 1-based over the whole line
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(d) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12])
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / TICK
}
const ownCpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const db = createDb(pg.url)
try {
  await migrate(db.pool, {})
  const now = Date.now()
  const from = now - cfg.days * DAY
  for (let t = from - DAY; t <= now + DAY; t += DAY) await ensurePartition(db.pool, 'run_log', t)

  // history: rows spread evenly over the 7 days, devices round-robin, realistic content with a rare keyword.
  // The secondary indexes are built once after the load (as a restore would), not maintained row by row.
  const indexes = (
    await db.pool.query<{ def: string; name: string }>(
      `SELECT indexdef AS def, indexname AS name FROM pg_indexes WHERE tablename = 'run_log' AND indexname <> 'run_log_pkey'`,
    )
  ).rows
  for (const i of indexes) await db.pool.query(`DROP INDEX "${i.name}"`)
  const t0 = Date.now()
  const chunk = 500_000
  for (let start = 0; start < cfg.rows; start += chunk) {
    const n = Math.min(chunk, cfg.rows - start)
    await db.pool.query(
      `INSERT INTO run_log (ts, product_key, device_name, trace_id, message_id, biz_type, operation, code, content)
       SELECT to_timestamp(($1::float8 + (i::float8 / $2::float8) * ($3::float8 - $1::float8)) / 1000.0),
              'pk' || lpad((i % 10)::text, 9, '0'), 'dev' || (i % $4::int),
              md5(i::text), (i * 7)::text,
              (ARRAY['uplink','ThingModel','downlink'])[1 + i % 3],
              '/sys/pk/dev' || (i % $4::int) || '/thing/event/property/post',
              CASE WHEN i % 50 = 0 THEN 6306 ELSE 200 END,
              '{"Content":"{\\"' || (ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])[1 + (i / $4::int) % ${WORDS.length}] ||
                '\\":' || (i % 1000) || '}","Params":{"seq":' || i || '}}'
       FROM generate_series($5::bigint, $6::bigint) AS i`,
      [from, cfg.rows, now, cfg.devices, start, start + n - 1],
    )
    process.stdout.write(`\rhistory ${start + n} / ${cfg.rows} rows`)
  }
  // pg_indexes shows a partitioned table's index as `ON ONLY <parent>`, which would build it on the parent alone:
  // rebuild it on every partition
  for (const i of indexes) await db.pool.query(i.def.replace(' ON ONLY ', ' ON '))
  if (cfg.indexSql) await db.pool.query(cfg.indexSql)
  await db.pool.query('VACUUM ANALYZE run_log')
  const writeSeconds = (Date.now() - t0) / 1000
  console.log(`\nhistory written in ${writeSeconds.toFixed(0)} s`)

  // searches: a different device and keyword each time, last 24 h, first page
  const runSearches = async () => {
    const times: number[] = []
    let found = 0
    for (let i = 0; i < cfg.searches + 10; i++) {
      const s = performance.now()
      const dev = (i * 37) % cfg.devices
      const r = await searchRunLog(db, {
        // a device is searched within its product, as the console's search does
        productKey: `pk${String(dev % 10).padStart(9, '0')}`,
        deviceName: `dev${dev}`,
        keyword: WORDS[i % WORDS.length],
        status: 'all',
        from: new Date(now - DAY),
        to: new Date(now),
        limit: 50,
      })
      const ms = performance.now() - s
      if (i >= 10) {
        times.push(ms)
        found += r.items.length
      }
    }
    times.sort((a, b) => a - b)
    const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10
    const search = { p50: q(0.5), p95: q(0.95), max: q(1), avgRowsReturned: Math.round(found / cfg.searches) }
    console.log(`keyword + device + 24 h: p50 ${search.p50} ms, p95 ${search.p95} ms, max ${search.max} ms`)
    return search
  }
  const search = await runSearches()
  if (argv.explain) {
    // the plan of one search, as the service sends it (the query text and parameters are captured from the pool)
    const original = db.pool.query.bind(db.pool)
    let captured: { text: string; values: unknown[] } | null = null
    ;(db.pool as { query: unknown }).query = (text: string, values: unknown[]) => {
      captured = { text, values }
      return original(text, values)
    }
    const dev = 123 % cfg.devices
    await searchRunLog(db, {
      productKey: `pk${String(dev % 10).padStart(9, '0')}`,
      deviceName: `dev${dev}`,
      keyword: WORDS[3]!,
      status: 'all',
      from: new Date(now - DAY),
      to: new Date(now),
      limit: 50,
    })
    ;(db.pool as { query: unknown }).query = original
    const c = captured as { text: string; values: unknown[] } | null
    if (c) {
      const plan = await db.pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${c.text}`, c.values)
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))
    }
  }

  // ingest: as fast as the writer takes them, for ingestSeconds, with its backlog bounded; with several methods
  // (`--method insert,copy`) one after the other into the same table (the later ones find today's partition fuller)
  let seq = 0
  const ingestRuns: { method: string; records: number; seconds: number; perSecond: number }[] = []
  // a run is `<method>` or `<method>+random`: trace ids as the node makes them (time first), or fully random ones
  const runIngest = async (variant: string) => {
    const method = variant.split('+')[0] as 'copy' | 'insert'
    const traceId = variant.includes('+random') ? () => randomUUID().replaceAll('-', '') : newTraceId
    const writer = createRunLogWriter(db, {
      method,
      ...(argv.batch ? { maxRows: Number(argv.batch) } : {}),
      ...(argv.inflight ? { concurrency: Number(argv.inflight) } : {}),
    })
    let written = 0
    const ingestEnd = Date.now() + cfg.ingestSeconds * 1000
    const start = performance.now()
    const cpu0 = { db: postgresCpuSeconds(), node: ownCpuSeconds() }
    while (Date.now() < ingestEnd) {
      for (let k = 0; k < 2000; k++) {
        const i = seq++
        writer.push({
          ts: new Date(),
          productKey: 'pk000000001',
          deviceName: `dev${i % cfg.devices}`,
          traceId: traceId(),
          messageId: String(i),
          bizType: 'uplink',
          operation: `/sys/pk000000001/dev${i % cfg.devices}/thing/event/property/post`,
          code: 200,
          content: `{"Content":"{\\"temperature\\":${i % 100}}"}`,
        })
      }
      written += 2000
      while (writer.pending > 20_000) await new Promise((r) => setTimeout(r, 2))
    }
    await writer.flush()
    const ingestSec = (performance.now() - start) / 1000
    const dbCpu = postgresCpuSeconds() - cpu0.db
    const nodeCpu = ownCpuSeconds() - cpu0.node
    const run = {
      method: variant,
      records: written,
      seconds: Math.round(ingestSec * 10) / 10,
      perSecond: Math.round(written / ingestSec),
      // CPU per 1,000 records: the database's, and this process's (which also makes the records)
      dbCpuMsPer1k: Math.round((dbCpu / written) * 1e6 * 10) / 10,
      nodeCpuMsPer1k: Math.round((nodeCpu / written) * 1e6 * 10) / 10,
      // what all of the machine's cores would take at that CPU cost, with nothing else running
      cpuBoundPerSecond: Math.round((written / (dbCpu + nodeCpu)) * os.cpus().length),
    }
    console.log(
      `ingest (${variant}): ${run.perSecond} records/s (${written} in ${run.seconds} s); CPU per 1k records: ` +
        `database ${run.dbCpuMsPer1k} ms, bench ${run.nodeCpuMsPer1k} ms → ${run.cpuBoundPerSecond}/s on ${os.cpus().length} idle cores`,
    )
    return run
  }
  for (const method of cfg.methods) ingestRuns.push(await runIngest(method))
  const ingest = ingestRuns.length === 1 ? ingestRuns[0] : ingestRuns

  // `--after-sql`: an index change on the loaded table, then the searches and the ingest runs again
  let after: { sql: string; seconds: number; search: unknown; ingest: unknown[] } | null = null
  if (cfg.afterSql) {
    const t = Date.now()
    await db.pool.query(cfg.afterSql)
    await db.pool.query('ANALYZE run_log')
    const seconds = Math.round((Date.now() - t) / 1000)
    console.log(`after: ${cfg.afterSql} (${seconds} s)`)
    const search2 = await runSearches()
    const ingest2 = []
    for (const method of cfg.methods) ingest2.push(await runIngest(method))
    after = { sql: cfg.afterSql, seconds, search: search2, ingest: ingest2 }
  }

  const result = {
    bench: 'logs',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    config: cfg,
    historyWriteSeconds: Math.round(writeSeconds),
    search,
    ingest,
    ...(after ? { after } : {}),
  }
  if (argv.out !== '-') {
    const out = argv.out ?? path.join(here, 'results', `logs-${result.date.slice(0, 19).replaceAll(':', '-')}.json`)
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`wrote ${path.relative(process.cwd(), out)}`)
  }
} finally {
  await db.close()
  await pg.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
