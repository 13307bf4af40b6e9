import { Device } from '@iotops/device-sdk'
import { LevelSampler, Metric, notify } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode, TEST_ACTOR } from './testing'
import { startReceiver, startSmtp } from './testing-receivers'

// Alarms end to end: real devices change what the metrics say; the rule engine is ticked with a clock the test
// controls (minute by minute), so "fires exactly when the third period closes" is checked to the millisecond;
// notifications go out through the outbox to a real SMTP server and a local webhook receiver.
let node: RunningNode
let api: HttpSession
let receiver: Awaited<ReturnType<typeof startReceiver>>
let smtp: Awaited<ReturnType<typeof startSmtp>>
let sampler: LevelSampler
beforeAll(async () => {
  receiver = await startReceiver()
  smtp = await startSmtp()
  node = await startTestNode({
    SMTP_URL: `smtp://mailer:smtp-pass-9@127.0.0.1:${smtp.port}`,
    DEVICE_CONNECT_QPM: '2',
    INSTANCE_ID: 'iot-test',
    REGION_ID: 'lab-1',
  })
  // the test drives evaluation itself
  await node.alarmEngine.stop()
  sampler = new LevelSampler(node.db, node.hub.metrics)
  api = await signInHttp(node)
})
afterAll(async () => {
  await node?.close()
  await receiver?.close()
  await smtp?.close()
})

const MINUTE = 60_000
const LAG = 8000
const trpc = async <T>(proc: string, input: unknown, kind?: 'query' | 'mutation') => {
  const r = await api.call<T>(proc, input, kind)
  if (r.error) throw new Error(`${proc}: ${r.error.message}`)
  return r.data as T
}
interface History {
  status: string
  kind: string
  value: number | null
  productKey: string | null
  metric: string
  resource: string | null
  message: string
  at: string
}
const history = async (ruleId: string) =>
  (
    await trpc<{ items: History[] }>('alarm.history', {
      ruleId,
      from: new Date(Date.now() - 86_400_000),
      to: new Date(Date.now() + 86_400_000),
      pageSize: 100,
    })
  ).items.reverse()

async function group(name: string) {
  const c = await notify.createContact(node.db, TEST_ACTOR, { name: `${name}_ops`, email: `${name}@example.com` })
  const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
    name,
    contactIds: [c.id],
    webhookUrl: `${receiver.url}/hook/${name}`,
  })
  return g.id
}

/** Samples the level metrics into minute `m` and flushes them, as the node's sampler does in real time. */
async function sampleInto(m: number) {
  await sampler.sample(m + 30_000)
  await node.hub.metrics.flush()
}

describe('threshold alarms', () => {
  it('fires when the third 1-minute period closes, repeats after the silence, recovers, and notifies each', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 3)
    const groupId = await group('oncall')
    const rule = await trpc<{ id: string; updatedAt: string }>(
      'alarm.createRule',
      {
        kind: 'threshold',
        name: 'two_online',
        metric: Metric.OnlineMqtt,
        productKey,
        operator: '>=',
        threshold: 2,
        periods: 3,
        granularity: 1,
        level: 'CRITICAL',
        silenceSeconds: 300,
        contactGroupIds: [groupId],
      },
      'mutation',
    )
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    const [a, b] = await Promise.all(devices.slice(0, 2).map((d) => Device.connect({ url, ...d })))
    const m0 = Math.floor(new Date(rule.updatedAt).getTime() / MINUTE) * MINUTE
    const at = (i: number) => m0 + i * MINUTE

    // periods 0 and 1 hold (2 online), nothing yet
    for (const i of [0, 1]) {
      await sampleInto(at(i))
      await node.alarmEngine.tick(at(i + 1) + LAG)
    }
    await sampleInto(at(2))
    // one millisecond before period 2 counts as closed: still nothing
    await node.alarmEngine.tick(at(3) + LAG - 1)
    expect(await history(rule.id)).toEqual([])
    await node.alarmEngine.tick(at(3) + LAG)
    const fired = await history(rule.id)
    expect(fired.map((h) => [h.status, h.value, h.productKey])).toEqual([['ALARM', 2, productKey]])
    expect(fired[0]!.message).toContain(`productKey=${productKey}, instanceId=iot-test, regionId=lab-1`)
    expect(fired[0]!.message).toContain(`${Metric.OnlineMqtt} alarm at`)
    expect(fired[0]!.message).toContain('lasting 3 min')
    expect(fired[0]!.message).toContain('3 consecutive period(s) meeting: count >= 2')

    // still over: no repeat inside the 5-minute silence, one repeat once it has passed
    for (const i of [3, 4, 5, 6]) {
      await sampleInto(at(i))
      await node.alarmEngine.tick(at(i + 1) + LAG)
    }
    expect((await history(rule.id)).map((h) => h.status)).toEqual(['ALARM'])
    await sampleInto(at(7))
    await node.alarmEngine.tick(at(8) + LAG)
    expect((await history(rule.id)).map((h) => h.status)).toEqual(['ALARM', 'REPEAT'])

    // one device leaves: the next closed period recovers
    await b!.close()
    await eventually(async () => (await node.db.prisma.device.count({ where: { productKey, status: 'ONLINE' } })) === 1)
    await sampleInto(at(8))
    await node.alarmEngine.tick(at(9) + LAG)
    const all = await history(rule.id)
    expect(all.map((h) => [h.status, h.value])).toEqual([
      ['ALARM', 2],
      ['REPEAT', 2],
      ['RECOVERED', 1],
    ])

    // each transition reached the group's webhook and its contact's mailbox
    await node.notifier.drain()
    const hooks = await eventually(async () => {
      const got = receiver.got.filter((r) => r.path === '/hook/oncall')
      return got.length === 3 && got
    })
    expect(hooks.map((h) => [h.body.status, h.body.metric, h.body.productKey, h.body.value])).toEqual([
      ['ALARM', Metric.OnlineMqtt, productKey, 2],
      ['REPEAT', Metric.OnlineMqtt, productKey, 2],
      ['RECOVERED', Metric.OnlineMqtt, productKey, 1],
    ])
    expect(hooks[0]!.body).toMatchObject({ level: 'CRITICAL', instanceId: 'iot-test', regionId: 'lab-1' })
    const mails = await eventually(async () => {
      const got = smtp.mails.filter((m) => m.subject?.includes('two_online'))
      return got.length === 3 && got
    })
    expect(mails.map((m) => m.to && 'text' in m.to && m.to.text)).toEqual(Array(3).fill('oncall@example.com'))
    expect(mails[0]!.text).toContain(`${Metric.OnlineMqtt} alarm at`)
    expect(mails[2]!.subject).toContain('RECOVERED')
    await a!.close()
  })

  it('announces no data when a product falls silent, and evaluates every product of an all-products rule on its own', async () => {
    const p1 = await seedSensorProduct(node, 1)
    const p2 = await seedSensorProduct(node, 1)
    const groupId = await group('silence')
    const rule = await trpc<{ id: string; updatedAt: string }>(
      'alarm.createRule',
      {
        kind: 'threshold',
        name: 'uplink_quiet',
        metric: Metric.UpMqtt,
        productKey: null,
        operator: '>',
        threshold: 100,
        periods: 1,
        granularity: 1,
        level: 'WARNING',
        silenceSeconds: 3600,
        noDataAlert: true,
        contactGroupIds: [groupId],
      },
      'mutation',
    )
    const m0 = Math.floor(new Date(rule.updatedAt).getTime() / MINUTE) * MINUTE
    // product 1 keeps sending in period 0, product 2 sends nothing
    const d = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...p1.devices[0]! })
    for (let i = 0; i < 3; i++) await d.postProperties({ temperature: 20 + i })
    await node.hub.metrics.flush()
    await node.alarmEngine.tick(m0 + MINUTE + LAG)
    const h = await history(rule.id)
    expect(h.map((x) => [x.status, x.productKey])).toContainEqual(['NO_DATA', p2.productKey])
    expect(h.map((x) => x.productKey)).not.toContain(p1.productKey)
    expect(h.find((x) => x.productKey === p2.productKey)!.message).toContain('no data since')
    await d.close()
  })

  it('watches the instance watermarks: one click alerts at 90 % of the device quota', async () => {
    const groupId = await group('capacity')
    const devicesNow = await node.db.prisma.device.count()
    await trpc('monitor.setSpec', { devices: devicesNow + 1, messageTps: 1000, forwardTps: 1000 }, 'mutation')
    const rules = await trpc<{ id: string; metric: string; updatedAt: string }[]>(
      'alarm.enableWatermarks',
      { percent: 90, contactGroupIds: [groupId] },
      'mutation',
    )
    expect(rules.map((r) => r.metric)).toEqual([
      Metric.DeviceNumWatermark,
      Metric.MessageTpsWatermark,
      Metric.ForwardTpsWatermark,
    ])
    // clicking again updates the same rules
    const again = await trpc<{ id: string }[]>('alarm.enableWatermarks', { contactGroupIds: [groupId] }, 'mutation')
    expect(again.map((r) => r.id)).toEqual(rules.map((r) => r.id))
    const ruleTime = Math.max(...again.map(() => Date.now()))
    const m0 = Math.floor(ruleTime / MINUTE) * MINUTE
    await seedSensorProduct(node, 1) // devicesNow + 1 of devicesNow + 1 = 100 %
    await sampleInto(m0)
    await node.alarmEngine.tick(m0 + MINUTE + LAG)
    const h = await history(rules[0]!.id)
    expect(h.map((x) => [x.status, x.kind, x.value])).toEqual([['ALARM', 'watermark', 100]])
    expect(await history(rules[1]!.id)).toEqual([])
  })
})

describe('event alarms', () => {
  it('turns a device over its connect-rate limit into a Device_Connect_QPM_Limit alarm with the resource id', async () => {
    const { productKey, devices } = await seedSensorProduct(node, 1)
    const groupId = await group('events')
    const rule = await trpc<{ id: string }>(
      'alarm.createRule',
      {
        kind: 'event',
        name: 'connect_storm',
        events: ['Device_Connect_QPM_Limit'],
        level: 'WARNING',
        silenceSeconds: 300,
        contactGroupIds: [groupId],
      },
      'mutation',
    )
    await node.alarmEngine.start()
    const url = `mqtt://127.0.0.1:${node.mqttPort}`
    // the test node allows 2 connects per device and minute: the third is refused and raises the event
    for (let i = 0; i < 2; i++) await (await Device.connect({ url, ...devices[0]! })).close()
    await expect(Device.connect({ url, ...devices[0]! })).rejects.toThrow()
    const [h] = await eventually(async () => {
      const got = await history(rule.id)
      return got.length > 0 && got
    })
    const resource = `acs:iot:lab-1::instance/iot-test/product/${productKey}/device/${devices[0]!.deviceName}`
    expect(h).toMatchObject({ status: 'ALARM', kind: 'event', metric: 'Device_Connect_QPM_Limit', resource })
    expect(h!.message).toContain('Level: WARN')
    expect(h!.message).toContain('Status: Fail')
    await node.notifier.drain()
    const hook = await eventually(async () => receiver.got.find((r) => r.path === '/hook/events'))
    expect(hook.body).toMatchObject({
      event: 'Device_Connect_QPM_Limit',
      resourceId: resource,
      eventLevel: 'WARN',
      status: 'Fail',
      details: { productKey, deviceName: devices[0]!.deviceName, instanceId: 'iot-test', regionId: 'lab-1' },
    })
    await node.alarmEngine.stop()
  })

  it('refuses rules that cannot work, with the reason', async () => {
    const bad = async (input: object) => (await api.call('alarm.createRule', input, 'mutation')).error?.message
    const base = {
      kind: 'threshold',
      name: 'bad_rule',
      productKey: null,
      operator: '>',
      threshold: 1,
      periods: 3,
      granularity: 1,
      level: 'INFO',
      silenceSeconds: 300,
    }
    const groupId = await group('nobody')
    expect(await bad({ ...base, metric: 'DailyFlipsTop', contactGroupIds: [groupId] })).toMatch(/area chart/)
    expect(await bad({ ...base, metric: Metric.UpMqtt, periods: 4, contactGroupIds: [groupId] })).toBeTruthy()
    expect(await bad({ ...base, metric: Metric.UpMqtt, contactGroupIds: [] })).toMatch(/contact group/)
    expect(
      await bad({ ...base, metric: Metric.UpMqtt, contactGroupIds: ['00000000-0000-4000-8000-000000000000'] }),
    ).toMatch(/does not exist/)
    expect(await node.db.prisma.alarmRule.count({ where: { name: 'bad_rule' } })).toBe(0)
  })
})
