import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { Codes } from '@iotops/alink'
import { BatchWriter, type Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { AcceptedMessage, DeviceHub, StatusChange } from '../hub/hub'
import { lifecycleBody } from '../hub/lifecycle'
import { newTraceId } from '../ids'
import { ALL_PRODUCTS, Metric } from '../metrics/codes'
import { BizType } from '../runlog/biz'
import { createRunLogWriter, logContent, type RunLogWriter } from '../runlog/writer'
import { messageTypeOf, SUBSCRIPTION_LIMITS, type SubscriptionLine, type SubscriptionMessageType } from './schema'

/**
 * Run-log business type of deliveries: the reference logs server-side subscription under the rule engine
 * (7.2 规则引擎(含服务端订阅、云产品流转)); the operation names the module and the group.
 */
export const SUBSCRIPTION_BIZ = BizType.RuleEngine
export const subscriptionOperation = (groupId: string) => `ServerSubscription/${groupId}`

/** In-process signal: subscriptions or groups changed (this node reloads at once; others poll). */
export const subscriptionChanges = new EventEmitter()
let liveEngine: SubscriptionEngine | null = null
/** The engine of this process, if started (the console's online-consumer counts and rates come from it). */
export const subscriptionEngine = () => liveEngine

/** A row waiting in `subscription_message`, as the engine inserts it. */
export interface QueuedMessage {
  ts: Date
  groupId: string
  productKey: string
  deviceName: string
  messageType: SubscriptionMessageType
  topic: string
  payload: string
  traceId: string
  messageId: string | null
}

/** What a consumer connection writes to: the HTTP layer's response, or anything that takes lines. */
export interface ConsumerSink {
  write(line: SubscriptionLine): void
  /** ends the stream (after a close line) */
  end(): void
}

export interface ConsumerOptions {
  heartbeatS?: number
  ackTimeoutS?: number
  prefetch?: number
  ip?: string
}

class Consumer {
  /** delivered and not yet acked: id → deadline (ms) */
  readonly inflight = new Map<string, number>()
  heartbeat: NodeJS.Timeout | null = null
  closed = false
  readonly connectedAt = Date.now()
  constructor(
    readonly id: string,
    readonly groupId: string,
    readonly sink: ConsumerSink,
    readonly heartbeatS: number,
    readonly ackTimeoutS: number,
    readonly prefetch: number,
    readonly ip: string | undefined,
  ) {}
  credit(now: number) {
    for (const [id, deadline] of this.inflight) if (deadline <= now) this.inflight.delete(id)
    return this.prefetch - this.inflight.size
  }
}

/** A refusal of a consumer connection, with its reference code (9600 too many connections, 9601 bad heartbeat). */
export class ConsumerRefused extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export interface SubscriptionEngineOptions {
  db: Db
  hub: DeviceHub
  log: Logger
  /** rows buffered for insert (past it, a message is refused: counted, and a 9324 record in its trace) */
  bufferLimit?: number
  reloadMs?: number
  /** how often each group with consumers looks for ready rows (besides the wake-ups after inserts and acks) */
  pollMs?: number
  /** backlog and consume-rate sampling */
  sampleMs?: number
  maxConnectionsPerGroup?: number
}

interface ClaimedRow {
  id: string
  group_id: string
  product_key: string
  device_name: string
  message_type: string
  topic: string
  payload: unknown
  trace_id: string
  message_id: string | null
  ts: Date
  delivery_count: number
  old: Date | null
}

const COLUMNS = [
  { name: 'ts', type: 'timestamptz[]', get: (r: QueuedMessage) => r.ts },
  { name: 'group_id', type: 'text[]', get: (r: QueuedMessage) => r.groupId },
  { name: 'product_key', type: 'text[]', get: (r: QueuedMessage) => r.productKey },
  { name: 'device_name', type: 'text[]', get: (r: QueuedMessage) => r.deviceName },
  { name: 'message_type', type: 'text[]', get: (r: QueuedMessage) => r.messageType },
  { name: 'topic', type: 'text[]', get: (r: QueuedMessage) => r.topic },
  { name: 'payload', type: 'jsonb[]', get: (r: QueuedMessage) => r.payload },
  { name: 'trace_id', type: 'text[]', get: (r: QueuedMessage) => r.traceId },
  { name: 'message_id', type: 'text[]', get: (r: QueuedMessage) => r.messageId },
]

/** The payload as stored: its JSON when it parses, else the text (UTF-8) as a JSON string. */
export function payloadJson(payload: Buffer): string {
  const text = payload.toString('utf8')
  try {
    JSON.parse(text)
    return text
  } catch {
    return JSON.stringify(text)
  }
}

/** the consume rate is the acks of this window, per second */
const RATE_WINDOW_MS = 60_000
/** a connection row not refreshed for this long no longer counts (its node is gone); refreshed every 10 s */
const CONNECTION_TTL_S = 30
const CONNECTION_REFRESH_MS = 10_000

/** An open consumer connection of a group, on any node (`subscription_connection`). */
export interface ConsumerConnection {
  id: string
  groupId: string
  ip: string | null
  connectedAt: number
  inflight: number
}

/**
 * Server-side subscription of a node. The hub's `accepted` (every device message the pipeline accepted) and `status`
 * (online/offline) events are matched in memory against the products' subscriptions and pushed — synchronously,
 * O(1) — into a batch writer that inserts one `subscription_message` row per (message, group); the pipeline never
 * waits for it. Consumers connect per group (HTTP NDJSON stream); each connection holds at most `prefetch`
 * unacked messages, claimed with `FOR UPDATE SKIP LOCKED` (several nodes may serve one group). A message is
 * deleted when acked; one not acked within the connection's ack timeout is claimable again (9650), a nack (9652)
 * or release (9651) makes it ready at once. Each delivery and each failure is a run-log record with the message's
 * traceId. Backlog (AMQP_Msg_Accumulate) and consume rate (AMQP_Msg_Consume_rate) are sampled into the metric store.
 */
export class SubscriptionEngine {
  /** productKey → groupId → message types */
  private routes = new Map<string, Map<string, Set<SubscriptionMessageType>>>()
  private readonly consumers = new Map<string, Set<Consumer>>()
  private readonly writer: BatchWriter<QueuedMessage>
  private readonly runLog: RunLogWriter
  private readonly pumping = new Set<string>()
  private readonly pumpAgain = new Set<string>()
  private timers: NodeJS.Timeout[] = []
  private stopped = false
  /** this node's acks per group since its last sample (then a `subscription_ack` row) */
  private acked = new Map<string, number>()
  /** the last sampled consume rate per group (messages/s, all nodes) */
  readonly rates = new Map<string, number>()
  /** this engine's id in `subscription_connection` */
  readonly nodeId = randomUUID()
  /** messages not queued because the buffer was full */
  dropped = 0
  readonly o: Required<Omit<SubscriptionEngineOptions, 'db' | 'hub' | 'log'>> & SubscriptionEngineOptions

  private readonly onAccepted = (m: AcceptedMessage) => {
    const groups = this.routes.get(m.productKey)
    if (!groups) return
    const type = messageTypeOf(m.topic)
    if (!type) return
    let payload: string | null = null
    for (const [groupId, types] of groups) {
      if (!types.has(type)) continue
      payload ??= payloadJson(m.payload)
      this.queue({
        ts: m.at,
        groupId,
        productKey: m.productKey,
        deviceName: m.deviceName,
        messageType: type,
        topic: m.topic.startsWith('/sys/') ? m.topic.slice(4) : m.topic,
        payload,
        traceId: m.traceId,
        messageId: m.messageId,
      })
    }
  }
  private readonly onStatus = (c: StatusChange & { ip?: string | null }) => {
    const groups = this.routes.get(c.productKey)
    if (!groups) return
    let payload: string | null = null
    let traceId: string | null = null
    for (const [groupId, types] of groups) {
      if (!types.has('lifecycle')) continue
      payload ??= lifecycleBody(c)
      traceId ??= newTraceId()
      this.queue({
        ts: c.at,
        groupId,
        productKey: c.productKey,
        deviceName: c.deviceName,
        messageType: 'lifecycle',
        topic: `/as/mqtt/status/${c.productKey}/${c.deviceName}`,
        payload,
        traceId,
        messageId: null,
      })
    }
  }
  private readonly onChanged = () => void this.reload()

  constructor(opts: SubscriptionEngineOptions) {
    this.o = {
      bufferLimit: 50_000,
      reloadMs: 5_000,
      pollMs: 1_000,
      sampleMs: 10_000,
      maxConnectionsPerGroup: SUBSCRIPTION_LIMITS.maxConnectionsPerGroup,
      ...opts,
    }
    this.writer = new BatchWriter<QueuedMessage>(opts.db.pool, 'subscription_message', COLUMNS, {
      maxRows: 1000,
      intervalMs: 20,
      concurrency: 2,
      onError: (e) => opts.log.error({ err: e }, 'subscription enqueue failed; retrying'),
      onRejected: (e, rows) => opts.log.error({ err: e, rows: rows.length }, 'subscription rows rejected'),
      // the groups of the stored rows that have consumers here look for them
      onWritten: (_n, rows) => {
        const groups = new Set((rows as QueuedMessage[]).map((r) => r.groupId))
        for (const g of groups) if (this.consumers.has(g)) this.pump(g)
      },
    })
    this.runLog = createRunLogWriter(opts.db, {
      maxRows: 1000,
      intervalMs: 50,
      concurrency: 1,
      onError: (e) => opts.log.error({ err: e }, 'subscription run-log write failed; retrying'),
      onWritten: () => opts.hub.emit('written', 'run_log'),
    })
  }

  async start() {
    await this.reload()
    this.o.hub.on('accepted', this.onAccepted)
    this.o.hub.on('status', this.onStatus)
    subscriptionChanges.on('changed', this.onChanged)
    liveEngine = this
    this.timers.push(
      setInterval(() => void this.reload(), this.o.reloadMs),
      setInterval(() => {
        for (const g of this.consumers.keys()) this.pump(g)
      }, this.o.pollMs),
      setInterval(() => void this.sample(), this.o.sampleMs),
      setInterval(() => void this.refreshConnections(), CONNECTION_REFRESH_MS),
      setInterval(() => void this.prune(), 3_600_000),
    )
    for (const t of this.timers) t.unref()
  }

  /** Stop taking messages, write what is buffered, close every consumer with 9602. */
  async stop() {
    if (this.stopped) return
    this.stopped = true
    this.closeConsumers('the server is shutting down; reconnect to another node or later')
    this.o.hub.off('accepted', this.onAccepted)
    this.o.hub.off('status', this.onStatus)
    subscriptionChanges.off('changed', this.onChanged)
    if (liveEngine === this) liveEngine = null
    for (const t of this.timers) clearInterval(t)
    await this.o.db.pool
      .query('DELETE FROM subscription_connection WHERE node = $1', [this.nodeId])
      .catch((e) => this.o.log.warn({ err: e }, 'removing the connection rows failed (they expire in 30 s)'))
    await this.writer.flush()
    await this.runLog.flush()
  }

  /** Ends every consumer stream with a close line carrying 9602 (the server closed the connection). */
  closeConsumers(reason: string, groupId?: string) {
    for (const [g, set] of [...this.consumers])
      if (!groupId || g === groupId)
        for (const c of [...set]) this.disconnect(c, Codes.SERVER_CLOSED_CONNECTION, reason)
  }

  /** each group's token hash as the last reload read it */
  private tokens = new Map<string, string | null>()

  /** Reads the subscriptions into the in-memory routing table. */
  async reload() {
    try {
      const subs = await this.o.db.prisma.serverSubscription.findMany()
      const tokens = new Map(
        (await this.o.db.prisma.consumerGroup.findMany({ select: { groupId: true, tokenHash: true } })).map((g) => [
          g.groupId,
          g.tokenHash,
        ]),
      )
      const known = new Set(tokens.keys())
      const next = new Map<string, Map<string, Set<SubscriptionMessageType>>>()
      for (const s of subs) {
        const groups = new Map<string, Set<SubscriptionMessageType>>()
        for (const g of s.groupIds)
          if (known.has(g)) groups.set(g, new Set(s.messageTypes as SubscriptionMessageType[]))
        if (groups.size) next.set(s.productKey, groups)
      }
      this.routes = next
      // streams of a group deleted or given a new token (on any node) end: their acks would be refused
      for (const g of this.consumers.keys()) {
        if (!tokens.has(g)) this.closeConsumers('the consumer group was deleted', g)
        else if (this.tokens.has(g) && this.tokens.get(g) !== tokens.get(g))
          this.closeConsumers('the group token was replaced; reconnect with the new token', g)
      }
      this.tokens = tokens
    } catch (e) {
      this.o.log.warn({ err: e }, 'subscription reload failed')
    }
  }

  private queue(r: QueuedMessage) {
    if (this.stopped) return
    if (this.writer.pending >= this.o.bufferLimit) {
      this.dropped++
      // refused, not lost silently: the message's trace says which group did not get it (9324)
      this.logMessage(
        r,
        Codes.FORWARD_RATE_LIMITED,
        `not queued for the group: ${this.o.bufferLimit} messages are already waiting for the database`,
      )
      if (this.dropped % 1000 === 1)
        this.o.log.error(
          { dropped: this.dropped },
          'subscription buffer full: messages not queued (9324 in their traces)',
        )
      return
    }
    this.writer.push(r)
  }

  /** Writes what is buffered (tests, shutdown). */
  flush() {
    return this.writer.flush()
  }

  /** Open consumer connections of the cluster (of one group, or all); unacked counts live for this node's own. */
  async connections(groupId?: string): Promise<ConsumerConnection[]> {
    const { rows } = await this.o.db.pool.query<{
      id: string
      group_id: string
      ip: string | null
      connected_at: Date
      inflight: number
    }>(
      `SELECT id, group_id, ip, connected_at, inflight FROM subscription_connection
       WHERE ($1::text IS NULL OR group_id = $1) AND seen_at > now() - make_interval(secs => $2)
       ORDER BY connected_at, id`,
      [groupId ?? null, CONNECTION_TTL_S],
    )
    const mine = new Map<string, Consumer>()
    for (const set of this.consumers.values()) for (const c of set) mine.set(c.id, c)
    return rows.map((r) => ({
      id: r.id,
      groupId: r.group_id,
      ip: r.ip,
      connectedAt: r.connected_at.getTime(),
      inflight: mine.get(r.id)?.inflight.size ?? r.inflight,
    }))
  }

  /**
   * Adds a connection row unless the group already has its limit of live ones on the cluster (then returns how many
   * it has). One connect per group at a time: an advisory lock around the count and the insert.
   */
  private async register(groupId: string, id: string, ip: string | undefined): Promise<number | null> {
    const client = await this.o.db.pool.connect()
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`subscription_connection:${groupId}`])
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM subscription_connection WHERE group_id = $1 AND seen_at > now() - make_interval(secs => $2)',
        [groupId, CONNECTION_TTL_S],
      )
      const n = rows[0]!.n
      if (n >= this.o.maxConnectionsPerGroup) {
        await client.query('ROLLBACK')
        return n
      }
      await client.query('INSERT INTO subscription_connection (id, group_id, node, ip) VALUES ($1, $2, $3, $4)', [
        id,
        groupId,
        this.nodeId,
        ip ?? null,
      ])
      await client.query('COMMIT')
      return null
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {})
      // the group was deleted meanwhile (foreign key)
      if ((e as { code?: string }).code === '23503')
        throw new ConsumerRefused(Codes.SERVER_CLOSED_CONNECTION, 'the consumer group was deleted')
      throw e
    } finally {
      client.release()
    }
  }

  /** Keeps this node's connection rows live (and their unacked counts current); drops rows of nodes gone. */
  async refreshConnections() {
    const mine = [...this.consumers.values()].flatMap((set) => [...set])
    try {
      if (mine.length)
        await this.o.db.pool.query(
          `INSERT INTO subscription_connection (id, group_id, node, ip, inflight, connected_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::timestamptz[])
           ON CONFLICT (id) DO UPDATE SET seen_at = now(), inflight = EXCLUDED.inflight`,
          [
            mine.map((c) => c.id),
            mine.map((c) => c.groupId),
            mine.map(() => this.nodeId),
            mine.map((c) => c.ip ?? null),
            mine.map((c) => c.inflight.size),
            mine.map((c) => new Date(c.connectedAt)),
          ],
        )
      await this.o.db.pool.query(
        'DELETE FROM subscription_connection WHERE seen_at < now() - make_interval(secs => $1)',
        [CONNECTION_TTL_S * 2],
      )
    } catch (e) {
      this.o.log.warn({ err: e }, 'refreshing the consumer connection rows failed')
    }
  }

  /**
   * Opens a consumer connection on a group (the group is known to exist). Throws ConsumerRefused with 9601 for a
   * heartbeat outside the limits, 9600 past the group's connection limit on the cluster; both are logged.
   */
  async connect(
    groupId: string,
    sink: ConsumerSink,
    o: ConsumerOptions = {},
    /** called once the connection is accepted, before its first line */
    onAccept?: () => void,
  ): Promise<{ id: string; close(): void }> {
    const L = SUBSCRIPTION_LIMITS
    const heartbeatS = o.heartbeatS ?? L.heartbeatDefaultS
    if (!Number.isInteger(heartbeatS) || heartbeatS < L.heartbeatMinS || heartbeatS > L.heartbeatMaxS) {
      const msg = `heartbeat must be ${L.heartbeatMinS}–${L.heartbeatMaxS} seconds (got ${o.heartbeatS})`
      this.logEvent(groupId, Codes.HEARTBEAT_INVALID, 'connect', msg)
      throw new ConsumerRefused(Codes.HEARTBEAT_INVALID, msg)
    }
    const closing = () => new ConsumerRefused(Codes.SERVER_CLOSED_CONNECTION, 'the server is shutting down')
    if (this.stopped) throw closing()
    const id = randomUUID()
    const has = await this.register(groupId, id, o.ip)
    if (has !== null) {
      const msg = `the consumer group already has ${has} connections (at most ${this.o.maxConnectionsPerGroup}); close the extra ones`
      this.logEvent(groupId, Codes.CONSUMER_GROUP_CONNECTION_LIMIT, 'connect', msg)
      throw new ConsumerRefused(Codes.CONSUMER_GROUP_CONNECTION_LIMIT, msg)
    }
    if (this.stopped) {
      void this.unregister(id)
      throw closing()
    }
    const set = this.consumers.get(groupId) ?? new Set<Consumer>()
    const c = new Consumer(
      id,
      groupId,
      sink,
      heartbeatS,
      o.ackTimeoutS ?? L.ackTimeoutDefaultS,
      o.prefetch ?? L.prefetchDefault,
      o.ip,
    )
    set.add(c)
    this.consumers.set(groupId, set)
    onAccept?.()
    sink.write({
      type: 'open',
      connectionId: c.id,
      groupId,
      heartbeat: c.heartbeatS,
      ackTimeout: c.ackTimeoutS,
      prefetch: c.prefetch,
    })
    // server heartbeats at half the agreed interval, so proxies and the client's idle check never cut a quiet stream
    c.heartbeat = setInterval(() => sink.write({ type: 'heartbeat', at: Date.now() }), (heartbeatS * 1000) / 2)
    c.heartbeat.unref()
    this.pump(groupId)
    return { id: c.id, close: () => this.disconnect(c, null, '') }
  }

  private disconnect(c: Consumer, code: number | null, reason: string) {
    if (c.closed) return
    c.closed = true
    if (c.heartbeat) clearInterval(c.heartbeat)
    const set = this.consumers.get(c.groupId)
    set?.delete(c)
    if (set && set.size === 0) this.consumers.delete(c.groupId)
    void this.unregister(c.id)
    // what it held unacked is ready for the group's other connections at once, not after its ack timeout
    const held = [...c.inflight.keys()]
    if (held.length && !this.stopped)
      void this.requeue(c.groupId, held, Codes.ACK_RELEASED, 'the consumer disconnected before acking')
        .then(() => this.pump(c.groupId))
        .catch((e) => this.o.log.warn({ err: e }, "releasing a closed consumer's messages failed"))
    if (code !== null) {
      this.logEvent(c.groupId, code, 'disconnect', reason)
      try {
        c.sink.write({ type: 'close', code, message: reason })
        c.sink.end()
      } catch {
        // the socket is already gone
      }
    }
  }

  private unregister(id: string) {
    return this.o.db.pool
      .query('DELETE FROM subscription_connection WHERE id = $1', [id])
      .catch((e) => this.o.log.warn({ err: e }, 'removing a connection row failed (it expires in 30 s)'))
  }

  /** Hands ready rows to the group's connections that have credit; coalesces concurrent calls. */
  private pump(groupId: string) {
    if (this.stopped) return
    if (this.pumping.has(groupId)) {
      this.pumpAgain.add(groupId)
      return
    }
    this.pumping.add(groupId)
    void this.deliver(groupId)
      .catch((e) => this.o.log.error({ err: e, groupId }, 'subscription delivery failed'))
      .finally(() => {
        this.pumping.delete(groupId)
        if (this.pumpAgain.delete(groupId)) this.pump(groupId)
      })
  }

  private async deliver(groupId: string) {
    for (;;) {
      const now = Date.now()
      const open = [...(this.consumers.get(groupId) ?? [])].filter((c) => !c.closed && c.credit(now) > 0)
      if (open.length === 0) return
      let any = false
      for (const c of open) {
        const want = c.credit(Date.now())
        if (want <= 0 || c.closed) continue
        const rows = await this.claim(groupId, want, c.ackTimeoutS * 1000)
        if (rows.length === 0) return
        any = true
        const deadline = Date.now() + c.ackTimeoutS * 1000
        for (const r of rows) {
          if (r.old) {
            // claimed again after its ack deadline passed: the previous delivery timed out [reference 7.1: 9650]
            this.logRow(
              r,
              Codes.ACK_TIMEOUT,
              `no ack within the ack timeout; delivering again (delivery ${r.delivery_count})`,
            )
          }
          if (c.closed) continue // its deadline lets another connection take it
          c.inflight.set(r.id, deadline)
          c.sink.write({
            type: 'message',
            id: r.id,
            groupId,
            productKey: r.product_key,
            deviceName: r.device_name,
            messageType: r.message_type as SubscriptionMessageType,
            topic: r.topic,
            payload: r.payload,
            traceId: r.trace_id,
            messageId: r.message_id,
            generateTime: r.ts.getTime(),
            deliveryCount: r.delivery_count,
          })
          this.logRow(r, 200, `delivered to consumer ${c.id} (delivery ${r.delivery_count})`)
        }
        if (rows.length < want) return
      }
      if (!any) return
    }
  }

  private async claim(groupId: string, n: number, ackTimeoutMs: number): Promise<ClaimedRow[]> {
    const { rows } = await this.o.db.pool.query<ClaimedRow>(
      `WITH c AS (
         SELECT id, ack_deadline AS old FROM subscription_message
         WHERE group_id = $1 AND (ack_deadline IS NULL OR ack_deadline < now())
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE subscription_message m
         SET ack_deadline = now() + $3 * interval '1 millisecond', delivery_count = m.delivery_count + 1,
             delivered_at = now()
       FROM c WHERE m.id = c.id
       RETURNING m.id::text AS id, m.group_id, m.product_key, m.device_name, m.message_type, m.topic, m.payload,
                 m.trace_id, m.message_id, m.ts, m.delivery_count, c.old`,
      [groupId, n, ackTimeoutMs],
    )
    return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
  }

  /** Makes delivered messages ready again at once, each logged with `code`; returns how many were held. */
  private async requeue(groupId: string, ids: string[], code: number, what: string) {
    if (!ids.length) return 0
    const { rows } = await this.o.db.pool.query<ClaimedRow>(
      `UPDATE subscription_message SET ack_deadline = NULL
       WHERE group_id = $1 AND id = ANY($2::bigint[]) AND delivery_count > 0
       RETURNING id::text AS id, group_id, product_key, device_name, message_type, topic, trace_id, message_id, ts,
                 delivery_count, NULL::timestamptz AS old, NULL::jsonb AS payload`,
      [groupId, ids],
    )
    for (const r of rows) this.logRow(r, code, `${what}; delivering again`)
    return rows.length
  }

  /**
   * Settles delivered messages of a group: `ack` deletes them; `nack` (9652) and `release` (9651) make them ready
   * for delivery again at once. Ids not held (already acked, or of another group) are ignored. Returns the counts.
   */
  async settle(
    groupId: string,
    s: { ack?: string[]; nack?: string[]; release?: string[] },
  ): Promise<{ acked: number; nacked: number; released: number }> {
    const ack = s.ack ?? []
    const nack = s.nack ?? []
    const release = s.release ?? []
    let acked = 0
    if (ack.length) {
      const r = await this.o.db.pool.query(
        'DELETE FROM subscription_message WHERE group_id = $1 AND id = ANY($2::bigint[]) AND delivery_count > 0',
        [groupId, ack],
      )
      acked = r.rowCount ?? 0
      if (acked) this.acked.set(groupId, (this.acked.get(groupId) ?? 0) + acked)
    }
    const nacked = await this.requeue(groupId, nack, Codes.NACK, 'the consumer answered NACK')
    const released = await this.requeue(groupId, release, Codes.ACK_RELEASED, 'the consumer released the message')
    for (const c of this.consumers.get(groupId) ?? [])
      for (const id of [...ack, ...nack, ...release]) c.inflight.delete(id)
    this.pump(groupId)
    return { acked, nacked, released }
  }

  /** Deletes a group's waiting messages; returns how many. */
  async clear(groupId: string): Promise<number> {
    await this.writer.flush()
    const r = await this.o.db.pool.query('DELETE FROM subscription_message WHERE group_id = $1', [groupId])
    for (const c of this.consumers.get(groupId) ?? []) c.inflight.clear()
    return r.rowCount ?? 0
  }

  /**
   * Samples each group's backlog and consume rate into the minute metrics (per group, and the instance total '*').
   * This node's acks since its last sample are stored first (`subscription_ack`); the rate is every node's acks of
   * the last minute, per second, so each node computes the same cluster-wide figures.
   */
  async sample(at = Date.now()) {
    try {
      const acked = [...this.acked]
      this.acked.clear()
      if (acked.length)
        await this.o.db.pool
          .query(
            'INSERT INTO subscription_ack (group_id, acked, ts) SELECT g, n, $3 FROM unnest($1::text[], $2::int[]) AS v(g, n)',
            [acked.map(([g]) => g), acked.map(([, n]) => n), new Date(at)],
          )
          .catch((e) => {
            for (const [g, n] of acked) this.acked.set(g, (this.acked.get(g) ?? 0) + n)
            throw e
          })
      const { rows } = await this.o.db.pool.query<{ group_id: string; n: string; acked: string }>(
        `SELECT g.group_id,
                (SELECT count(*) FROM subscription_message m WHERE m.group_id = g.group_id) AS n,
                (SELECT coalesce(sum(a.acked), 0) FROM subscription_ack a
                  WHERE a.group_id = g.group_id AND a.ts > $1 AND a.ts <= $2) AS acked
         FROM consumer_group g`,
        [new Date(at - RATE_WINDOW_MS), new Date(at)],
      )
      let backlog = 0
      let rate = 0
      for (const r of rows) {
        const n = Number(r.n)
        const per = Math.round((Number(r.acked) / (RATE_WINDOW_MS / 1000)) * 100) / 100
        this.rates.set(r.group_id, per)
        backlog += n
        rate += per
        this.o.hub.metrics.gauge(Metric.AmqpAccumulate, r.group_id, n, at)
        this.o.hub.metrics.gauge(Metric.AmqpConsumeRate, r.group_id, per, at)
      }
      this.o.hub.metrics.gauge(Metric.AmqpAccumulate, ALL_PRODUCTS, backlog, at)
      this.o.hub.metrics.gauge(Metric.AmqpConsumeRate, ALL_PRODUCTS, Math.round(rate * 100) / 100, at)
    } catch (e) {
      this.o.log.warn({ err: e }, 'subscription metrics sample failed')
    }
  }

  /** Unacked messages older than the retention are dropped, ack counts after an hour. */
  async prune(now = Date.now()) {
    const pool = this.o.db.pool
    await Promise.all([
      pool.query('DELETE FROM subscription_message WHERE ts < $1', [
        new Date(now - SUBSCRIPTION_LIMITS.retentionHours * 3_600_000),
      ]),
      // ack counts serve the last minute's rate
      pool.query('DELETE FROM subscription_ack WHERE ts < $1', [new Date(now - 3_600_000)]),
    ]).catch((e) => this.o.log.warn({ err: e }, 'subscription prune failed'))
  }

  private logRow(r: ClaimedRow, code: number, message: string) {
    this.logMessage(
      {
        productKey: r.product_key,
        deviceName: r.device_name,
        traceId: r.trace_id,
        messageId: r.message_id,
        groupId: r.group_id,
        messageType: r.message_type,
        topic: r.topic,
      },
      code,
      message,
    )
  }

  /** A record in a message's trace about its delivery to a group. */
  private logMessage(
    m: Pick<QueuedMessage, 'productKey' | 'deviceName' | 'traceId' | 'messageId' | 'groupId' | 'topic'> & {
      messageType: string
    },
    code: number,
    message: string,
  ) {
    this.runLog.push({
      ts: new Date(),
      productKey: m.productKey,
      deviceName: m.deviceName,
      traceId: m.traceId,
      messageId: m.messageId,
      bizType: SUBSCRIPTION_BIZ,
      operation: subscriptionOperation(m.groupId),
      code,
      content: logContent({ Content: message, GroupId: m.groupId, MessageType: m.messageType, Topic: m.topic }),
    })
  }

  private logEvent(groupId: string, code: number, what: string, message: string) {
    this.runLog.push({
      ts: new Date(),
      productKey: null,
      deviceName: null,
      traceId: newTraceId(),
      messageId: null,
      bizType: SUBSCRIPTION_BIZ,
      operation: subscriptionOperation(groupId),
      code,
      content: logContent({ Content: `${what}: ${message}`, GroupId: groupId }),
    })
  }
}
