'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Flex, Form, Input, InputNumber, Radio, Select, Typography } from 'antd'
import { FormModal } from '@/components/FormModal'
import { ProductSelect } from '@/features/products/ProductSelect'
import { ConsumerGroupSelect } from '@/features/subscription/ConsumerGroupSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { basicAggregation, type CardView, type MetricInfo, useMetricText } from './labels'

interface BasicForm {
  dimension: 'all' | 'one'
  productKey?: string
  granularity: 1 | 5
  thresholdMode: 'none' | 'custom'
  threshold?: number | null
}

/**
 * Edits a basic card (reference "编辑基础指标"): the name and aggregation are fixed; the dimension (all products or
 * one; all consumer groups or one), the granularity and, on area charts, a threshold line can change.
 */
export function EditBasicModal({
  card,
  info,
  onClose,
}: {
  card: CardView | null
  info: MetricInfo | undefined
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const text = useMetricText()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const update = useMutation(
    trpc.monitor.updateCard.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.monitor.pathKey() })
        onClose()
      },
    }),
  )
  const area = card?.chart === 'area'
  const instance = !!info?.instance
  // consumer group metrics: a card shows their total or one group's series
  const groups = info?.dimension === 'consumerGroup'

  return (
    <FormModal<BasicForm>
      open={!!card}
      title={t('monitoring.editBasic.title')}
      pending={update.isPending}
      error={update.error}
      width={520}
      initialValues={{
        dimension: card?.productKey ? 'one' : 'all',
        productKey: card?.productKey ?? undefined,
        granularity: card?.granularity ?? 1,
        thresholdMode: card?.threshold != null ? 'custom' : 'none',
        threshold: card?.threshold ?? undefined,
      }}
      onCancel={() => {
        update.reset()
        onClose()
      }}
      onFinish={(v) => {
        if (!card) return
        update.mutate({
          id: card.id,
          ...(instance ? {} : { productKey: v.dimension === 'one' ? (v.productKey ?? null) : null }),
          ...(area ? { granularity: v.granularity } : {}),
          ...(area ? { threshold: v.thresholdMode === 'custom' ? (v.threshold ?? null) : null } : {}),
        })
      }}
    >
      {card ? (
        <>
          <Form.Item label={t('monitoring.editBasic.name')}>
            <Input value={text.name(card.metric)} disabled />
          </Form.Item>
          <Form.Item label={t('monitoring.editBasic.aggregation')}>
            <Input value={t(`monitoring.agg.${basicAggregation(card.unit)}`)} disabled />
          </Form.Item>
          {instance ? (
            <Form.Item label={t('monitoring.editBasic.dimension')}>
              <Typography.Text type="secondary">{t('monitoring.editBasic.instanceOnly')}</Typography.Text>
            </Form.Item>
          ) : (
            <DimensionField groups={groups} />
          )}
          {area ? (
            <>
              <Form.Item name="granularity" label={t('monitoring.editBasic.granularity')}>
                <Select<number>
                  options={[
                    { value: 1, label: t('monitoring.granularity.m1') },
                    { value: 5, label: t('monitoring.granularity.m5') },
                  ]}
                  style={{ width: 160 }}
                />
              </Form.Item>
              <ThresholdField />
            </>
          ) : null}
        </>
      ) : null}
    </FormModal>
  )
}

/** All products or one; for a consumer-group metric, all groups or one. */
function DimensionField({ groups }: { groups: boolean }) {
  const t = useT()
  const form = Form.useFormInstance<BasicForm>()
  const dimension = Form.useWatch('dimension', form)
  return (
    <Form.Item label={t('monitoring.editBasic.dimension')} required>
      <Flex gap={8} wrap align="center">
        <Form.Item name="dimension" noStyle>
          <Radio.Group
            optionType="button"
            options={[
              {
                value: 'all',
                label: t(groups ? 'monitoring.editBasic.allGroups' : 'monitoring.editBasic.allProducts'),
              },
              { value: 'one', label: t(groups ? 'monitoring.editBasic.oneGroup' : 'monitoring.editBasic.oneProduct') },
            ]}
          />
        </Form.Item>
        {dimension === 'one' && groups ? (
          <Form.Item
            name="productKey"
            noStyle
            rules={[{ required: true, message: t('monitoring.editBasic.groupRequired') }]}
          >
            <ConsumerGroupSelect
              ariaLabel={t('monitoring.editBasic.group')}
              placeholder={t('monitoring.editBasic.groupRequired')}
              style={{ width: 240 }}
            />
          </Form.Item>
        ) : dimension === 'one' ? (
          <Form.Item
            name="productKey"
            noStyle
            rules={[{ required: true, message: t('monitoring.property.productRequired') }]}
          >
            <ProductSelect placeholder={t('monitoring.property.productPlaceholder')} />
          </Form.Item>
        ) : null}
      </Flex>
    </Form.Item>
  )
}

function ThresholdField() {
  const t = useT()
  const form = Form.useFormInstance<BasicForm>()
  const mode = Form.useWatch('thresholdMode', form)
  return (
    <Form.Item label={t('monitoring.editBasic.threshold')} extra={t('monitoring.editBasic.thresholdHint')}>
      <Flex gap={8} wrap align="center">
        <Form.Item name="thresholdMode" noStyle>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'none', label: t('monitoring.editBasic.none') },
              { value: 'custom', label: t('monitoring.editBasic.custom') },
            ]}
          />
        </Form.Item>
        {mode === 'custom' ? (
          <Form.Item
            name="threshold"
            noStyle
            rules={[{ required: true, type: 'number', message: t('monitoring.editBasic.thresholdRequired') }]}
          >
            <InputNumber aria-label={t('monitoring.editBasic.threshold')} style={{ width: 160 }} />
          </Form.Item>
        ) : null}
      </Flex>
    </Form.Item>
  )
}
