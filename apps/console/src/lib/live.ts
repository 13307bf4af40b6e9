'use client'

import { useCallback, useState } from 'react'

/** Rows of a live tail, newest first, each once, at most `max`. */
export function useLiveRows<R extends { id: number }>(max = 500) {
  const [rows, setRows] = useState<R[]>([])
  const add = useCallback(
    (batch: R[]) =>
      setRows((prev) => {
        const seen = new Set(prev.map((r) => r.id))
        const fresh = batch.filter((r) => !seen.has(r.id)).reverse()
        return fresh.length ? [...fresh, ...prev].slice(0, max) : prev
      }),
    [max],
  )
  const clear = useCallback(() => setRows([]), [])
  return { rows, add, clear }
}
