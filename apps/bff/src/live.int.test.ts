import { Device } from '@iotops/device-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode } from './testing'

let node: RunningNode
let api: HttpSession
beforeAll(async () => {
  node = await startTestNode()
  api = await signInHttp(node)
})
afterAll(() => node?.close())

type Row = { id: number; bizType: string; operation: string; code: number; deviceName: string }
const rowsOf = (events: Array<{ data: unknown }>) => events.flatMap((e) => e.data as Row[])

describe('live tails over SSE (tRPC subscriptions)', () => {
  it("streams a device's run-log records as they happen, each once, with a resumable id", async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 2)
    const [d1, d2] = list as [(typeof list)[number], (typeof list)[number]]
    const tail = api.subscribe('runLog.onTail', { productKey, deviceName: d1.deviceName, status: 'all' })
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
    const anon = api.subscribe('deviceLog.onTail', { productKey }, {})
    await anon.opened
    // an event stream answers 200 before the procedure runs: the refusal comes as its error event
    expect(await eventually(async () => anon.errors[0])).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(anon.events).toEqual([])
    anon.close()
    const tail = api.subscribe('deviceLog.onTail', { productKey, deviceName: d.deviceName })
    await tail.opened
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    await dev.postLogs([{ logLevel: 'ERROR', module: 'net', logContent: 'link lost' }])
    const got = await eventually(async () => rowsOf(tail.events).length > 0 && tail.events)
    expect(got[0]!.data).toMatchObject([{ module: 'net', level: 'ERROR', content: 'link lost' }])
    tail.close()
    await dev.close()
  })
})
