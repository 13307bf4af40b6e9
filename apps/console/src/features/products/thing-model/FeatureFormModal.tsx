'use client'

import { Col, Form, Input, Row } from 'antd'
import type { ReactNode } from 'react'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { identifierRules, nameRules } from './rules'
import { useUpsertFeature } from './useFeatureMutations'

/**
 * The form every "add feature" dialog shares: name and identifier first, the kind's own fields (children),
 * a description last; saving sends the reference-format feature built by `toFeature`.
 */
export function FeatureFormModal<T extends object>(props: {
  productKey: string
  open: boolean
  onClose: () => void
  kind: 'property' | 'event' | 'service'
  title: ReactNode
  initialValues: Partial<T>
  toFeature: (values: T) => Record<string, unknown>
  children: ReactNode
}) {
  const t = useT()
  const { productKey, onClose } = props
  const upsert = useUpsertFeature(productKey, onClose)
  const close = () => {
    upsert.reset()
    onClose()
  }
  return (
    <FormModal<T>
      open={props.open}
      width={720}
      title={props.title}
      okText={t('common.save')}
      pending={upsert.isPending}
      error={upsert.error}
      initialValues={props.initialValues}
      onCancel={close}
      onFinish={(values) => upsert.mutate({ productKey, kind: props.kind, feature: props.toFeature(values) })}
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
      {props.children}
      <Form.Item name="desc" label={t('common.description')}>
        <Input.TextArea rows={2} maxLength={100} showCount />
      </Form.Item>
    </FormModal>
  )
}
