import {
  findService,
  newMessageId,
  type ThingModel,
  topics,
  validatePropertySet,
  validateServiceInput,
} from '@iotops/alink'
import type { Actor } from '../context'
import { AppError, badRequest, deviceNotFound, notFound } from '../errors'
import { newTraceId } from '../ids'
import { commandIdentifiers } from '../metrics/recorder'
import { BizType, logContent } from '../runlog/writer'
import type { DeviceHub } from './hub'
import type { DeviceReply } from './pipeline'

export const RRPC_TIMEOUT_DEFAULT_MS = 5000
export const RRPC_TIMEOUT_MAX_MS = 8000

interface Target {
  productKey: string
  deviceName: string
}

/**
 * Why a cloud→device command is refused right now (reference §7.1 thing-model codes), checked in this order:
 * 6208 disabled, 9200 never connected (not activated), 9201 offline; null when it can be sent.
 */
export function commandBlock(d: { disabled: boolean; status: string }): 6208 | 9200 | 9201 | null {
  if (d.disabled) return 6208
  if (d.status === 'UNACTIVE') return 9200
  if (d.status !== 'ONLINE') return 9201
  return null
}
const COMMAND_BLOCK_MESSAGE = {
  6208: 'the device is disabled; enable it first',
  9200: 'the device has never connected (not activated)',
  9201: 'the device is offline',
} as const

/** The device, checked for the state a cloud→device command needs: exists, enabled, activated, online. */
async function commandableDevice(hub: DeviceHub, t: Target) {
  const d = await hub.db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: t.productKey, deviceName: t.deviceName } },
    include: { product: true },
  })
  if (!d) throw deviceNotFound(t)
  const blocked = commandBlock(d)
  if (blocked) throw new AppError('PRECONDITION_FAILED', COMMAND_BLOCK_MESSAGE[blocked], blocked)
  const limit = hub.limiter.downlink(t.productKey, t.deviceName)
  if (limit) {
    hub.limitEvent(limit)
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `too many commands to this device (${limit.event}, limit ${limit.limit}/s)`,
      429,
    )
  }
  return d
}

/** Registers a waiter for a device reply before the request goes out; rejects with 1905 on timeout. */
function waitReply(hub: DeviceHub, t: Target, id: string, timeoutMs: number) {
  let cleanup = () => {}
  const promise = new Promise<DeviceReply>((resolve, reject) => {
    const onReply = (r: DeviceReply) => {
      if (r.id === id && r.productKey === t.productKey && r.deviceName === t.deviceName) {
        cleanup()
        resolve(r)
      }
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new AppError('TIMEOUT', `the device did not answer within ${timeoutMs} ms`, 1905))
    }, timeoutMs)
    cleanup = () => {
      clearTimeout(timer)
      hub.off('reply', onReply)
    }
    hub.on('reply', onReply)
  })
  return { promise, cancel: () => cleanup() }
}

async function send(
  hub: DeviceHub,
  actor: Actor,
  t: Target & { deviceId: string },
  call: { id: string; topic: string; body: object; identifier: string; method: string; params: unknown; api: string },
) {
  const traceId = newTraceId()
  const text = JSON.stringify(call.body)
  await hub.db.prisma.serviceCall.create({
    data: {
      id: call.id,
      deviceId: t.deviceId,
      identifier: call.identifier,
      method: call.method,
      params: call.params as object,
    },
  })
  await hub.record({
    productKey: t.productKey,
    deviceName: t.deviceName,
    traceId,
    messageId: call.id,
    bizType: BizType.ApiService,
    operation: call.api,
    code: 200,
    content: logContent({ Params: call.params, caller: actor.name }),
  })
  // stamped before publishing: a fast device's reply must not be logged before the message it answers
  const sentAt = new Date()
  await hub.publish(call.topic, text, 0)
  hub.metrics.command(t.productKey, call.method, commandIdentifiers(call.method, call.identifier, call.params))
  await hub.record({
    ts: sentAt,
    productKey: t.productKey,
    deviceName: t.deviceName,
    traceId,
    messageId: call.id,
    bizType: BizType.Downlink,
    operation: call.topic,
    code: 200,
    content: logContent({ Content: text }),
  })
  return traceId
}

export async function setDeviceProperty(
  hub: DeviceHub,
  actor: Actor,
  input: Target & { items: Record<string, unknown> },
) {
  const d = await commandableDevice(hub, input)
  const v = validatePropertySet(d.product.thingModel as unknown as ThingModel, input.items)
  if (!v.ok) throw badRequest(v.message, v.code)
  const id = newMessageId()
  const traceId = await send(
    hub,
    actor,
    { ...input, deviceId: d.id },
    {
      id,
      topic: topics.propertySet(input.productKey, input.deviceName),
      body: { id, version: '1.0', params: input.items, method: 'thing.service.property.set' },
      identifier: 'set',
      method: 'thing.service.property.set',
      params: input.items,
      api: 'SetDeviceProperty',
    },
  )
  return { messageId: id, traceId }
}

/**
 * Invokes a thing-model service. Sync services go over RRPC and wait for the device's answer (≤ 8 s, 1905
 * on timeout); async services are published on the service topic and answered later on its _reply.
 */
export async function invokeThingService(
  hub: DeviceHub,
  actor: Actor,
  input: Target & { identifier: string; args: Record<string, unknown>; timeoutMs?: number },
) {
  const d = await commandableDevice(hub, input)
  const model = d.product.thingModel as unknown as ThingModel
  const svc = findService(model, input.identifier)
  if (!svc) throw badRequest(`the service ${input.identifier} is not in the thing model`, 5094)
  const v = validateServiceInput(model, input.identifier, input.args)
  if (!v.ok) throw badRequest(v.message, v.code)
  const id = newMessageId()
  const method = `thing.service.${input.identifier}`
  const body = { id, version: '1.0', params: input.args, method }
  if (svc.callType === 'sync') {
    const timeoutMs = Math.min(input.timeoutMs ?? RRPC_TIMEOUT_DEFAULT_MS, RRPC_TIMEOUT_MAX_MS)
    const w = waitReply(hub, input, id, timeoutMs)
    try {
      const traceId = await send(
        hub,
        actor,
        { ...input, deviceId: d.id },
        {
          id,
          topic: topics.rrpcRequest(input.productKey, input.deviceName, id),
          body,
          identifier: input.identifier,
          method,
          params: input.args,
          api: 'InvokeThingService',
        },
      )
      const r = await w.promise.catch(async (e: AppError) => {
        hub.metrics.commandResult(input, method, [input.identifier], 1905, null)
        await hub.db.pool.query('UPDATE service_call SET code = 1905, message = $2 WHERE id = $1', [id, e.message])
        await hub.record({
          productKey: input.productKey,
          deviceName: input.deviceName,
          traceId,
          messageId: id,
          bizType: BizType.ThingService,
          operation: method,
          code: 1905,
          content: logContent({ Message: e.message }),
        })
        throw e
      })
      return { messageId: id, traceId, code: r.code, output: r.data, message: r.message ?? null }
    } finally {
      w.cancel()
    }
  }
  const traceId = await send(
    hub,
    actor,
    { ...input, deviceId: d.id },
    {
      id,
      topic: topics.service(input.productKey, input.deviceName, input.identifier),
      body,
      identifier: input.identifier,
      method,
      params: input.args,
      api: 'InvokeThingService',
    },
  )
  return { messageId: id, traceId, code: null, output: null, message: null }
}

/** Raw RRPC (the RRpc API): sends bytes on /rrpc/request/{id}, returns the device's bytes from /rrpc/response/{id}. */
export async function rrpc(hub: DeviceHub, actor: Actor, input: Target & { request: Buffer; timeoutMs: number }) {
  const d = await commandableDevice(hub, input)
  const id = newMessageId()
  const w = waitReply(hub, input, id, Math.min(input.timeoutMs, RRPC_TIMEOUT_MAX_MS))
  try {
    await hub.db.prisma.serviceCall.create({
      data: {
        id,
        deviceId: d.id,
        identifier: 'rrpc',
        method: 'rrpc',
        params: { base64: input.request.toString('base64') },
      },
    })
    await hub.publish(topics.rrpcRequest(input.productKey, input.deviceName, id), input.request, 0)
    await hub.record({
      productKey: input.productKey,
      deviceName: input.deviceName,
      traceId: newTraceId(),
      messageId: id,
      bizType: BizType.ApiService,
      operation: 'RRpc',
      code: 200,
      content: logContent({ caller: actor.name, bytes: input.request.length }),
    })
    const r = await w.promise
    const payload = typeof r.data === 'string' ? r.data : JSON.stringify(r.data)
    return { messageId: id, payloadBase64: Buffer.from(payload).toString('base64') }
  } finally {
    w.cancel()
  }
}

/** Pub: a message to a device's custom topic; the topic must be one its product lets devices subscribe to. */
export async function pubToDevice(
  hub: DeviceHub,
  actor: Actor,
  input: { productKey: string; topic: string; payload: Buffer; qos: 0 | 1 },
) {
  const parts = input.topic.split('/')
  // /{pk}/{dn}/user/...
  if (parts[1] !== input.productKey || parts[3] !== 'user' || !parts[2]) {
    throw badRequest(
      `the topic must be a custom topic of the product: /${input.productKey}/\${deviceName}/user/…`,
      1903,
    )
  }
  if (!(await hub.products.get(input.productKey))) throw notFound(`the product ${input.productKey}`)
  const access = await hub.topicAccess({ productKey: input.productKey, deviceName: parts[2] }, input.topic, 'subscribe')
  if (!access.allowed)
    throw badRequest(`devices cannot subscribe to ${input.topic}: add a topic class with subscribe rights`, 9236)
  const id = newMessageId()
  await hub.publish(input.topic, input.payload, input.qos)
  await hub.record({
    productKey: input.productKey,
    deviceName: parts[2],
    traceId: newTraceId(),
    messageId: id,
    bizType: BizType.Downlink,
    operation: input.topic,
    code: 200,
    content: logContent({ Content: input.payload.toString('utf8'), caller: actor.name }),
  })
  return { messageId: id }
}

/** Desired values are stored with a version per property; devices read them with /thing/property/desired/get. */
export async function setDesiredProperty(
  hub: DeviceHub,
  actor: Actor,
  input: Target & { items: Record<string, unknown>; versions?: Record<string, number> },
) {
  const d = await hub.db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: input.productKey, deviceName: input.deviceName } },
    include: { product: true },
  })
  if (!d) throw notFound(`the device ${input.productKey}/${input.deviceName}`)
  const v = validatePropertySet(d.product.thingModel as unknown as ThingModel, input.items)
  if (!v.ok) throw badRequest(v.message, v.code)
  const versions: Record<string, number> = {}
  await hub.db.prisma.$transaction(async (tx) => {
    for (const [identifier, value] of Object.entries(input.items)) {
      const cur = await tx.desiredProperty.findUnique({
        where: { deviceId_identifier: { deviceId: d.id, identifier } },
      })
      const expected = input.versions?.[identifier]
      if (expected !== undefined && cur && cur.version !== expected) {
        throw new AppError(
          'CONFLICT',
          `the desired value of ${identifier} is at version ${cur.version}, not ${expected}`,
        )
      }
      const version = (cur?.version ?? 0) + 1
      versions[identifier] = version
      await tx.desiredProperty.upsert({
        where: { deviceId_identifier: { deviceId: d.id, identifier } },
        create: { deviceId: d.id, identifier, value: value as object, version, time: new Date() },
        update: { value: value as object, version, time: new Date() },
      })
    }
  })
  const traceId = newTraceId()
  await hub.record({
    productKey: input.productKey,
    deviceName: input.deviceName,
    traceId,
    messageId: null,
    bizType: BizType.ApiService,
    operation: 'SetDeviceDesiredProperty',
    code: 200,
    content: logContent({ Params: input.items, caller: actor.name }),
  })
  return { versions, traceId }
}
