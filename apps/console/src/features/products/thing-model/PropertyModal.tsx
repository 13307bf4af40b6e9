'use client'

import { Form, Radio } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { DataTypeFields, defaultDataTypeValues } from './DataTypeFields'
import { FeatureFormModal } from './FeatureFormModal'
import { ACCESS_MODES, DATA_TYPES, type PropertyValues, toPropertyFeature } from './tsl'

/** "Add property": a reference-format TSL property built from a form. */
export function PropertyModal({
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
    <FeatureFormModal<PropertyValues>
      productKey={productKey}
      open={open}
      onClose={onClose}
      kind="property"
      title={t('tsl.addProperty')}
      initialValues={{ ...defaultDataTypeValues('int'), accessMode: 'rw' } as Partial<PropertyValues>}
      toFeature={toPropertyFeature}
    >
      <DataTypeFields name={[]} fullPath={[]} types={DATA_TYPES} />
      <Form.Item name="accessMode" label={t('tsl.accessMode')}>
        <Radio.Group options={ACCESS_MODES.map((m) => ({ value: m, label: t(`tsl.accessModes.${m}`) }))} />
      </Form.Item>
    </FeatureFormModal>
  )
}
