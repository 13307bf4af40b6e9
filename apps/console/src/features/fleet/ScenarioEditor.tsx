'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Table, Tabs, Typography } from 'antd'
import { useState } from 'react'
import { FormError } from '@/components/FormError'
import { useT } from '@/i18n/I18nProvider'
import type { ThingModel } from '@/lib/alink'
import { useTRPC } from '@/trpc/react'
import {
  FLEET_MAX_DEVICES,
  FORM_KINDS,
  fromFormValues,
  modelFeatures,
  type PropertyRow,
  type ScenarioFormValues,
  scenarioIssue,
  type TFleetScenario,
  toFormValues,
  ZFleetScenario,
} from './scenarioForm'

interface Props {
  open: boolean
  productKey: string
  model: ThingModel | undefined
  /** the scenario to edit; absent: a new one */
  editing: { id: string; name: string; config: TFleetScenario } | null
  initial: TFleetScenario
  onClose: () => void
  onSaved: (id: string) => void
}

/** Creates or edits a saved fleet scenario: common settings in a form, everything in the JSON document. */
export function ScenarioEditor(props: Props) {
  // a fresh editor (form store, JSON text) for every opening
  return props.open ? <Editor {...props} /> : null
}

function Editor({ productKey, model, editing, initial, onClose, onSaved }: Props) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const [form] = Form.useForm<ScenarioFormValues>()
  const [tab, setTab] = useState<'settings' | 'json'>('settings')
  const base = editing?.config ?? initial
  const [doc, setDoc] = useState<TFleetScenario>(base)
  const [json, setJson] = useState('')
  const [issue, setIssue] = useState<string | null>(null)
  const features = modelFeatures(model)

  const save = useMutation(
    trpc.fleet.saveScenario.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.fleet.scenarios.pathKey() })
        message.success(t('fleet.scenarioSaved'))
        onSaved(r.id)
      },
    }),
  )

  /** The document as the active tab has it, or the reason it is not one. */
  const current = (): { doc?: TFleetScenario; issue?: string } => {
    let raw: unknown
    if (tab === 'json') {
      try {
        raw = JSON.parse(json)
      } catch (e) {
        return { issue: t('fleet.jsonInvalid', { error: (e as Error).message }) }
      }
    } else raw = fromFormValues(form.getFieldsValue(true), doc, model)
    const problem = scenarioIssue(raw)
    return problem ? { issue: problem } : { doc: ZFleetScenario.parse(raw) }
  }

  const switchTab = (next: string) => {
    const r = current()
    if (!r.doc) return setIssue(r.issue ?? null)
    setIssue(null)
    setDoc(r.doc)
    if (next === 'json') setJson(JSON.stringify(r.doc, null, 2))
    else form.setFieldsValue(toFormValues(r.doc, model))
    setTab(next as 'settings' | 'json')
  }

  const submit = async () => {
    if (tab === 'settings') await form.validateFields()
    const r = current()
    if (!r.doc) return setIssue(r.issue ?? null)
    setIssue(null)
    const name = r.doc.name?.trim() || form.getFieldValue('name')
    save.mutate({ id: editing?.id, name, productKey, config: { ...r.doc, name } })
  }

  const kindLabel = (k: string) => t(`fleet.kinds.${k as (typeof FORM_KINDS)[number]}`)

  return (
    <Modal
      open
      width={960}
      title={editing ? t('fleet.editScenario', { name: editing.name }) : t('fleet.newScenario')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
    >
      <Tabs
        activeKey={tab}
        onChange={switchTab}
        items={[
          {
            key: 'settings',
            label: t('fleet.tabSettings'),
            forceRender: true,
            children: (
              <Form<ScenarioFormValues>
                form={form}
                layout="vertical"
                initialValues={toFormValues(base, model)}
                requiredMark={false}
              >
                <Row gutter={12}>
                  <Col span={8}>
                    <Form.Item
                      name="name"
                      label={t('fleet.fields.name')}
                      rules={[{ required: true, max: 64, message: t('fleet.rules.name') }]}
                    >
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={5}>
                    <Form.Item
                      name="count"
                      label={t('fleet.fields.count')}
                      rules={[{ required: true, type: 'integer', min: 1, max: FLEET_MAX_DEVICES }]}
                    >
                      <InputNumber min={1} max={FLEET_MAX_DEVICES} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col span={5}>
                    <Form.Item
                      name="deviceNamePrefix"
                      label={t('fleet.fields.prefix')}
                      tooltip={t('fleet.help.prefix')}
                      rules={[
                        { required: true, pattern: /^[A-Za-z0-9_\-@.:]{1,27}$/, message: t('fleet.rules.prefix') },
                      ]}
                    >
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name="qos" label={t('fleet.fields.qos')}>
                      <Select
                        options={[
                          { value: 0, label: 'QoS 0' },
                          { value: 1, label: 'QoS 1' },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                </Row>
                <Row gutter={12}>
                  <Col span={6}>
                    <Form.Item
                      name="intervalSeconds"
                      label={t('fleet.fields.interval')}
                      rules={[{ required: true, type: 'number', min: 1 }]}
                    >
                      <InputNumber min={1} step={1} suffix="s" style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name="jitterPercent" label={t('fleet.fields.jitter')} tooltip={t('fleet.help.jitter')}>
                      <InputNumber min={0} max={100} suffix="%" style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name="rampUpPerSecond" label={t('fleet.fields.rampUp')} tooltip={t('fleet.help.rampUp')}>
                      <InputNumber min={1} max={5000} suffix="/s" style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name="churnPerHour" label={t('fleet.fields.churn')} tooltip={t('fleet.help.churn')}>
                      <InputNumber min={0} max={3600} suffix="/h" style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Typography.Title level={5}>{t('fleet.properties')}</Typography.Title>
                <PropertyTable features={features.props} kindLabel={kindLabel} />
                {features.events.length ? (
                  <>
                    <Typography.Title level={5} style={{ marginTop: 16 }}>
                      {t('fleet.events')}
                    </Typography.Title>
                    <Row gutter={12}>
                      {features.events.map((e, i) => (
                        <Col span={8} key={e.identifier}>
                          <Form.Item name={['events', i, 'identifier']} hidden>
                            <Input />
                          </Form.Item>
                          <Form.Item
                            name={['events', i, 'probability']}
                            label={`${e.name} (${e.identifier})`}
                            tooltip={t('fleet.help.probability')}
                          >
                            <InputNumber min={0} max={1} step={0.01} style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                      ))}
                    </Row>
                  </>
                ) : null}
                <Typography.Title level={5} style={{ marginTop: 8 }}>
                  {t('fleet.ota')}
                </Typography.Title>
                <Row gutter={12} align="bottom">
                  <Col span={6}>
                    <Form.Item name="otaEnabled" valuePropName="checked">
                      <Checkbox>{t('fleet.fields.otaEnabled')}</Checkbox>
                    </Form.Item>
                  </Col>
                  <Col span={9}>
                    <Form.Item name="otaVersion" label={t('fleet.fields.otaVersion')}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col span={9}>
                    <Form.Item name="otaSuccessPercent" label={t('fleet.fields.otaSuccess')}>
                      <InputNumber min={0} max={100} suffix="%" style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Typography.Text type="secondary">{t('fleet.help.jsonMore')}</Typography.Text>
              </Form>
            ),
          },
          {
            key: 'json',
            label: t('fleet.tabJson'),
            children: (
              <>
                <Typography.Paragraph type="secondary">{t('fleet.help.json')}</Typography.Paragraph>
                <Input.TextArea
                  aria-label={t('fleet.tabJson')}
                  value={json}
                  onChange={(e) => setJson(e.target.value)}
                  autoSize={{ minRows: 16, maxRows: 28 }}
                  className="mono"
                  spellCheck={false}
                />
              </>
            ),
          },
        ]}
      />
      {issue ? <Alert type="error" showIcon title={issue} style={{ marginTop: 12 }} /> : null}
      <FormError error={save.error} />
    </Modal>
  )
}

function PropertyTable({
  features,
  kindLabel,
}: {
  features: ReturnType<typeof modelFeatures>['props']
  kindLabel: (k: string) => string
}) {
  const t = useT()
  const form = Form.useFormInstance<ScenarioFormValues>()
  const rows = Form.useWatch('props', form) ?? []
  const field = (i: number, name: keyof PropertyRow, node: React.ReactNode) => (
    <Form.Item name={['props', i, name]} noStyle>
      {node}
    </Form.Item>
  )
  const numberInput = (i: number, name: keyof PropertyRow, label: string, extra: object = {}) =>
    field(i, name, <InputNumber aria-label={label} prefix={label} style={{ width: 132 }} {...extra} />)
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="identifier"
      dataSource={features}
      columns={[
        {
          title: t('fleet.fields.property'),
          render: (_, p) => (
            <>
              {p.name}{' '}
              <Typography.Text
                type="secondary"
                className="mono"
              >{`${p.identifier} · ${p.dataType.type}`}</Typography.Text>
            </>
          ),
        },
        {
          title: t('fleet.fields.generator'),
          width: 170,
          render: (_, p, i) => (
            <>
              <Form.Item name={['props', i, 'identifier']} hidden>
                <Input />
              </Form.Item>
              {field(
                i,
                'kind',
                <Select
                  aria-label={t('fleet.generatorOf', { id: p.identifier })}
                  style={{ width: 160 }}
                  onChange={(kind: string) => {
                    // start a numeric generator from the property's range, whole numbers for int
                    const dt = p.dataType
                    const row = rows[i]
                    if (row?.min === undefined && (dt.type === 'int' || dt.type === 'float' || dt.type === 'double'))
                      form.setFieldValue(['props', i], {
                        ...row,
                        kind,
                        min: dt.specs.min,
                        max: dt.specs.max,
                        decimals: dt.type === 'int' ? 0 : 2,
                      })
                  }}
                  options={[...FORM_KINDS, ...(rows[i]?.kind === 'replay' ? ['replay'] : [])].map((k) => ({
                    value: k,
                    label: kindLabel(k),
                    disabled: k === 'replay',
                  }))}
                />,
              )}
            </>
          ),
        },
        {
          title: t('fleet.fields.parameters'),
          render: (_, _p, i) => {
            const kind = rows[i]?.kind
            if (kind === 'constant') return field(i, 'value', <Input aria-label="value" style={{ width: 200 }} />)
            if (kind === 'enum')
              return field(i, 'values', <Input placeholder={t('fleet.valuesHint')} style={{ width: 200 }} />)
            if (kind === 'bool')
              return numberInput(i, 'trueRatio', t('fleet.fields.trueRatio'), { min: 0, max: 1, step: 0.1 })
            if (kind === 'replay') return <Typography.Text type="secondary">{t('fleet.replayInJson')}</Typography.Text>
            if (!kind || kind === 'off') return null
            return (
              <span style={{ display: 'inline-flex', gap: 6, flexWrap: 'wrap' }}>
                {numberInput(i, 'min', t('fleet.fields.min'))}
                {numberInput(i, 'max', t('fleet.fields.max'))}
                {kind === 'sine'
                  ? numberInput(i, 'periodSeconds', t('fleet.fields.period'), { min: 1, suffix: 's' })
                  : null}
                {kind === 'randomWalk' ? numberInput(i, 'step', t('fleet.fields.step'), { min: 0 }) : null}
                {numberInput(i, 'decimals', t('fleet.fields.decimals'), { min: 0, max: 6 })}
              </span>
            )
          },
        },
      ]}
    />
  )
}
