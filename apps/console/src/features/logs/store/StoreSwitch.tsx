'use client'

import { Flex, Segmented, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'

export type LogStoreKind = 'recent' | 'dump'
/** `?store=dump` picks the long-term store; anything else the 7-day store. */
export const storeParam = (v: string | undefined): LogStoreKind => (v === 'dump' ? 'dump' : 'recent')

/** 7-day / long-term store of a log search; the long-term store is per product, so it asks for one. */
export function StoreSwitch(props: {
  value: LogStoreKind
  productKey: string | undefined
  onChange: (changes: { store: string | undefined }) => void
}) {
  const t = useT()
  return (
    <Flex gap={8} align="center" wrap>
      <Segmented<LogStoreKind>
        aria-label={t('logstore.store.label')}
        value={props.value}
        onChange={(s) => props.onChange({ store: s === 'dump' ? 'dump' : undefined })}
        options={[
          { value: 'recent', label: t('logstore.store.recent') },
          { value: 'dump', label: t('logstore.store.dump') },
        ]}
      />
      {props.value === 'dump' && !props.productKey ? (
        <Typography.Text type="warning">{t('logstore.store.needProduct')}</Typography.Text>
      ) : null}
    </Flex>
  )
}
