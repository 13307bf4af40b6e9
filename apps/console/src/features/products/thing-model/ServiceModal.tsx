'use client'

import { Form, Radio } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { ParamList } from './DataTypeFields'
import { FeatureFormModal } from './FeatureFormModal'
import { CALL_TYPES, type ServiceValues, toServiceFeature } from './tsl'

/** "Add service": identifier, name, sync / async call, input and output parameters. */
export function ServiceModal({
  productKey,
  open,
  onClose,
}: {
  productKey: string
  open: boolean
  onClose: () => void
}) {
  const t = useT()
  return (
    <FeatureFormModal<ServiceValues>
      productKey={productKey}
      open={open}
      onClose={onClose}
      kind="service"
      title={t('tsl.addService')}
      initialValues={{ callType: 'async', inputData: [], outputData: [] }}
      toFeature={toServiceFeature}
    >
      <Form.Item name="callType" label={t('tsl.callType')} extra={t('tsl.callTypeHelp')}>
        <Radio.Group options={CALL_TYPES.map((c) => ({ value: c, label: t(`tsl.callTypes.${c}`) }))} />
      </Form.Item>
      <Form.Item label={t('tsl.inputData')}>
        <ParamList name={['inputData']} fullPath={['inputData']} addLabel={t('tsl.addParam')} />
      </Form.Item>
      <Form.Item label={t('tsl.outputData')}>
        <ParamList name={['outputData']} fullPath={['outputData']} addLabel={t('tsl.addParam')} />
      </Form.Item>
    </FeatureFormModal>
  )
}
