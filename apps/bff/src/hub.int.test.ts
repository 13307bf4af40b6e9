import { buildMqttCredentials } from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { devices, downlink, searchRunLog } from '@iotops/services'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let url: string
beforeAll(async () => {
  node = await startTestNode()
  url = `mqtt://127.0.0.1:${node.mqttPort}`
})
afterAll(() => node?.close())

const status = async (productKey: string, deviceName: string) =>
  (await devices.deviceDetail(node.db, { productKey, deviceName })).status
const logs = (productKey: string, deviceName: string, extra: object = {}) =>
  searchRunLog(node.db, { productKey, deviceName, status: 'all', limit: 200, ...extra }).then((r) => r.items)

/** A raw CONNECT and the CONNACK return code (0 accepted). */
function connackCode(opts: mqtt.IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { ...opts, reconnectPeriod: 0 })
    c.on('connect', () => {
      c.end(true)
      resolve(0)
    })
    c.on('error', (e) => {
      c.end(true)
      resolve((e as { code?: number }).code ?? -1)
    })
  })
}

describe('device authentication (Link SDK scheme)', () => {
  it('accepts a correctly signed device with each sign method, with and without timestamp, and marks it online', async () => {
    const { productKey, devices: list } = await seedSensorProduct(node, 6)
    let i = 0
    for (const signMethod of ['hmacmd5', 'hmacsha1', 'hmacsha256'] as const) {
      for (const timestamp of [true, false]) {
        const d = list[i++]!
        expect(await status(productKey, d.deviceName)).toBe('UNACTIVE')
        const dev = await Device.connect({ url, ...d, signMethod, timestamp })
        expect(await eventually(async () => (await status(productKey, d.deviceName)) === 'ONLINE')).toBe(true)
        await dev.close()
      }
    }
  })

  it('refuses a device that connects more than 5 times a minute (CONNACK 5) and logs Device_Connect_QPM_Limit', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    for (let i = 0; i < 5; i++) await (await Device.connect({ url, ...d! })).close()
    await expect(Device.connect({ url, ...d! })).rejects.toThrow(/Not authorized/)
    const rows = await eventually(async () =>
      (await logs(productKey, d!.deviceName)).filter((r) => r.operation === 'Device_Connect_QPM_Limit'),
    )
    expect(rows[0]?.code).toBe(429)
  })

  it('refuses a wrong signature (CONNACK 4, run log 6287), an unknown device (6100) and a disabled one (CONNACK 5, 522)', async () => {
    const {
      productKey,
      devices: [d, e],
    } = await seedSensorProduct(node, 2)
    const wrong = buildMqttCredentials({ productKey, deviceName: d!.deviceName, deviceSecret: 'f'.repeat(32) })
    expect(await connackCode({ ...wrong, protocolVersion: 4 })).toBe(4)
    const unknown = buildMqttCredentials({ productKey, deviceName: 'nobody_here', deviceSecret: d!.deviceSecret })
    expect(await connackCode({ ...unknown, protocolVersion: 4 })).toBe(4)
    await devices.setDeviceDisabled(node.db, node.hub, TEST_ACTOR, e!, true)
    const disabled = buildMqttCredentials({ productKey, deviceName: e!.deviceName, deviceSecret: e!.deviceSecret })
    expect(await connackCode({ ...disabled, protocolVersion: 4 })).toBe(5)
    const codes = async (dn: string) => (await logs(productKey, dn, { bizType: 'device' })).map((r) => r.code)
    expect(await eventually(async () => (await codes(d!.deviceName)).includes(6287))).toBe(true)
    expect(await codes('nobody_here')).toContain(6100)
    expect(await codes(e!.deviceName)).toContain(522)
    expect(await status(productKey, d!.deviceName)).toBe('UNACTIVE')
  })

  it('kicks the older connection when the same device connects again (427) and stays online', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const first = await Device.connect({ url, ...d! })
    const closed = new Promise<void>((r) => first.client.once('close', () => r()))
    const second = await Device.connect({ url, ...d! })
    await closed
    await eventually(async () =>
      (await logs(productKey, d!.deviceName, { bizType: 'device' })).some(
        (r) => r.operation === 'offline' && r.code === 427,
      ),
    )
    expect(await status(productKey, d!.deviceName)).toBe('ONLINE')
    await second.close()
    await first.close(true)
  })

  it('records the offline reason: 200 for a clean DISCONNECT, 1911 for a dropped TCP connection', async () => {
    const {
      productKey,
      devices: [a, b],
    } = await seedSensorProduct(node, 2)
    const da = await Device.connect({ url, ...a! })
    await da.close()
    const db = await Device.connect({ url, ...b! })
    db.client.stream.destroy()
    await eventually(async () => (await status(productKey, b!.deviceName)) === 'OFFLINE')
    const off = async (dn: string) =>
      (await logs(productKey, dn, { bizType: 'device' })).find((r) => r.operation === 'offline')?.code
    expect(await eventually(() => off(a!.deviceName))).toBe(200)
    expect(await eventually(() => off(b!.deviceName))).toBe(1911)
    expect(await status(productKey, a!.deviceName)).toBe('OFFLINE')
    await db.close(true)
  })
})

describe('property post through the pipeline', () => {
  it('replies 200, stores the latest values and logs uplink, TSL check and reply under one traceId', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    const reply = await dev.postProperties({ temperature: 25, humidity: 40.5 })
    expect(reply.code).toBe(200)
    const detail = await devices.deviceDetail(node.db, { productKey, deviceName: d!.deviceName })
    const values = Object.fromEntries(detail.properties.map((p) => [p.identifier, p.value]))
    expect(values).toMatchObject({ temperature: 25, humidity: 40.5 })
    // the reply reaches the device before its own run-log row is flushed
    const rows = await eventually(async () => {
      const r = await logs(productKey, d!.deviceName, { messageId: reply.id })
      return r.length === 3 && r
    })
    expect(rows.map((r) => r.bizType).sort()).toEqual(['ThingModel', 'downlink', 'uplink'])
    expect(new Set(rows.map((r) => r.traceId)).size).toBe(1)
    await dev.close()
  })

  it('rejects invalid values with the documented TSL code in the reply and the run log, storing nothing', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    const tooHot = await dev.postProperties({ temperature: 500 })
    expect(tooHot.code).toBe(6306)
    const notAProperty = await dev.postProperties({ voltage: 3 })
    expect(notAProperty.code).toBe(5092)
    const check = (await logs(productKey, d!.deviceName, { bizType: 'ThingModel' })).map((r) => r.code)
    expect(check).toEqual(expect.arrayContaining([6306, 5092]))
    const detail = await devices.deviceDetail(node.db, { productKey, deviceName: d!.deviceName })
    expect(detail.properties.every((p) => p.value === null)).toBe(true)
    await dev.close()
  })

  it('stores events with their type', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    expect((await dev.postEvent('overheat', { level: 7 })).code).toBe(200)
    expect((await dev.postEvent('overheat', { level: 70 })).code).toBe(6306)
    const ev = await devices.deviceEvents(node.db, { productKey, deviceName: d!.deviceName, page: 1, pageSize: 10 })
    expect(ev.items).toHaveLength(1)
    expect(ev.items[0]).toMatchObject({ identifier: 'overheat', type: 'alert', params: { level: 7 } })
    await dev.close()
  })
})

describe('topic authorization', () => {
  it('disconnects a device that publishes to another device’s topic and logs 9236', async () => {
    const {
      productKey,
      devices: [a, b],
    } = await seedSensorProduct(node, 2)
    const dev = await Device.connect({ url, ...a! })
    const closed = new Promise<void>((r) => dev.client.once('close', () => r()))
    dev.client.publish(`/sys/${productKey}/${b!.deviceName}/thing/event/property/post`, '{}', { qos: 1 })
    await closed
    const rows = await eventually(async () => (await logs(productKey, a!.deviceName)).filter((r) => r.code === 9236))
    expect(rows.length).toBeGreaterThan(0)
    await dev.close(true)
  })

  it('refuses a subscription to another device’s topics (SUBACK 128)', async () => {
    const {
      productKey,
      devices: [a, b],
    } = await seedSensorProduct(node, 2)
    const dev = await Device.connect({ url, ...a! })
    // mqtt.js reports a SUBACK return code 128 as an error
    await expect(dev.client.subscribeAsync(`/sys/${productKey}/${b!.deviceName}/thing/service/+`)).rejects.toThrow(
      /Unspecified error/,
    )
    const own = await dev.client.subscribeAsync(`/sys/${productKey}/${a!.deviceName}/thing/service/+`)
    expect(own[0]?.qos).toBe(0)
    const rows = await logs(productKey, a!.deviceName, { bizType: 'subscribe' })
    expect(rows.find((r) => r.operation.includes(b!.deviceName))?.code).toBe(9236)
    await dev.close()
  })
})

describe('cloud → device', () => {
  it('sets a property (the device applies it and replies) and refuses read-only properties', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    const got = new Promise<Record<string, unknown>>((resolve) =>
      dev.onPropertySet((p) => {
        resolve(p)
        return undefined
      }),
    )
    const r = await downlink.setDeviceProperty(node.hub, TEST_ACTOR, {
      productKey,
      deviceName: d!.deviceName,
      items: { temperature: 30 },
    })
    expect(await got).toEqual({ temperature: 30 })
    await eventually(async () => {
      const calls = await devices.deviceServiceCalls(node.db, {
        productKey,
        deviceName: d!.deviceName,
        page: 1,
        pageSize: 5,
      })
      return calls.items.find((c) => c.id === r.messageId && c.code === 200)
    })
    await expect(
      downlink.setDeviceProperty(node.hub, TEST_ACTOR, {
        productKey,
        deviceName: d!.deviceName,
        items: { humidity: 3 },
      }),
    ).rejects.toThrow(/read/i)
    await dev.close()
  })

  it('invokes a sync service over RRPC and returns the device’s output; an offline device gives 9201', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    dev.onService((id, params) => ({ code: 200, data: { ok: id === 'reboot' && params.delay === 3 ? 1 : 0 } }))
    const r = await downlink.invokeThingService(node.hub, TEST_ACTOR, {
      productKey,
      deviceName: d!.deviceName,
      identifier: 'reboot',
      args: { delay: 3 },
    })
    expect(r).toMatchObject({ code: 200, output: { ok: 1 } })
    await expect(
      downlink.invokeThingService(node.hub, TEST_ACTOR, {
        productKey,
        deviceName: d!.deviceName,
        identifier: 'reboot',
        args: { delay: 99 },
      }),
    ).rejects.toMatchObject({ code: 6306 })
    await dev.close()
    await eventually(async () => (await status(productKey, d!.deviceName)) === 'OFFLINE')
    await expect(
      downlink.invokeThingService(node.hub, TEST_ACTOR, {
        productKey,
        deviceName: d!.deviceName,
        identifier: 'reboot',
        args: { delay: 1 },
      }),
    ).rejects.toMatchObject({ code: 9201 })
  })

  it('times out a sync service the device does not answer with 1905', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    dev.onService(() => new Promise(() => {}))
    await expect(
      downlink.invokeThingService(node.hub, TEST_ACTOR, {
        productKey,
        deviceName: d!.deviceName,
        identifier: 'reboot',
        args: { delay: 1 },
        timeoutMs: 1000,
      }),
    ).rejects.toMatchObject({ code: 1905 })
    await dev.close()
  })
})

describe('Link SDK 4.x server-side subscription (_ss=1)', () => {
  it('subscribes the downlink topics for a device that sends no SUBSCRIBE, without echoing its own replies', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const { buildMqttCredentials: creds } = await import('@iotops/alink')
    const c = creds({ ...d!, clientId: 'sdk4', extra: { _ss: '1' } })
    const client = await mqtt.connectAsync(url, { ...c, protocolVersion: 4, reconnectPeriod: 0 })
    const received: string[] = []
    client.on('message', (topic, payload) => {
      received.push(topic)
      const req = JSON.parse(payload.toString())
      if (topic.endsWith(`/rrpc/request/${topic.split('/').pop()}`)) {
        client.publish(
          topic.replace('/request/', '/response/'),
          JSON.stringify({ id: req.id, code: 200, data: { ok: 1 } }),
        )
      }
    })
    await eventually(async () => (await status(productKey, d!.deviceName)) === 'ONLINE')
    const r = await downlink.invokeThingService(node.hub, TEST_ACTOR, {
      productKey,
      deviceName: d!.deviceName,
      identifier: 'reboot',
      args: { delay: 1 },
    })
    expect(r.output).toEqual({ ok: 1 })
    client.publish(
      `/sys/${productKey}/${d!.deviceName}/thing/service/calibrate_reply`,
      JSON.stringify({ id: '1', code: 200, data: {} }),
    )
    await new Promise((r) => setTimeout(r, 200))
    expect(received.some((t) => t.endsWith('_reply'))).toBe(false)
    await client.endAsync()
  })
})

describe('MQTT over WebSocket', () => {
  it('serves the same protocol at ws://…/mqtt', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url: `ws://127.0.0.1:${node.httpPort}/mqtt`, ...d! })
    expect((await dev.postProperties({ temperature: 5 })).code).toBe(200)
    const online = (await logs(productKey, d!.deviceName, { bizType: 'device' })).find((r) => r.operation === 'online')
    expect(JSON.parse(online!.content).protocol).toBe('MQTT_WS')
    await dev.close()
  })
})

describe('device local logs (/thing/log/post)', () => {
  it('stores uploaded log entries, searchable by level, module, keyword and traceId; refuses malformed uploads', async () => {
    const { searchDeviceLogs } = await import('@iotops/services')
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    const r = await dev.postLogs([
      {
        logLevel: 'ERROR',
        module: 'wifi',
        code: '4103',
        traceContext: 'trace-1',
        logContent: 'association failed: 50% signal',
      },
      { logLevel: 'INFO', module: 'ota', logContent: 'checking for updates' },
    ])
    expect(r.code).toBe(200)
    const q = (x: object) =>
      searchDeviceLogs(node.db, { productKey, deviceName: d!.deviceName, limit: 50, ...x }).then((s) => s.items)
    expect((await q({})).length).toBe(2)
    expect((await q({ level: 'ERROR' })).map((x) => x.module)).toEqual(['wifi'])
    expect((await q({ module: 'OT' })).map((x) => x.content)).toEqual(['checking for updates'])
    // % is a literal character in the keyword, not a wildcard
    expect((await q({ keyword: '50%' })).map((x) => x.code)).toEqual(['4103'])
    expect((await q({ keyword: '5%0' })).length).toBe(0)
    expect((await q({ traceId: 'trace-1' })).length).toBe(1)
    const bad = await dev.postLogs([{ logLevel: 'INFO', module: 'x' } as never])
    expect(bad.code).toBe(460)
    await dev.close()
  })

  it('keeps the upload switch on the device: read on /thing/config/log/get, pushed when it changes', async () => {
    const { setLogUpload } = await import('@iotops/services')
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const ref = { productKey, deviceName: d!.deviceName }
    const dev = await Device.connect({ url, ...d! })
    expect(await dev.getLogSwitch()).toBe(0)
    const pushed = new Promise<number>((resolve) => dev.once('logSwitch', resolve))
    await setLogUpload(node.db, node.hub, TEST_ACTOR, ref, true)
    expect(await pushed).toBe(1)
    expect(await dev.getLogSwitch()).toBe(1)
    // a device that connects later reads the stored switch
    await dev.close()
    const again = await Device.connect({ url, ...d! })
    expect(await again.getLogSwitch()).toBe(1)
    await again.close()
    await expect(
      setLogUpload(node.db, node.hub, TEST_ACTOR, { productKey, deviceName: 'nobody' }, true),
    ).rejects.toThrow(/does not exist/)
  })
})
