'use client'

import { Col, Form, Input, Radio, Row } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ParamList } from './DataTypeFields'
import { identifierRules, nameRules } from './rules'
import { EVENT_TYPES, type EventValues, toEventFeature } from './tsl'
import { useUpsertFeature } from './useFeatureMutations'

/** "Add event": identifier, name, type (info / alert / error) and the parameters it reports. */
export function EventModal({ productKey, open, onClose }: { productKey: string; open: boolean; onClose: () => void }) {
  const t = useT()
  const upsert = useUpsertFeature(productKey, onClose)
  const close = () => {
    upsert.reset()
    onClose()
  }
  return (
    <FormModal<EventValues>
      open={open}
      width={720}
      title={t('tsl.addEvent')}
      okText={t('common.save')}
      pending={upsert.isPending}
      error={upsert.error}
      initialValues={{ type: 'info', outputData: [] }}
      onCancel={close}
      onFinish={(values) => upsert.mutate({ productKey, kind: 'event', feature: toEventFeature(values) })}
    >
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="name" label={t('tsl.name')} rules={nameRules(t)}>
            <Input autoFocus />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="identifier"
            label={t('tsl.identifier')}
            rules={identifierRules(t)}
            extra={t('tsl.identifierHelp')}
          >
            <Input className="mono" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="type" label={t('tsl.eventType')}>
        <Radio.Group options={EVENT_TYPES.map((e) => ({ value: e, label: t(`tsl.eventTypes.${e}`) }))} />
      </Form.Item>
      <Form.Item label={t('tsl.outputData')}>
        <ParamList name={['outputData']} fullPath={['outputData']} addLabel={t('tsl.addParam')} />
      </Form.Item>
      <Form.Item name="desc" label={t('common.description')}>
        <Input.TextArea rows={2} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}
