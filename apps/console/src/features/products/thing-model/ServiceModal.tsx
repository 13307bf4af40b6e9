'use client'

import { Col, Form, Input, Radio, Row } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { ParamList } from './DataTypeFields'
import { identifierRules, nameRules } from './rules'
import { CALL_TYPES, type ServiceValues, toServiceFeature } from './tsl'
import { useUpsertFeature } from './useFeatureMutations'

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
  const upsert = useUpsertFeature(productKey, onClose)
  const close = () => {
    upsert.reset()
    onClose()
  }
  return (
    <FormModal<ServiceValues>
      open={open}
      width={720}
      title={t('tsl.addService')}
      okText={t('common.save')}
      pending={upsert.isPending}
      error={upsert.error}
      initialValues={{ callType: 'async', inputData: [], outputData: [] }}
      onCancel={close}
      onFinish={(values) => upsert.mutate({ productKey, kind: 'service', feature: toServiceFeature(values) })}
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
      <Form.Item name="callType" label={t('tsl.callType')} extra={t('tsl.callTypeHelp')}>
        <Radio.Group options={CALL_TYPES.map((c) => ({ value: c, label: t(`tsl.callTypes.${c}`) }))} />
      </Form.Item>
      <Form.Item label={t('tsl.inputData')}>
        <ParamList name={['inputData']} fullPath={['inputData']} addLabel={t('tsl.addParam')} />
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
