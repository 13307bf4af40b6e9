'use client'

import { Col, Form, Input, Radio, Row } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { DataTypeFields, defaultDataTypeValues } from './DataTypeFields'
import { identifierRules, nameRules } from './rules'
import { ACCESS_MODES, DATA_TYPES, type PropertyValues, toPropertyFeature } from './tsl'
import { useUpsertFeature } from './useFeatureMutations'

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
  const upsert = useUpsertFeature(productKey, onClose)
  const close = () => {
    upsert.reset()
    onClose()
  }
  return (
    <FormModal<PropertyValues>
      open={open}
      width={720}
      title={t('tsl.addProperty')}
      okText={t('common.save')}
      pending={upsert.isPending}
      error={upsert.error}
      initialValues={{ ...defaultDataTypeValues('int'), accessMode: 'rw' } as Partial<PropertyValues>}
      onCancel={close}
      onFinish={(values) => upsert.mutate({ productKey, kind: 'property', feature: toPropertyFeature(values) })}
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
      <DataTypeFields name={[]} fullPath={[]} types={DATA_TYPES} />
      <Form.Item name="accessMode" label={t('tsl.accessMode')}>
        <Radio.Group options={ACCESS_MODES.map((m) => ({ value: m, label: t(`tsl.accessModes.${m}`) }))} />
      </Form.Item>
      <Form.Item name="desc" label={t('common.description')}>
        <Input.TextArea rows={2} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}
