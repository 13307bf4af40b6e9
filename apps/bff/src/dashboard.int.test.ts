import { SENSOR_TSL } from '@iotops/alink/fixtures'
import { Device } from '@iotops/device-sdk'
import { dashboard, devices, products, type StatusChange } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, signInHttp, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let url: string
beforeAll(async () => {
  node = await startTestNode()
  url = `mqtt://127.0.0.1:${node.mqttPort}`
})
afterAll(() => node?.close())

/** The sensor thing model plus the standard GeoLocation struct (reference TSL). */
const GEO_TSL = {
  ...SENSOR_TSL,
  properties: [
    ...SENSOR_TSL.properties,
    {
      identifier: 'GeoLocation',
      name: 'Location',
      accessMode: 'r',
      required: false,
      dataType: {
        type: 'struct',
        specs: [
          { identifier: 'Longitude', name: 'Lng', dataType: { type: 'double', specs: { min: '-180', max: '180' } } },
          { identifier: 'Latitude', name: 'Lat', dataType: { type: 'double', specs: { min: '-90', max: '90' } } },
          {
            identifier: 'CoordinateSystem',
            name: 'CS',
            dataType: { type: 'enum', specs: { '1': 'WGS_84', '2': 'GCJ_02' } },
          },
        ],
      },
    },
  ],
}

async function seed(n: number) {
  const p = await products.createProduct(node.db, TEST_ACTOR, {
    name: `Dash_${Math.random().toString(36).slice(2, 8)}`,
    nodeType: 'DIRECT',
    dataFormat: 'ALINK_JSON',
  })
  await products.importThingModel(node.db, TEST_ACTOR, { productKey: p.productKey, tsl: JSON.stringify(GEO_TSL) })
  const list = []
  for (let i = 0; i < n; i++) {
    const d = await devices.createDevice(node.db, TEST_ACTOR, { productKey: p.productKey })
    const { id } = await node.db.prisma.device.findUniqueOrThrow({
      where: { productKey_deviceName: { productKey: p.productKey, deviceName: d.deviceName } },
    })
    list.push({ ...d, id })
  }
  return { productKey: p.productKey, devices: list }
}
const row = (id: string) =>
  node.db.prisma.device.findUniqueOrThrow({ where: { id }, select: { province: true, city: true, geoSource: true } })

describe('ops dashboard', () => {
  it('counts created / activated / online / active devices of real connections, and forgets a deleted device', async () => {
    const { productKey, devices: list } = await seed(5)
    const [a, b, c] = list
    const conns = [await Device.connect({ url, ...a! }), await Device.connect({ url, ...b! })]
    const third = await Device.connect({ url, ...c! })
    await third.close()
    await conns[0]!.postProperties({ temperature: 21 }, { qos: 1 })
    await conns[0]!.postEvent('overheat', { level: 3 }, { qos: 1 })
    await node.hub.metrics.flush()

    // through the API the console uses
    const http = await signInHttp(node)
    const s = await eventually(async () => {
      const r = await http.call<dashboard.DashboardSummary>('dashboard.summary', { productKey })
      return r.data && r.data.cards.online.value === 2 ? r.data : null
    })
    expect(s.cards.created).toEqual({ value: 5, lastWeek: 0, changePct: null })
    expect(s.cards.activated.value).toBe(3)
    expect(s.cards.online.value).toBe(2)
    expect(s.cards.active.value).toBe(1)
    expect(s.total).toBe(5)
    expect(s.onlineRate).toBe(40)
    expect(s.trend).toHaveLength(30)
    const today = s.trend.at(-1)!
    expect(today).toMatchObject({ created: 5, activated: 3, online: 3, active: 1 })
    expect(s.trend[0]).toMatchObject({ created: 0, activated: 0, online: 0, active: 0 })

    const ev = await dashboard.events(node.db, { productKey })
    expect(ev.distribution).toHaveLength(7)
    expect(ev.distribution.at(-1)).toMatchObject({ info: 0, alert: 1, error: 0 })
    expect(ev.topDevices).toEqual([{ productKey, deviceName: a!.deviceName, value: 1 }])
    expect(ev.topEvents).toEqual([{ productKey, subject: 'overheat', value: 1 }])
    expect((await dashboard.events(node.db, { productKey, type: 'error' })).topDevices).toEqual([])
    // two online (first bucket), one offline (first bucket); never-connected devices have no duration
    expect(ev.durations[0]).toMatchObject({ from: 0, to: 30, online: 2, offline: 1 })
    expect(ev.durations.slice(1).every((x) => x.online + x.offline === 0)).toBe(true)

    const st = await dashboard.status(node.db, { productKey })
    expect(st.flips[0]).toEqual({ productKey, deviceName: c!.deviceName, value: 2 })
    expect(st.flips.map((x) => x.deviceName).sort()).toEqual([a, b, c].map((x) => x!.deviceName).sort())
    expect(st.topics.length).toBeGreaterThan(0)

    // a deleted device drops out of every figure
    await conns[0]!.close()
    await devices.deleteDevice(node.db, node.hub, TEST_ACTOR, { productKey, deviceName: a!.deviceName })
    const after = await eventually(async () => {
      const r = await dashboard.summary(node.db, { productKey })
      return r.cards.created.value === 4 ? r : null
    })
    expect(after.cards.activated.value).toBe(2)
    expect(after.cards.online.value).toBe(1)
    expect(after.cards.active.value).toBe(0)
    expect(after.onlineRate).toBe(25)
    expect(after.trend.at(-1)).toMatchObject({ created: 4, activated: 2, active: 0 })
    const ev2 = await dashboard.events(node.db, { productKey })
    expect(ev2.topDevices).toEqual([])
    expect(ev2.distribution.at(-1)!.alert).toBe(0)
    const st2 = await dashboard.status(node.db, { productKey })
    expect(st2.flips.map((x) => x.deviceName)).not.toContain(a!.deviceName)
    const reg = await dashboard.regions(node.db, { productKey })
    expect(reg.reduce((n, r) => n + r.activated, 0)).toBe(2)
    await conns[1]!.close()
  })

  it('places a device by its reported GeoLocation, which a connection IP never overrides', async () => {
    const {
      productKey,
      devices: [d, e],
    } = await seed(2)
    const dev = await Device.connect({ url, ...d! })
    // a loopback connection says nothing about where the device is
    await eventually(
      async () =>
        (await row(d!.id)).geoSource === null &&
        (await dashboard.summary(node.db, { productKey })).cards.online.value === 1,
    )
    expect(await row(d!.id)).toEqual({ province: null, city: null, geoSource: null })

    await dev.postProperties(
      { GeoLocation: { Longitude: 120.1551, Latitude: 30.2741, CoordinateSystem: 1 } },
      { qos: 1 },
    )
    expect(await eventually(async () => ((await row(d!.id)).geoSource === 'device' ? row(d!.id) : null))).toEqual({
      province: '浙江省',
      city: '杭州市',
      geoSource: 'device',
    })
    const byProvince = await dashboard.regions(node.db, { productKey, level: 'province' })
    expect(byProvince).toEqual([{ name: '浙江省', province: null, online: 1, activated: 1 }])
    const byCity = await dashboard.regions(node.db, { productKey, level: 'city' })
    expect(byCity).toEqual([{ name: '杭州市', province: '浙江省', online: 1, activated: 1 }])

    // this host has only loopback addresses: the hub's ONLINE event of a device connecting from a public
    // address is what the tracker reacts to, so it is emitted as the hub emits it
    const online = (x: typeof d, ip: string): StatusChange => ({
      productKey,
      deviceName: x!.deviceName,
      deviceId: x!.id,
      status: 'ONLINE',
      code: 200,
      at: new Date(),
      ip,
    })
    node.hub.emit('status', online(d, '61.135.169.121')) // Beijing
    node.hub.emit('status', online(e, '::ffff:218.76.0.1')) // Changsha
    expect(await eventually(async () => ((await row(e!.id)).geoSource === 'ip' ? row(e!.id) : null))).toEqual({
      province: '湖南省',
      city: '长沙市',
      geoSource: 'ip',
    })
    expect(await row(d!.id)).toEqual({ province: '浙江省', city: '杭州市', geoSource: 'device' })

    // a real reconnect (loopback) neither
    await dev.close()
    const again = await Device.connect({ url, ...d! })
    await eventually(async () => (await dashboard.summary(node.db, { productKey })).cards.online.value === 1)
    await new Promise((r) => setTimeout(r, 400))
    expect(await row(d!.id)).toEqual({ province: '浙江省', city: '杭州市', geoSource: 'device' })
    await again.close()
  })

  it('rejects a bad filter before querying', async () => {
    const http = await signInHttp(node)
    const r = await http.call('dashboard.events', { type: 'fatal' })
    expect(r.error?.data?.code).toBe('BAD_REQUEST')
  })
})
