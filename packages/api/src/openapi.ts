// POST /api/v1/<Action>: the automation API, with the reference platform's action and parameter names.
// Thin like the tRPC routers: map parameters, call a service verb, map the result. Every call is written to
// the run log as bizType ApiService.
import { randomUUID } from 'node:crypto'
import type { Db } from '@iotops/db'
import {
  AppError,
  auth,
  BizType,
  type DeviceHub,
  devices,
  downlink,
  logContent,
  newTraceId,
  type ProductCache,
  products,
} from '@iotops/services'
import {
  ZBatchCreateDevicesInput,
  ZCreateDeviceInput,
  ZCreateProductInput,
  ZImportTslInput,
  ZListDevicesInput,
  ZListProductsInput,
} from '@iotops/services/schemas'
import { ZodError, z } from 'zod'
import { HTTP_STATUS } from './errors'
import { FORWARD_ACTIONS } from './openapi-forward'
import { OTA_JOB_ACTIONS } from './openapi-ota-jobs'
import { OTA_PACKAGE_ACTIONS } from './openapi-ota-packages'
import { type Action, num, type Params, str } from './openapi-params'
import { SUBSCRIPTION_ACTIONS } from './openapi-subscription'
import { TUNNEL_ACTIONS } from './openapi-tunnel'

export interface OpenApiDeps {
  db: Db
  hub: DeviceHub
  products: ProductCache
}

export interface OpenApiResponse {
  status: number
  body: { RequestId: string; Success: boolean; Code?: string; ErrorMessage?: string; Data?: unknown }
}

const json = (p: Params, k: string): Record<string, unknown> => {
  const v = p[k]
  if (v && typeof v === 'object') return v as Record<string, unknown>
  if (typeof v !== 'string') throw new AppError('BAD_REQUEST', `${k} is required: a JSON object as a string`)
  try {
    const o = JSON.parse(v)
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('not an object')
    return o
  } catch (e) {
    throw new AppError('BAD_REQUEST', `${k} is not a JSON object: ${(e as Error).message}`)
  }
}

/** IotId, or ProductKey + DeviceName, as every device action accepts. */
async function deviceRef(d: OpenApiDeps, p: Params) {
  const iotId = str(p, 'IotId')
  if (iotId) {
    const dev = await d.db.prisma.device.findUnique({ where: { iotId } })
    if (!dev) throw new AppError('NOT_FOUND', `no device has IotId ${iotId}`, 6100)
    return { productKey: dev.productKey, deviceName: dev.deviceName }
  }
  const productKey = str(p, 'ProductKey')
  const deviceName = str(p, 'DeviceName')
  if (!productKey || !deviceName) throw new AppError('BAD_REQUEST', 'give IotId, or ProductKey and DeviceName')
  return { productKey, deviceName }
}

const NODE_TYPE_IN: Record<number, 'DIRECT' | 'GATEWAY'> = { 0: 'DIRECT', 1: 'GATEWAY' }
const NODE_TYPE_OUT = { DIRECT: 0, GATEWAY: 1, SUB_DEVICE: 0 } as const
const DATA_FORMAT_IN: Record<number, 'CUSTOM' | 'ALINK_JSON'> = { 0: 'CUSTOM', 1: 'ALINK_JSON' }
const DATA_FORMAT_OUT = { CUSTOM: 0, ALINK_JSON: 1 } as const
/** QueryDeviceDetail's Status words */
const STATUS_OUT = { ONLINE: 'ONLINE', OFFLINE: 'OFFLINE', UNACTIVE: 'UNACTIVE', DISABLED: 'DISABLE' } as const

const productInfo = (p: Awaited<ReturnType<typeof products.productDetail>>) => ({
  ProductKey: p.productKey,
  ProductName: p.name,
  NodeType: NODE_TYPE_OUT[p.nodeType],
  DataFormat: DATA_FORMAT_OUT[p.dataFormat],
  Description: p.description ?? '',
  DeviceCount: p.deviceCount,
  GmtCreate: p.createdAt.getTime(),
})

const ACTIONS: Record<string, Action> = {
  CreateProduct: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const nodeType = NODE_TYPE_IN[num(p, 'NodeType') ?? -1]
      if (!nodeType) throw new AppError('BAD_REQUEST', 'NodeType must be 0 (device) or 1 (gateway)')
      const df = num(p, 'DataFormat') ?? 1
      const dataFormat = DATA_FORMAT_IN[df]
      if (!dataFormat) throw new AppError('BAD_REQUEST', 'DataFormat must be 0 (passthrough/custom) or 1 (Alink JSON)')
      const input = ZCreateProductInput.parse({
        name: str(p, 'ProductName'),
        nodeType,
        dataFormat,
        description: str(p, 'Description'),
      })
      const r = await products.createProduct(d.db, actor, input)
      return {
        ProductKey: r.productKey,
        ProductName: r.name,
        NodeType: NODE_TYPE_OUT[r.nodeType],
        DataFormat: DATA_FORMAT_OUT[r.dataFormat],
      }
    },
  },
  QueryProduct: {
    role: 'VIEWER',
    async run(d, _a, p) {
      return productInfo(await products.productDetail(d.db, str(p, 'ProductKey') ?? ''))
    },
  },
  QueryProductList: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const input = ZListProductsInput.parse({ page: num(p, 'CurrentPage') ?? 1, pageSize: num(p, 'PageSize') ?? 10 })
      const r = await products.listProducts(d.db, input)
      return {
        CurrentPage: r.page,
        PageSize: r.pageSize,
        Total: r.total,
        PageCount: Math.ceil(r.total / r.pageSize),
        List: {
          ProductInfo: r.items.map((x) => ({
            ProductKey: x.productKey,
            ProductName: x.name,
            NodeType: NODE_TYPE_OUT[x.nodeType],
            DataFormat: DATA_FORMAT_OUT[x.dataFormat],
            DeviceCount: x.deviceCount,
            GmtCreate: x.createdAt.getTime(),
            Description: x.description ?? '',
          })),
        },
      }
    },
  },
  ImportThingModelTsl: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await products.importThingModel(
        d.db,
        actor,
        ZImportTslInput.parse({ productKey: str(p, 'ProductKey'), tsl: str(p, 'TslStr') }),
        d.products,
      )
      return undefined
    },
  },
  RegisterDevice: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const input = ZCreateDeviceInput.parse({
        productKey: str(p, 'ProductKey'),
        deviceName: str(p, 'DeviceName'),
        nickname: str(p, 'Nickname'),
      })
      const r = await devices.createDevice(d.db, actor, input)
      return {
        IotId: r.iotId,
        ProductKey: r.productKey,
        DeviceName: r.deviceName,
        DeviceSecret: r.deviceSecret,
        Nickname: r.nickname ?? undefined,
      }
    },
  },
  BatchRegisterDevice: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const input = ZBatchCreateDevicesInput.parse({ productKey: str(p, 'ProductKey'), count: num(p, 'Count') })
      const r = await devices.batchCreateDevices(d.db, actor, input)
      // created at once (no asynchronous application to poll): the ApplyId is kept for compatibility
      return {
        ApplyId: Date.now(),
        DeviceList: r.devices.map((x) => ({
          IotId: x.iotId,
          DeviceName: x.deviceName,
          DeviceSecret: x.deviceSecret,
          ProductKey: x.productKey,
        })),
      }
    },
  },
  QueryDeviceDetail: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const ref = await deviceRef(d, p)
      const x = await devices.deviceDetail(d.db, ref)
      const secret = await d.db.prisma.device.findUnique({
        where: { productKey_deviceName: ref },
        select: { deviceSecret: true },
      })
      return {
        IotId: x.iotId,
        ProductKey: x.productKey,
        ProductName: x.productName,
        DeviceName: x.deviceName,
        DeviceSecret: secret?.deviceSecret,
        Nickname: x.nickname ?? undefined,
        Status: STATUS_OUT[x.status],
        NodeType: NODE_TYPE_OUT[x.nodeType],
        IpAddress: x.ip ?? undefined,
        FirmwareVersion: x.firmware.default,
        GmtCreate: x.createdAt.toISOString(),
        UtcCreate: x.createdAt.toISOString(),
        GmtActive: x.activatedAt?.toISOString(),
        GmtOnline: x.lastOnlineAt?.toISOString(),
      }
    },
  },
  QueryDevice: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const input = ZListDevicesInput.parse({
        productKey: str(p, 'ProductKey'),
        page: num(p, 'CurrentPage') ?? 1,
        pageSize: num(p, 'PageSize') ?? 10,
      })
      const r = await devices.listDevices(d.db, input)
      return {
        Page: r.page,
        PageSize: r.pageSize,
        PageCount: Math.ceil(r.total / r.pageSize),
        Total: r.total,
        Data: {
          DeviceInfo: r.items.map((x) => ({
            IotId: x.iotId,
            ProductKey: x.productKey,
            DeviceName: x.deviceName,
            Nickname: x.nickname ?? undefined,
            DeviceStatus: STATUS_OUT[x.status],
            GmtCreate: x.createdAt.toISOString(),
          })),
        },
      }
    },
  },
  DisableThing: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await devices.setDeviceDisabled(d.db, d.hub, actor, await deviceRef(d, p), true)
      return undefined
    },
  },
  EnableThing: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await devices.setDeviceDisabled(d.db, d.hub, actor, await deviceRef(d, p), false)
      return undefined
    },
  },
  DeleteDevice: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await devices.deleteDevice(d.db, d.hub, actor, await deviceRef(d, p))
      return undefined
    },
  },
  QueryDevicePropertyStatus: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const x = await devices.deviceDetail(d.db, await deviceRef(d, p))
      return {
        List: {
          PropertyStatusInfo: x.properties.map((pr) => ({
            Identifier: pr.identifier,
            Name: pr.name,
            Value: pr.value === null ? undefined : typeof pr.value === 'string' ? pr.value : JSON.stringify(pr.value),
            Time: pr.time ? String(pr.time.getTime()) : undefined,
            Unit: pr.unit ?? undefined,
            DataType: (pr.dataType as { type: string }).type,
          })),
        },
      }
    },
  },
  SetDeviceProperty: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const r = await downlink.setDeviceProperty(d.hub, actor, { ...(await deviceRef(d, p)), items: json(p, 'Items') })
      return { MessageId: r.messageId }
    },
  },
  SetDeviceDesiredProperty: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const versions = p.Versions === undefined ? undefined : (json(p, 'Versions') as Record<string, number>)
      const r = await downlink.setDesiredProperty(d.hub, actor, {
        ...(await deviceRef(d, p)),
        items: json(p, 'Items'),
        versions,
      })
      return { Versions: JSON.stringify(r.versions) }
    },
  },
  InvokeThingService: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const identifier = str(p, 'Identifier')
      if (!identifier) throw new AppError('BAD_REQUEST', 'Identifier is required')
      const r = await downlink.invokeThingService(d.hub, actor, {
        ...(await deviceRef(d, p)),
        identifier,
        args: json(p, 'Args'),
      })
      return {
        MessageId: r.messageId,
        Result: r.output === null ? undefined : JSON.stringify(r.output),
        Code: r.code ?? undefined,
      }
    },
  },
  Pub: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const productKey = str(p, 'ProductKey') ?? ''
      const topic = str(p, 'TopicFullName') ?? ''
      const content = str(p, 'MessageContent') ?? ''
      const qos = num(p, 'Qos') ?? 0
      if (qos !== 0 && qos !== 1) throw new AppError('BAD_REQUEST', 'Qos must be 0 or 1')
      const r = await downlink.pubToDevice(d.hub, actor, {
        productKey,
        topic,
        payload: Buffer.from(content, 'base64'),
        qos,
      })
      return { MessageId: r.messageId }
    },
  },
  RRpc: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const ref = await deviceRef(d, p)
      const timeoutMs = num(p, 'Timeout') ?? 5000
      if (!(timeoutMs >= 1000 && timeoutMs <= 8000)) throw new AppError('BAD_REQUEST', 'Timeout must be 1000–8000 ms')
      try {
        const r = await downlink.rrpc(d.hub, actor, {
          ...ref,
          request: Buffer.from(str(p, 'RequestBase64Byte') ?? '', 'base64'),
          timeoutMs,
        })
        return { RrpcCode: 'SUCCESS', PayloadBase64Byte: r.payloadBase64, MessageId: r.messageId }
      } catch (e) {
        if (e instanceof AppError && e.code === 1905) return { RrpcCode: 'TIMEOUT' }
        if (e instanceof AppError && e.code === 9201) return { RrpcCode: 'OFFLINE' }
        throw e
      }
    },
  },
  // ── OTA modules and upgrade packages (openapi-ota-packages.ts) ──
  ...OTA_PACKAGE_ACTIONS,
  // ── secure tunnels (openapi-tunnel.ts) ──
  ...TUNNEL_ACTIONS,
  // ── data forwarding rules and their actions (openapi-forward.ts) ──
  ...FORWARD_ACTIONS,
  // ── OTA upgrade batches and device tasks (openapi-ota-jobs.ts) ──
  ...OTA_JOB_ACTIONS,
  ...SUBSCRIPTION_ACTIONS,
}

export const OPENAPI_ACTIONS = Object.keys(ACTIONS)

/** One automation call: authenticate the key, run the action, log it, shape the reference-style response. */
export async function handleOpenApi(
  d: OpenApiDeps,
  req: { action: string; bearer: string | undefined; params: Params; ip?: string },
): Promise<OpenApiResponse> {
  const RequestId = randomUUID().toUpperCase()
  const fail = (status: number, Code: string, ErrorMessage: string): OpenApiResponse => ({
    status,
    body: { RequestId, Success: false, Code, ErrorMessage },
  })
  const actor = req.bearer ? await auth.apiKeyActor(d.db, req.bearer, req.ip) : null
  if (!actor)
    return fail(
      401,
      'Unauthorized',
      'send a valid API key as "Authorization: Bearer <key>" (create one with pnpm iotops apikey create)',
    )
  const action = Object.hasOwn(ACTIONS, req.action) ? ACTIONS[req.action] : undefined
  if (!action) return fail(404, 'InvalidAction.NotFound', `unknown action ${req.action}; see docs/API.md for the list`)
  if (action.role === 'OPERATOR' && actor.role === 'VIEWER')
    return fail(403, 'Forbidden', `this key has the viewer role and cannot call ${req.action}`)
  let res: OpenApiResponse
  let code = 200
  try {
    const data = await action.run(d, actor, req.params)
    res = { status: 200, body: { RequestId, Success: true, ...(data === undefined ? {} : { Data: data }) } }
  } catch (e) {
    if (e instanceof ZodError) {
      code = 460
      res = fail(
        400,
        'InvalidParameter',
        e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
      )
    } else if (e instanceof AppError) {
      code = e.code ?? HTTP_STATUS[e.kind]
      res = fail(HTTP_STATUS[e.kind], e.code ? String(e.code) : e.kind, e.message)
    } else {
      code = 500
      res = fail(500, 'InternalError', 'internal error; see the server log')
    }
  }
  const ref = { productKey: str(req.params, 'ProductKey') ?? null, deviceName: str(req.params, 'DeviceName') ?? null }
  await d.hub.record({
    ...ref,
    traceId: newTraceId(),
    messageId: null,
    bizType: BizType.ApiService,
    operation: req.action,
    code,
    content: logContent({ RequestId, caller: actor.name, Success: res.body.Success, Message: res.body.ErrorMessage }),
  })
  return res
}

export const ZOpenApiParams = z.record(z.string(), z.unknown())
