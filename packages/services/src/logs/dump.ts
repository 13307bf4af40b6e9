import { BatchWriter, type Db, type DumpTable, dropExpiredDumpPartitions, ensureDumpPartition } from '@iotops/db'
import type { Logger } from 'pino'
import { audit } from '../audit'
import type { Actor } from '../context'
import { DEVICE_LOG_COLUMNS, type DeviceLogRecord } from '../devicelog/service'
import { badRequest, notFound } from '../errors'
import { RUN_LOG_COLUMNS, type RunLogRecord } from '../runlog/writer'
import type { TLogStorePolicy } from './schema'

/** The 7-day stores every product has, and the long-term stores products turn on. */
export const RECENT_DAYS = 7
export type LogStore = 'recent' | 'dump'
/** A search input whose store may be left out (the 7-day store). */
export type WithStore<T extends { store: LogStore }> = Omit<T, 'store'> & { store?: LogStore }

const defaults = (productKey: string): TLogStorePolicy => ({
  productKey,
  runLogDump: false,
  runLogDays: 180,
  deviceLogDump: false,
  deviceLogDays: 180,
})

function view(r: {
  productKey: string
  runLogDump: boolean
  runLogDays: number | null
  deviceLogDump: boolean
  deviceLogDays: number | null
}): TLogStorePolicy {
  return {
    productKey: r.productKey,
    runLogDump: r.runLogDump,
    runLogDays: r.runLogDays,
    deviceLogDump: r.deviceLogDump,
    deviceLogDays: r.deviceLogDays,
  }
}

export async function getLogStorePolicy(db: Db, productKey: string): Promise<TLogStorePolicy> {
  const r = await db.prisma.logStorePolicy.findUnique({ where: { productKey } })
  return r ? view(r) : defaults(productKey)
}

export async function listLogStorePolicies(db: Db): Promise<TLogStorePolicy[]> {
  return (await db.prisma.logStorePolicy.findMany({ orderBy: { productKey: 'asc' } })).map(view)
}

/**
 * Turns long-term storage on or off and sets how long it keeps logs. Off stops new records from being kept
 * long-term; what is stored already still ages out by the retention.
 */
export async function setLogStorePolicy(db: Db, actor: Actor, p: TLogStorePolicy): Promise<TLogStorePolicy> {
  if (!(await db.prisma.product.findUnique({ where: { productKey: p.productKey } })))
    throw notFound(`the product ${p.productKey}`)
  const data = {
    runLogDump: p.runLogDump,
    runLogDays: p.runLogDays,
    deviceLogDump: p.deviceLogDump,
    deviceLogDays: p.deviceLogDays,
  }
  const r = await db.prisma.$transaction(async (tx) => {
    const row = await tx.logStorePolicy.upsert({
      where: { productKey: p.productKey },
      create: { productKey: p.productKey, ...data },
      update: data,
    })
    await audit(tx, actor, 'SetLogStorePolicy', { type: 'product', id: p.productKey }, data)
    return row
  })
  return view(r)
}

/** The oldest instant a store may show for the product (its retention), and whether it exists at all. */
export async function storeWindow(db: Db, kind: 'run' | 'device', store: LogStore, productKey: string | undefined) {
  if (store === 'recent') return { table: kind === 'run' ? 'run_log' : 'device_log', since: null as Date | null }
  if (!productKey) throw badRequest('choose a product: long-term storage is kept per product')
  const p = await getLogStorePolicy(db, productKey)
  const days = kind === 'run' ? p.runLogDays : p.deviceLogDays
  return {
    table: kind === 'run' ? 'run_log_dump' : 'device_log_dump',
    since: days === null ? null : new Date(Date.now() - days * 86_400_000),
  }
}

/**
 * Copies run-log and device-log records of the products with long-term storage on into the long-term stores, as
 * they are written to the 7-day ones. The policies are cached and re-read every few seconds (and at once after a
 * change on this node); a month partition is created the first time a record needs it.
 */
export class LogDump {
  private policies = new Map<string, TLogStorePolicy>()
  private timer: NodeJS.Timeout | null = null
  readonly runLog: BatchWriter<RunLogRecord>
  readonly deviceLogs: BatchWriter<DeviceLogRecord>

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
    private readonly refreshMs = 10_000,
  ) {
    const onError = (table: string) => (e: Error, n: number) =>
      this.log?.error({ err: e, rows: n, table }, 'long-term log store write failed; retrying')
    this.runLog = new BatchWriter<RunLogRecord>(db.pool, 'run_log_dump', RUN_LOG_COLUMNS, {
      onError: onError('run_log_dump'),
      makePartitions: partitionsFor(db, 'run_log_dump'),
    })
    this.deviceLogs = new BatchWriter<DeviceLogRecord>(db.pool, 'device_log_dump', DEVICE_LOG_COLUMNS, {
      onError: onError('device_log_dump'),
      makePartitions: partitionsFor(db, 'device_log_dump'),
    })
  }

  async start() {
    await this.refresh()
    this.timer ??= setInterval(() => void this.refresh().catch(() => {}), this.refreshMs)
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.flush()
  }

  async flush() {
    await Promise.all([this.runLog.flush(), this.deviceLogs.flush()])
  }

  async refresh() {
    this.policies = new Map((await listLogStorePolicies(this.db)).map((p) => [p.productKey, p]))
  }

  offerRunLog(r: RunLogRecord) {
    const pk = r.productKey
    if (pk && this.policies.get(pk)?.runLogDump) this.runLog.push(r)
  }

  offerDeviceLog(r: DeviceLogRecord) {
    if (this.policies.get(r.productKey)?.deviceLogDump) this.deviceLogs.push(r)
  }
}

/** The product and month partitions a batch of rows needs. */
const partitionsFor =
  (db: Db, table: DumpTable) =>
  async (rows: { productKey: string | null; ts: Date }[]): Promise<void> => {
    const need = new Map(rows.map((r) => [`${r.productKey}|${r.ts.getUTCFullYear()}-${r.ts.getUTCMonth()}`, r]))
    for (const r of need.values())
      if (r.productKey) await ensureDumpPartition(db.pool, table, r.productKey, r.ts.getTime())
  }

/**
 * Keeps the long-term stores: next month's partitions for products with storage on, and whole months past each
 * product's retention dropped (also after storage was turned off). Returns the dropped partitions.
 */
export async function maintainLogDumps(db: Db, now = Date.now()): Promise<string[]> {
  const dropped: string[] = []
  for (const p of await listLogStorePolicies(db)) {
    const stores: [DumpTable, boolean, number | null][] = [
      ['run_log_dump', p.runLogDump, p.runLogDays],
      ['device_log_dump', p.deviceLogDump, p.deviceLogDays],
    ]
    for (const [table, on, days] of stores) {
      if (on) {
        await ensureDumpPartition(db.pool, table, p.productKey, now)
        await ensureDumpPartition(db.pool, table, p.productKey, now + 31 * 86_400_000)
      }
      dropped.push(...(await dropExpiredDumpPartitions(db.pool, table, p.productKey, days, now)))
    }
  }
  return dropped
}
