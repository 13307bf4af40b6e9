import { SENSOR_TSL } from '@iotops/alink/fixtures'
import { createTestDatabase } from '@iotops/db/testing'
import { type Actor, auth, devices, products } from '@iotops/services'
import pino from 'pino'
import { loadConfig } from './env'
import { type RunningNode, startNode } from './node'

export const TEST_ACTOR: Actor = { type: 'system', id: null, name: 'test', role: 'ADMIN' }

/** A whole node (broker, pipeline, HTTP API; no console) on free ports with its own fresh database. */
export async function startTestNode(env: Record<string, string> = {}): Promise<RunningNode> {
  const url = env.DATABASE_URL ?? (await createTestDatabase())
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    HOST: '127.0.0.1',
    CONSOLE: 'off',
    DATABASE_URL: url,
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password-1',
    LOG_LEVEL: 'silent',
    ...env,
  })
  return startNode(config, { log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) })
}

/** A product with the sensor thing model and `n` devices; returns their triples. */
export async function seedSensorProduct(
  node: RunningNode,
  n = 1,
  name = `Sensor_${Math.random().toString(36).slice(2, 8)}`,
) {
  const p = await products.createProduct(node.db, TEST_ACTOR, { name, nodeType: 'DIRECT', dataFormat: 'ALINK_JSON' })
  await products.importThingModel(node.db, TEST_ACTOR, { productKey: p.productKey, tsl: JSON.stringify(SENSOR_TSL) })
  const list = []
  for (let i = 0; i < n; i++) list.push(await devices.createDevice(node.db, TEST_ACTOR, { productKey: p.productKey }))
  return { productKey: p.productKey, devices: list }
}

export async function createApiKey(node: RunningNode, role: 'ADMIN' | 'OPERATOR' | 'VIEWER' = 'OPERATOR') {
  return (await auth.createApiKey(node.db, TEST_ACTOR, { name: 'test', role })).key
}

/** Polls until `fn` returns a truthy value (for effects that land asynchronously, e.g. offline after a socket drop). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`)
}

export { SENSOR_TSL }
