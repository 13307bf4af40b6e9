import { Codes, type ThingModel } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, conflict, deviceNotFound, notFound } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { newDeviceName, newDeviceSecret, newIotId } from '../ids'
import { type PageOf, skipTake } from '../paging'
import { requireProduct } from '../products/service'
import { systemTopicsFor } from '../products/topics'
import type { TBatchCreateDevicesInput, TCreateDeviceInput, TDeviceRef, TListDevicesInput } from './schema'

export type DeviceStatusView = 'ONLINE' | 'OFFLINE' | 'UNACTIVE' | 'DISABLED'
/** The status users see: disabled wins over the connection state (QueryDeviceDetail Status). */
export const statusView = (d: { status: string; disabled: boolean }): DeviceStatusView =>
  d.disabled ? 'DISABLED' : (d.status as DeviceStatusView)

export async function requireDevice(db: Db, ref: TDeviceRef) {
  const d = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
  })
  if (!d) throw deviceNotFound(ref)
  return d
}

export async function createDevice(db: Db, actor: Actor, input: TCreateDeviceInput) {
  const p = await requireProduct(db, input.productKey)
  const deviceName = input.deviceName ?? newDeviceName()
  if (
    await db.prisma.device.findUnique({ where: { productKey_deviceName: { productKey: p.productKey, deviceName } } })
  ) {
    throw conflict(`the product already has a device named ${deviceName}`)
  }
  return db.prisma.$transaction(async (tx) => {
    const d = await tx.device.create({
      data: {
        iotId: newIotId(),
        productId: p.id,
        productKey: p.productKey,
        deviceName,
        deviceSecret: newDeviceSecret(),
        nickname: input.nickname,
      },
    })
    await audit(tx, actor, 'RegisterDevice', { type: 'device', id: d.iotId }, { productKey: p.productKey, deviceName })
    return {
      productKey: d.productKey,
      deviceName: d.deviceName,
      deviceSecret: d.deviceSecret,
      iotId: d.iotId,
      nickname: d.nickname,
    }
  })
}

/** All or nothing: a name that exists or repeats rejects the whole batch and says which. */
export async function batchCreateDevices(db: Db, actor: Actor, input: TBatchCreateDevicesInput) {
  const p = await requireProduct(db, input.productKey)
  const names = input.deviceNames?.length
    ? input.deviceNames
    : Array.from({ length: input.count ?? 0 }, () => newDeviceName())
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup) throw badRequest(`the DeviceName ${dup} appears more than once in the batch`)
  const existing = await db.prisma.device.findMany({
    where: { productId: p.id, deviceName: { in: names } },
    select: { deviceName: true },
    take: 10,
  })
  if (existing.length) {
    throw conflict(`these DeviceNames already exist in the product: ${existing.map((e) => e.deviceName).join(', ')}`)
  }
  const rows = names.map((deviceName) => ({
    iotId: newIotId(),
    productId: p.id,
    productKey: p.productKey,
    deviceName,
    deviceSecret: newDeviceSecret(),
  }))
  await db.prisma.$transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) await tx.device.createMany({ data: rows.slice(i, i + 1000) })
    await audit(tx, actor, 'BatchRegisterDevice', { type: 'product', id: p.productKey }, { count: rows.length })
  })
  return {
    devices: rows.map((r) => ({
      productKey: r.productKey,
      deviceName: r.deviceName,
      deviceSecret: r.deviceSecret,
      iotId: r.iotId,
    })),
  }
}

export async function listDevices(db: Db, input: TListDevicesInput): Promise<PageOf<DeviceRow>> {
  const where = {
    ...(input.productKey ? { productKey: input.productKey } : {}),
    ...(input.status === 'DISABLED'
      ? { disabled: true }
      : input.status
        ? { disabled: false, status: input.status }
        : {}),
    ...(input.search
      ? {
          OR: [
            { deviceName: { contains: input.search, mode: 'insensitive' as const } },
            { nickname: { contains: input.search, mode: 'insensitive' as const } },
          ],
        }
      : {}),
    ...(input.groupId ? { groups: { some: { groupId: input.groupId } } } : {}),
  }
  const [rows, total] = await Promise.all([
    db.prisma.device.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { deviceName: 'asc' }],
      ...skipTake(input),
      include: { product: { select: { name: true } } },
    }),
    db.prisma.device.count({ where }),
  ])
  return {
    items: rows.map((d) => ({
      iotId: d.iotId,
      productKey: d.productKey,
      productName: d.product.name,
      deviceName: d.deviceName,
      nickname: d.nickname,
      status: statusView(d),
      lastOnlineAt: d.lastOnlineAt,
      ip: d.ip,
      createdAt: d.createdAt,
    })),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}
export interface DeviceRow {
  iotId: string
  productKey: string
  productName: string
  deviceName: string
  nickname: string | null
  status: DeviceStatusView
  lastOnlineAt: Date | null
  ip: string | null
  createdAt: Date
}

export async function deviceDetail(db: Db, ref: TDeviceRef) {
  const d = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
    include: {
      product: true,
      properties: true,
      tags: { orderBy: { key: 'asc' } },
      gateway: { select: { productKey: true, deviceName: true } },
      subDevices: { select: { productKey: true, deviceName: true, status: true, disabled: true }, take: 200 },
    },
  })
  if (!d) throw deviceNotFound(ref)
  const model = d.product.thingModel as unknown as ThingModel
  const latest = new Map(d.properties.map((p) => [p.identifier, p]))
  const properties = model.modules.flatMap((m) =>
    m.properties.map((p) => {
      const identifier = m.identifier === 'default' ? p.identifier : `${m.identifier}:${p.identifier}`
      const v = latest.get(identifier)
      const specs = (p.dataType as { specs?: { unit?: string } }).specs
      return {
        identifier,
        name: p.name,
        module: m.identifier,
        accessMode: p.accessMode,
        dataType: p.dataType,
        unit: specs?.unit ?? null,
        value: v?.value ?? null,
        time: v?.time ?? null,
      }
    }),
  )
  const custom = (
    await db.prisma.topicClass.findMany({ where: { productId: d.productId }, orderBy: { suffix: 'asc' } })
  ).map((t) => ({
    topic: `/${d.productKey}/${d.deviceName}/user/${t.suffix}`,
    operation: t.operation,
    description: t.description,
  }))
  return {
    iotId: d.iotId,
    productKey: d.productKey,
    productName: d.product.name,
    nodeType: d.product.nodeType,
    deviceName: d.deviceName,
    nickname: d.nickname,
    status: statusView(d),
    activatedAt: d.activatedAt,
    lastOnlineAt: d.lastOnlineAt,
    lastOfflineAt: d.lastOfflineAt,
    ip: d.ip,
    protocol: d.protocol,
    province: d.province,
    city: d.city,
    logUpload: d.logUpload,
    firmware: d.firmware as Record<string, string>,
    tags: d.tags.map((t) => ({ key: t.key, value: t.value })),
    gateway: d.gateway,
    subDevices: d.subDevices.map((s) => ({
      productKey: s.productKey,
      deviceName: s.deviceName,
      status: statusView(s),
    })),
    properties,
    topics: [...systemTopicsFor(d.productKey, d.deviceName, d.product.nodeType === 'GATEWAY'), ...custom],
    createdAt: d.createdAt,
  }
}

export async function deviceSecret(db: Db, actor: Actor, ref: TDeviceRef) {
  const d = await requireDevice(db, ref)
  await db.prisma.$transaction((tx) => audit(tx, actor, 'ViewDeviceSecret', { type: 'device', id: d.iotId }))
  return { productKey: d.productKey, deviceName: d.deviceName, deviceSecret: d.deviceSecret }
}

/** Disabling disconnects the device (522) and refuses its connections until enabled again. */
export async function setDeviceDisabled(
  db: Db,
  hub: DeviceHub | null,
  actor: Actor,
  ref: TDeviceRef,
  disabled: boolean,
) {
  const d = await requireDevice(db, ref)
  await db.prisma.$transaction(async (tx) => {
    await tx.device.update({ where: { id: d.id }, data: { disabled } })
    await audit(tx, actor, disabled ? 'DisableThing' : 'EnableThing', { type: 'device', id: d.iotId })
  })
  if (disabled) hub?.kick(d.productKey, d.deviceName, Codes.DEVICE_DISABLED)
}

/** Deleting disconnects the device (521); its history ages out with the partitions. */
export async function deleteDevice(db: Db, hub: DeviceHub | null, actor: Actor, ref: TDeviceRef) {
  const d = await requireDevice(db, ref)
  await db.prisma.$transaction(async (tx) => {
    await tx.device.updateMany({ where: { gatewayId: d.id }, data: { gatewayId: null } })
    await tx.serviceCall.deleteMany({ where: { deviceId: d.id } })
    await tx.device.delete({ where: { id: d.id } })
    await audit(
      tx,
      actor,
      'DeleteDevice',
      { type: 'device', id: d.iotId },
      { productKey: d.productKey, deviceName: d.deviceName },
    )
  })
  hub?.kick(d.productKey, d.deviceName, Codes.DEVICE_DELETED)
  hub?.limiter.forget(d.productKey, d.deviceName)
}

export async function setDeviceTags(db: Db, actor: Actor, ref: TDeviceRef, tags: { key: string; value: string }[]) {
  const d = await requireDevice(db, ref)
  const keys = new Set<string>()
  for (const t of tags) {
    if (keys.has(t.key)) throw badRequest(`the tag key ${t.key} appears twice`)
    keys.add(t.key)
  }
  await db.prisma.$transaction(async (tx) => {
    await tx.deviceTag.deleteMany({ where: { deviceId: d.id } })
    if (tags.length)
      await tx.deviceTag.createMany({ data: tags.map((t) => ({ deviceId: d.id, key: t.key, value: t.value })) })
    await audit(tx, actor, 'SaveDeviceProp', { type: 'device', id: d.iotId }, { tags: tags.length })
  })
}

export async function deviceEvents(
  db: Db,
  input: TDeviceRef & { page: number; pageSize: number; type?: string; identifier?: string },
) {
  const d = await requireDevice(db, input)
  const args: unknown[] = [d.id]
  let where = 'device_id = $1'
  if (input.type) {
    args.push(input.type)
    where += ` AND type = $${args.length}`
  }
  if (input.identifier) {
    args.push(input.identifier)
    where += ` AND identifier = $${args.length}`
  }
  const { rows } = await db.pool.query(
    `SELECT ts, identifier, type, params FROM event_history WHERE ${where} ORDER BY ts DESC LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
    args,
  )
  const { rows: c } = await db.pool.query(`SELECT count(*)::int AS n FROM event_history WHERE ${where}`, args)
  return {
    items: rows as { ts: Date; identifier: string; type: string; params: unknown }[],
    total: c[0].n as number,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export async function deviceServiceCalls(db: Db, input: TDeviceRef & { page: number; pageSize: number }) {
  const d = await requireDevice(db, input)
  const [items, total] = await Promise.all([
    db.prisma.serviceCall.findMany({
      where: { deviceId: d.id },
      orderBy: { ts: 'desc' },
      ...skipTake(input),
    }),
    db.prisma.serviceCall.count({ where: { deviceId: d.id } }),
  ])
  return { items, total, page: input.page, pageSize: input.pageSize }
}

export async function propertyHistory(
  db: Db,
  input: TDeviceRef & { identifier: string; from?: Date; to?: Date; limit: number },
) {
  const d = await requireDevice(db, input)
  const to = input.to ?? new Date()
  const from = input.from ?? new Date(to.getTime() - 86_400_000)
  const { rows } = await db.pool.query(
    `SELECT ts, value FROM property_history WHERE device_id = $1 AND identifier = $2 AND ts BETWEEN $3 AND $4
     ORDER BY ts DESC LIMIT $5`,
    [d.id, input.identifier, from, to, input.limit],
  )
  return (rows as { ts: Date; value: unknown }[]).reverse()
}

export async function overviewStats(db: Db) {
  const [products, devices, online, activated] = await Promise.all([
    db.prisma.product.count(),
    db.prisma.device.count(),
    db.prisma.device.count({ where: { status: 'ONLINE' } }),
    db.prisma.device.count({ where: { activatedAt: { not: null } } }),
  ])
  return { products, devices, online, activated }
}

export { notFound }
