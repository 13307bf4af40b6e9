'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Steps,
  Switch,
  TimePicker,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useMemo, useState } from 'react'
import { FormError } from '@/components/FormError'
import { useMetricCatalogue, useMetricText } from '@/features/monitoring/labels'
import { ProductSelect } from '@/features/products/ProductSelect'
import { ConsumerGroupSelect } from '@/features/subscription/ConsumerGroupSelect'
import { useT } from '@/i18n/I18nProvider'
import { applyFieldErrors } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { ContactGroupSelect } from './ContactGroupSelect'
import { LevelField, SilenceField } from './fields'
import { isRelative, type Level, OPERATORS, type RuleRow, useConditionText } from './labels'

type Op = (typeof OPERATORS)[number]
interface Values {
  metric: string
  dimension: 'all' | 'one'
  productKey?: string
  name: string
  operator: Op
  threshold: number
  periods: 1 | 3 | 5 | 10
  granularity: 1 | 5
  window: [Dayjs, Dayjs]
  silenceSeconds: number
  contactGroupIds: string[]
  level: Level
  noDataAlert: boolean
}
const STEP_ONE: (keyof Values)[] = [
  'metric',
  'dimension',
  'productKey',
  'name',
  'operator',
  'threshold',
  'periods',
  'granularity',
]
const NAME = /^[\p{L}\p{N}_-]{1,64}$/u
const hhmm = (s: string) => dayjs(`2000-01-01T${s}:00`)

/**
 * Creates (`rule === 'new'`) or edits a threshold rule in two steps, as the reference does: first the condition
 * (metric, dimension, name, operator, threshold, periods), then the notification (window, silence, groups, level).
 */
export function ThresholdRuleModal({ rule, onClose }: { rule: RuleRow | 'new'; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const metricText = useMetricText()
  const conditionText = useConditionText()
  const catalogue = useMetricCatalogue()
  const [form] = Form.useForm<Values>()
  const [step, setStep] = useState(0)
  const editing = rule === 'new' ? null : rule
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alarm.pathKey() })
    onClose()
  }
  const onError = (error: unknown) => {
    if (applyFieldErrors(form, error)) {
      const bad = form.getFieldsError().find((f) => f.errors.length)
      if (bad && STEP_ONE.includes(bad.name[0] as keyof Values)) setStep(0)
    }
  }
  const create = useMutation(trpc.alarm.createRule.mutationOptions({ onSuccess: done, onError }))
  const update = useMutation(trpc.alarm.updateRule.mutationOptions({ onSuccess: done, onError }))
  const m = editing ? update : create

  const areaMetrics = useMemo(() => catalogue.list.filter((x) => x.chart === 'area'), [catalogue.list])
  const metricOptions = useMemo(() => {
    const byCategory = new Map<string, typeof areaMetrics>()
    for (const x of areaMetrics) byCategory.set(x.category, [...(byCategory.get(x.category) ?? []), x])
    return [...byCategory].map(([category, list]) => ({
      label: t(`monitoring.category.${category as 'device'}`),
      title: category,
      options: list.map((x) => ({ value: x.code, label: metricText.name(x.code), code: x.code })),
    }))
  }, [areaMetrics, t, metricText])

  const metric = Form.useWatch('metric', form)
  const dimension = Form.useWatch('dimension', form)
  const productKey = Form.useWatch('productKey', form)
  const operator = Form.useWatch('operator', form) ?? '>='
  const threshold = Form.useWatch('threshold', form)
  const periods = Form.useWatch('periods', form)
  const granularity = Form.useWatch('granularity', form)
  const instanceMetric = !!catalogue.byCode.get(metric ?? '')?.instance
  // a consumer group metric's series are groups, not products
  const groupMetric = catalogue.byCode.get(metric ?? '')?.dimension === 'consumerGroup'

  const initialValues: Partial<Values> = editing
    ? {
        metric: editing.metric,
        dimension: editing.productKey ? 'one' : 'all',
        productKey: editing.productKey || undefined,
        name: editing.name,
        operator: editing.operator as Op,
        threshold: editing.threshold,
        periods: editing.periods as Values['periods'],
        granularity: editing.granularity as Values['granularity'],
        window: [hhmm(editing.effectiveFrom), hhmm(editing.effectiveTo)],
        silenceSeconds: editing.silenceSeconds,
        contactGroupIds: editing.contactGroupIds,
        level: editing.level as Level,
        noDataAlert: editing.noDataAlert,
      }
    : {
        dimension: 'all',
        operator: '>=',
        periods: 3,
        granularity: 1,
        window: [hhmm('00:00'), hhmm('23:59')],
        silenceSeconds: 86400,
        contactGroupIds: [],
        level: 'WARNING',
        noDataAlert: false,
      }

  const submit = (v: Values) => {
    const input = {
      kind: 'threshold' as const,
      name: v.name.trim(),
      metric: v.metric,
      productKey: instanceMetric || v.dimension === 'all' ? null : (v.productKey ?? null),
      operator: v.operator,
      threshold: v.threshold,
      periods: v.periods,
      granularity: v.granularity,
      effectiveFrom: v.window[0].format('HH:mm'),
      effectiveTo: v.window[1].format('HH:mm'),
      silenceSeconds: v.silenceSeconds,
      contactGroupIds: v.contactGroupIds,
      level: v.level,
      noDataAlert: v.noDataAlert,
    }
    if (editing) update.mutate({ id: editing.id, rule: input })
    else create.mutate(input)
  }
  const next = () => {
    form
      .validateFields(STEP_ONE)
      .then(() => setStep(1))
      .catch(() => {})
  }

  const dimensionText = instanceMetric
    ? t('alarm.instance')
    : dimension === 'one' && productKey
      ? productKey
      : groupMetric
        ? t('alarm.allConsumerGroups')
        : t('alarm.allProducts')
  const relative = isRelative(operator)
  const stepOne = step === 0
  return (
    <Modal
      open
      width={680}
      title={editing ? t('alarm.form.editTitle', { name: editing.name }) : t('alarm.form.createTitle')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          {stepOne ? (
            <Button type="primary" onClick={next}>
              {t('alarm.form.next')}
            </Button>
          ) : (
            <>
              <Button onClick={() => setStep(0)}>{t('alarm.form.previous')}</Button>
              <Button type="primary" loading={m.isPending} onClick={() => form.submit()}>
                {editing ? t('common.save') : t('common.create')}
              </Button>
            </>
          )}
        </Space>
      }
    >
      <Steps
        size="small"
        current={step}
        style={{ margin: '8px 0 20px' }}
        items={[{ title: t('alarm.form.stepCondition') }, { title: t('alarm.form.stepNotify') }]}
      />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={submit}
        // a product chosen for one metric is no consumer group for another (and the other way round)
        onValuesChange={(changed: Partial<Values>) => {
          if ('metric' in changed) form.setFieldValue('productKey', undefined)
        }}
      >
        <div style={{ display: stepOne ? undefined : 'none' }}>
          <Form.Item
            name="metric"
            label={t('alarm.form.metric')}
            extra={t('alarm.form.metricHint')}
            rules={[{ required: true, message: t('alarm.form.metricRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={catalogue.query.isPending}
              options={metricOptions}
              optionRender={(o) => (
                <span>
                  {o.label}
                  <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                    {(o.data as { code?: string }).code}
                  </Typography.Text>
                </span>
              )}
            />
          </Form.Item>
          <Form.Item
            name="dimension"
            label={t('alarm.form.dimension')}
            extra={
              instanceMetric
                ? t('alarm.form.dimensionInstance')
                : dimension === 'all'
                  ? t(groupMetric ? 'alarm.form.dimensionAllGroupsHint' : 'alarm.form.dimensionAllHint')
                  : undefined
            }
          >
            <Radio.Group
              disabled={instanceMetric}
              options={[
                { value: 'all', label: t(groupMetric ? 'alarm.form.dimensionAllGroups' : 'alarm.form.dimensionAll') },
                { value: 'one', label: t(groupMetric ? 'alarm.form.dimensionOneGroup' : 'alarm.form.dimensionOne') },
              ]}
              optionType="button"
            />
          </Form.Item>
          {dimension === 'one' && groupMetric ? (
            <Form.Item
              name="productKey"
              label={t('alarm.form.consumerGroup')}
              rules={[{ required: true, message: t('alarm.form.consumerGroupRequired') }]}
            >
              <ConsumerGroupSelect placeholder={t('alarm.form.consumerGroupRequired')} style={{ width: 320 }} />
            </Form.Item>
          ) : dimension === 'one' && !instanceMetric ? (
            <Form.Item
              name="productKey"
              label={t('alarm.form.product')}
              rules={[{ required: true, message: t('alarm.form.productRequired') }]}
            >
              <ProductSelect placeholder={t('alarm.form.productRequired')} style={{ width: 320 }} />
            </Form.Item>
          ) : null}
          <Form.Item
            name="name"
            label={t('alarm.form.name')}
            rules={[
              {
                required: true,
                validator: async (_, v: string | undefined) => {
                  if (!NAME.test(v?.trim() ?? '')) throw new Error(t('alarm.form.nameRule'))
                },
              },
            ]}
          >
            <Input maxLength={64} placeholder={t('alarm.form.namePlaceholder')} />
          </Form.Item>
          <Space wrap align="start" size={12}>
            <Form.Item label={t('alarm.form.statistic')}>
              <Select
                value="count"
                disabled
                style={{ width: 100 }}
                options={[{ value: 'count', label: t('alarm.form.count') }]}
              />
            </Form.Item>
            <Form.Item name="operator" label={t('alarm.form.operator')}>
              <Select
                style={{ width: 280 }}
                options={[
                  {
                    label: t('alarm.operatorGroup.absolute'),
                    title: 'absolute',
                    options: OPERATORS.filter((o) => !isRelative(o)).map((o) => ({ value: o, label: o })),
                  },
                  {
                    label: t('alarm.operatorGroup.relative'),
                    title: 'relative',
                    options: OPERATORS.filter(isRelative).map((o) => ({ value: o, label: t(`alarm.operator.${o}`) })),
                  },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="threshold"
              label={relative ? t('alarm.form.thresholdPercent') : t('alarm.form.threshold')}
              rules={[{ required: true, message: t('alarm.form.thresholdRequired') }]}
            >
              <InputNumber style={{ width: 160 }} min={relative ? 0 : undefined} suffix={relative ? '%' : undefined} />
            </Form.Item>
          </Space>
          <Space wrap align="start" size={12}>
            <Form.Item name="periods" label={t('alarm.form.periods')} tooltip={t('alarm.form.periodsHint')}>
              <Select style={{ width: 140 }} options={[1, 3, 5, 10].map((n) => ({ value: n, label: String(n) }))} />
            </Form.Item>
            <Form.Item name="granularity" label={t('alarm.form.granularity')} tooltip={t('alarm.form.granularityHint')}>
              <Select
                style={{ width: 160 }}
                options={[1, 5].map((n) => ({
                  value: n,
                  label: t(n === 1 ? 'monitoring.granularity.m1' : 'monitoring.granularity.m5'),
                }))}
              />
            </Form.Item>
          </Space>
          {metric && threshold !== undefined && threshold !== null ? (
            <Alert
              type="info"
              showIcon
              title={t('alarm.form.summary', {
                metric: metricText.name(metric),
                condition: conditionText({ operator, threshold, periods: periods ?? 1, granularity: granularity ?? 1 }),
                dimension: dimensionText,
              })}
            />
          ) : null}
        </div>
        <div style={{ display: stepOne ? 'none' : undefined }}>
          <Form.Item
            name="window"
            label={t('alarm.form.effective')}
            extra={t('alarm.form.effectiveHint')}
            rules={[{ required: true, message: t('alarm.form.effectiveRequired') }]}
          >
            <TimePicker.RangePicker format="HH:mm" order={false} allowClear={false} />
          </Form.Item>
          <SilenceField />
          <Form.Item
            name="contactGroupIds"
            label={t('alarm.form.groups')}
            extra={t('alarm.form.groupsHint')}
            rules={[{ required: true, type: 'array', min: 1, message: t('alarm.form.groupsRequired') }]}
          >
            <ContactGroupSelect />
          </Form.Item>
          <LevelField />
          <Form.Item
            name="noDataAlert"
            label={t('alarm.form.noData')}
            extra={t('alarm.form.noDataHint')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          <FormError error={m.error} />
        </div>
      </Form>
    </Modal>
  )
}
