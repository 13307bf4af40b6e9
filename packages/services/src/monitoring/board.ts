import { findProperty, type ThingModel } from '@iotops/alink'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { badRequest, notFound } from '../errors'
import { DEFAULT_CARDS, METRICS, Metric, metricDef } from '../metrics/codes'
import {
  type Aggregation,
  metricSeries,
  metricSeriesText,
  propertySeries,
  type RankItem,
  ranking,
  requireSeriesKey,
} from '../metrics/query'
import type { TBoardData, TPropertyCardInput, TSavePanel, TUpdateCard } from './schema'

/** A board holds at most 50 metrics, shown 12 to a page. */
export const MAX_CARDS = 50
export const PAGE_SIZE = 12

type CardRow = Awaited<ReturnType<Db['prisma']['monitorCard']['findFirstOrThrow']>>

export interface CardView {
  id: string
  kind: 'basic' | 'property'
  metric: string
  name: string
  chart: 'area' | 'rank'
  unit: string | null
  productKey: string | null
  deviceName: string | null
  aggregations: Aggregation[]
  granularity: 1 | 5
  threshold: number | null
  hidden: boolean
  position: number
  /** the metric has no instance-wide value: the card needs a product */
  needsProduct: boolean
}

function view(c: CardRow): CardView {
  const def = c.kind === 'basic' ? metricDef(c.metric) : undefined
  return {
    id: c.id,
    kind: c.kind as CardView['kind'],
    metric: c.metric,
    name: c.name,
    chart: def?.chart ?? 'area',
    unit: def && 'unit' in def ? (def.unit ?? null) : null,
    productKey: c.productKey,
    deviceName: c.deviceName,
    aggregations: c.aggregations as Aggregation[],
    granularity: c.granularity === 5 ? 5 : 1,
    threshold: c.threshold,
    hidden: c.hidden,
    position: c.position,
    needsProduct: false,
  }
}

/** The user's board, created with the default cards on first use. */
export async function listCards(db: Db, userId: string): Promise<CardView[]> {
  let rows = await db.prisma.monitorCard.findMany({ where: { userId }, orderBy: { position: 'asc' } })
  if (rows.length === 0) {
    await db.prisma.monitorCard.createMany({
      data: DEFAULT_CARDS.map((metric, i) => basicCard(userId, metric, i)),
    })
    rows = await db.prisma.monitorCard.findMany({ where: { userId }, orderBy: { position: 'asc' } })
  }
  return rows.map(view)
}

function basicCard(userId: string, metric: string, position: number) {
  return { userId, kind: 'basic', metric, name: metric, aggregations: ['sum'], granularity: 1, position }
}

async function room(db: Db, userId: string, adding: number) {
  const n = await db.prisma.monitorCard.count({ where: { userId } })
  if (n + adding > MAX_CARDS)
    throw badRequest(`a board holds at most ${MAX_CARDS} metrics (it has ${n}); delete some before adding more`)
  const last = await db.prisma.monitorCard.findFirst({ where: { userId }, orderBy: { position: 'desc' } })
  return (last?.position ?? -1) + 1
}

/** Adds basic metrics (the same metric may be added again, e.g. to show it for another product). */
export async function addBasicCards(db: Db, actor: Actor, userId: string, metrics: string[]) {
  await listCards(db, userId)
  const start = await room(db, userId, metrics.length)
  await db.prisma.monitorCard.createMany({ data: metrics.map((m, i) => basicCard(userId, m, start + i)) })
  await audit(db.prisma, actor, 'AddMonitorCards', { type: 'board', id: userId }, { metrics })
  return listCards(db, userId)
}

/** The property must be a numeric property of the product's thing model. */
async function checkProperty(db: Db, p: TPropertyCardInput) {
  const product = await db.prisma.product.findUnique({ where: { productKey: p.productKey } })
  if (!product) throw notFound(`the product ${p.productKey}`)
  const prop = findProperty(product.thingModel as unknown as ThingModel, p.identifier)
  if (!prop) throw badRequest(`${p.identifier} is not a property of ${p.productKey}`)
  if (!['int', 'float', 'double'].includes(prop.dataType.type))
    throw badRequest(`${p.identifier} is a ${prop.dataType.type} property: only int, float and double can be charted`)
  if (p.deviceName) {
    const d = await db.prisma.device.findUnique({
      where: { productKey_deviceName: { productKey: p.productKey, deviceName: p.deviceName } },
    })
    if (!d) throw notFound(`the device ${p.productKey}/${p.deviceName}`)
  }
}

export async function addPropertyCard(db: Db, actor: Actor, userId: string, p: TPropertyCardInput) {
  await checkProperty(db, p)
  await listCards(db, userId)
  const position = await room(db, userId, 1)
  const card = await db.prisma.monitorCard.create({
    data: {
      userId,
      kind: 'property',
      metric: p.identifier,
      name: p.name,
      productKey: p.productKey,
      deviceName: p.deviceName,
      aggregations: [...new Set(p.aggregations)],
      granularity: p.granularity,
      position,
    },
  })
  await audit(db.prisma, actor, 'AddMonitorCard', { type: 'card', id: card.id }, { name: p.name })
  return view(card)
}

async function ownCard(db: Db, userId: string, id: string) {
  const c = await db.prisma.monitorCard.findFirst({ where: { id, userId } })
  if (!c) throw notFound('the card')
  return c
}

export async function updateCard(db: Db, actor: Actor, userId: string, input: TUpdateCard) {
  const c = await ownCard(db, userId, input.id)
  let data: Partial<CardRow>
  if (c.kind === 'property') {
    if (!input.property) throw badRequest('a thing-model card is edited with its property settings')
    await checkProperty(db, input.property)
    const p = input.property
    data = {
      name: p.name,
      productKey: p.productKey,
      metric: p.identifier,
      deviceName: p.deviceName,
      aggregations: [...new Set(p.aggregations)],
      granularity: p.granularity,
    }
  } else {
    if (input.productKey) await requireSeriesKey(db, c.metric, input.productKey)
    const def = metricDef(c.metric)
    if (input.threshold != null && def?.chart !== 'area') throw badRequest('only area charts have a threshold line')
    data = {
      ...(input.productKey !== undefined
        ? { productKey: def && 'instance' in def && def.instance ? null : input.productKey }
        : {}),
      ...(input.granularity !== undefined ? { granularity: input.granularity } : {}),
      ...(input.threshold !== undefined ? { threshold: input.threshold } : {}),
    }
  }
  const card = await db.prisma.monitorCard.update({ where: { id: c.id }, data })
  await audit(db.prisma, actor, 'UpdateMonitorCard', { type: 'card', id: c.id }, data)
  return view(card)
}

export async function deleteCard(db: Db, actor: Actor, userId: string, id: string) {
  const c = await ownCard(db, userId, id)
  await db.prisma.monitorCard.delete({ where: { id: c.id } })
  await audit(db.prisma, actor, 'DeleteMonitorCard', { type: 'card', id }, { name: c.name })
  return { ok: true }
}

/** Edit-panel mode: the new order and visibility of every card, saved at once. */
export async function savePanel(db: Db, actor: Actor, userId: string, input: TSavePanel) {
  const rows = await db.prisma.monitorCard.findMany({ where: { userId }, select: { id: true } })
  const mine = new Set(rows.map((r) => r.id))
  const given = new Set(input.cards.map((c) => c.id))
  if (given.size !== input.cards.length) throw badRequest('a card is listed twice')
  if (given.size !== mine.size || [...given].some((id) => !mine.has(id)))
    throw badRequest('the board changed meanwhile: reload it and arrange the cards again')
  await db.prisma.$transaction(
    input.cards.map((c, i) =>
      db.prisma.monitorCard.update({ where: { id: c.id }, data: { position: i, hidden: c.hidden } }),
    ),
  )
  await audit(db.prisma, actor, 'SaveMonitorPanel', { type: 'board', id: userId }, { cards: input.cards.length })
  return listCards(db, userId)
}

/** Area series carry their points as `decodeSeries` text (decode with `decodeSeries`). */
export type CardData =
  | { id: string; chart: 'area'; series: { aggregation: Aggregation | 'count'; points: string }[] }
  | { id: string; chart: 'rank'; items: RankItem[]; day: string }

/** The data of the requested cards (or every visible card) over the range. */
export async function boardData(db: Db, userId: string, input: TBoardData): Promise<CardData[]> {
  const cards = await db.prisma.monitorCard.findMany({
    where: { userId, ...(input.ids ? { id: { in: input.ids } } : { hidden: false }) },
    orderBy: { position: 'asc' },
  })
  const { from, to } = input.range
  return Promise.all(
    cards.map(async (c): Promise<CardData> => {
      const granularity = c.granularity === 5 ? 5 : 1
      if (c.kind === 'property') {
        const data = await propertySeries(db, {
          productKey: c.productKey!,
          identifier: c.metric,
          deviceName: c.deviceName,
          aggregations: c.aggregations as Aggregation[],
          from,
          to,
          granularity,
        })
        return {
          id: c.id,
          chart: 'area',
          series: Object.entries(data).map(([aggregation, points]) => ({
            aggregation: aggregation as Aggregation,
            points,
          })),
        }
      }
      const def = metricDef(c.metric)
      if (def?.chart === 'rank') {
        // the day the range ends in, but never a day that has not begun (a range may end a little in the future)
        const day = new Date(Math.min(to.getTime(), Date.now()))
        const items = await ranking(db, { code: c.metric, productKey: c.productKey, day })
        return { id: c.id, chart: 'rank', items, day: day.toISOString().slice(0, 10) }
      }
      const points = await metricSeriesText(db, { metric: c.metric, productKey: c.productKey, from, to, granularity })
      return { id: c.id, chart: 'area', series: [{ aggregation: 'count', points }] }
    }),
  )
}

/** The metric catalogue for the add-metric dialog and alarm rules. */
export function metricCatalogue() {
  return METRICS.map((m) => ({
    code: m.code,
    category: m.category,
    chart: m.chart,
    unit: m.unit ?? null,
    instance: m.chart === 'area' ? !!m.instance : false,
    dimension: m.chart === 'area' ? (m.dimension ?? 'product') : 'product',
    kind: m.chart === 'area' ? m.kind : 'counter',
  }))
}

/** The old-version view: online devices and messages by protocol, for one product or all, over ≤ 7 days. */
export async function legacyView(db: Db, q: { productKey: string | null; from: Date; to: Date }) {
  const span = q.to.getTime() - q.from.getTime()
  if (span <= 0) throw badRequest('the end must be after the start')
  if (span > 7 * 86_400_000) throw badRequest('the old view shows 7 days at most')
  const granularity = span <= 2 * 3_600_000 ? 1 : span <= 2 * 86_400_000 ? 5 : 60
  const series = (metric: string) =>
    metricSeries(db, { metric, productKey: q.productKey, from: q.from, to: q.to, granularity })
  const [onlineMqtt, onlineWs, upMqtt, upWs, downMqtt, downWs, forwarded] = await Promise.all(
    [
      Metric.OnlineMqtt,
      Metric.OnlineWs,
      Metric.UpMqtt,
      Metric.UpWs,
      Metric.DownMqtt,
      Metric.DownWs,
      Metric.Forwarded,
    ].map(series),
  )
  return {
    granularity,
    online: { MQTT: onlineMqtt!, MQTT_WS: onlineWs! },
    up: { MQTT: upMqtt!, MQTT_WS: upWs! },
    down: { MQTT: downMqtt!, MQTT_WS: downWs! },
    forwarded: forwarded!,
  }
}
