import { SENSOR_TSL } from '@iotops/alink/fixtures'
import { createTestDatabase } from '@iotops/db/testing'
import { type Actor, auth, devices, products } from '@iotops/services'
import pino from 'pino'
import { loadConfig } from './env'
import { type RunningNode, startNode } from './node'

export const TEST_ACTOR: Actor = { type: 'system', id: null, name: 'test', role: 'ADMIN' }

/** A whole node (broker, pipeline, HTTP API; no console) on free ports with its own fresh database. */
export async function startTestNode(env: Record<string, string> = {}): Promise<RunningNode> {
  const url = env.DATABASE_URL ?? (await createTestDatabase())
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    HOST: '127.0.0.1',
    CONSOLE: 'off',
    DATABASE_URL: url,
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password-1',
    LOG_LEVEL: 'silent',
    ...env,
  })
  return startNode(config, { log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) })
}

/** A product with the sensor thing model and `n` devices; returns their triples. */
export async function seedSensorProduct(
  node: RunningNode,
  n = 1,
  name = `Sensor_${Math.random().toString(36).slice(2, 8)}`,
) {
  const p = await products.createProduct(node.db, TEST_ACTOR, { name, nodeType: 'DIRECT', dataFormat: 'ALINK_JSON' })
  await products.importThingModel(node.db, TEST_ACTOR, { productKey: p.productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const list = []
  for (let i = 0; i < n; i++) list.push(await devices.createDevice(node.db, TEST_ACTOR, { productKey: p.productKey }))
  return { productKey: p.productKey, devices: list }
}

export async function createApiKey(node: RunningNode, role: 'ADMIN' | 'OPERATOR' | 'VIEWER' = 'OPERATOR') {
  return (await auth.createApiKey(node.db, TEST_ACTOR, { name: 'test', role })).key
}

/** The automation API's answer (`Data` is each action's own shape). */
export interface OpenApiAnswer {
  RequestId: string
  Success: boolean
  Code?: string
  ErrorMessage?: string
  // biome-ignore lint/suspicious/noExplicitAny: each action answers its own Data shape
  Data?: any
}

/** Calls `POST /api/v1/<action>` with an API key (none: unauthenticated), as automation does. */
export async function callOpenApi(node: RunningNode, action: string, params: object, key: string | null) {
  const res = await fetch(`http://127.0.0.1:${node.httpPort}/api/v1/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(params),
  })
  return { status: res.status, body: (await res.json()) as OpenApiAnswer }
}

/** Polls until `fn` returns a truthy value (for effects that land asynchronously, e.g. offline after a socket drop). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`)
}

/** A tRPC error as the console receives it. */
export interface TrpcError {
  message: string
  data: { code: string; alinkCode: number | null }
}

/** A signed-in HTTP session with a node, as the console has one. */
export interface HttpSession {
  /** the tRPC endpoint, `http://127.0.0.1:<port>/api/trpc` */
  base: string
  /** the session cookie, `name=value` */
  cookie: string
  /** A tRPC call as the console makes it (superjson wire format, CSRF header); resolves to the data or the error. */
  call<T = unknown>(proc: string, input: unknown, kind?: 'query' | 'mutation'): Promise<{ data?: T; error?: TrpcError }>
  /** A tRPC subscription opened as the browser's EventSource does (with the session cookie unless `headers` say otherwise). */
  subscribe<T = unknown>(proc: string, input: unknown, headers?: Record<string, string>): SseStream<T>
}

/** An open tRPC subscription: its data events and errors, collected as they arrive. */
export interface SseStream<T> {
  events: Array<{ id?: string; data: T }>
  errors: Array<{ code?: string; message?: string }>
  /** the response, once the stream is open (or refused) */
  opened: Promise<Response>
  /** drops the stream, as closing the page does */
  close: () => void
}

/** Signs in over HTTP as the console does (the node's admin by default). */
export async function signInHttp(
  node: RunningNode,
  email = 'admin@example.com',
  password = 'admin-password-1',
): Promise<HttpSession> {
  const base = `http://127.0.0.1:${node.httpPort}/api/trpc`
  const res = await fetch(`${base}/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-iotops-csrf': '1' },
    body: JSON.stringify({ json: { email, password } }),
  })
  const setCookie = res.headers.get('set-cookie')
  if (!res.ok || !setCookie) throw new Error(`sign-in as ${email} failed: ${res.status}`)
  const cookie = setCookie.split(';')[0]!
  async function call<T>(proc: string, input: unknown, kind: 'query' | 'mutation' = 'query') {
    const headers = { 'content-type': 'application/json', 'x-iotops-csrf': '1', cookie }
    const r =
      kind === 'mutation'
        ? await fetch(`${base}/${proc}`, { method: 'POST', headers, body: JSON.stringify({ json: input }) })
        : await fetch(`${base}/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers })
    const body = (await r.json()) as { result?: { data: { json: T } }; error?: { json: TrpcError } }
    return body.error ? { error: body.error.json } : { data: body.result!.data.json }
  }
  function subscribe<T>(proc: string, input: unknown, headers: Record<string, string> = { cookie }): SseStream<T> {
    const events: SseStream<T>['events'] = []
    const errors: SseStream<T>['errors'] = []
    const ac = new AbortController()
    const opened = fetch(`${base}/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: ac.signal,
    }).then(async (res) => {
      if (!res.ok || !res.body) return res
      void (async () => {
        const decoder = new TextDecoder()
        let buf = ''
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buf += decoder.decode(chunk, { stream: true })
            for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
              const block = buf.slice(0, i)
              buf = buf.slice(i + 2)
              const fields = Object.fromEntries(
                block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
              )
              if (fields.data && !fields.event) events.push({ id: fields.id, data: JSON.parse(fields.data).json })
              if (fields.event === 'serialized-error') {
                const e = JSON.parse(fields.data ?? '{}').json
                errors.push({ code: e?.data?.code, message: e?.message })
              }
            }
          }
        } catch {
          // aborted
        }
      })()
      return res
    })
    return { events, errors, opened, close: () => ac.abort() }
  }
  return { base, cookie, call, subscribe }
}

export { SENSOR_TSL }
