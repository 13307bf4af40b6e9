import { Device, SubscriptionConsumer, type SubscriptionMessage } from '@iotops/device-sdk'
import { subscription } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { callOpenApi, createApiKey, eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

// The server-side subscription through the automation API (POST /api/v1/<Action>, the reference's action names):
// consumer groups (the token answered once), product subscriptions with the reference's message-type flags mapped
// onto our message types, a group's status (backlog, consumers, consume rate) and clearing its backlog.

let node: RunningNode
let key: string
let viewerKey: string
let pk: string
let devs: { productKey: string; deviceName: string; deviceSecret: string }[]
const open: (Device | SubscriptionConsumer)[] = []

beforeAll(async () => {
  node = await startTestNode()
  key = await createApiKey(node, 'OPERATOR')
  viewerKey = await createApiKey(node, 'VIEWER')
  const p = await seedSensorProduct(node, 2)
  pk = p.productKey
  devs = p.devices
})
afterAll(async () => {
  for (const o of open) await o.close().catch(() => {})
  await node?.close()
})

const call = (action: string, params: object, bearer: string = key) => callOpenApi(node, action, params, bearer)
const ok = async (action: string, params: object) => {
  const r = await call(action, params)
  if (!r.body.Success) throw new Error(`${action}: ${r.status} ${r.body.Code} ${r.body.ErrorMessage}`)
  return r.body.Data
}
const groupNames = async () =>
  ((await ok('QueryConsumerGroupList', { CurrentPage: 1, PageSize: 1000 })).List as { GroupName: string }[]).map(
    (g) => g.GroupName,
  )

describe('server-side subscription OpenAPI actions', () => {
  it('creates, lists, queries, renames and deletes consumer groups; the token is answered once', async () => {
    const created = await ok('CreateConsumerGroup', { GroupName: 'api_group_a' })
    expect(created.GroupId).toMatch(/^CG_/)
    expect(created.Token).toMatch(/^cg_/)
    const b = await ok('CreateConsumerGroup', { GroupName: 'api_group_b' })
    const GroupId = created.GroupId as string

    const list = await call('QueryConsumerGroupList', { CurrentPage: 1, PageSize: 10 })
    expect(list.body.Data).toMatchObject({ Total: 2, CurrentPage: 1, PageSize: 10 })
    expect(list.body.Data.List).toEqual([
      { GroupId, GroupName: 'api_group_a', CreateTime: expect.any(String) },
      { GroupId: b.GroupId, GroupName: 'api_group_b', CreateTime: expect.any(String) },
    ])
    // paged, and filtered by name: exact by default, containing with Fuzzy
    const page2 = await ok('QueryConsumerGroupList', { CurrentPage: 2, PageSize: 1 })
    expect(page2).toMatchObject({ Total: 2, List: [{ GroupName: 'api_group_b' }] })
    expect((await ok('QueryConsumerGroupList', { GroupName: 'api_group' })).Total).toBe(0)
    const fuzzy = await ok('QueryConsumerGroupList', { GroupName: 'GROUP_B', Fuzzy: true })
    expect(fuzzy.List.map((g: { GroupId: string }) => g.GroupId)).toEqual([b.GroupId])

    const byId = await call('QueryConsumerGroupByGroupId', { GroupId })
    expect(byId.body.Data).toEqual({ GroupId, GroupName: 'api_group_a', CreateTime: expect.any(String) })
    // the token is never answered again
    for (const r of [list, byId, await call('QueryConsumerGroupStatus', { GroupId })])
      expect(JSON.stringify(r.body)).not.toContain(created.Token)
    // …and it is the group's working consumer token
    const c = new SubscriptionConsumer({
      url: `http://127.0.0.1:${node.httpPort}`,
      groupId: GroupId,
      token: created.Token,
    })
    open.push(c)
    await c.start()
    await c.close()

    // rename keeps the description set in the console
    await subscription.updateGroup(node.db, TEST_ACTOR, GroupId, { name: 'api_group_a', description: 'from console' })
    expect((await call('UpdateConsumerGroup', { GroupId, NewGroupName: 'api_group_renamed' })).body.Success).toBe(true)
    expect((await ok('QueryConsumerGroupByGroupId', { GroupId })).GroupName).toBe('api_group_renamed')
    const row = await node.db.prisma.consumerGroup.findUnique({ where: { groupId: GroupId } })
    expect(row).toMatchObject({ name: 'api_group_renamed', description: 'from console' })
    // a name another group has is a conflict
    const dup = await call('UpdateConsumerGroup', { GroupId, NewGroupName: 'api_group_b' })
    expect(dup).toMatchObject({ status: 409, body: { Success: false, Code: 'CONFLICT' } })

    expect((await call('DeleteConsumerGroup', { GroupId: b.GroupId })).body.Success).toBe(true)
    const gone = await call('QueryConsumerGroupByGroupId', { GroupId: b.GroupId })
    expect(gone).toMatchObject({ status: 404, body: { Success: false, Code: 'NOT_FOUND' } })
    expect(gone.body.ErrorMessage).toBe(`the consumer group ${b.GroupId} does not exist`)
    expect(await groupNames()).toEqual(['api_group_renamed'])
  })

  it('creates, queries, updates and deletes a subscribe relation, mapping the flags onto our message types', async () => {
    const g1 = (await ok('CreateConsumerGroup', { GroupName: 'rel_one' })).GroupId as string
    const g2 = (await ok('CreateConsumerGroup', { GroupName: 'rel_two' })).GroupId as string
    const stored = async () => (await subscription.listSubscriptions(node.db)).find((s) => s.productKey === pk) ?? null

    const created = await call('CreateSubscribeRelation', {
      ProductKey: pk,
      Type: 'AMQP',
      DeviceDataFlag: true,
      ConsumerGroupIds: [g1],
    })
    expect(created.body.Success).toBe(true)
    // DeviceDataFlag: property and event posts and the replies to property set / service calls
    expect(await stored()).toMatchObject({ messageTypes: ['property', 'event', 'reply'], groupIds: [g1] })
    const q = await ok('QuerySubscribeRelation', { ProductKey: pk, Type: 'AMQP' })
    expect(q).toMatchObject({
      ProductKey: pk,
      Type: 'AMQP',
      DeviceDataFlag: true,
      DeviceStatusChangeFlag: false,
      OtaEventFlag: false,
      DeviceLifeCycleFlag: false,
      ConsumerGroupIds: [g1],
      MessageTypes: ['property', 'event', 'reply'],
    })
    // one subscription per product
    const again = await call('CreateSubscribeRelation', {
      ProductKey: pk,
      Type: 'AMQP',
      DeviceDataFlag: true,
      ConsumerGroupIds: [g1],
    })
    expect(again).toMatchObject({ status: 409, body: { Success: false } })
    expect(again.body.ErrorMessage).toMatch(/already has an AMQP subscription; change it with UpdateSubscribeRelation/)

    // flags replace the message types (absent = false); groups as given (flattened list form too)
    const up = await call('UpdateSubscribeRelation', {
      ProductKey: pk,
      Type: 'amqp',
      DeviceStatusChangeFlag: 'true',
      OtaEventFlag: true,
      'ConsumerGroupIds.1': g2,
      'ConsumerGroupIds.2': g1,
    })
    expect(up.body.Success).toBe(true)
    expect(await stored()).toMatchObject({ messageTypes: ['lifecycle', 'ota'], groupIds: [g2, g1] })
    expect(await ok('QuerySubscribeRelation', { ProductKey: pk, Type: 'AMQP' })).toMatchObject({
      DeviceDataFlag: false,
      DeviceStatusChangeFlag: true,
      OtaEventFlag: true,
      ConsumerGroupIds: [g2, g1],
    })
    // without ConsumerGroupIds the groups stay
    await ok('UpdateSubscribeRelation', { ProductKey: pk, Type: 'AMQP', DeviceDataFlag: true })
    expect(await stored()).toMatchObject({ messageTypes: ['property', 'event', 'reply'], groupIds: [g2, g1] })
    // a subscription made in the console with part of a flag's types: the flag is true, MessageTypes is exact
    await subscription.saveSubscription(node.db, TEST_ACTOR, {
      productKey: pk,
      messageTypes: ['property'],
      groupIds: [g1],
    })
    expect(await ok('QuerySubscribeRelation', { ProductKey: pk, Type: 'AMQP' })).toMatchObject({
      DeviceDataFlag: true,
      MessageTypes: ['property'],
    })

    // a group in use cannot be deleted
    const used = await call('DeleteConsumerGroup', { GroupId: g1 })
    expect(used).toMatchObject({ status: 412, body: { Success: false } })
    expect(used.body.ErrorMessage).toMatch(/used by the subscriptions of/)

    expect((await call('DeleteSubscribeRelation', { ProductKey: pk, Type: 'AMQP' })).body.Success).toBe(true)
    expect(await stored()).toBeNull()
    const none = await call('QuerySubscribeRelation', { ProductKey: pk, Type: 'AMQP' })
    expect(none).toMatchObject({ status: 404, body: { Success: false } })
    expect(none.body.ErrorMessage).toMatch(/has no AMQP subscription/)
    expect((await call('DeleteConsumerGroup', { GroupId: g1 })).body.Success).toBe(true)
    expect((await call('DeleteConsumerGroup', { GroupId: g2 })).body.Success).toBe(true)
  })

  it('refuses bad or missing parameters with a message naming the parameter, and changes nothing', async () => {
    const before = await groupNames()
    const bad = async (action: string, params: object, status: number, message: string | RegExp) => {
      const r = await call(action, params)
      expect(r.status, `${action} ${JSON.stringify(params)}`).toBe(status)
      expect(r.body.Success).toBe(false)
      if (typeof message === 'string') expect(r.body.ErrorMessage).toBe(message)
      else expect(r.body.ErrorMessage).toMatch(message)
    }
    // the service's own rule for names, named after the parameter
    await bad(
      'CreateConsumerGroup',
      { GroupName: 'no spaces allowed' },
      400,
      /^GroupName: .*letters, digits or underscores/,
    )
    await bad('CreateConsumerGroup', {}, 400, 'GroupName is required')
    await bad('QueryConsumerGroupList', { CurrentPage: 1, PageSize: 5000 }, 400, 'PageSize must be an integer 1–1000')
    await bad('QueryConsumerGroupList', { CurrentPage: 0 }, 400, 'CurrentPage must be an integer ≥ 1')
    await bad('QueryConsumerGroupList', { Fuzzy: true }, 400, 'GroupName is required when Fuzzy is true')
    await bad('QueryConsumerGroupList', { Fuzzy: 'maybe', GroupName: 'x' }, 400, 'Fuzzy must be true or false')
    await bad('QueryConsumerGroupByGroupId', {}, 400, 'GroupId is required')
    await bad('QueryConsumerGroupByGroupId', { GroupId: 'has spaces!' }, 400, /^GroupId: not a consumer group id/)
    await bad('QueryConsumerGroupStatus', { GroupId: 'CG_nope' }, 404, 'the consumer group CG_nope does not exist')
    await bad('ResetConsumerGroupPosition', { GroupId: 'CG_nope' }, 404, 'the consumer group CG_nope does not exist')

    const g = (await ok('CreateConsumerGroup', { GroupName: 'bad_params' })).GroupId as string
    await bad('UpdateConsumerGroup', { GroupId: g }, 400, 'NewGroupName is required')
    await bad('UpdateConsumerGroup', { GroupId: g, NewGroupName: 'a-b' }, 400, /^NewGroupName: /)
    const rel = { ProductKey: pk, Type: 'AMQP', DeviceDataFlag: true, ConsumerGroupIds: [g] }
    await bad('CreateSubscribeRelation', { ...rel, ProductKey: undefined }, 400, 'ProductKey is required')
    await bad(
      'CreateSubscribeRelation',
      { ...rel, ProductKey: 'no_such_pk' },
      404,
      'the product no_such_pk does not exist',
    )
    await bad('CreateSubscribeRelation', { ...rel, Type: undefined }, 400, 'Type is required')
    await bad('CreateSubscribeRelation', { ...rel, Type: 'MNS' }, 400, /Type MNS is not supported; use AMQP/)
    await bad('CreateSubscribeRelation', { ...rel, DeviceDataFlag: false }, 400, /set at least one of DeviceDataFlag/)
    await bad('CreateSubscribeRelation', { ...rel, DeviceDataFlag: 'yes' }, 400, 'DeviceDataFlag must be true or false')
    await bad('CreateSubscribeRelation', { ...rel, ThingHistoryFlag: true }, 400, /^ThingHistoryFlag is not supported/)
    await bad('CreateSubscribeRelation', { ...rel, ConsumerGroupIds: [] }, 400, /^ConsumerGroupIds is required/)
    await bad(
      'CreateSubscribeRelation',
      { ...rel, ConsumerGroupIds: [g, 'CG_missing'] },
      404,
      'the consumer group CG_missing does not exist',
    )
    await bad(
      'CreateSubscribeRelation',
      { ...rel, ConsumerGroupIds: Array.from({ length: 11 }, (_, i) => `CG_${i}`) },
      400,
      'ConsumerGroupIds: at most 10 consumer groups',
    )
    // nothing was made
    expect(await subscription.listSubscriptions(node.db)).toEqual([])
    expect(await groupNames()).toEqual([...before, 'bad_params'])
    await bad('QuerySubscribeRelation', { ProductKey: pk, Type: 'AMQP' }, 404, /has no AMQP subscription/)
    expect((await call('DeleteConsumerGroup', { GroupId: g })).body.Success).toBe(true)
  })

  it('lets a VIEWER key query but not change', async () => {
    const before = await groupNames()
    const r = await call('CreateConsumerGroup', { GroupName: 'viewer_made' }, viewerKey)
    expect(r).toMatchObject({ status: 403, body: { Success: false, Code: 'Forbidden' } })
    expect(r.body.ErrorMessage).toMatch(/viewer role and cannot call CreateConsumerGroup/)
    expect(await groupNames()).toEqual(before)
    const g = (await ok('CreateConsumerGroup', { GroupName: 'viewer_target' })).GroupId as string
    for (const [action, params] of [
      ['DeleteConsumerGroup', { GroupId: g }],
      ['ResetConsumerGroupPosition', { GroupId: g }],
      ['CreateSubscribeRelation', { ProductKey: pk, Type: 'AMQP', DeviceDataFlag: true, ConsumerGroupIds: [g] }],
    ] as const)
      expect((await call(action, params, viewerKey)).status).toBe(403)
    expect((await call('QueryConsumerGroupList', {}, viewerKey)).body.Success).toBe(true)
    expect((await call('QueryConsumerGroupStatus', { GroupId: g }, viewerKey)).body.Success).toBe(true)
    expect((await call('QueryConsumerGroupByGroupId', { GroupId: g }, viewerKey)).body.Data.GroupName).toBe(
      'viewer_target',
    )
    expect(await subscription.listSubscriptions(node.db)).toEqual([])
    expect((await call('DeleteConsumerGroup', { GroupId: g })).body.Success).toBe(true)
  })

  it('reports a backlog after a device posts, the consumers and rate while one reads, and clears the backlog', async () => {
    const g = await ok('CreateConsumerGroup', { GroupName: 'status_group' })
    const GroupId = g.GroupId as string
    await ok('CreateSubscribeRelation', {
      ProductKey: pk,
      Type: 'AMQP',
      DeviceDataFlag: true,
      ConsumerGroupIds: [GroupId],
    })
    const status = () => ok('QueryConsumerGroupStatus', { GroupId })
    expect(await status()).toMatchObject({
      GroupId,
      GroupName: 'status_group',
      AccumulationCount: 0,
      ConsumerSpeed: 0,
      ClientConnectionStatusList: [],
    })
    expect((await status()).LastConsumerTime).toBeUndefined()

    const dev = await Device.connect({ url: `mqtt://127.0.0.1:${node.mqttPort}`, ...devs[0]! })
    open.push(dev)
    for (let i = 0; i < 5; i++) expect((await dev.postProperties({ temperature: i })).code).toBe(200)
    await node.subscriptionEngine.flush()
    // DeviceDataFlag only: the device's online event (lifecycle) is not queued, its 5 property posts are
    expect((await status()).AccumulationCount).toBe(5)

    const got: SubscriptionMessage[] = []
    const c = new SubscriptionConsumer({
      url: `http://127.0.0.1:${node.httpPort}`,
      groupId: GroupId,
      token: g.Token,
      onMessage: (m) => void got.push(m),
    })
    open.push(c)
    await c.start()
    await eventually(async () => got.length === 5 && (await status()).AccumulationCount === 0)
    expect(got.every((m) => m.messageType === 'property')).toBe(true)
    await node.subscriptionEngine.sample()
    await node.hub.metrics.flush()
    const s = await status()
    expect(s.ClientConnectionStatusList).toEqual([
      {
        ClientId: expect.any(String),
        ClientIpPort: expect.any(String),
        OnlineTime: expect.any(Number),
        InflightCount: 0,
      },
    ])
    expect(s.ConsumerSpeed).toBeGreaterThan(0)
    expect(Date.now() - Date.parse(s.LastConsumerTime)).toBeLessThan(3 * 60_000)
    await c.close()
    await eventually(async () => (await status()).ClientConnectionStatusList.length === 0)

    // nobody reads: the backlog rises again; ResetConsumerGroupPosition drops it (the console's "Clear backlog")
    await dev.postProperties({ temperature: 99 })
    await dev.postProperties({ temperature: 98 })
    await node.subscriptionEngine.flush()
    expect((await status()).AccumulationCount).toBe(2)
    expect(await ok('ResetConsumerGroupPosition', { GroupId })).toEqual({ ClearedCount: 2 })
    expect((await status()).AccumulationCount).toBe(0)

    await ok('DeleteSubscribeRelation', { ProductKey: pk, Type: 'AMQP' })
    await ok('DeleteConsumerGroup', { GroupId })
  })
})
