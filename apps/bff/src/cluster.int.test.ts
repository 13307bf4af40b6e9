import { type ChildProcess, spawn } from 'node:child_process'
import { freePort } from '@iotops/db'
import { createTestDatabase } from '@iotops/db/testing'
import { Device } from '@iotops/device-sdk'
import { devices, downlink } from '@iotops/services'
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
})
