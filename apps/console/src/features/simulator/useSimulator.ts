'use client'

import { useQuery } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { App } from 'antd'
import { useCallback, useState } from 'react'
import { useCodeDescription } from '@/components/CodeTag'
import { useT } from '@/i18n/I18nProvider'
import { errorAlinkCode, errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

export type SimTarget = RouterOutputs['simulator']['target']
export type SimState = NonNullable<SimTarget['simulator']>
export type SimStrategy = NonNullable<SimState['strategy']>
type StreamEvent = RouterOutputs['simulator']['onLog'] extends AsyncIterable<infer E> ? E : never
export type SimEntry = StreamEvent['data']['entries'][number]
/** A device-side log entry as the page keeps it: unique across simulator sessions. */
export type LogRow = SimEntry & { key: string; sessionId: string }

export interface DeviceRef {
  productKey: string
  deviceName: string
}

const MAX_ROWS = 1000

/** The device-side log, newest first, each entry once, at most MAX_ROWS. */
function useLogRows() {
  const [rows, setRows] = useState<LogRow[]>([])
  const add = useCallback((sessionId: string, entries: SimEntry[]) => {
    if (!entries.length) return
    setRows((prev) => {
      const seen = new Set(prev.map((r) => r.key))
      const fresh = entries
        .map((e) => ({ ...e, sessionId, key: `${sessionId}:${e.seq}` }))
        .filter((r) => !seen.has(r.key))
        .reverse()
      return fresh.length ? [...fresh, ...prev].slice(0, MAX_ROWS) : prev
    })
  }, [])
  const clear = useCallback(() => setRows([]), [])
  return { rows, add, clear }
}

/**
 * One device on the simulator page: what the page needs about it (polled), and its simulator's state and device-side
 * log, streamed. The open stream holds the simulator (its lease): leaving the page stops it after a short grace.
 */
export function useSimulator(ref: DeviceRef) {
  const trpc = useTRPC()
  const target = useQuery({ ...trpc.simulator.target.queryOptions(ref), refetchInterval: 3000 })
  // undefined until the stream delivered its first state
  const [streamed, setStreamed] = useState<SimState | null | undefined>(undefined)
  const log = useLogRows()
  const sub = useSubscription(
    trpc.simulator.onLog.subscriptionOptions(ref, {
      onData: (e) => {
        setStreamed(e.data.state)
        if (e.data.sessionId) log.add(e.data.sessionId, e.data.entries)
      },
    }),
  )
  const state = streamed !== undefined ? streamed : (target.data?.simulator ?? null)
  return { target, state, log, streamStatus: sub.status }
}

/** Shows a failed call: the server's message, with the meaning of its platform code when it has one. */
export function useShowError() {
  const t = useT()
  const { message } = App.useApp()
  const describe = useCodeDescription()
  return useCallback(
    (error: unknown) => {
      const code = errorAlinkCode(error)
      const meaning = code ? describe(code)?.meaning : undefined
      const text = errorMessage(error, t('common.networkError'))
      message.error(code ? `[${code}] ${text}${meaning ? ` — ${meaning}` : ''}` : text, 6)
    },
    [describe, message, t],
  )
}
