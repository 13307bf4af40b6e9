'use client'

import { Alert, Descriptions, Typography } from 'antd'
import { CopyText } from '@/components/CopyText'
import { useT } from '@/i18n/I18nProvider'

export interface Triple {
  productKey: string
  deviceName: string
  deviceSecret: string
}

/** A device's certificate (ProductKey, DeviceName, DeviceSecret), each with a copy button, and "copy all". */
export function DeviceTriple({ triple, warning }: { triple: Triple; warning?: string }) {
  const t = useT()
  const all = JSON.stringify(
    { ProductKey: triple.productKey, DeviceName: triple.deviceName, DeviceSecret: triple.deviceSecret },
    null,
    2,
  )
  return (
    <>
      {warning ? <Alert type="warning" showIcon title={warning} style={{ marginBottom: 16 }} /> : null}
      <Descriptions
        bordered
        column={1}
        size="small"
        items={[
          { key: 'pk', label: t('product.fields.productKey'), children: <CopyText text={triple.productKey} /> },
          { key: 'dn', label: t('device.fields.deviceName'), children: <CopyText text={triple.deviceName} /> },
          { key: 'ds', label: t('device.fields.deviceSecret'), children: <CopyText text={triple.deviceSecret} /> },
        ]}
      />
      <Typography.Paragraph
        style={{ marginTop: 12, marginBottom: 0 }}
        copyable={{ text: all, tooltips: [t('common.copy'), t('common.copied')] }}
      >
        {t('device.copyAll')}
      </Typography.Paragraph>
    </>
  )
}
