import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, conflict } from '../errors'
import { requireProduct } from '../products/service'
import {
  DEFAULT_MODULE,
  type TCreateOtaModuleInput,
  type TDeleteOtaModuleInput,
  type TUpdateOtaModuleInput,
  ZCreateOtaModuleInput,
  ZDeleteOtaModuleInput,
  ZUpdateOtaModuleInput,
} from './schema'

// OTA modules (ref §8.2.1 step 5): `default` is the whole firmware and always exists; custom modules (drivers,
// apps…) are unique per product, named once, with an editable alias and description.

export interface OtaModuleView {
  productKey: string
  name: string
  alias: string | null
  description: string | null
  /** true for `default` (cannot be changed or deleted) */
  builtIn: boolean
  createdAt: Date | null
  /** packages of this module */
  firmwareCount: number
}

export async function listModules(db: Db, productKey: string): Promise<OtaModuleView[]> {
  const product = await requireProduct(db, productKey)
  const [rows, counts] = await Promise.all([
    db.prisma.otaModule.findMany({ where: { productKey }, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] }),
    db.prisma.otaFirmware.groupBy({ by: ['module'], where: { productKey }, _count: { _all: true } }),
  ])
  const count = new Map(counts.map((c) => [c.module, c._count._all]))
  const custom = rows.filter((r) => r.name !== DEFAULT_MODULE)
  return [
    {
      productKey,
      name: DEFAULT_MODULE,
      alias: null,
      description: null,
      builtIn: true,
      createdAt: product.createdAt,
      firmwareCount: count.get(DEFAULT_MODULE) ?? 0,
    },
    ...custom.map((r) => ({
      productKey,
      name: r.name,
      alias: r.alias,
      description: r.description,
      builtIn: false,
      createdAt: r.createdAt,
      firmwareCount: count.get(r.name) ?? 0,
    })),
  ]
}

/** Throws when the product has no module of that name (`default` always exists). */
export async function requireModule(db: Db, productKey: string, name: string) {
  if (name === DEFAULT_MODULE) return
  const m = await db.prisma.otaModule.findUnique({ where: { productKey_name: { productKey, name } } })
  if (!m) throw new AppError('NOT_FOUND', `the product ${productKey} has no OTA module "${name}"; create it first`)
}

const builtIn = () => new AppError('BAD_REQUEST', 'the default module is the whole firmware and cannot be changed')

export async function createModule(db: Db, actor: Actor, raw: TCreateOtaModuleInput) {
  const input = ZCreateOtaModuleInput.parse(raw)
  await requireProduct(db, input.productKey)
  if (input.name === DEFAULT_MODULE) throw conflict('the default module exists in every product; choose another name')
  const taken = () => conflict(`the product already has a module named "${input.name}"; module names are unique`)
  if (
    await db.prisma.otaModule.findUnique({
      where: { productKey_name: { productKey: input.productKey, name: input.name } },
    })
  )
    throw taken()
  try {
    return await db.prisma.$transaction(async (tx) => {
      const m = await tx.otaModule.create({
        data: {
          productKey: input.productKey,
          name: input.name,
          alias: input.alias ?? null,
          description: input.description ?? null,
        },
      })
      await audit(
        tx,
        actor,
        'CreateOTAModule',
        { type: 'ota_module', id: m.id },
        { productKey: m.productKey, name: m.name },
      )
      return m
    })
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') throw taken()
    throw e
  }
}

export async function updateModule(db: Db, actor: Actor, raw: TUpdateOtaModuleInput) {
  const input = ZUpdateOtaModuleInput.parse(raw)
  await requireProduct(db, input.productKey)
  if (input.name === DEFAULT_MODULE) throw builtIn()
  const key = { productKey: input.productKey, name: input.name }
  const m = await db.prisma.otaModule.findUnique({ where: { productKey_name: key } })
  if (!m) throw new AppError('NOT_FOUND', `the product ${input.productKey} has no OTA module "${input.name}"`)
  return db.prisma.$transaction(async (tx) => {
    const u = await tx.otaModule.update({
      where: { id: m.id },
      data: { alias: input.alias, description: input.description },
    })
    await audit(
      tx,
      actor,
      'UpdateOTAModule',
      { type: 'ota_module', id: m.id },
      { productKey: m.productKey, name: m.name, alias: u.alias, description: u.description },
    )
    return u
  })
}

/** Deletes a custom module; refused while a package of it exists (delete the packages first). */
export async function deleteModule(db: Db, actor: Actor, raw: TDeleteOtaModuleInput) {
  const input = ZDeleteOtaModuleInput.parse(raw)
  await requireProduct(db, input.productKey)
  if (input.name === DEFAULT_MODULE) throw builtIn()
  const m = await db.prisma.otaModule.findUnique({ where: { productKey_name: input } })
  if (!m) throw new AppError('NOT_FOUND', `the product ${input.productKey} has no OTA module "${input.name}"`)
  const used = await db.prisma.otaFirmware.count({ where: { productKey: input.productKey, module: input.name } })
  if (used > 0)
    throw new AppError(
      'PRECONDITION_FAILED',
      `the module "${input.name}" still has ${used} upgrade package(s); delete them before the module`,
    )
  await db.prisma.$transaction(async (tx) => {
    await tx.otaModule.delete({ where: { id: m.id } })
    await audit(tx, actor, 'DeleteOTAModule', { type: 'ota_module', id: m.id }, input)
  })
}
