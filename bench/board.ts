// Monitoring-board benchmark (issue 3): how long the server takes to fill a board of 12 cards over 7 days at
// 1-minute granularity, on the history 1,000 devices × 1 message/s leave behind. The history is written straight
// into the tables the metrics pipeline fills (minute counters and gauges per product, day rankings per device and
// identifier, per-minute roll-ups of a numeric property per device and for all devices) — the same rows, without
// spending 7 days producing them. Prints p50/p95/max of the board query (server time: the service call, no HTTP)
// and writes bench/results/board-<date>.json. Server time = the board service call plus serialising the response as
// tRPC does (superjson); BENCH_PROFILE=1 also prints each card's time.
//
//   pnpm --filter @iotops/bench board
//   pnpm --filter @iotops/bench board -- --devices 1000 --days 7 --runs 30
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createDb, ensurePartition, migrate, startEmbeddedPostgres } from '@iotops/db'
import { Metric, monitoring, Rank } from '@iotops/services'
import { decodeSeries } from '@iotops/services/schemas'
import superjson from 'superjson'

const here = path.dirname(fileURLToPath(import.meta.url))
const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    devices: { type: 'string' },
    products: { type: 'string' },
    days: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
  },
})
const cfg = {
  devices: Number(argv.devices ?? 1000),
  products: Number(argv.products ?? 10),
  days: Number(argv.days ?? 7),
  runs: Number(argv.runs ?? 30),
}
const MINUTE = 60_000
const DAY = 86_400_000

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-bench-board-'))
fs.chmodSync(dataDir, 0o755)
const pg = await startEmbeddedPostgres(dataDir)
const db = createDb(pg.url)
try {
  await migrate(db.pool, {})
  const now = Math.floor(Date.now() / MINUTE) * MINUTE
  const from = now - cfg.days * DAY
  for (let t = from - DAY; t <= now + DAY; t += DAY) {
    for (const table of ['metric_point', 'property_metric'] as const) await ensurePartition(db.pool, table, t)
  }
  const perProduct = cfg.devices / cfg.products
  const pks = Array.from({ length: cfg.products }, (_, i) => `pk${String(i).padStart(8, '0')}`)
  const t0 = Date.now()
  // minute points: 1 msg/s per device → 60 up messages per device and minute (+ replies down), bytes, posts, gauges
  const counters: [string, number][] = [
    [Metric.UpMqtt, perProduct * 60],
    [Metric.DownMqtt, perProduct * 60],
    [Metric.UpBytesMqtt, perProduct * 60 * 120],
    [Metric.DownBytesMqtt, perProduct * 60 * 90],
    [Metric.PropertyPosts, perProduct * 60],
    [Metric.NewOnline, 1],
    [Metric.NewOffline, 1],
    [Metric.EventPostsAlert, 2],
  ]
  const gauges: [string, number][] = [
    [Metric.OnlineMqtt, perProduct],
    [Metric.OnlineWs, 0],
  ]
  for (const [metric, v] of [...counters, ...gauges]) {
    await db.pool.query(
      `INSERT INTO metric_point (metric, product_key, ts, value)
       SELECT $1, pk, ts, $2 * (0.8 + random() * 0.4)
       FROM unnest($3::text[]) AS pk, generate_series($4::timestamptz, $5::timestamptz, interval '1 minute') AS ts`,
      [metric, v, pks, new Date(from), new Date(now)],
    )
    // the all-products total the recorder keeps beside the products' points
    await db.pool.query(
      `INSERT INTO metric_point (metric, product_key, ts, value)
       SELECT metric, '*', ts, sum(value) FROM metric_point WHERE metric = $1 GROUP BY metric, ts`,
      [metric],
    )
  }
  // day rankings per device (messages, bytes, connects) and per identifier
  for (const metric of [Rank.UpMessages, Rank.DownMessages, Rank.UpBytes, Rank.Connects, Rank.Disconnects]) {
    await db.pool.query(
      `INSERT INTO daily_rank (day, metric, product_key, subject, value)
       SELECT d::date, $1, 'pk' || lpad((n % $2)::text, 8, '0'), 'dev' || n, random() * 86400
       FROM generate_series(0, $3 - 1) AS n, generate_series($4::timestamptz, $5::timestamptz, interval '1 day') AS d`,
      [metric, cfg.products, cfg.devices, new Date(from), new Date(now)],
    )
  }
  // a numeric property per device and minute, and the all-devices roll-up per product
  await db.pool.query(
    `INSERT INTO property_metric (product_key, identifier, device_name, ts, count, sum, min, max, last, last_at)
     SELECT 'pk' || lpad((n % $1)::text, 8, '0'), 'temperature', 'dev' || n, ts, 60, 60 * 22.5, 18, 27, 23, ts + interval '59 seconds'
     FROM generate_series(0, $2 - 1) AS n, generate_series($3::timestamptz, $4::timestamptz, interval '1 minute') AS ts`,
    [cfg.products, cfg.devices, new Date(from), new Date(now)],
  )
  await db.pool.query(
    `INSERT INTO property_metric (product_key, identifier, device_name, ts, count, sum, min, max, last, last_at)
     SELECT product_key, identifier, '', ts, sum(count), sum(sum), min(min), max(max), max(last), max(last_at)
     FROM property_metric GROUP BY product_key, identifier, ts`,
  )
  await db.pool.query('VACUUM ANALYZE')
  const rows = await db.pool.query<{ t: string; n: string }>(
    `SELECT 'metric_point' AS t, count(*) AS n FROM metric_point UNION ALL SELECT 'property_metric', count(*) FROM property_metric
     UNION ALL SELECT 'daily_rank', count(*) FROM daily_rank`,
  )
  const sizes = Object.fromEntries(rows.rows.map((r) => [r.t, Number(r.n)]))
  console.log(`history written in ${((Date.now() - t0) / 1000).toFixed(0)} s:`, sizes)

  // a board of 12 cards: 8 area metrics (all products and single products, both granularities), 2 rankings,
  // 2 thing-model metrics (all devices, one device)
  const user = await db.prisma.user.create({
    data: { email: 'bench@example.com', name: 'bench', passwordHash: 'x', role: 'ADMIN' },
  })
  const card = (c: { metric: string; [k: string]: unknown }, position: number) => ({
    userId: user.id,
    kind: 'basic',
    name: 'card',
    aggregations: ['sum'],
    granularity: 1,
    position,
    ...c,
  })
  await db.prisma.monitorCard.createMany({
    data: [
      card({ metric: Metric.OnlineMqtt }, 0),
      card({ metric: Metric.UpMqtt }, 1),
      card({ metric: Metric.DownMqtt }, 2),
      card({ metric: Metric.Forwarded }, 3),
      card({ metric: Metric.UpBytesMqtt, productKey: pks[0] }, 4),
      card({ metric: Metric.PropertyPosts, productKey: pks[1] }, 5),
      card({ metric: Metric.NewOnline }, 6),
      card({ metric: Metric.EventPostsAlert, granularity: 5 }, 7),
      card({ metric: 'DailyUpMessagesTop' }, 8),
      card({ metric: 'DailyFlipsTop' }, 9),
      card(
        {
          kind: 'property',
          metric: 'temperature',
          productKey: pks[0],
          deviceName: null,
          aggregations: ['avg', 'max', 'min'],
        },
        10,
      ),
      card(
        { kind: 'property', metric: 'temperature', productKey: pks[0], deviceName: 'dev0', aggregations: ['latest'] },
        11,
      ),
    ],
  })
  const range = { from: new Date(from), to: new Date(now) }
  const times: number[] = []
  let points = 0
  let bytes = 0
  for (let i = 0; i < cfg.runs + 3; i++) {
    const s = performance.now()
    const data = await monitoring.boardData(db, user.id, { range })
    // the response as tRPC sends it (superjson), part of the server's time
    const body = JSON.stringify(superjson.serialize(data))
    const ms = performance.now() - s
    bytes = body.length
    if (i >= 3) times.push(ms) // 3 warm-up runs
    points = data.reduce(
      (n, d) =>
        n + (d.chart === 'area' ? d.series.reduce((k, x) => k + decodeSeries(x.points).length, 0) : d.items.length),
      0,
    )
  }
  if (process.env.BENCH_PROFILE) {
    for (const c of await db.prisma.monitorCard.findMany({
      where: { userId: user.id },
      orderBy: { position: 'asc' },
    })) {
      const s = performance.now()
      for (let i = 0; i < 5; i++) await monitoring.boardData(db, user.id, { range, ids: [c.id] })
      console.log(c.kind, c.metric, c.productKey, c.granularity, `${((performance.now() - s) / 5).toFixed(1)} ms`)
    }
  }
  times.sort((a, b) => a - b)
  const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10
  const result = {
    bench: 'board',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    config: cfg,
    rows: sizes,
    cards: 12,
    pointsReturned: points,
    responseBytes: bytes,
    boardMs: { p50: q(0.5), p95: q(0.95), max: q(1) },
  }
  console.log(
    `12 cards × ${cfg.days} days @ 1 min (${points} points): p50 ${result.boardMs.p50} ms, p95 ${result.boardMs.p95} ms, max ${result.boardMs.max} ms`,
  )
  if (argv.out !== '-') {
    const out = argv.out ?? path.join(here, 'results', `board-${result.date.slice(0, 19).replaceAll(':', '-')}.json`)
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`wrote ${path.relative(process.cwd(), out)}`)
  }
} finally {
  await db.close()
  await pg.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
