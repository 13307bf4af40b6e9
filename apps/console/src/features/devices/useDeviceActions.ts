'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'

/** Enable / disable and delete a device, with the messages that go with them. */
export function useDeviceActions(opts: { onDeleted?: () => void } = {}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const onError = (error: unknown) => message.error(errorMessage(error, t('common.networkError')))
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.device.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() })
  }

  const setDisabled = useMutation(
    trpc.device.setDisabled.mutationOptions({
      onSuccess: async (_data, vars) => {
        message.success(vars.disabled ? t('device.disabledOk') : t('device.enabledOk'))
        await refresh()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.device.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        opts.onDeleted?.()
        await refresh()
      },
      onError,
    }),
  )
  return { setDisabled, remove }
}
