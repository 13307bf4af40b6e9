'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

export type Me = NonNullable<RouterOutputs['auth']['me']>
export type Role = Me['role']

/** The signed-in user (null when signed out). */
export function useMe() {
  const trpc = useTRPC()
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 })
}

/** Operators and admins may change things; viewers only look. */
export function canWrite(role: Role | undefined): boolean {
  return role === 'ADMIN' || role === 'OPERATOR'
}

export function useCanWrite(): boolean {
  return canWrite(useMe().data?.role)
}

export function useIsAdmin(): boolean {
  return useMe().data?.role === 'ADMIN'
}

/** Only same-origin paths are followed after sign-in, never another site (`//evil`, `https://…`). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) {
    return '/'
  }
  return next
}
