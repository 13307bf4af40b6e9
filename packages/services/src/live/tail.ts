import type { DeviceHub } from '../hub/hub'

/** A `wake` for tails of a table the hub's batch writers fill. */
export const wakeOnWrite = (hub: DeviceHub, table: 'run_log' | 'device_log') => (fn: () => void) => {
  const h = (t: string) => {
    if (t === table) fn()
  }
  hub.on('written', h)
  return () => {
    hub.off('written', h)
  }
}

/** The time of a tracked event id `<ts ms>:<id>` (what the client sends back when it reconnects). */
export const resumeFrom = (lastEventId: string | null | undefined) => {
  const ms = Number(lastEventId?.split(':')[0])
  return lastEventId && Number.isFinite(ms) ? new Date(ms) : undefined
}

/** Upper bound of a tail query: rows stamped by a node whose clock runs a little ahead still show. */
export const tailWindowEnd = () => new Date(Date.now() + 60_000)

/** A row of a time-partitioned log table, as the search functions return it. */
export interface TailRow {
  ts: Date
  id: number
}

export interface TailOptions<R extends TailRow> {
  /** rows with `ts >= from` matching the tail's filter, newest first (at most one page) */
  fetch: (from: Date) => Promise<R[]>
  /** calls `fn` when new rows may have been written; returns the unsubscribe */
  wake: (fn: () => void) => () => void
  /** rows before this time are not sent */
  since: Date
  signal?: AbortSignal
  /** poll interval when nothing wakes the tail (rows written by other nodes) */
  pollMs?: number
  /** at most one query per this many ms however often it is woken */
  minGapMs?: number
}

/**
 * Streams rows as they land, oldest first, each once. Rows are stamped when the node accepts them and stored
 * in batches that commit out of order, so each query looks back `LOOKBACK_MS` behind the newest row seen and
 * drops ids already sent.
 */
export async function* tailRows<R extends TailRow>(o: TailOptions<R>): AsyncGenerator<R[]> {
  const LOOKBACK_MS = 10_000
  const pollMs = o.pollMs ?? 1000
  const minGapMs = o.minGapMs ?? 200
  const sent = new Map<number, number>() // id → ts ms
  let newest = o.since.getTime()
  let woken = false
  let wakeUp: (() => void) | null = null
  const unsubscribe = o.wake(() => {
    woken = true
    wakeUp?.()
  })
  try {
    while (!o.signal?.aborted) {
      woken = false
      const floor = Math.max(o.since.getTime(), newest - LOOKBACK_MS)
      const rows = await o.fetch(new Date(floor))
      const fresh = rows.filter((r) => !sent.has(r.id)).reverse()
      for (const r of fresh) {
        sent.set(r.id, r.ts.getTime())
        newest = Math.max(newest, r.ts.getTime())
      }
      for (const [id, ts] of sent) if (ts < newest - LOOKBACK_MS) sent.delete(id)
      if (fresh.length > 0) yield fresh
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(poll)
          clearTimeout(gap)
          o.signal?.removeEventListener('abort', done)
          wakeUp = null
          resolve()
        }
        let gap: NodeJS.Timeout | undefined
        const poll = setTimeout(done, pollMs)
        const soon = () => {
          gap ??= setTimeout(done, minGapMs)
        }
        wakeUp = soon
        if (woken) soon()
        o.signal?.addEventListener('abort', done)
      })
    }
  } finally {
    unsubscribe()
  }
}
