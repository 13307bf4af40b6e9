import { Device } from '@iotops/device-sdk'
import { alerts } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, seedSensorProduct, signInHttp, startTestNode } from './testing'
import { startReceiver } from './testing-receivers'

interface AlertRow {
  id: string
  status: string
  count: number
  level: number
  ruleName: string
  deviceName: string | null
  inhibited: boolean
  details: { trigger: Record<string, unknown> }
}
interface Page<T> {
  items: T[]
  total: number
}
interface RunRow {
  passed: boolean
  ok: boolean
  trigger: Record<string, unknown>
  conditions: { passed: boolean; reason?: string }[]
  actions: { type: string; ok: boolean; result?: Record<string, unknown>; error?: string }[]
}

describe('alert center and scene linkage', () => {
  let node: RunningNode
  let recv: Awaited<ReturnType<typeof startReceiver>>
  let s: HttpSession
  let pk: string
  let devs: { productKey: string; deviceName: string; deviceSecret: string }[]
  let url: string
  let groupId: string
  const open: Device[] = []

  const create = async <T = { id: string }>(proc: string, input: unknown) => {
    const r = await s.call<T>(proc, input, 'mutation')
    if (r.error) throw new Error(`${proc}: ${r.error.message}`)
    return r.data!
  }
  const alertsOf = (ruleId: string) =>
    s.call<Page<AlertRow>>('alertCenter.list', { alertRuleId: ruleId }).then((r) => r.data!.items)
  const runsOf = (ruleId: string) => s.call<Page<RunRow>>('scene.runs', { ruleId }).then((r) => r.data!.items)

  beforeAll(async () => {
    recv = await startReceiver()
    node = await startTestNode()
    s = await signInHttp(node)
    const p = await seedSensorProduct(node, 3)
    pk = p.productKey
    devs = p.devices
    url = `mqtt://127.0.0.1:${node.mqttPort}`
    groupId = (
      await create('notify.groups.create', {
        name: 'alert-hook',
        webhookUrl: `${recv.url}/hook/alerts`,
        console: false,
      })
    ).id
  })
  afterAll(async () => {
    for (const d of open) await d.close().catch(() => {})
    await node?.close()
    await recv?.close()
  })

  it('refuses bad alert rules and scene rules before storing anything', async () => {
    const short = await s.call('alertCenter.createRule', { name: 'abc', level: 1 }, 'mutation')
    expect(short.error?.data.code).toBe('BAD_REQUEST')
    expect(short.error?.message).toMatch(/4–32/)
    const noGroup = await s.call(
      'alertCenter.createRule',
      { name: 'needs_group', level: 1, channels: ['dingtalk'], contactGroupIds: [groupId] },
      'mutation',
    )
    expect(noGroup.error?.message).toMatch(/DingTalk robot/)
    const badCron = await s.call(
      'scene.create',
      {
        name: 'bad cron',
        triggers: [{ type: 'schedule', cron: '* * *' }],
        actions: [{ type: 'webhook', url: `${recv.url}/x` }],
      },
      'mutation',
    )
    expect(badCron.error?.data.code).toBe('BAD_REQUEST')
    const ghost = await s.call(
      'scene.create',
      {
        name: 'ghost',
        triggers: [{ type: 'status', productKey: pk, deviceName: 'nobody', status: 'OFFLINE' }],
        actions: [{ type: 'webhook', url: `${recv.url}/x` }],
      },
      'mutation',
    )
    expect(ghost.error?.message).toMatch(/nobody does not exist/)
    const list = await s.call<Page<unknown>>('scene.list', {})
    expect(list.data?.total).toBe(0)
  })

  it('a property threshold raises one alert, dedupes repeats, notifies the webhook, sets a property, escalates and is handled read-only', async () => {
    const rule = await create<{ id: string; name: string }>('alertCenter.createRule', {
      name: 'temp_high',
      description: 'temperature over 30',
      level: 2,
      channels: ['webhook'],
      contactGroupIds: [groupId],
      escalateMinutes: 5,
    })
    const scene = await create('scene.create', {
      name: 'hot device',
      triggers: [{ type: 'property', productKey: pk, identifier: 'temperature', op: '>', value: 30 }],
      actions: [
        { type: 'alert', alertRuleId: rule.id },
        { type: 'setProperty', productKey: pk, items: { power: 0 } },
      ],
    })
    // the alert rule lists the scene that raises it
    const r = await s.call<{ scenes: { id: string }[] }>('alertCenter.rule', { id: rule.id })
    expect(r.data?.scenes.map((x) => x.id)).toEqual([scene.id])

    const d = await Device.connect({ url, ...devs[0]! })
    open.push(d)
    const sets: Record<string, unknown>[] = []
    d.onPropertySet((params) => {
      sets.push(params)
      return { code: 200 }
    })
    await d.postProperties({ temperature: 35 })
    const [first] = await eventually(async () => {
      const a = await alertsOf(rule.id)
      return a.length === 1 && a
    })
    expect(first).toMatchObject({
      status: 'PENDING',
      count: 1,
      level: 2,
      ruleName: 'temp_high',
      deviceName: devs[0]!.deviceName,
    })
    expect(first!.details.trigger).toMatchObject({
      type: 'property',
      identifier: 'temperature',
      value: 35,
      threshold: 30,
    })
    // the set-property action reached the device
    await eventually(async () => sets.length === 1)
    expect(sets[0]).toEqual({ power: 0 })
    // the webhook receiver gets the documented JSON
    const hook = await eventually(async () => recv.got.find((g) => g.path === '/hook/alerts'))
    expect(hook.body).toMatchObject({
      level: 'CRITICAL',
      status: 'ALARM',
      source: 'alertCenter',
      alertId: first!.id,
      alertRule: 'temp_high',
      alertLevel: 2,
      sceneRule: 'hot device',
      productKey: pk,
      deviceName: devs[0]!.deviceName,
      count: 1,
      trigger: { type: 'property', identifier: 'temperature', value: 35 },
    })
    expect(String(hook.body.subject)).toContain('temp_high')
    expect(String(hook.body.text)).toContain('Device: ')

    // a repeat while pending: the same alert, count 2, not notified again
    await d.postProperties({ temperature: 36 })
    await eventually(async () => (await alertsOf(rule.id))[0]?.count === 2)
    expect(await alertsOf(rule.id)).toHaveLength(1)
    // below the threshold: no run
    await d.postProperties({ temperature: 20 })
    await eventually(async () => (await runsOf(scene.id)).length === 2)
    await new Promise((res) => setTimeout(res, 300))
    expect(await runsOf(scene.id)).toHaveLength(2)
    expect(recv.got.filter((g) => g.path === '/hook/alerts')).toHaveLength(1)
    const runs = await runsOf(scene.id)
    expect(runs[0]).toMatchObject({ passed: true, ok: true })
    expect(runs[0]!.actions.map((a) => a.type)).toEqual(['alert', 'setProperty'])
    expect(runs[0]!.actions[0]!.result).toMatchObject({ repeated: true, count: 2 })

    // counts per level and the pending badge
    const pending = await s.call<{ total: number; byLevel: Record<string, number> }>('alertCenter.pending', undefined)
    expect(pending.data).toMatchObject({ total: 1, byLevel: { '2': 1 } })

    // escalation: unacknowledged past escalateMinutes → re-notified once
    expect(await alerts.escalateDue(node.db, new Date(Date.now() + 6 * 60_000))).toBe(1)
    node.notifier.kick()
    const esc = await eventually(async () => recv.got.filter((g) => g.path === '/hook/alerts')[1])
    expect(esc.body).toMatchObject({ status: 'REPEAT', escalation: true, count: 2 })
    expect(await alerts.escalateDue(node.db, new Date(Date.now() + 7 * 60_000))).toBe(0)
    // acknowledged alerts are not escalated
    await create('alertCenter.acknowledge', { id: first!.id })
    expect(await alerts.escalateDue(node.db, new Date(Date.now() + 60 * 60_000))).toBe(0)

    // handle with a remark → read-only
    const handled = await s.call<{ status: string }>(
      'alertCenter.handle',
      { id: first!.id, remark: 'fan replaced' },
      'mutation',
    )
    expect(handled.data?.status).toBe('HANDLED')
    const again = await s.call('alertCenter.ignore', { id: first!.id }, 'mutation')
    expect(again.error?.data.code).toBe('PRECONDITION_FAILED')
    expect(again.error?.message).toMatch(/already handled/)
    const detail = await s.call<{
      remark: string
      activity: { action: string; userName: string; remark: string | null }[]
    }>('alertCenter.byId', { id: first!.id })
    expect(detail.data?.remark).toBe('fan replaced')
    expect(detail.data?.activity.map((x) => x.action)).toEqual([
      'raised',
      'notified',
      'repeated',
      'escalated',
      'acknowledged',
      'handled',
    ])
    expect(detail.data?.activity.at(-1)).toMatchObject({ userName: 'Administrator', remark: 'fan replaced' })
    // a new report after handling opens a new alert
    await d.postProperties({ temperature: 40 })
    await eventually(async () => (await alertsOf(rule.id)).length === 2)
    const audit = await node.db.prisma.auditLog.findMany({
      where: { action: { in: ['HandleAlert', 'CreateSceneRule', 'CreateAlertRule'] } },
    })
    expect(audit.map((a) => a.action).sort()).toEqual(['CreateAlertRule', 'CreateSceneRule', 'HandleAlert'])
  })

  it('an event trigger calls a webhook with the event', async () => {
    const scene = await create('scene.create', {
      name: 'overheat event',
      triggers: [{ type: 'event', productKey: pk, eventType: 'alert', identifier: 'overheat' }],
      actions: [{ type: 'webhook', url: `${recv.url}/hook/scene` }],
    })
    const d = open[0]!
    await d.postEvent('overheat', { level: 7 })
    const got = await eventually(async () => recv.got.find((g) => g.path === '/hook/scene'))
    expect(got.body).toMatchObject({
      scene: { id: scene.id, name: 'overheat event' },
      trigger: { type: 'event', identifier: 'overheat', eventType: 'alert', params: { level: 7 } },
    })
    await eventually(async () => (await runsOf(scene.id))[0]?.ok === true)
  })

  it('an offline trigger raises an alert for that device', async () => {
    const rule = await create('alertCenter.createRule', { name: 'device-offline', level: 4 })
    await create('scene.create', {
      name: 'offline',
      triggers: [{ type: 'status', productKey: pk, deviceName: devs[1]!.deviceName, status: 'OFFLINE' }],
      actions: [{ type: 'alert', alertRuleId: rule.id }],
    })
    const d = await Device.connect({ url, ...devs[1]! })
    await d.close()
    const [a] = await eventually(async () => {
      const x = await alertsOf(rule.id)
      return x.length === 1 && x
    })
    expect(a).toMatchObject({ deviceName: devs[1]!.deviceName, level: 4 })
    expect(a!.details.trigger).toMatchObject({ type: 'status', status: 'OFFLINE', code: 200 })
  })

  it('a schedule trigger runs once in its minute', async () => {
    const rule = await create('alertCenter.createRule', { name: 'nightly_check', level: 5 })
    const scene = await create('scene.create', {
      name: 'nightly',
      triggers: [{ type: 'schedule', cron: '30 3 * * *', timezone: 'Asia/Shanghai' }],
      actions: [{ type: 'alert', alertRuleId: rule.id }],
    })
    await node.sceneEngine.reload()
    // 03:30 in Shanghai = 19:30 UTC the day before
    await node.sceneEngine.fireSchedules(Date.parse('2030-01-01T19:29:00Z'))
    expect(await runsOf(scene.id)).toHaveLength(0)
    await node.sceneEngine.fireSchedules(Date.parse('2030-01-01T19:30:00Z'))
    await node.sceneEngine.fireSchedules(Date.parse('2030-01-01T19:30:00Z'))
    const runs = await runsOf(scene.id)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.trigger).toMatchObject({ type: 'schedule', cron: '30 3 * * *', slot: '2030-01-01T19:30:00.000Z' })
    expect(await alertsOf(rule.id)).toHaveLength(1)
  })

  it('a failing condition records passed=false and runs no action', async () => {
    const scene = await create('scene.create', {
      name: 'guarded',
      triggers: [
        {
          type: 'property',
          productKey: pk,
          deviceName: devs[0]!.deviceName,
          identifier: 'humidity',
          op: '>',
          value: 50,
        },
      ],
      conditions: [
        {
          type: 'property',
          productKey: pk,
          deviceName: devs[0]!.deviceName,
          identifier: 'temperature',
          op: '>',
          value: 100,
        },
        { type: 'time', days: [], from: '00:00', to: '23:59', timezone: 'UTC' },
      ],
      actions: [{ type: 'webhook', url: `${recv.url}/hook/guarded` }],
    })
    await open[0]!.postProperties({ humidity: 60 })
    const [run] = await eventually(async () => {
      const r = await runsOf(scene.id)
      return r.length === 1 && r
    })
    expect(run).toMatchObject({ passed: false, actions: [] })
    expect(run!.conditions.map((c) => c.passed)).toEqual([false, true])
    expect(recv.got.some((g) => g.path === '/hook/guarded')).toBe(false)
  })

  it('records a failing action in the run, and inhibits alerts of sub-devices whose gateway is offline', async () => {
    const rule = await create('alertCenter.createRule', {
      name: 'sub_alert',
      level: 1,
      channels: ['webhook'],
      contactGroupIds: [groupId],
    })
    const scene = await create('scene.create', {
      name: 'sub humid',
      triggers: [
        {
          type: 'property',
          productKey: pk,
          deviceName: devs[2]!.deviceName,
          identifier: 'humidity',
          op: '>=',
          value: 90,
        },
      ],
      actions: [
        { type: 'alert', alertRuleId: rule.id },
        // device 1 is offline: 9201, recorded, the run is not ok
        { type: 'setProperty', productKey: pk, deviceName: devs[1]!.deviceName, items: { power: 1 } },
      ],
    })
    // device 2 hangs off device 1 (offline) as a sub-device
    const gw = await node.db.prisma.device.findUniqueOrThrow({
      where: { productKey_deviceName: { productKey: pk, deviceName: devs[1]!.deviceName } },
    })
    await node.db.prisma.device.update({
      where: { productKey_deviceName: { productKey: pk, deviceName: devs[2]!.deviceName } },
      data: { gatewayId: gw.id },
    })
    const before = recv.got.length
    const d = await Device.connect({ url, ...devs[2]! })
    open.push(d)
    await d.postProperties({ humidity: 95 })
    const [run] = await eventually(async () => {
      const r = await runsOf(scene.id)
      return r.length === 1 && r
    })
    expect(run).toMatchObject({ passed: true, ok: false })
    expect(run!.actions[1]).toMatchObject({ type: 'setProperty', ok: false })
    expect(run!.actions[1]!.error).toMatch(/offline \(9201\)/)
    const [a] = await alertsOf(rule.id)
    expect(a).toMatchObject({ inhibited: true, status: 'PENDING' })
    const pending = await s.call<{ byLevel: Record<string, number> }>('alertCenter.pending', undefined)
    expect(pending.data?.byLevel['1']).toBeUndefined()
    await new Promise((res) => setTimeout(res, 500))
    expect(recv.got.length).toBe(before)
  })

  it('links and unlinks scene rules from the alert rule, stops and deletes', async () => {
    const rule = await create<{ id: string }>('alertCenter.createRule', { name: '联动告警', level: 3 })
    const scene = await create<{ id: string }>('scene.create', {
      name: 'linked later',
      triggers: [{ type: 'status', productKey: pk, status: 'ONLINE' }],
      actions: [{ type: 'webhook', url: `${recv.url}/hook/linked` }],
    })
    await create('alertCenter.updateRule', {
      id: rule.id,
      rule: { name: '联动告警', level: 3, sceneRuleIds: [scene.id] },
    })
    const sc = await s.call<{ actions: { type: string }[] }>('scene.byId', { id: scene.id })
    expect(sc.data?.actions.map((a) => a.type)).toEqual(['webhook', 'alert'])
    const stopped = await create<{ enabled: boolean }>('alertCenter.setRuleEnabled', { id: rule.id, enabled: false })
    expect(stopped.enabled).toBe(false)
    await create('alertCenter.deleteRule', { id: rule.id })
    const after = await s.call<{ actions: { type: string }[] }>('scene.byId', { id: scene.id })
    expect(after.data?.actions.map((a) => a.type)).toEqual(['webhook'])
  })
})
