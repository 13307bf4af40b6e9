import { buildMqttCredentials } from '@iotops/alink'
import { createDb } from '@iotops/db'
import { createTestDatabase } from '@iotops/db/testing'
import mqtt from 'mqtt'
import { expect, it } from 'vitest'
import { seedSensorProduct, startTestNode } from './testing'

it('graceful shutdown stores every message it acknowledged (QoS 1) before exiting', async () => {
  const url = await createTestDatabase()
  const node = await startTestNode({ DATABASE_URL: url, DEVICE_UPLINK_QPS: '100000' })
  const { productKey, devices: list } = await seedSensorProduct(node, 4)
  const clients = await Promise.all(
    list.map((d) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${node.mqttPort}`, {
        ...buildMqttCredentials(d),
        protocolVersion: 4,
        reconnectPeriod: 0,
      }),
    ),
  )
  let acked = 0
  let stop = false
  const loops = clients.map(async (c, i) => {
    const topic = `/sys/${productKey}/${list[i]!.deviceName}/thing/event/property/post`
    for (let n = 0; !stop; n++) {
      if (c.disconnected || c.disconnecting) return
      try {
        await c.publishAsync(
          topic,
          JSON.stringify({
            id: String(n),
            version: '1.0',
            params: { temperature: n % 100 },
            method: 'thing.event.property.post',
          }),
          { qos: 1 },
        )
        acked++
      } catch {
        return // the broker closed the connection
      }
    }
  })
  await new Promise((r) => setTimeout(r, 400))
  await node.close()
  stop = true
  // publishes still waiting for a PUBACK when the broker went away fail here (they were not acknowledged)
  for (const c of clients) c.end(true)
  await Promise.all(loops)
  expect(acked).toBeGreaterThan(20)
  const db = createDb(url, { max: 1 })
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM property_history')
  await db.close()
  // every acknowledged message is stored (messages the broker took but could not ack yet may be stored too)
  expect(rows[0]!.n).toBeGreaterThanOrEqual(acked)
})
