import { type ChildProcess, spawn } from 'node:child_process'
import { freePort } from '@iotops/db'
import { createTestDatabase } from '@iotops/db/testing'
import { Device, SubscriptionConsumer, type SubscriptionMessage } from '@iotops/device-sdk'
import { devices, downlink, subscription } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

// Two nodes on loopback sharing one PostgreSQL and one Redis (redis-server from Debian, started here).
let redis: ChildProcess
let a: RunningNode
let b: RunningNode
beforeAll(async () => {
  const port = await freePort()
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  await eventually(async () => {
    const net = await import('node:net')
    return new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
  })
  const env = { REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: await createTestDatabase() }
  a = await startTestNode({ ...env, NODE_ID: 'node-a' })
  b = await startTestNode({ ...env, NODE_ID: 'node-b' })
})
afterAll(async () => {
  await a?.close()
  await b?.close()
  redis?.kill()
})

describe('cluster mode (REDIS_URL)', () => {
  it('a command issued on node A reaches a device connected to node B, and B’s reply completes A’s sync call', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(a)
    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${b.mqttPort}`, ...d! })
    await eventually(
      async () => (await devices.deviceDetail(a.db, { productKey, deviceName: d!.deviceName })).status === 'ONLINE',
    )
    const got = new Promise<Record<string, unknown>>((resolve) =>
      dev.onPropertySet((p) => {
        resolve(p)
        return undefined
      }),
    )
    await downlink.setDeviceProperty(a.hub, TEST_ACTOR, {
      productKey,
      deviceName: d!.deviceName,
      items: { temperature: 12 },
    })
    expect(await got).toEqual({ temperature: 12 })
    dev.onService(() => ({ code: 200, data: { ok: 1 } }))
    const r = await downlink.invokeThingService(a.hub, TEST_ACTOR, {
      productKey,
      deviceName: d!.deviceName,
      identifier: 'reboot',
      args: { delay: 2 },
    })
    expect(r.output).toEqual({ ok: 1 })
    await dev.close()
  })

  it('the same device connecting to node A replaces its connection on node B (427) and stays online', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(a)
    const onB = await Device.connect({ url: `mqtt://127.0.0.1:${b.mqttPort}`, ...d! })
    const closed = new Promise<void>((resolve) => onB.client.once('close', () => resolve()))
    const onA = await Device.connect({ url: `mqtt://127.0.0.1:${a.mqttPort}`, ...d! })
    await closed
    await new Promise((r) => setTimeout(r, 300))
    expect((await devices.deviceDetail(a.db, { productKey, deviceName: d!.deviceName })).status).toBe('ONLINE')
    expect((await onA.postProperties({ temperature: 1 })).code).toBe(200)
    await onA.close()
    await onB.close(true)
  })
  it('counts a consumer group’s connections and acks on the whole cluster: one limit (9600), one list, one rate', async () => {
    const {
      productKey,
      devices: [d],
    } = await seedSensorProduct(a)
    const g = await subscription.createGroup(a.db, TEST_ACTOR, { name: 'cluster_app' })
    await subscription.saveSubscription(a.db, TEST_ACTOR, {
      productKey,
      messageTypes: ['property'],
      groupIds: [g.groupId],
    })
    // (both nodes run in this process: the save reloaded one of them at once; the other would poll within 5 s)
    await Promise.all([a.subscriptionEngine.reload(), b.subscriptionEngine.reload()])
    const consumers: SubscriptionConsumer[] = []
    const got: SubscriptionMessage[] = []
    const on = (n: RunningNode) => {
      const c = new SubscriptionConsumer({
        url: `http://127.0.0.1:${n.httpPort}`,
        groupId: g.groupId,
        token: g.token,
        reconnect: false,
        onMessage: (m) => void got.push(m),
      })
      consumers.push(c)
      return c
    }
    try {
      // a row of a node that died 70 s ago no longer counts (and goes at the next refresh)
      await a.db.pool.query(
        `INSERT INTO subscription_connection (id, group_id, node, seen_at) VALUES (gen_random_uuid(), $1, gen_random_uuid(), now() - interval '70 seconds')`,
        [g.groupId],
      )
      // the limit is 64 per group: 32 on each node fill it
      for (let i = 0; i < 32; i++) await on(b).start()
      await Promise.all(Array.from({ length: 32 }, () => on(a).start()))
      for (const n of [a, b]) await expect(on(n).start()).rejects.toMatchObject({ status: 429, code: 9600 })
      const listed = async () =>
        (await subscription.listGroups(a.db)).find((x) => x.groupId === g.groupId)!.consumers.length
      expect(await listed()).toBe(64)
      // each node keeps its own rows live
      const before = new Date()
      await Promise.all([a.subscriptionEngine.refreshConnections(), b.subscriptionEngine.refreshConnections()])
      const rows = await a.db.pool.query<{ seen_at: Date }>(
        'SELECT seen_at FROM subscription_connection WHERE group_id = $1',
        [g.groupId],
      )
      expect(rows.rows).toHaveLength(64)
      expect(rows.rows.every((r) => r.seen_at.getTime() >= before.getTime() - 5)).toBe(true)

      // acks taken on either node add up in the rate every node samples
      const dev = await Device.connect({ url: `mqtt://127.0.0.1:${a.mqttPort}`, ...d! })
      for (let i = 0; i < 10; i++) await dev.postProperties({ temperature: i })
      await dev.close()
      await eventually(async () => {
        await a.subscriptionEngine.flush()
        const r = await a.db.pool.query('SELECT 1 FROM subscription_message WHERE group_id = $1', [g.groupId])
        return got.length === 10 && r.rowCount === 0
      })
      // 10 acks in the last minute, wherever they were taken (a node counts an ack once its DELETE returned)
      await eventually(async () => {
        await b.subscriptionEngine.sample()
        await a.subscriptionEngine.sample()
        return a.subscriptionEngine.rates.get(g.groupId) === Math.round((10 / 60) * 100) / 100
      })

      // a closed connection frees its place (as soon as its node saw the close), on whichever node
      await consumers[1]!.close()
      await eventually(() =>
        on(a)
          .start()
          .then(
            () => true,
            () => false,
          ),
      )
    } finally {
      await Promise.all(consumers.map((c) => c.close().catch(() => {})))
    }
    // closed streams leave the list
    await eventually(
      async () => (await subscription.listGroups(a.db)).find((x) => x.groupId === g.groupId)!.consumers.length === 0,
    )
  })
})
