import { Device } from '@iotops/device-sdk'
import { searchRunLog } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { callOpenApi, createApiKey, eventually, SENSOR_TSL, startTestNode } from './testing'

let node: RunningNode
let key: string
let viewerKey: string
beforeAll(async () => {
  node = await startTestNode()
  key = await createApiKey(node, 'OPERATOR')
  viewerKey = await createApiKey(node, 'VIEWER')
})
afterAll(() => node?.close())

const call = (action: string, params: object, bearer: string | null = key) => callOpenApi(node, action, params, bearer)

describe('HTTP API /api/v1/<Action>', () => {
  it('creates a product, imports a TSL, registers a device and reports it UNACTIVE → ONLINE with property values', async () => {
    const p = await call('CreateProduct', { ProductName: `Api_${Date.now()}`, NodeType: 0, DataFormat: 1 })
    expect(p.status).toBe(200)
    expect(p.body).toMatchObject({ Success: true, Data: { NodeType: 0, DataFormat: 1 } })
    expect(p.body.RequestId).toMatch(/^[0-9A-F-]{36}$/)
    const pk = p.body.Data.ProductKey as string
    expect(
      (await call('ImportThingModelTsl', { ProductKey: pk, TslStr: JSON.stringify(SENSOR_TSL) })).body.Success,
    ).toBe(true)
    const d = await call('RegisterDevice', { ProductKey: pk, DeviceName: 'api_device_1' })
    expect(d.body.Data).toMatchObject({ ProductKey: pk, DeviceName: 'api_device_1' })
    expect(d.body.Data.DeviceSecret).toMatch(/^[0-9a-f]{32}$/)
    const iotId = d.body.Data.IotId as string

    expect((await call('QueryDeviceDetail', { IotId: iotId })).body.Data.Status).toBe('UNACTIVE')
    const dev = await Device.connect({
      url: `mqtt://127.0.0.1:${node.mqttPort}`,
      productKey: pk,
      deviceName: 'api_device_1',
      deviceSecret: d.body.Data.DeviceSecret,
    })
    expect((await dev.postProperties({ temperature: 22 })).code).toBe(200)
    expect((await call('QueryDeviceDetail', { ProductKey: pk, DeviceName: 'api_device_1' })).body.Data.Status).toBe(
      'ONLINE',
    )
    const st = await call('QueryDevicePropertyStatus', { ProductKey: pk, DeviceName: 'api_device_1' })
    expect(st.body.Data.List.PropertyStatusInfo).toEqual(
      expect.arrayContaining([expect.objectContaining({ Identifier: 'temperature', Value: '22', DataType: 'int' })]),
    )

    // SetDeviceProperty: Items is a JSON string; the device applies it
    const got = new Promise<Record<string, unknown>>((resolve) =>
      dev.onPropertySet((p) => {
        resolve(p)
        return undefined
      }),
    )
    const set = await call('SetDeviceProperty', { IotId: iotId, Items: JSON.stringify({ temperature: 30 }) })
    expect(set.body.Success).toBe(true)
    expect(await got).toEqual({ temperature: 30 })
    // InvokeThingService, sync: Args is a JSON string, Result the device's output
    dev.onService(() => ({ code: 200, data: { ok: 1 } }))
    const inv = await call('InvokeThingService', {
      IotId: iotId,
      Identifier: 'reboot',
      Args: JSON.stringify({ delay: 1 }),
    })
    expect(JSON.parse(inv.body.Data.Result)).toEqual({ ok: 1 })

    await call('DisableThing', { IotId: iotId })
    await eventually(async () => (await call('QueryDeviceDetail', { IotId: iotId })).body.Data.Status === 'DISABLE')
    await dev.close(true)
  })

  it('rejects bad input with a specific message and changes nothing', async () => {
    const bad = await call('CreateProduct', { ProductName: 'x', NodeType: 0 })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ Success: false, Code: 'InvalidParameter' })
    expect(bad.body.ErrorMessage).toMatch(/4 to 30 characters/)
    const nt = await call('CreateProduct', { ProductName: 'Good_Name_1', NodeType: 7 })
    expect(nt.body.ErrorMessage).toMatch(/NodeType must be 0/)
    const list = await call('QueryProductList', { CurrentPage: 1, PageSize: 50 })
    expect(list.body.Data.List.ProductInfo.some((p: { ProductName: string }) => p.ProductName === 'Good_Name_1')).toBe(
      false,
    )
    const items = await call('SetDeviceProperty', { ProductKey: 'nope', DeviceName: 'nope', Items: '{not json' })
    expect(items.body.ErrorMessage).toMatch(/Items is not a JSON object/)
  })

  it('needs a valid key, respects the key role, and logs every call as ApiService', async () => {
    expect((await call('QueryProductList', {}, null)).status).toBe(401)
    expect((await call('QueryProductList', {}, 'iot_not-a-real-key')).status).toBe(401)
    const ro = await call('CreateProduct', { ProductName: 'Viewer_Made', NodeType: 0 }, viewerKey)
    expect(ro.status).toBe(403)
    expect((await call('QueryProductList', {}, viewerKey)).body.Success).toBe(true)
    expect((await call('NoSuchAction', {})).status).toBe(404)
    const rows = await eventually(async () => {
      const r = await searchRunLog(node.db, { bizType: 'ApiService', status: 'all', limit: 200 })
      return r.items.some((x) => x.operation === 'QueryProductList') && r.items
    })
    expect(rows.some((r) => r.operation === 'CreateProduct' && r.code !== 200)).toBe(true)
  })
})
