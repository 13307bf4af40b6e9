'use client'

import { BizType } from '@iotops/services/schemas'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useCallback, useState } from 'react'

export const LOG_PAGE = 50

export const RANGE_PRESETS = { h1: 3_600_000, d1: 86_400_000, d7: 7 * 86_400_000 } as const
export type RangePreset = keyof typeof RANGE_PRESETS
export type RangeKind = RangePreset | 'custom'

/** The run log's business types, as the services write them (one list: `BizType`). */
export const BIZ_TYPES = Object.values(BizType)
export type BizTypeKey = (typeof BIZ_TYPES)[number]
export const isBizType = (v: string | null | undefined): v is BizTypeKey =>
  !!v && (BIZ_TYPES as readonly string[]).includes(v)

/**
 * The log page's state in the address (`?tab=run&productKey=…&range=d1…`), so a search can be linked to and
 * survives "back". `anchor` is the "now" the preset ranges count back from; it moves on every search and refresh.
 */
export function useLogQuery() {
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const [anchor, setAnchor] = useState(() => Date.now())

  const get = useCallback((name: string) => params.get(name)?.trim() || undefined, [params])

  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params)
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v)
        else next.delete(k)
      }
      setAnchor(Date.now())
      router.replace(`${pathname}${next.size ? `?${next.toString()}` : ''}`, { scroll: false })
    },
    [params, pathname, router],
  )

  const rangeParam = params.get('range')
  const customFrom = Number(params.get('from'))
  const customTo = Number(params.get('to'))
  const custom = rangeParam === 'custom' && customFrom > 0 && customTo > customFrom
  const range: RangeKind = custom
    ? 'custom'
    : rangeParam && rangeParam in RANGE_PRESETS
      ? (rangeParam as RangePreset)
      : 'h1'
  const span = custom
    ? { from: new Date(customFrom), to: new Date(customTo) }
    : // presets leave `to` open: the server counts up to its now, so a refresh sees the newest rows
      { from: new Date(anchor - RANGE_PRESETS[range as RangePreset]), to: undefined }

  return {
    get,
    update,
    range,
    span,
    customFrom: custom ? customFrom : undefined,
    customTo: custom ? customTo : undefined,
    refresh: () => setAnchor(Date.now()),
  }
}

/** `20261124T070312` for export file names. */
export const fileStamp = () => {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}
