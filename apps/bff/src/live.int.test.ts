import { Device } from '@iotops/device-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode } from './testing'

let node: RunningNode
let base: string
let cookie: string
beforeAll(async () => {
  node = await startTestNode()
  base = `http://127.0.0.1:${node.httpPort}/api/trpc`
  const res = await fetch(`${base}/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-iotops-csrf': '1' },
    body: JSON.stringify({ json: { email: 'admin@example.com', password: 'admin-password-1' } }),
  })
  cookie = res.headers.get('set-cookie')!.split(';')[0]!
})
afterAll(() => node?.close())

interface SseEvent {
  id?: string
  data: unknown
}
interface SseError {
  code?: string
  message?: string
}

/** Opens a tRPC subscription as the browser's EventSource does and collects its data events. */
function subscribe(proc: string, input: unknown, headers: Record<string, string> = { cookie }) {
  const events: SseEvent[] = []
  const errors: SseError[] = []
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

type Row = { id: number; bizType: string; operation: string; code: number; deviceName: string }
const rowsOf = (events: SseEvent[]) => events.flatMap((e) => e.data as Row[])

describe('live tails over SSE (tRPC subscriptions)', () => {
  it("streams a device's run-log records as they happen, each once, with a resumable id", async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 2)
    const [d1, d2] = list as [(typeof list)[number], (typeof list)[number]]
    const tail = subscribe('runLog.onTail', { productKey, deviceName: d1.deviceName, status: 'all' })
    expect((await tail.opened).status).toBe(200)
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    const dev1 = await Device.connect({ url, ...d1 })
    const dev2 = await Device.connect({ url, ...d2 })
    await dev2.postProperties({ temperature: 1 })
    expect((await dev1.postProperties({ temperature: 21 })).code).toBe(200)
    expect((await dev1.postProperties({ temperature: 999 })).code).not.toBe(200)
    const rows = await eventually(async () => {
      const r = rowsOf(tail.events)
      return r.filter((x) => x.bizType === 'ThingModel').length >= 2 && r
    })
    // online, the two posts and their checks and replies; only this device's; nothing twice
    expect(rows.every((r) => r.deviceName === d1.deviceName)).toBe(true)
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    expect(rows.some((r) => r.bizType === 'device' && r.operation === 'online')).toBe(true)
    expect(rows.filter((r) => r.bizType === 'ThingModel').map((r) => r.code)).toContain(6306)
    expect(tail.events.at(-1)?.id).toMatch(/^\d+:\d+$/)
    tail.close()
    // the stream's end stops the tail on the server
    await eventually(async () => node.hub.listenerCount('written') === 0)
    await dev1.close()
    await dev2.close()
  })

  it('streams device local logs and refuses a visitor without a session', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 1)
    const d = list[0]!
    const anon = subscribe('deviceLog.onTail', { productKey }, {})
    await anon.opened
    // an event stream answers 200 before the procedure runs: the refusal comes as its error event
    expect(await eventually(async () => anon.errors[0])).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(anon.events).toEqual([])
    anon.close()
    const tail = subscribe('deviceLog.onTail', { productKey, deviceName: d.deviceName })
    await tail.opened
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    await dev.postLogs([{ logLevel: 'ERROR', module: 'net', logContent: 'link lost' }])
    const got = await eventually(async () => rowsOf(tail.events).length > 0 && tail.events)
    expect(got[0]!.data).toMatchObject([{ module: 'net', level: 'ERROR', content: 'link lost' }])
    tail.close()
    await dev.close()
  })
})
