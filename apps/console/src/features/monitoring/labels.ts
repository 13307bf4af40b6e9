'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCallback, useMemo } from 'react'
import { useConsumerGroupNames } from '@/features/subscription/ConsumerGroupSelect'
import { useT } from '@/i18n/I18nProvider'
import type { MessageKey } from '@/i18n/translate'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { type Point, toPoints } from './series'

export type CardView = RouterOutputs['monitor']['cards'][number]
export type MetricInfo = RouterOutputs['monitor']['metrics'][number]
type WireCardData = RouterOutputs['monitor']['data'][number]
type WireArea = Extract<WireCardData, { chart: 'area' }>
/** A card's data with its area points decoded (the API sends long series as compact text). */
export type CardData =
  | (Omit<WireArea, 'series'> & {
      series: { aggregation: WireArea['series'][number]['aggregation']; points: Point[] }[]
    })
  | Extract<WireCardData, { chart: 'rank' }>

export function decodeCardData(d: WireCardData): CardData {
  if (d.chart !== 'area') return d
  return { ...d, series: d.series.map((s) => ({ aggregation: s.aggregation, points: toPoints(s.points) })) }
}
export type Aggregation = CardView['aggregations'][number]
export const AGGREGATIONS: readonly Aggregation[] = ['latest', 'count', 'sum', 'min', 'max', 'avg']

/** A metric's localized name and description; an unknown code shows as it is. */
export function useMetricText() {
  const t = useT()
  return useMemo(() => {
    const look = (code: string, part: 'name' | 'desc') => {
      const key = `monitoring.metric.${code}.${part}` as MessageKey
      const text = t(key)
      return text === key ? (part === 'name' ? code : '') : text
    }
    return { name: (code: string) => look(code, 'name'), desc: (code: string) => look(code, 'desc') }
  }, [t])
}

/** The title of a card: a basic card by its metric's name, a thing-model card by the name the user gave it. */
export function useCardTitle() {
  const text = useMetricText()
  return useCallback((c: CardView) => (c.kind === 'basic' ? text.name(c.metric) : c.name), [text])
}

/** The metric catalogue (codes, categories, chart styles, units), by code. */
export function useMetricCatalogue() {
  const trpc = useTRPC()
  const q = useQuery({ ...trpc.monitor.metrics.queryOptions(), staleTime: Number.POSITIVE_INFINITY })
  const byCode = useMemo(() => new Map((q.data ?? []).map((m) => [m.code, m])), [q.data])
  return { list: q.data ?? [], byCode, query: q }
}

/** Product names by ProductKey, for the cards' dimension line. */
export function useProductNames() {
  const trpc = useTRPC()
  const q = useQuery({
    ...trpc.product.list.queryOptions({ page: 1, pageSize: 200 }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  })
  return useMemo(() => new Map((q.data?.items ?? []).map((p) => [p.productKey, p.name])), [q.data])
}

/**
 * How a metric series key reads (a card's or an alarm rule's `productKey`): the consumer group's name for
 * consumer-group metrics, else the product's; all groups / all products when there is no key.
 */
export function useSeriesName() {
  const t = useT()
  const products = useProductNames()
  const groups = useConsumerGroupNames()
  return useCallback(
    (info: MetricInfo | undefined, key: string | null) => {
      const byGroup = info?.dimension === 'consumerGroup'
      if (!key) return t(byGroup ? 'monitoring.card.allConsumerGroups' : 'monitoring.card.allProducts')
      return (byGroup ? groups : products).get(key) ?? key
    },
    [t, products, groups],
  )
}

/**
 * What a basic card's single series shows: byte metrics are sums, watermarks (percent gauges) the period's latest
 * value (latencies too: each minute's slowest), the rest counts (the reference's 计数).
 */
export const basicAggregation = (unit: string | null): Aggregation =>
  unit === 'bytes' ? 'sum' : unit === 'percent' || unit === 'ms' ? 'latest' : 'count'
