import { computeSign } from '@iotops/alink'
import { Device } from '@iotops/device-sdk'
import { devices, products, searchRunLog } from '@iotops/services'
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

/** Publishes an Alink request on `topic` and resolves with the reply on `topic_reply`. */
async function ask(dev: Device, topic: string, method: string, params: unknown) {
  await dev.client.subscribeAsync(`${topic}_reply`)
  const id = String(Math.floor(Math.random() * 1e9))
  const reply = new Promise<{ code: number; data: unknown; message?: string }>((resolve) => {
    const on = (t: string, p: Buffer) => {
      const body = JSON.parse(p.toString())
      if (t === `${topic}_reply` && body.id === id) {
        dev.client.off('message', on)
        resolve(body)
      }
    }
    dev.client.on('message', on)
  })
  await dev.client.publishAsync(topic, JSON.stringify({ id, version: '1.0', params, method }), { qos: 1 })
  return reply
}

const signed = (d: { productKey: string; deviceName: string; deviceSecret: string }) => {
  const p = {
    clientId: `${d.productKey}&${d.deviceName}`,
    deviceName: d.deviceName,
    productKey: d.productKey,
    timestamp: String(Date.now()),
  }
  return { ...p, signMethod: 'hmacSha256', sign: computeSign(p, d.deviceSecret, 'hmacsha256') }
}

describe('gateways and sub-devices', () => {
  it('adds a sub-device to the topology, logs it in, posts for it, and takes it offline (1913) with the gateway', async () => {
    const gwp = await products.createProduct(node.db, TEST_ACTOR, {
      name: `Gw_${Date.now()}`,
      nodeType: 'GATEWAY',
      dataFormat: 'ALINK_JSON',
    })
    const gwDev = await devices.createDevice(node.db, TEST_ACTOR, { productKey: gwp.productKey })
    const {
      productKey,
      devices: [sub],
    } = await seedSensorProduct(node)
    const gw = await Device.connect({ url, ...gwDev })
    const base = `/sys/${gwDev.productKey}/${gwDev.deviceName}/thing/topo`

    const wrong = await ask(gw, `${base}/add`, 'thing.topo.add', [{ ...signed(sub!), sign: 'deadbeef' }])
    expect(wrong.code).toBe(401)
    const notInTopo = await ask(
      gw,
      `/ext/session/${gwDev.productKey}/${gwDev.deviceName}/combine/login`,
      'combine.login',
      signed(sub!),
    )
    expect(notInTopo.code).toBe(6401)
    const added = await ask(gw, `${base}/add`, 'thing.topo.add', [signed(sub!)])
    expect(added).toMatchObject({ code: 200, data: [{ productKey, deviceName: sub!.deviceName }] })
    expect((await ask(gw, `${base}/get`, 'thing.topo.get', {})).data).toEqual([
      { productKey, deviceName: sub!.deviceName },
    ])

    const login = await ask(
      gw,
      `/ext/session/${gwDev.productKey}/${gwDev.deviceName}/combine/login`,
      'combine.login',
      signed(sub!),
    )
    expect(login.code).toBe(200)
    const detail = () => devices.deviceDetail(node.db, { productKey, deviceName: sub!.deviceName })
    expect((await detail()).status).toBe('ONLINE')
    expect((await detail()).gateway).toEqual({ productKey: gwDev.productKey, deviceName: gwDev.deviceName })

    const post = await ask(
      gw,
      `/sys/${productKey}/${sub!.deviceName}/thing/event/property/post`,
      'thing.event.property.post',
      { temperature: 33 },
    )
    expect(post.code).toBe(200)
    expect((await detail()).properties.find((p) => p.identifier === 'temperature')?.value).toBe(33)

    await gw.close()
    await eventually(async () => (await detail()).status === 'OFFLINE')
    const off = await searchRunLog(node.db, {
      productKey,
      deviceName: sub!.deviceName,
      bizType: 'device',
      status: 'all',
      limit: 10,
    })
    expect(off.items.find((r) => r.operation === 'offline')?.code).toBe(1913)
  })
})

describe('device shadow', () => {
  it('updates the reported state with versions, refuses a stale version, and returns the document on get', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(node)
    const dev = await Device.connect({ url, ...d! })
    const getTopic = `/shadow/get/${productKey}/${d!.deviceName}`
    await dev.client.subscribeAsync(getTopic)
    const next = () =>
      new Promise<any>((resolve) => dev.client.once('message', (_t, p) => resolve(JSON.parse(p.toString()))))
    const up = `/shadow/update/${productKey}/${d!.deviceName}`
    let r = next()
    await dev.client.publishAsync(
      up,
      JSON.stringify({ method: 'update', state: { reported: { color: 'red' } }, version: 1 }),
    )
    expect(await r).toMatchObject({ method: 'reply', payload: { status: 'success' }, version: 1 })
    r = next()
    await dev.client.publishAsync(
      up,
      JSON.stringify({ method: 'update', state: { reported: { color: 'blue' } }, version: 1 }),
    )
    expect((await r).payload).toMatchObject({ status: 'error', content: { errorcode: '402' } })
    r = next()
    await dev.client.publishAsync(up, JSON.stringify({ method: 'get' }))
    expect(await r).toMatchObject({ payload: { status: 'success', state: { reported: { color: 'red' } } }, version: 1 })
    await dev.close()
  })
})
