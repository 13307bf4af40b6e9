'use client'

import { EyeOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { App, Button, Modal } from 'antd'
import { useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { DeviceTriple } from '../DeviceTriple'

/** "View DeviceSecret": asks the server (the view is audited) and shows the triple in a modal. */
export function SecretButton({ productKey, deviceName }: { productKey: string; deviceName: string }) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const [open, setOpen] = useState(false)
  const secret = useMutation(
    trpc.device.secret.mutationOptions({
      onSuccess: () => setOpen(true),
      onError: (error) => message.error(errorMessage(error, t('common.networkError'))),
    }),
  )
  const close = () => {
    setOpen(false)
    secret.reset()
  }
  return (
    <>
      <Button
        size="small"
        icon={<EyeOutlined />}
        loading={secret.isPending}
        onClick={() => secret.mutate({ productKey, deviceName })}
      >
        {t('device.viewSecret')}
      </Button>
      <Modal
        open={open && !!secret.data}
        title={t('device.secretTitle')}
        onCancel={close}
        footer={
          <Button type="primary" onClick={close}>
            {t('common.close')}
          </Button>
        }
      >
        {secret.data ? <DeviceTriple triple={secret.data} warning={t('device.secretWarning')} /> : null}
      </Modal>
    </>
  )
}
