import { exportTsl, importTsl, type ThingModel, type TslIssue } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError, badRequest, conflict, notFound } from '../errors'
import { newProductKey } from '../ids'
import { type PageOf, skipTake } from '../paging'
import type { ProductCache } from './cache'
import type {
  TCreateProductInput,
  TCreateTopicClassInput,
  TImportTslInput,
  TListProductsInput,
  TUpdateProductInput,
} from './schema'
import { systemTopicsFor } from './topics'

export const EMPTY_MODEL: ThingModel = {
  modules: [{ identifier: 'default', name: 'Default module', properties: [], events: [], services: [] }],
}

export async function createProduct(db: Db, actor: Actor, input: TCreateProductInput) {
  if (await db.prisma.product.findUnique({ where: { name: input.name } })) {
    throw conflict(`a product named "${input.name}" already exists; choose another name`)
  }
  return db.prisma.$transaction(async (tx) => {
    const p = await tx.product.create({
      data: {
        productKey: newProductKey(),
        name: input.name,
        nodeType: input.nodeType,
        dataFormat: input.dataFormat,
        description: input.description,
        thingModel: EMPTY_MODEL as object,
      },
    })
    await audit(tx, actor, 'CreateProduct', { type: 'product', id: p.productKey }, { name: p.name })
    return p
  })
}

export async function listProducts(db: Db, input: TListProductsInput): Promise<PageOf<ProductRow>> {
  const where = input.search
    ? { OR: [{ name: { contains: input.search, mode: 'insensitive' as const } }, { productKey: input.search }] }
    : {}
  const [rows, total] = await Promise.all([
    db.prisma.product.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      ...skipTake(input),
      include: { _count: { select: { devices: true } } },
    }),
    db.prisma.product.count({ where }),
  ])
  return {
    items: rows.map((p) => ({
      productKey: p.productKey,
      name: p.name,
      nodeType: p.nodeType,
      dataFormat: p.dataFormat,
      description: p.description,
      deviceCount: p._count.devices,
      createdAt: p.createdAt,
    })),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}
export interface ProductRow {
  productKey: string
  name: string
  nodeType: 'DIRECT' | 'GATEWAY' | 'SUB_DEVICE'
  dataFormat: 'ALINK_JSON' | 'CUSTOM'
  description: string | null
  deviceCount: number
  createdAt: Date
}

export async function requireProduct(db: Db, productKey: string) {
  const p = await db.prisma.product.findUnique({ where: { productKey } })
  if (!p) throw notFound(`the product ${productKey}`)
  return p
}

export async function productDetail(db: Db, productKey: string) {
  const p = await db.prisma.product.findUnique({
    where: { productKey },
    include: { topicClasses: { orderBy: { suffix: 'asc' } }, _count: { select: { devices: true } } },
  })
  if (!p) throw notFound(`the product ${productKey}`)
  const onlineCount = await db.prisma.device.count({ where: { productId: p.id, status: 'ONLINE' } })
  return {
    productKey: p.productKey,
    name: p.name,
    nodeType: p.nodeType,
    dataFormat: p.dataFormat,
    description: p.description,
    createdAt: p.createdAt,
    deviceCount: p._count.devices,
    onlineCount,
    thingModel: p.thingModel as unknown as ThingModel,
    topicClasses: p.topicClasses.map((t) => ({
      id: t.id,
      suffix: t.suffix,
      operation: t.operation,
      description: t.description,
    })),
    systemTopics: systemTopicsFor(p.productKey, '${deviceName}', p.nodeType === 'GATEWAY'),
  }
}

export async function updateProduct(db: Db, actor: Actor, input: TUpdateProductInput, cache?: ProductCache) {
  const p = await requireProduct(db, input.productKey)
  if (input.name && input.name !== p.name && (await db.prisma.product.findUnique({ where: { name: input.name } }))) {
    throw conflict(`a product named "${input.name}" already exists; choose another name`)
  }
  await db.prisma.$transaction(async (tx) => {
    await tx.product.update({ where: { id: p.id }, data: { name: input.name, description: input.description } })
    await audit(tx, actor, 'UpdateProduct', { type: 'product', id: p.productKey }, { name: input.name })
  })
  cache?.invalidate(p.productKey)
}

export async function deleteProduct(db: Db, actor: Actor, productKey: string, cache?: ProductCache) {
  const p = await requireProduct(db, productKey)
  const devices = await db.prisma.device.count({ where: { productId: p.id } })
  if (devices > 0) {
    throw new AppError('PRECONDITION_FAILED', `the product still has ${devices} device(s); delete them first`)
  }
  await db.prisma.$transaction(async (tx) => {
    await tx.product.delete({ where: { id: p.id } })
    await audit(tx, actor, 'DeleteProduct', { type: 'product', id: productKey }, { name: p.name })
  })
  cache?.invalidate(productKey)
}

/** Replaces the thing model with a reference-format TSL document (one module or a list of them). */
export async function importThingModel(db: Db, actor: Actor, input: TImportTslInput, cache?: ProductCache) {
  const p = await requireProduct(db, input.productKey)
  let json: unknown
  try {
    json = JSON.parse(input.tsl)
  } catch (e) {
    throw badRequest(`the TSL is not valid JSON: ${(e as Error).message}`)
  }
  const r = importTsl(json)
  if (!r.ok) throw badRequest(`the TSL was not imported: ${tslIssues(r.errors)}`, undefined, r.errors)
  await saveModel(db, actor, p.id, p.productKey, r.model, 'ImportThingModelTsl')
  cache?.invalidate(p.productKey)
  return summarize(r.model)
}

export async function exportThingModel(db: Db, productKey: string) {
  const p = await requireProduct(db, productKey)
  return { tsl: JSON.stringify(exportTsl(p.thingModel as unknown as ThingModel, p.productKey), null, 2) }
}

type FeatureKind = 'property' | 'event' | 'service'
const listKey = { property: 'properties', event: 'events', service: 'services' } as const

/**
 * Adds or replaces one feature given in the reference TSL format, by re-importing the whole exported
 * document, so every rule is checked in one place (packages/alink importTsl).
 */
export async function upsertFeature(
  db: Db,
  actor: Actor,
  input: { productKey: string; kind: FeatureKind; feature: Record<string, unknown> },
  cache?: ProductCache,
) {
  const p = await requireProduct(db, input.productKey)
  const doc = exportTsl(p.thingModel as unknown as ThingModel, p.productKey) as unknown as Record<string, unknown[]>
  const key = listKey[input.kind]
  const id = String(input.feature.identifier ?? '')
  const list = (doc[key] ?? []).filter((f) => (f as { identifier?: string }).identifier !== id)
  list.push(input.feature)
  doc[key] = list
  const r = importTsl(doc)
  if (!r.ok) throw badRequest(tslIssues(r.errors), undefined, r.errors)
  await saveModel(db, actor, p.id, p.productKey, r.model, `Upsert${input.kind[0]!.toUpperCase()}${input.kind.slice(1)}`)
  cache?.invalidate(p.productKey)
  return summarize(r.model)
}

export async function deleteFeature(
  db: Db,
  actor: Actor,
  input: { productKey: string; kind: FeatureKind; identifier: string },
  cache?: ProductCache,
) {
  const p = await requireProduct(db, input.productKey)
  const model = structuredClone(p.thingModel as unknown as ThingModel)
  const [moduleId, ident] = input.identifier.includes(':')
    ? input.identifier.split(':', 2)
    : ['default', input.identifier]
  const mod = model.modules.find((m) => m.identifier === moduleId)
  const list = mod?.[listKey[input.kind]] as { identifier: string }[] | undefined
  const idx = list?.findIndex((f) => f.identifier === ident) ?? -1
  if (!list || idx < 0) throw notFound(`the ${input.kind} ${input.identifier}`)
  list.splice(idx, 1)
  await saveModel(db, actor, p.id, p.productKey, model, `Delete${input.kind[0]!.toUpperCase()}${input.kind.slice(1)}`)
  cache?.invalidate(p.productKey)
}

const tslIssues = (issues: TslIssue[]) => issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')

async function saveModel(db: Db, actor: Actor, id: string, productKey: string, model: ThingModel, action: string) {
  await db.prisma.$transaction(async (tx) => {
    await tx.product.update({ where: { id }, data: { thingModel: model as object } })
    await audit(tx, actor, action, { type: 'product', id: productKey }, summarize(model))
  })
}

function summarize(model: ThingModel) {
  let properties = 0
  let events = 0
  let services = 0
  for (const m of model.modules) {
    properties += m.properties.length
    events += m.events.length
    services += m.services.length
  }
  return { modules: model.modules.length, properties, events, services }
}

export async function createTopicClass(db: Db, actor: Actor, input: TCreateTopicClassInput, cache?: ProductCache) {
  const p = await requireProduct(db, input.productKey)
  if (
    await db.prisma.topicClass.findUnique({ where: { productId_suffix: { productId: p.id, suffix: input.suffix } } })
  ) {
    throw conflict(`the topic class user/${input.suffix} already exists in this product`)
  }
  const t = await db.prisma.$transaction(async (tx) => {
    const t = await tx.topicClass.create({
      data: { productId: p.id, suffix: input.suffix, operation: input.operation, description: input.description },
    })
    await audit(
      tx,
      actor,
      'CreateProductTopic',
      { type: 'product', id: p.productKey },
      { suffix: t.suffix, operation: t.operation },
    )
    return t
  })
  cache?.invalidate(p.productKey)
  return t
}

export async function deleteTopicClass(db: Db, actor: Actor, id: string, cache?: ProductCache) {
  const t = await db.prisma.topicClass.findUnique({ where: { id }, include: { product: true } })
  if (!t) throw notFound('the topic class')
  await db.prisma.$transaction(async (tx) => {
    await tx.topicClass.delete({ where: { id } })
    await audit(tx, actor, 'DeleteProductTopic', { type: 'product', id: t.product.productKey }, { suffix: t.suffix })
  })
  cache?.invalidate(t.product.productKey)
}
