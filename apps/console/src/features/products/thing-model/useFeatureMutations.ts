'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'

/** Adding / replacing a feature; refreshes the product when it worked. */
export function useUpsertFeature(productKey: string, onDone: () => void) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  return useMutation(
    trpc.product.upsertFeature.mutationOptions({
      onSuccess: async () => {
        message.success(t('tsl.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.byKey.queryKey({ productKey }) })
        onDone()
      },
    }),
  )
}

export function useDeleteFeature(productKey: string) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  return useMutation(
    trpc.product.deleteFeature.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.byKey.queryKey({ productKey }) })
      },
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
}
