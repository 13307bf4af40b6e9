import type http from 'node:http'
import { Codes } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { subscription } from '@iotops/services'
import { SUBSCRIPTION_LIMITS } from '@iotops/services/schemas'

// Server-side subscription over HTTP (docs/API.md "Server-side subscription"): a consumer group's token opens
//   GET  /api/subscription/{groupId}/stream?heartbeat=S&ackTimeout=S&prefetch=N   NDJSON: open, message, heartbeat, close
//   POST /api/subscription/{groupId}/ack   {"ack":[id…],"nack":[id…],"release":[id…]} → {acked,nacked,released}
// Refusals carry the reference codes: 9600 (429, too many connections), 9601 (400, heartbeat out of range).

export interface SubscriptionHttpDeps {
  db: Db
  engine: subscription.SubscriptionEngine
  send(res: http.ServerResponse, status: number, body: unknown): void
  readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | undefined>
  ip(req: http.IncomingMessage): string | undefined
}

const ROUTE = /^\/api\/subscription\/([A-Za-z0-9_-]{1,64})\/(stream|ack)$/
const ID = /^\d{1,19}$/
/** a message id: digits within PostgreSQL's bigint */
const isId = (x: unknown) => typeof x === 'string' && ID.test(x) && BigInt(x) <= 9_223_372_036_854_775_807n

/** An integer query parameter within [min, max]; undefined when absent, null when invalid. */
function intParam(url: URL, name: string, min: number, max: number): number | undefined | null {
  const v = url.searchParams.get(name)
  if (v === null) return undefined
  const n = Number(v)
  return Number.isInteger(n) && n >= min && n <= max ? n : null
}

/** Handles the subscription routes; false when the path is not one of them. */
export async function subscriptionRoutes(
  d: SubscriptionHttpDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<boolean> {
  const m = ROUTE.exec(url.pathname)
  if (!m) return false
  const [, groupId, action] = m as unknown as [string, string, 'stream' | 'ack']
  const method = action === 'stream' ? 'GET' : 'POST'
  if (req.method !== method) {
    res.setHeader('allow', method)
    d.send(res, 405, { error: `use ${method} on ${url.pathname}` })
    return true
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  const group = await subscription.authenticateConsumer(d.db, groupId, token)
  if (!group) {
    d.send(res, 401, {
      error: 'unknown consumer group or wrong token: send the group token as "Authorization: Bearer <token>"',
    })
    return true
  }
  if (action === 'ack') {
    const body = await d.readJson(req)
    const lists: Record<'ack' | 'nack' | 'release', string[]> = { ack: [], nack: [], release: [] }
    for (const k of ['ack', 'nack', 'release'] as const) {
      const v = body?.[k]
      if (v === undefined) continue
      if (!Array.isArray(v) || v.length > 1000 || !v.every(isId)) {
        d.send(res, 400, { error: `"${k}" must be a list of at most 1000 message ids (digit strings)` })
        return true
      }
      lists[k] = v as string[]
    }
    if (!body || lists.ack.length + lists.nack.length + lists.release.length === 0) {
      d.send(res, 400, { error: 'send {"ack": [ids]} (and/or "nack", "release") as a JSON body' })
      return true
    }
    d.send(res, 200, await d.engine.settle(groupId, lists))
    return true
  }
  const L = SUBSCRIPTION_LIMITS
  const ackTimeout = intParam(url, 'ackTimeout', L.ackTimeoutMinS, L.ackTimeoutMaxS)
  const prefetch = intParam(url, 'prefetch', 1, L.prefetchMax)
  if (ackTimeout === null || prefetch === null) {
    d.send(res, 400, {
      error: `ackTimeout must be ${L.ackTimeoutMinS}–${L.ackTimeoutMaxS} seconds and prefetch 1–${L.prefetchMax}`,
    })
    return true
  }
  const hb = url.searchParams.get('heartbeat')
  // the client may have gone while its token was checked: no consumer for a closed connection
  if (req.destroyed || res.destroyed || res.writableEnded) return true
  let conn: { id: string; close(): void }
  // the client may go while the connection is registered
  let gone = false
  const onGone = () => {
    gone = true
  }
  res.once('close', onGone)
  try {
    conn = await d.engine.connect(
      groupId,
      {
        write: (line) => {
          if (!res.writableEnded) res.write(`${JSON.stringify(line)}\n`)
        },
        end: () => res.end(),
      },
      {
        heartbeatS: hb === null ? undefined : Number(hb),
        ackTimeoutS: ackTimeout,
        prefetch,
        ip: d.ip(req),
      },
      () => {
        res.writeHead(200, {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
        })
        res.flushHeaders()
      },
    )
  } catch (e) {
    if (e instanceof subscription.ConsumerRefused) {
      const status =
        e.code === Codes.CONSUMER_GROUP_CONNECTION_LIMIT ? 429 : e.code === Codes.HEARTBEAT_INVALID ? 400 : 503
      d.send(res, status, { error: e.message, code: e.code })
      return true
    }
    throw e
  }
  req.socket.setTimeout(0)
  req.socket.setNoDelay(true)
  res.off('close', onGone)
  if (gone) conn.close()
  else res.on('close', () => conn.close())
  return true
}
