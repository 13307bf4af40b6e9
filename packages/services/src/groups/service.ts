import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { listDevices, requireDevice } from '../devices/service'
import { badRequest, conflict, notFound } from '../errors'
import type { TPage } from '../paging'
import { skipTake } from '../paging'
import type { TCreateGroupInput } from './schema'

export async function listGroups(db: Db, page: TPage) {
  const [rows, total] = await Promise.all([
    db.prisma.deviceGroup.findMany({
      orderBy: { createdAt: 'desc' },
      ...skipTake(page),
      include: { _count: { select: { members: true } } },
    }),
    db.prisma.deviceGroup.count(),
  ])
  return {
    items: rows.map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      createdAt: g.createdAt,
      deviceCount: g._count.members,
    })),
    total,
    page: page.page,
    pageSize: page.pageSize,
  }
}

export async function createGroup(db: Db, actor: Actor, input: TCreateGroupInput) {
  if (await db.prisma.deviceGroup.findUnique({ where: { name: input.name } }))
    throw conflict(`a group named ${input.name} already exists`)
  return db.prisma.$transaction(async (tx) => {
    const g = await tx.deviceGroup.create({ data: input })
    await audit(tx, actor, 'CreateDeviceGroup', { type: 'group', id: g.id }, { name: g.name })
    return g
  })
}

export async function deleteGroup(db: Db, actor: Actor, id: string) {
  const g = await db.prisma.deviceGroup.findUnique({ where: { id } })
  if (!g) throw notFound('the group')
  await db.prisma.$transaction(async (tx) => {
    await tx.deviceGroup.delete({ where: { id } })
    await audit(tx, actor, 'DeleteDeviceGroup', { type: 'group', id }, { name: g.name })
  })
}

export async function groupMembers(db: Db, input: TPage & { id: string }) {
  return listDevices(db, { groupId: input.id, page: input.page, pageSize: input.pageSize })
}

export async function addGroupDevices(
  db: Db,
  actor: Actor,
  id: string,
  refs: { productKey: string; deviceName: string }[],
) {
  const g = await db.prisma.deviceGroup.findUnique({ where: { id } })
  if (!g) throw notFound('the group')
  const devices: Awaited<ReturnType<typeof requireDevice>>[] = []
  for (const r of refs) devices.push(await requireDevice(db, r))
  if (devices.length === 0) throw badRequest('choose at least one device')
  await db.prisma.$transaction(async (tx) => {
    await tx.deviceGroupMember.createMany({
      data: devices.map((d) => ({ groupId: id, deviceId: d.id })),
      skipDuplicates: true,
    })
    await audit(tx, actor, 'BatchAddDeviceGroupRelations', { type: 'group', id }, { count: devices.length })
  })
}

export async function removeGroupDevice(
  db: Db,
  actor: Actor,
  id: string,
  ref: { productKey: string; deviceName: string },
) {
  const d = await requireDevice(db, ref)
  await db.prisma.$transaction(async (tx) => {
    await tx.deviceGroupMember.deleteMany({ where: { groupId: id, deviceId: d.id } })
    await audit(
      tx,
      actor,
      'BatchDeleteDeviceGroupRelations',
      { type: 'group', id },
      { device: `${ref.productKey}/${ref.deviceName}` },
    )
  })
}
