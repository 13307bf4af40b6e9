import { createHash } from 'node:crypto'
import { Device, type ReceivedConfig, RemoteConfig, type RemoteConfigError } from '@iotops/device-sdk'
import { devices, groups, remoteConfig, searchRunLog } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'

// Remote configuration end to end: tRPC as the console calls it, devices speaking Alink through the real broker,
// files downloaded over HTTP from the signed links.

let node: RunningNode
let http: HttpSession
const open: Device[] = []
beforeAll(async () => {
  node = await startTestNode()
  http = await signInHttp(node)
})
afterAll(async () => {
  for (const d of open) await d.close(true).catch(() => {})
  await node?.close()
})

async function connect(t: { productKey: string; deviceName: string; deviceSecret: string }) {
  const d = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...t, replyTimeoutMs: 5000 })
  open.push(d)
  const rc = await RemoteConfig.attach(d)
  const received: ReceivedConfig[] = []
  d.on('config', (c: ReceivedConfig) => received.push(c))
  return { d, rc, received }
}

const product = { scope: 'PRODUCT' as const }
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function getError(rc: RemoteConfig) {
  return rc.get().then(
    () => null,
    (e) => e as RemoteConfigError,
  )
}

describe('remote configuration', () => {
  it('saves, pushes to online devices, serves offline ones when they ask, and limits pushes', async () => {
    const {
      productKey,
      devices: [a, b, c],
    } = await seedSensorProduct(node, 3)
    const da = await connect(a!)
    const db = await connect(b!)
    await eventually(async () =>
      (await node.db.prisma.device.count({ where: { productKey, status: 'ONLINE' } })) === 2 ? true : null,
    )

    // switch off: device requests are refused with 6713, saving too
    expect((await getError(da.rc))?.code).toBe(6713)
    const off = await http.call('remoteConfig.save', { productKey, target: product, content: '{"a":1}' }, 'mutation')
    expect(off.error?.data.alinkCode).toBe(6713)

    // on, nothing saved: 6710 for the device and for a batch update
    await http.call('remoteConfig.setEnabled', { productKey, enabled: true }, 'mutation')
    expect((await getError(da.rc))?.code).toBe(6710)
    const empty = await http.call('remoteConfig.push', { productKey, target: product, confirm: true }, 'mutation')
    expect(empty.error?.data.alinkCode).toBe(6710)

    // bad input changes nothing
    const bad = await http.call('remoteConfig.save', { productKey, target: product, content: '{"a":' }, 'mutation')
    expect(bad.error?.message).toMatch(/not valid JSON/)
    const big = await http.call(
      'remoteConfig.save',
      { productKey, target: product, content: JSON.stringify({ s: 'é'.repeat(33_000) }) },
      'mutation',
    )
    expect(big.error?.message).toMatch(/limit is 65536 bytes/)
    expect(await node.db.prisma.configVersion.count({ where: { productKey } })).toBe(0)

    // save: a version with the UTF-8 size and the SHA-256 sign
    const content = JSON.stringify({ network: { apn: 'iot.example', retries: 3 }, label: '温度センサー' }, null, 2)
    const saved = await http.call<{ configId: string; size: number; sign: string }>(
      'remoteConfig.save',
      { productKey, target: product, content },
      'mutation',
    )
    expect(saved.data?.size).toBe(Buffer.byteLength(content))
    expect(saved.data?.sign).toBe(sha256(Buffer.from(content)))

    // batch update: both online devices receive, download, verify and apply it
    const pushed = await http.call<{ total: number; pushed: number; pending: number }>(
      'remoteConfig.push',
      { productKey, target: product, confirm: true },
      'mutation',
    )
    expect(pushed.data).toMatchObject({ total: 3, pushed: 2, pending: 1 })
    for (const x of [da, db]) {
      const got = await eventually(async () => x.received[0], 5000)
      expect(got).toMatchObject({ configId: saved.data!.configId, source: 'push', text: content })
    }

    // the offline device gets it when it connects and asks
    const dc = await connect(c!)
    const info = await dc.rc.requestInfo()
    expect(info).toMatchObject({
      configId: saved.data!.configId,
      configSize: Buffer.byteLength(content),
      sign: saved.data!.sign,
      signMethod: 'Sha256',
      getType: 'file',
      configScope: 'product',
    })
    // the link serves exactly the saved bytes
    const res = await fetch(info.url)
    expect(res.status).toBe(200)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.equals(Buffer.from(content, 'utf8'))).toBe(true)
    expect(sha256(bytes)).toBe(info.sign)

    // progress from the deliveries: all three received, all three fetched the file
    const state = await eventually(async () => {
      const r = await http.call<{ lastPush: { pushed: number; fetched: number; pending: number; status: string } }>(
        'remoteConfig.target',
        { productKey, target: product },
      )
      return r.data?.lastPush.fetched === 3 ? r.data : null
    })
    expect(state.lastPush).toMatchObject({ pushed: 3, fetched: 3, pending: 0, status: 'DONE' })

    // the same configuration is pushed only once; a changed one waits for the hour, named in the error
    const again = await http.call('remoteConfig.push', { productKey, target: product, confirm: true }, 'mutation')
    expect(again.error?.data.code).toBe('CONFLICT')
    expect(again.error?.message).toMatch(/already pushed/)
    await http.call('remoteConfig.save', { productKey, target: product, content: '{"v":2}' }, 'mutation')
    const soon = await http.call('remoteConfig.push', { productKey, target: product, confirm: true }, 'mutation')
    expect(soon.error?.data.code).toBe('TOO_MANY_REQUESTS')
    const next = /next is allowed at (\S+)/.exec(soon.error!.message)?.[1]
    expect(new Date(next!).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000)

    // run log: the get, the push and the download, as bizType RemoteConfig
    const logs = await eventually(async () => {
      const r = await searchRunLog(node.db, { productKey, bizType: 'RemoteConfig', status: 'all', limit: 50 })
      const ops = new Set(r.items.map((i) => i.operation))
      return ops.has('ConfigGet') && ops.has('ConfigPush') && ops.has('ConfigDownload') ? r : null
    })
    expect(logs.items.some((i) => i.code === 6710)).toBe(true)
  })

  it('keeps the last 5 versions and refuses expired and forged links; switching off refuses downloads', async () => {
    const {
      productKey,
      devices: [a],
    } = await seedSensorProduct(node, 1)
    await remoteConfig.setConfigEnabled(node.db, TEST_ACTOR, productKey, true)
    for (let i = 1; i <= 7; i++)
      await remoteConfig.saveConfig(node.db, TEST_ACTOR, { productKey, target: product, content: `{"v":${i}}` })
    const t = await http.call<{ current: { content: string }; versions: { configId: string }[] }>(
      'remoteConfig.target',
      { productKey, target: product },
    )
    expect(t.data?.versions).toHaveLength(5)
    expect(t.data?.current.content).toBe('{"v":7}')
    expect(await node.db.prisma.configVersion.count({ where: { productKey } })).toBe(5)

    const dev = await node.db.prisma.device.findFirstOrThrow({ where: { productKey, deviceName: a!.deviceName } })
    const configId = t.data!.versions[0]!.configId
    const fresh = remoteConfig.configUrl(configId, dev.id)
    expect((await fetch(fresh)).status).toBe(200)
    const expired = await fetch(remoteConfig.configUrl(configId, dev.id, Date.now() - 31 * 60_000))
    expect(expired.status).toBe(403)
    expect(await expired.text()).toMatch(/expired/)
    const forged = await fetch(
      fresh.replace(/Device=[^&]+/, `Device=${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`),
    )
    expect(forged.status).toBe(403)
    expect(await forged.text()).toMatch(/SignatureDoesNotMatch/)

    await http.call('remoteConfig.setEnabled', { productKey, enabled: false }, 'mutation')
    expect((await fetch(fresh)).status).toBe(403)
    const d = await connect(a!)
    expect((await getError(d.rc))?.code).toBe(6713)
  })

  it('targets a group and a device query with precedence query > group > product', async () => {
    const {
      productKey,
      devices: [inGroup, byQuery, plain],
    } = await seedSensorProduct(node, 3)
    await devices.setDeviceTags(node.db, TEST_ACTOR, byQuery!, [{ key: 'floor', value: '3' }])
    const g = await groups.createGroup(node.db, TEST_ACTOR, { name: `cfg-${Date.now()}` })
    // the query device is in the group too: the query wins
    await groups.addGroupDevices(node.db, TEST_ACTOR, g.id, [inGroup!, byQuery!])
    await remoteConfig.setConfigEnabled(node.db, TEST_ACTOR, productKey, true)
    const save = (target: object, content: string) =>
      http.call<{ configId: string }>('remoteConfig.save', { productKey, target, content }, 'mutation')
    const p = await save(product, '{"who":"product"}')
    const gr = await save({ scope: 'GROUP', target: g.id }, '{"who":"group"}')
    const badQuery = await save({ scope: 'QUERY', target: 'color=red' }, '{}')
    expect(badQuery.error?.message).toMatch(/unknown field \\?"color/)
    const q = await save({ scope: 'QUERY', target: ' tag.floor = 3 ' }, '{"who":"query"}')
    expect(q.error).toBeUndefined()

    const overview = await http.call<{ targets: { scope: string; target: string | null; label: string | null }[] }>(
      'remoteConfig.overview',
      { productKey },
    )
    expect(overview.data?.targets.map((t) => [t.scope, t.label])).toEqual([
      ['PRODUCT', null],
      ['GROUP', g.name],
      ['QUERY', 'tag.floor=3'],
    ])

    const who = async (t: typeof plain) => {
      const d = await connect(t!)
      return d.rc.get()
    }
    expect(await who(plain)).toMatchObject({
      configId: p.data!.configId,
      configScope: 'product',
      config: { who: 'product' },
    })
    expect(await who(inGroup)).toMatchObject({
      configId: gr.data!.configId,
      configScope: 'group',
      config: { who: 'group' },
    })
    expect(await who(byQuery)).toMatchObject({
      configId: q.data!.configId,
      configScope: 'query',
      config: { who: 'query' },
    })

    // a group push reaches only the devices it is effective for (not the query device)
    const gp = await http.call<{ total: number }>(
      'remoteConfig.push',
      { productKey, target: { scope: 'GROUP', target: g.id }, confirm: true },
      'mutation',
    )
    expect(gp.data?.total).toBe(1)

    // removing the query target: its device falls back to the group
    await http.call(
      'remoteConfig.removeTarget',
      { productKey, target: { scope: 'QUERY', target: 'tag.floor=3' } },
      'mutation',
    )
    expect((await who(byQuery)).config).toEqual({ who: 'group' })
  })
})
