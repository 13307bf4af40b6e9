'use client'

import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useCallback } from 'react'

/** The monitoring page's state in the address (`?tab=board&range=h4`), so a view can be linked and survives reload. */
export function useUrlState() {
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const get = useCallback((name: string) => params.get(name)?.trim() || undefined, [params])
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params)
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v)
        else next.delete(k)
      }
      router.replace(`${pathname}${next.size ? `?${next.toString()}` : ''}`, { scroll: false })
    },
    [params, pathname, router],
  )
  return { get, update }
}
