/**
 * Online debugging (reference §5 "在线调试"): what the debugging page needs about one device besides the downlink
 * verbs in hub/downlink.ts — whether commands can reach it now (and the code that says why not), its thing model,
 * and the latest reported and desired property values for "Get".
 */
import { Codes, findProperty, listProperties, type ThingModel } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { statusView } from '../devices/service'
import { badRequest, deviceNotFound } from '../errors'
import { commandBlock } from '../hub/downlink'
import type { TDebugPropertiesInput, TDebugTargetInput } from './schema'

async function findDevice(db: Db, ref: TDebugTargetInput) {
  const d = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
    include: { product: true, gateway: { select: { productKey: true, deviceName: true, status: true } } },
  })
  if (!d) throw deviceNotFound(ref)
  return d
}

/** The device being debugged: its state (polled by the page), whether commands reach it, and its thing model. */
export async function debugTarget(db: Db, ref: TDebugTargetInput) {
  const d = await findDevice(db, ref)
  return {
    productKey: d.productKey,
    productName: d.product.name,
    nodeType: d.product.nodeType,
    dataFormat: d.product.dataFormat,
    deviceName: d.deviceName,
    nickname: d.nickname,
    status: statusView(d),
    /** null when property sets and service calls can be sent now, else the code they would fail with */
    blockedCode: commandBlock(d),
    lastOnlineAt: d.lastOnlineAt,
    lastOfflineAt: d.lastOfflineAt,
    /** set for a sub-device: commands reach it through this gateway's connection */
    gateway: d.gateway
      ? { productKey: d.gateway.productKey, deviceName: d.gateway.deviceName, online: d.gateway.status === 'ONLINE' }
      : null,
    thingModel: d.product.thingModel as unknown as ThingModel,
  }
}

export interface DebugPropertyValue {
  /** qualified identifier (`module:identifier` outside the default module) */
  identifier: string
  /** the latest reported value, null when the device never reported one */
  value: unknown
  time: Date | null
  /** the stored desired value, if one was set */
  desired: { value: unknown; version: number; time: Date } | null
}

/**
 * "Get": the latest values the device reported, with the desired values stored for it. Nothing is sent to the
 * device (the reference console shows the latest reported data; an empty box when there is none).
 */
export async function debugProperties(db: Db, input: TDebugPropertiesInput): Promise<{ items: DebugPropertyValue[] }> {
  const d = await findDevice(db, input)
  const model = d.product.thingModel as unknown as ThingModel
  let identifiers: string[]
  if (input.identifiers) {
    const unknown = input.identifiers.filter((id) => !findProperty(model, id))
    if (unknown.length > 0) {
      throw badRequest(
        `property ${unknown.map((u) => `"${u}"`).join(', ')} is not defined in the thing model of ${d.productKey}`,
        Codes.PROPERTY_NOT_EXIST,
      )
    }
    identifiers = [...new Set(input.identifiers)]
  } else {
    identifiers = listProperties(model).map((p) => p.identifier)
  }
  const [latest, desired] = await Promise.all([
    db.prisma.deviceProperty.findMany({ where: { deviceId: d.id, identifier: { in: identifiers } } }),
    db.prisma.desiredProperty.findMany({ where: { deviceId: d.id, identifier: { in: identifiers } } }),
  ])
  const latestBy = new Map(latest.map((p) => [p.identifier, p]))
  const desiredBy = new Map(desired.map((p) => [p.identifier, p]))
  return {
    items: identifiers.map((identifier) => {
      const l = latestBy.get(identifier)
      const w = desiredBy.get(identifier)
      return {
        identifier,
        value: l ? (l.value as unknown) : null,
        time: l?.time ?? null,
        desired: w ? { value: w.value as unknown, version: w.version, time: w.time } : null,
      }
    }),
  }
}
