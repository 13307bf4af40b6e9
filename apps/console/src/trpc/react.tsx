'use client'

import type { AppRouter } from '@iotops/api'
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client'
import { createTRPCContext } from '@trpc/tanstack-react-query'
import { type ReactNode, useState } from 'react'
import superjson from 'superjson'

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>()

/** The console talks to the API of its own origin only. */
export const TRPC_URL = '/api/trpc'
/** Every request carries this header; the server rejects mutations without it (CSRF protection). */
const CSRF_HEADERS = { 'x-iotops-csrf': '1' }

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED'
}

function makeQueryClient() {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        // a rejected session or missing right does not get better by retrying
        retry: (failureCount, error) => {
          if (error instanceof TRPCClientError && error.data) return false
          return failureCount < 2
        },
      },
    },
    // when the session ends (expired, signed out elsewhere) re-ask who we are: the console layout sends us to /login
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthorized(error) && query.queryKey[0]?.toString() !== 'auth') {
          void client.invalidateQueries({ queryKey: [['auth', 'me']] })
        }
      },
    }),
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isUnauthorized(error)) void client.invalidateQueries({ queryKey: [['auth', 'me']] })
      },
    }),
  })
  return client
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient)
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // subscriptions (live tails) as server-sent events; the browser's EventSource sends the session cookie
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: TRPC_URL, transformer: superjson }),
          false: httpBatchLink({
            url: TRPC_URL,
            transformer: superjson,
            headers: () => CSRF_HEADERS,
            fetch: (url, options) => fetch(url, { ...options, credentials: 'same-origin' }),
          }),
        }),
      ],
    }),
  )
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  )
}
