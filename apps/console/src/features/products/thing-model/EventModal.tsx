'use client'

import { Form, Radio } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { ParamList } from './DataTypeFields'
import { FeatureFormModal } from './FeatureFormModal'
import { EVENT_TYPES, type EventValues, toEventFeature } from './tsl'

/** "Add event": identifier, name, type (info / alert / error) and the parameters it reports. */
export function EventModal({ productKey, open, onClose }: { productKey: string; open: boolean; onClose: () => void }) {
  const t = useT()
  return (
    <FeatureFormModal<EventValues>
      productKey={productKey}
      open={open}
      onClose={onClose}
      kind="event"
      title={t('tsl.addEvent')}
      initialValues={{ type: 'info', outputData: [] }}
      toFeature={toEventFeature}
    >
      <Form.Item name="type" label={t('tsl.eventType')}>
        <Radio.Group options={EVENT_TYPES.map((e) => ({ value: e, label: t(`tsl.eventTypes.${e}`) }))} />
      </Form.Item>
      <Form.Item label={t('tsl.outputData')}>
        <ParamList name={['outputData']} fullPath={['outputData']} addLabel={t('tsl.addParam')} />
      </Form.Item>
    </FeatureFormModal>
  )
}
