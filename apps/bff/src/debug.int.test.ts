import { Codes } from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { devices } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'

// Online debugging: the procedures the /debug page calls, over HTTP as the console calls them.
let node: RunningNode
let api: HttpSession
beforeAll(async () => {
  node = await startTestNode()
  api = await signInHttp(node)
})
afterAll(() => node?.close())

const trpc = <T>(proc: string, input: unknown, kind?: 'query' | 'mutation') => api.call<T>(proc, input, kind)

interface Target {
  status: string
  blockedCode: number | null
  thingModel: { modules: { identifier: string; properties: { identifier: string }[] }[] }
}
interface Props {
  items: {
    identifier: string
    value: unknown
    time: string | null
    desired: { value: unknown; version: number } | null
  }[]
}

describe('online debugging procedures', () => {
  it('debug.target follows the device: 9200 not activated → online → 9201 offline → 6208 disabled', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node)
    const d = list[0]!
    const ref = { productKey, deviceName: d.deviceName }
    const fresh = await trpc<Target>('debug.target', ref)
    expect(fresh.data).toMatchObject({ status: 'UNACTIVE', blockedCode: 9200 })
    expect(fresh.data!.thingModel.modules[0]!.properties.map((p) => p.identifier)).toEqual([
      'temperature',
      'humidity',
      'power',
    ])

    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    expect((await trpc<Target>('debug.target', ref)).data).toMatchObject({ status: 'ONLINE', blockedCode: null })
    await dev.close()
    await eventually(async () => (await trpc<Target>('debug.target', ref)).data?.blockedCode === 9201)

    await devices.setDeviceDisabled(node.db, node.hub, TEST_ACTOR, ref, true)
    expect((await trpc<Target>('debug.target', ref)).data).toMatchObject({ status: 'DISABLED', blockedCode: 6208 })
    // and the downlink refuses with the same code
    const set = await trpc('device.setProperty', { ...ref, items: { temperature: 20 } }, 'mutation')
    expect(set.error?.data.alinkCode).toBe(6208)

    const missing = await trpc('debug.target', { productKey, deviceName: 'no_such_device' })
    expect(missing.error?.data).toMatchObject({ code: 'NOT_FOUND', alinkCode: Codes.DEVICE_NOT_EXIST })
  })

  it('Set reaches the device and its trace is returned; Get returns reported and desired values; desired values are versioned, read-only refused', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node)
    const d = list[0]!
    const ref = { productKey, deviceName: d.deviceName }
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    const got: Record<string, unknown>[] = []
    dev.onPropertySet(async (params) => {
      got.push(params)
      await dev.postProperties(params)
      return { code: 200 }
    })

    // before any report: nothing, not even a desired value
    const empty = await trpc<Props>('debug.properties', ref)
    expect(empty.data!.items).toEqual([
      { identifier: 'temperature', value: null, time: null, desired: null },
      { identifier: 'humidity', value: null, time: null, desired: null },
      { identifier: 'power', value: null, time: null, desired: null },
    ])

    const set = await trpc<{ messageId: string; traceId: string }>(
      'device.setProperty',
      { ...ref, items: { temperature: 31, power: 1 } },
      'mutation',
    )
    expect(set.data?.traceId).toMatch(/\S+/)
    await eventually(async () => got.length > 0)
    expect(got[0]).toEqual({ temperature: 31, power: 1 })
    const rows = await eventually(async () => {
      const r = await trpc<{ items: { bizType: string; operation: string; code: number }[] }>('runLog.search', {
        productKey,
        deviceName: d.deviceName,
        traceId: set.data!.traceId,
      })
      return (r.data?.items.length ?? 0) >= 2 && r.data!.items
    })
    expect(rows.map((r) => r.operation).sort()).toEqual(
      [`/sys/${productKey}/${d.deviceName}/thing/service/property/set`, 'SetDeviceProperty'].sort(),
    )

    // Get: the device echoed the values back in a property post
    const after = await eventually(async () => {
      const r = await trpc<Props>('debug.properties', { ...ref, identifiers: ['temperature', 'power'] })
      return r.data?.items.every((i) => i.value !== null) && r.data
    })
    expect(after.items.map((i) => [i.identifier, i.value])).toEqual([
      ['temperature', 31],
      ['power', 1],
    ])
    const unknown = await trpc('debug.properties', { ...ref, identifiers: ['nope'] })
    expect(unknown.error?.data.alinkCode).toBe(5092)

    // desired values: stored with versions whatever the device's state, read by the device
    const w1 = await trpc<{ versions: Record<string, number>; traceId: string }>(
      'device.setDesired',
      { ...ref, items: { temperature: 18 } },
      'mutation',
    )
    expect(w1.data?.versions).toEqual({ temperature: 1 })
    await dev.close()
    const w2 = await trpc<{ versions: Record<string, number> }>(
      'device.setDesired',
      { ...ref, items: { temperature: 19 } },
      'mutation',
    )
    expect(w2.data?.versions).toEqual({ temperature: 2 })
    const desired = await trpc<Props>('debug.properties', { ...ref, identifiers: ['temperature'] })
    expect(desired.data!.items[0]!.desired).toMatchObject({ value: 19, version: 2 })
    const dev2 = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    expect((await dev2.getDesired(['temperature'])).data).toMatchObject({ temperature: { value: 19, version: 2 } })
    await dev2.close()

    // thing-model checks before anything is stored: read-only 6332, out of range 6306, stale version → conflict
    const ro = await trpc('device.setDesired', { ...ref, items: { humidity: 50 } }, 'mutation')
    expect(ro.error?.data.alinkCode).toBe(6332)
    const range = await trpc('device.setDesired', { ...ref, items: { temperature: 500 } }, 'mutation')
    expect(range.error?.data.alinkCode).toBe(6306)
    const stale = await trpc(
      'device.setDesired',
      { ...ref, items: { temperature: 20 }, versions: { temperature: 1 } },
      'mutation',
    )
    expect(stale.error?.data.code).toBe('CONFLICT')
  })

  it('a sync service returns the device output with its trace; an offline device is refused with 9201', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node)
    const d = list[0]!
    const ref = { productKey, deviceName: d.deviceName }
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...d })
    dev.onService((identifier, params) => ({ data: identifier === 'reboot' ? { ok: params.delay === 3 ? 1 : 0 } : {} }))
    const r = await trpc<{ code: number; output: unknown; traceId: string }>(
      'device.invokeService',
      { ...ref, identifier: 'reboot', args: { delay: 3 } },
      'mutation',
    )
    expect(r.data).toMatchObject({ code: 200, output: { ok: 1 } })
    expect(r.data?.traceId).toMatch(/\S+/)
    const async = await trpc<{ code: number | null; traceId: string }>(
      'device.invokeService',
      { ...ref, identifier: 'calibrate', args: {} },
      'mutation',
    )
    expect(async.data).toMatchObject({ code: null })
    expect(async.data?.traceId).toMatch(/\S+/)
    await dev.close()
    await eventually(async () => (await trpc<Target>('debug.target', ref)).data?.blockedCode === 9201)
    const off = await trpc('device.invokeService', { ...ref, identifier: 'reboot', args: { delay: 1 } }, 'mutation')
    expect(off.error?.data.alinkCode).toBe(9201)
  })
})
