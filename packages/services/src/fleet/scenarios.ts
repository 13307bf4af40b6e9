import { findEvent, findProperty, type ThingModel } from '@iotops/alink'
import type { Db, Prisma } from '@iotops/db'
import type { TFleetScenario } from '@iotops/device-sdk/scenario'
import { fleetDeviceName } from '@iotops/device-sdk/scenario'
import { audit } from '../audit'
import type { Actor } from '../context'
import { batchCreateDevices } from '../devices/service'
import { badRequest, conflict, notFound } from '../errors'
import { requireProduct } from '../products/service'
import type { TSaveScenarioInput } from './schema'

const NUMERIC = new Set(['int', 'float', 'double'])
const NUMERIC_GENERATORS = new Set(['random', 'sine', 'randomWalk'])

/**
 * A scenario must fit the product's thing model: every generated property and event exists, numeric generators
 * feed numeric properties (whole numbers for int), bool generators bool properties. The first mismatch is the
 * error. Values outside a property's range are allowed: QA drives invalid data on purpose.
 */
export function checkScenarioAgainstModel(model: ThingModel, s: TFleetScenario): string | null {
  for (const [id, gen] of Object.entries(s.properties)) {
    const p = findProperty(model, id)
    if (!p) return `the product's thing model has no property "${id}"`
    const type = p.dataType.type
    if (NUMERIC_GENERATORS.has(gen.kind) && !NUMERIC.has(type))
      return `the property "${id}" is ${type}: a ${gen.kind} generator needs int, float or double`
    if (type === 'int' && NUMERIC_GENERATORS.has(gen.kind) && ('decimals' in gen ? gen.decimals : 2) !== 0)
      return `the property "${id}" is int: set decimals to 0 (values with decimals are refused with 6306)`
    if (gen.kind === 'bool' && type !== 'bool') return `the property "${id}" is ${type}: a bool generator needs bool`
  }
  for (const e of s.events) {
    if (!findEvent(model, e.identifier)) return `the product's thing model has no event "${e.identifier}"`
  }
  return null
}

async function productFor(db: Db, productKey: string) {
  const p = await requireProduct(db, productKey)
  if (p.dataFormat !== 'ALINK_JSON')
    throw badRequest('fleets simulate Alink JSON devices; this product uses a custom (passthrough) data format')
  return p
}

export async function listScenarios(db: Db, input: { productKey?: string }) {
  const rows = await db.prisma.simScenario.findMany({
    where: input.productKey ? { product: { productKey: input.productKey } } : {},
    include: { product: { select: { productKey: true, name: true } } },
    orderBy: { updatedAt: 'desc' },
    take: 200,
  })
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    productKey: r.product.productKey,
    productName: r.product.name,
    config: r.config as unknown as TFleetScenario,
    createdBy: r.createdBy,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
  }))
}

/** A saved scenario by id or by name. */
export async function getScenario(db: Db, ref: { id: string } | { name: string }) {
  const r = await db.prisma.simScenario.findUnique({ where: ref, include: { product: true } })
  if (!r) throw notFound(`the scenario ${'name' in ref ? ref.name : ref.id}`)
  return { id: r.id, name: r.name, productKey: r.product.productKey, config: r.config as unknown as TFleetScenario }
}

export async function saveScenario(db: Db, actor: Actor, input: TSaveScenarioInput) {
  const p = await productFor(db, input.productKey)
  const mismatch = checkScenarioAgainstModel(p.thingModel as unknown as ThingModel, input.config)
  if (mismatch) throw badRequest(mismatch)
  const clash = await db.prisma.simScenario.findUnique({ where: { name: input.name } })
  if (clash && clash.id !== input.id) throw conflict(`a scenario named ${input.name} exists already`)
  const config = { ...input.config, name: input.name } as unknown as Prisma.InputJsonValue
  return db.prisma.$transaction(async (tx) => {
    const row = input.id
      ? await tx.simScenario.update({
          where: { id: input.id },
          data: { name: input.name, productId: p.id, config, updatedBy: actor.name },
        })
      : await tx.simScenario.create({
          data: { name: input.name, productId: p.id, config, createdBy: actor.name, updatedBy: actor.name },
        })
    await audit(tx, actor, input.id ? 'UpdateSimScenario' : 'CreateSimScenario', { type: 'scenario', id: row.id })
    return { id: row.id }
  })
}

export async function deleteScenario(db: Db, actor: Actor, id: string) {
  await db.prisma.$transaction(async (tx) => {
    const gone = await tx.simScenario.deleteMany({ where: { id } })
    if (gone.count === 0) throw notFound('the scenario')
    await audit(tx, actor, 'DeleteSimScenario', { type: 'scenario', id })
  })
}

/**
 * The devices a scenario runs: `<prefix>00001` … `<prefix><count>` of the product, created when missing, after
 * checking the scenario fits the product. Returns their triples (for the fleet's connections; never shown or
 * logged) and which of them are disabled or online already.
 */
export async function ensureFleetDevices(db: Db, actor: Actor, productKey: string, s: TFleetScenario) {
  const p = await productFor(db, productKey)
  const mismatch = checkScenarioAgainstModel(p.thingModel as unknown as ThingModel, s)
  if (mismatch) throw badRequest(mismatch)
  const names = Array.from({ length: s.count }, (_, i) => fleetDeviceName(s.deviceNamePrefix, i))
  const existing = await db.prisma.device.findMany({
    where: { productId: p.id, deviceName: { in: names } },
    select: { deviceName: true, deviceSecret: true, disabled: true, status: true },
  })
  const have = new Set(existing.map((d) => d.deviceName))
  const missing = names.filter((n) => !have.has(n))
  const created = missing.length
    ? (await batchCreateDevices(db, actor, { productKey, deviceNames: missing })).devices
    : []
  const disabled = existing.filter((d) => d.disabled).map((d) => d.deviceName)
  const byName = new Map([
    ...existing.map((d) => [d.deviceName, d.deviceSecret] as const),
    ...created.map((d) => [d.deviceName, d.deviceSecret] as const),
  ])
  return {
    product: p,
    created: created.length,
    disabled,
    online: existing.filter((d) => d.status === 'ONLINE').map((d) => d.deviceName),
    devices: names.map((deviceName) => ({ productKey, deviceName, deviceSecret: byName.get(deviceName)! })),
  }
}
