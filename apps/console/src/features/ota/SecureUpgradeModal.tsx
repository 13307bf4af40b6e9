'use client'

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Flex, Modal, Typography } from 'antd'
import { useState } from 'react'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'

/**
 * Secure upgrade (ref §8.2.1 step 4): a product's key pair. Packages marked secure carry `digestsign`; devices check
 * it with the public key shown here (the private key never leaves the server).
 */
export function SecureUpgradeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [productKey, setProductKey] = useState<string>()
  const key = useQuery(trpc.ota.signKey.queryOptions(open && productKey ? { productKey } : skipToken))
  const create = useMutation(
    trpc.ota.createSignKey.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.secure.created'))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.signKey.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const publicKey = key.data?.publicKey
  return (
    <Modal open={open} title={t('ota.secure.title')} onCancel={onClose} footer={null} width={620} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('ota.secure.intro')}</Typography.Paragraph>
      <Flex vertical gap={12}>
        <ProductSelect value={productKey} onChange={setProductKey} placeholder={t('ota.analysis.pickProduct')} />
        {productKey && key.isSuccess ? (
          publicKey ? (
            <>
              <Typography.Text strong>{t('ota.secure.publicKey')}</Typography.Text>
              <Typography.Paragraph
                className="mono"
                copyable={{ text: publicKey, tooltips: [t('common.copy'), t('common.copied')] }}
                style={{ whiteSpace: 'pre-wrap', fontSize: 12, wordBreak: 'break-all' }}
              >
                {publicKey}
              </Typography.Paragraph>
            </>
          ) : (
            <Alert
              type="info"
              showIcon
              title={t('ota.secure.none')}
              action={
                writable ? (
                  <Button size="small" loading={create.isPending} onClick={() => create.mutate({ productKey })}>
                    {t('ota.secure.create')}
                  </Button>
                ) : undefined
              }
            />
          )
        ) : null}
      </Flex>
    </Modal>
  )
}
