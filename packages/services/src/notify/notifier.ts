import type { Db } from '@iotops/db'
import type { Transporter } from 'nodemailer'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'
import type { OutboxPayload } from './outbox'
import {
  backoffMs,
  DINGTALK_TOO_FAST,
  dingtalkUrl,
  type OutboxMessage,
  planDestination,
  renderDigest,
  renderDingtalk,
  renderEmail,
  renderWebhook,
} from './render'
import type { SentChannel } from './schema'

/** Messages per minute per destination (a DingTalk robot takes 20 a minute, as its documentation says). */
export const DEFAULT_RATES: Record<SentChannel, number> = { dingtalk: 20, email: 30, webhook: 60 }
export const MAX_ATTEMPTS = 5
const WINDOW_MS = 60_000
const SEND_TIMEOUT_MS = 10_000
/** a claimed row is someone's for this long; a node that dies mid-send leaves it to be retried after it */
const LEASE = '5 minutes'
const BATCH = 200
const PARALLEL_DESTINATIONS = 4

export interface NotifierOptions {
  db: Db
  log: Logger
  smtp?: { url: string; from: string } | null
  rates?: Partial<Record<SentChannel, number>>
  fetch?: typeof fetch
  /** how often the outbox is polled besides `kick()` (default 2 s) */
  pollMs?: number
  /** first retry delay; doubles per attempt (default 30 s) */
  retryBaseMs?: number
  /** the rate-limit window the `rates` apply to (default one minute; shorter only in tests) */
  windowMs?: number
}

interface Row {
  id: string
  createdAt: Date
  groupId: string | null
  channel: SentChannel
  subject: string
  body: string
  payload: OutboxPayload
  attempts: number
}

type Outcome = { ok: true } | { ok: false; error: string; retryInMs?: number; countsAsAttempt?: boolean }

interface GroupTarget {
  webhookUrl: string | null
  dingtalkUrl: string | null
  dingtalkSecret: string | null
}

/**
 * Delivers the notification outbox. Every node may run one: rows are claimed with `FOR UPDATE SKIP LOCKED` and
 * leased, each destination is worked by one node at a time (advisory lock), so the per-destination rate limits
 * hold across nodes. A backlog past the limit is folded into a digest, never dropped.
 */
export class Notifier {
  private readonly db: Db
  private readonly log: Logger
  private readonly smtp: { url: string; from: string } | null
  private readonly rates: Record<SentChannel, number>
  private readonly fetch: typeof fetch
  private readonly pollMs: number
  private readonly retryBaseMs: number
  private readonly windowMs: number
  private transport: Transporter | null = null
  private timer: NodeJS.Timeout | null = null
  private running = false
  private chain: Promise<unknown> = Promise.resolve()
  private again = false

  constructor(opts: NotifierOptions) {
    this.db = opts.db
    this.log = opts.log
    this.smtp = opts.smtp ?? null
    this.rates = { ...DEFAULT_RATES, ...opts.rates }
    this.fetch = opts.fetch ?? globalThis.fetch
    this.pollMs = opts.pollMs ?? 2000
    this.retryBaseMs = opts.retryBaseMs ?? 30_000
    this.windowMs = opts.windowMs ?? WINDOW_MS
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.schedule(0)
  }

  /** Stops polling and waits for the sends in flight. */
  async stop(): Promise<void> {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.chain
    this.transport?.close()
    this.transport = null
  }

  /** Something was enqueued: look now rather than at the next poll. */
  kick(): void {
    if (!this.running) return
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
      this.schedule(0)
    } else this.again = true
  }

  /** Sends everything due now (tests, and a node's last breath). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) if ((await this.run()) === 0) return
  }

  private schedule(ms: number) {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.run()
        .then((n) => {
          const more = n >= BATCH || this.again
          this.again = false
          this.schedule(more ? 0 : this.pollMs)
        })
        .catch((e) => {
          this.log.error({ err: e }, 'notification worker failed; retrying')
          this.schedule(this.pollMs)
        })
    }, ms)
    this.timer.unref?.()
  }

  /** One pass at a time per notifier. */
  private run(): Promise<number> {
    const p = this.chain.then(() => this.tick())
    this.chain = p.catch(() => {})
    return p
  }

  /** Claims the due rows, works each destination; returns how many rows were claimed. */
  private async tick(): Promise<number> {
    const { rows } = await this.db.pool.query(
      `UPDATE notification SET next_at = now() + interval '${LEASE}'
        WHERE id IN (SELECT id FROM notification
                      WHERE status = 'PENDING' AND channel <> 'console' AND next_at <= now()
                      ORDER BY next_at, created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id, created_at, group_id, channel, subject, body, payload, attempts`,
    )
    if (rows.length === 0) return 0
    const byDest = new Map<string, Row[]>()
    for (const r of rows) {
      const row: Row = {
        id: r.id,
        createdAt: r.created_at,
        groupId: r.group_id,
        channel: r.channel,
        subject: r.subject,
        body: r.body,
        payload: r.payload ?? {},
        attempts: r.attempts,
      }
      const dest = row.payload.dest ?? `${row.channel}:${row.groupId}`
      if (!byDest.get(dest)?.push(row)) byDest.set(dest, [row])
    }
    const queue = [...byDest.entries()]
    const groups = new Map<string, Promise<GroupTarget | null>>()
    const workers = Array.from({ length: Math.min(PARALLEL_DESTINATIONS, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [dest, list] = next
        list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        await this.work(dest, list, groups).catch(async (e) => {
          this.log.error({ err: e, dest }, 'notification destination failed; retrying shortly')
          await this.release(
            list.map((r) => r.id),
            this.retryBaseMs,
          ).catch(() => {})
        })
      }
    })
    await Promise.all(workers)
    return rows.length
  }

  private async release(ids: string[], inMs: number) {
    await this.db.pool.query(
      `UPDATE notification SET next_at = now() + ($2::int * interval '1 millisecond') WHERE id = ANY($1::uuid[])`,
      [ids, Math.max(0, Math.round(inMs))],
    )
  }

  /** One destination: honour its window, fold the backlog past it into a digest, send. */
  private async work(dest: string, list: Row[], groups: Map<string, Promise<GroupTarget | null>>) {
    const channel = list[0]!.channel
    const client = await this.db.pool.connect()
    let locked = false
    try {
      locked = (await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`notify:${dest}`])).rows[0].ok
      if (!locked) {
        // another node works this destination now; come back shortly
        await this.release(
          list.map((r) => r.id),
          1000,
        )
        return
      }
      const w = await client.query(
        `SELECT count(*)::int AS n, min(sent_at) AS oldest FROM notification
          WHERE channel = $1 AND status = 'SENT' AND payload->>'dest' = $2
            AND sent_at > now() - ($3::int * interval '1 millisecond')`,
        [channel, dest, this.windowMs],
      )
      const used: number = w.rows[0].n
      const plan = planDestination(list.length, this.rates[channel] - used)
      if (plan.kind === 'wait') {
        const oldest: Date | null = w.rows[0].oldest
        const inMs = oldest ? oldest.getTime() + this.windowMs - Date.now() + 50 : 1000
        await this.release(
          list.map((r) => r.id),
          Math.max(inMs, 50),
        )
        return
      }
      const single = list.slice(0, plan.send)
      const folded = list.slice(plan.send)
      for (const row of single) await this.deliver(row, groups)
      if (folded.length > 0) {
        const digest = await this.fold(folded)
        await this.deliver(digest, groups)
      }
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`notify:${dest}`]).catch(() => {})
      client.release()
    }
  }

  /** Replaces `rows` by one digest row (same group, channel and destination) in one transaction. */
  private async fold(rows: Row[]): Promise<Row> {
    const first = rows[0]!
    const msg = renderDigest(
      rows.map((r) => ({
        subject: r.subject,
        body: r.body,
        level: r.payload.level,
        status: r.payload.status,
        data: r.payload.data,
        createdAt: r.createdAt,
      })),
    )
    const to = [...new Set(rows.flatMap((r) => r.payload.to ?? []))].sort()
    const payload: OutboxPayload = {
      level: msg.level,
      status: msg.status,
      data: msg.data,
      dest: first.payload.dest,
      digestOf: rows.map((r) => r.id),
      ...(first.channel === 'email' ? { to } : {}),
    }
    const client = await this.db.pool.connect()
    try {
      await client.query('BEGIN')
      const ins = await client.query(
        `INSERT INTO notification (id, group_id, channel, status, subject, body, payload, next_at)
         VALUES (gen_random_uuid(), $1, $2, 'PENDING', $3, $4, $5, now() + interval '${LEASE}')
         RETURNING id, created_at`,
        [first.groupId, first.channel, msg.subject, msg.body, JSON.stringify(payload)],
      )
      const id: string = ins.rows[0].id
      await client.query(
        `UPDATE notification SET status = 'COALESCED', error = $2,
                payload = payload || jsonb_build_object('coalescedInto', $3::text)
          WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`,
        [rows.map((r) => r.id), `coalesced into digest ${id}`, id],
      )
      await client.query('COMMIT')
      this.log.info(
        { digest: id, folded: rows.length, channel: first.channel },
        'notifications coalesced into a digest',
      )
      return {
        ...first,
        id,
        createdAt: ins.rows[0].created_at,
        subject: msg.subject,
        body: msg.body,
        payload,
        attempts: 0,
      }
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {})
      throw e
    } finally {
      client.release()
    }
  }

  private async deliver(row: Row, groups: Map<string, Promise<GroupTarget | null>>) {
    const msg: OutboxMessage = {
      subject: row.subject,
      body: row.body,
      level: row.payload.level ?? 'INFO',
      status: row.payload.status ?? 'ALARM',
      data: row.payload.data ?? {},
    }
    let out: Outcome
    const secrets: string[] = []
    try {
      if (row.channel === 'email') out = await this.sendEmail(row.payload.to ?? [], msg)
      else {
        const g = row.groupId ? await this.group(row.groupId, groups) : null
        const url = row.channel === 'webhook' ? g?.webhookUrl : g?.dingtalkUrl
        if (g?.webhookUrl) secrets.push(g.webhookUrl)
        if (g?.dingtalkUrl) secrets.push(g.dingtalkUrl)
        if (g?.dingtalkSecret) secrets.push(g.dingtalkSecret)
        if (!g) out = { ok: false, error: 'the contact group was deleted before this notification was sent' }
        else if (!url) out = { ok: false, error: `the contact group no longer has a ${row.channel} URL` }
        else if (row.channel === 'webhook') out = await this.sendWebhook(url, msg)
        else out = await this.sendDingtalk(url, g.dingtalkSecret, msg)
      }
    } catch (e) {
      out = { ok: false, error: (e as Error).message || String(e) }
    }
    if (out.ok) {
      await this.db.pool.query(
        `UPDATE notification SET status = 'SENT', sent_at = now(), attempts = attempts + 1, error = NULL WHERE id = $1`,
        [row.id],
      )
      return
    }
    const error = scrub(out.error, [...secrets, ...this.smtpSecrets()]).slice(0, 1000)
    const attempts = row.attempts + (out.countsAsAttempt === false ? 0 : 1)
    const final = attempts >= MAX_ATTEMPTS
    const inMs = out.retryInMs ?? backoffMs(attempts, this.retryBaseMs)
    await this.db.pool.query(
      `UPDATE notification SET status = $2, attempts = $3, error = $4,
              next_at = now() + ($5::int * interval '1 millisecond') WHERE id = $1`,
      [row.id, final ? 'FAILED' : 'PENDING', attempts, error, final ? 0 : Math.round(inMs)],
    )
    this.log.warn(
      { id: row.id, channel: row.channel, dest: row.payload.dest, attempts, final, error },
      final ? 'notification failed for good' : 'notification failed; will retry',
    )
  }

  private group(id: string, cache: Map<string, Promise<GroupTarget | null>>) {
    let p = cache.get(id)
    if (!p) {
      p = this.db.prisma.contactGroup.findUnique({
        where: { id },
        select: { webhookUrl: true, dingtalkUrl: true, dingtalkSecret: true },
      })
      cache.set(id, p)
    }
    return p
  }

  private smtpSecrets(): string[] {
    if (!this.smtp) return []
    try {
      const u = new URL(this.smtp.url)
      return [this.smtp.url, decodeURIComponent(u.password), u.password].filter((s) => s.length > 0)
    } catch {
      return [this.smtp.url]
    }
  }

  private async sendEmail(to: string[], msg: OutboxMessage): Promise<Outcome> {
    if (!this.smtp) return { ok: false, error: 'no SMTP server is configured on this node (set SMTP_URL)' }
    if (to.length === 0) return { ok: false, error: 'no member of the contact group has an e-mail address' }
    this.transport ??= nodemailer.createTransport({
      url: this.smtp.url,
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: 3 * SEND_TIMEOUT_MS,
    } as Parameters<typeof nodemailer.createTransport>[0])
    const m = renderEmail(msg)
    try {
      await this.transport.sendMail({ from: this.smtp.from, to, subject: m.subject, text: m.text, html: m.html })
      return { ok: true }
    } catch (e) {
      const err = e as Error & { code?: string; responseCode?: number }
      return { ok: false, error: `the SMTP server refused or failed: ${err.code ?? ''} ${err.message}`.trim() }
    }
  }

  private async post(url: string, body: unknown, what: string): Promise<Response | Outcome> {
    try {
      return await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        redirect: 'manual',
      })
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; errors?: { code?: string }[] } }
      if (err.name === 'TimeoutError' || err.name === 'AbortError')
        return { ok: false, error: `the ${what} did not answer within ${SEND_TIMEOUT_MS / 1000} s` }
      // undici wraps the socket error (an AggregateError when every address of the host failed)
      const code = err.cause?.code ?? err.cause?.errors?.find((x) => x.code)?.code ?? err.message
      return { ok: false, error: `the ${what} is unreachable (${code})` }
    }
  }

  private async sendWebhook(url: string, msg: OutboxMessage): Promise<Outcome> {
    const res = await this.post(url, renderWebhook(msg), 'webhook')
    if (!(res instanceof Response)) return res
    await res.body?.cancel().catch(() => {})
    if (res.status >= 200 && res.status < 300) return { ok: true }
    return { ok: false, error: `the webhook answered HTTP ${res.status}` }
  }

  private async sendDingtalk(url: string, secret: string | null, msg: OutboxMessage): Promise<Outcome> {
    const res = await this.post(dingtalkUrl(url, secret), renderDingtalk(msg), 'DingTalk robot')
    if (!(res instanceof Response)) return res
    const text = await res.text().catch(() => '')
    if (res.status < 200 || res.status >= 300)
      return { ok: false, error: `the DingTalk robot answered HTTP ${res.status}` }
    let answer: { errcode?: number; errmsg?: string } = {}
    try {
      answer = JSON.parse(text)
    } catch {
      return { ok: false, error: 'the DingTalk robot answered something that is not JSON' }
    }
    if (answer.errcode === undefined || answer.errcode === 0) return { ok: true }
    if (answer.errcode === DINGTALK_TOO_FAST)
      return {
        ok: false,
        error: `DingTalk says the robot is sending too fast (errcode ${DINGTALK_TOO_FAST}); retrying in a minute`,
        retryInMs: WINDOW_MS,
        countsAsAttempt: false,
      }
    return {
      ok: false,
      error: `the DingTalk robot refused the message: errcode ${answer.errcode} ${String(answer.errmsg ?? '').slice(0, 200)}`,
    }
  }
}

/** Removes secrets (URLs with tokens, passwords) from a message before it is stored or logged. */
export function scrub(message: string, secrets: string[]): string {
  let out = message
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join('***')
  }
  // any URL left in an error loses its query string (robot tokens live there)
  return out.replace(/(https?:\/\/[^\s?#]+)\?[^\s]*/g, '$1?***')
}
