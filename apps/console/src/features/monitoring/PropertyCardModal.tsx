'use client'

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Checkbox, Flex, Form, Input, Radio, Select } from 'antd'
import { FormModal } from '@/components/FormModal'
import { DeviceSelect } from '@/features/devices/DeviceSelect'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useModuleLabel } from '@/features/thing-values/ModuleSelect'
import { useT } from '@/i18n/I18nProvider'
import { DEFAULT_MODULE_ID, qualifyIdentifier, type ThingModel } from '@/lib/alink'
import { useTRPC } from '@/trpc/react'
import { AGGREGATIONS, type Aggregation, type CardView } from './labels'
import { NUMERIC_TYPES, splitIdentifier } from './series'

interface PropertyForm {
  name: string
  productKey?: string
  module: string
  property?: string
  deviceMode: 'all' | 'one'
  deviceName?: string
  aggregations: Aggregation[]
  granularity: 1 | 5
}

const NAME = /^[\p{L}\p{N}_]{1,32}$/u
const MAX_AGGREGATIONS = 3

/** Adds a thing-model metric (a numeric property of a product, for all devices or one), or edits one (`card`). */
export function PropertyCardModal({
  open,
  card,
  onClose,
}: {
  open: boolean
  /** the card to edit; absent to add a new one */
  card?: CardView | null
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.monitor.pathKey() })
    onClose()
  }
  const add = useMutation(
    trpc.monitor.addProperty.mutationOptions({
      onSuccess: async () => {
        message.success(t('monitoring.property.added'))
        await done()
      },
    }),
  )
  const update = useMutation(
    trpc.monitor.updateCard.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await done()
      },
    }),
  )
  const mutation = card ? update : add
  const split = card ? splitIdentifier(card.metric, DEFAULT_MODULE_ID) : null
  const initialValues: PropertyForm = card
    ? {
        name: card.name,
        productKey: card.productKey ?? undefined,
        module: split!.module,
        property: split!.identifier,
        deviceMode: card.deviceName ? 'one' : 'all',
        deviceName: card.deviceName ?? undefined,
        aggregations: card.aggregations,
        granularity: card.granularity,
      }
    : { name: '', module: DEFAULT_MODULE_ID, deviceMode: 'all', aggregations: ['avg'], granularity: 1 }

  return (
    <FormModal<PropertyForm>
      open={open}
      title={t(card ? 'monitoring.property.editTitle' : 'monitoring.property.title')}
      pending={mutation.isPending}
      error={mutation.error}
      initialValues={initialValues}
      width={560}
      onCancel={() => {
        add.reset()
        update.reset()
        onClose()
      }}
      onFinish={(v) => {
        const property = {
          name: v.name.trim(),
          productKey: v.productKey!,
          identifier: qualifyIdentifier(v.module, v.property!),
          deviceName: v.deviceMode === 'one' ? (v.deviceName ?? null) : null,
          aggregations: v.aggregations,
          granularity: v.granularity,
        }
        if (card) update.mutate({ id: card.id, property })
        else add.mutate(property)
      }}
    >
      <PropertyFields />
    </FormModal>
  )
}

function PropertyFields() {
  const t = useT()
  const trpc = useTRPC()
  const form = Form.useFormInstance<PropertyForm>()
  const moduleLabel = useModuleLabel()
  const productKey = Form.useWatch('productKey', form)
  const moduleId = Form.useWatch('module', form) ?? DEFAULT_MODULE_ID
  const deviceMode = Form.useWatch('deviceMode', form)
  const aggregations: Aggregation[] = Form.useWatch('aggregations', form) ?? []
  const product = useQuery(trpc.product.byKey.queryOptions(productKey ? { productKey } : skipToken))
  const model = product.data?.thingModel as ThingModel | undefined
  const modules = model?.modules ?? []
  const numeric = (modules.find((m) => m.identifier === moduleId)?.properties ?? []).filter((p) =>
    NUMERIC_TYPES.includes(p.dataType.type),
  )

  return (
    <>
      <Form.Item
        name="name"
        label={t('monitoring.property.name')}
        extra={t('monitoring.property.nameRule')}
        rules={[{ required: true, pattern: NAME, message: t('monitoring.property.nameRule') }]}
      >
        <Input placeholder={t('monitoring.property.namePlaceholder')} maxLength={32} />
      </Form.Item>
      <Form.Item
        name="productKey"
        label={t('monitoring.property.product')}
        rules={[{ required: true, message: t('monitoring.property.productRequired') }]}
      >
        <ProductSelect
          placeholder={t('monitoring.property.productPlaceholder')}
          onChange={() =>
            form.setFieldsValue({ module: DEFAULT_MODULE_ID, property: undefined, deviceName: undefined })
          }
        />
      </Form.Item>
      <Form.Item label={t('monitoring.property.property')} extra={t('monitoring.property.propertyHint')} required>
        <Flex gap={8}>
          <Form.Item name="module" noStyle>
            <Select<string>
              aria-label={t('thingValue.module')}
              disabled={!productKey}
              onChange={() => form.setFieldsValue({ property: undefined })}
              options={
                modules.length
                  ? modules.map((m) => ({ value: m.identifier, label: moduleLabel(m) }))
                  : [{ value: DEFAULT_MODULE_ID, label: t('tsl.defaultModule') }]
              }
              popupMatchSelectWidth={false}
              style={{ flex: '0 0 40%', minWidth: 0 }}
            />
          </Form.Item>
          <Form.Item
            name="property"
            noStyle
            rules={[{ required: true, message: t('monitoring.property.propertyRequired') }]}
          >
            <Select<string>
              aria-label={t('monitoring.property.property')}
              disabled={!productKey}
              loading={product.isFetching}
              placeholder={t('monitoring.property.propertyPlaceholder')}
              notFoundContent={t('monitoring.property.noNumeric')}
              options={numeric.map((p) => ({ value: p.identifier, label: `${p.name} (${p.identifier})` }))}
              style={{ flex: '1 1 0', minWidth: 0 }}
            />
          </Form.Item>
        </Flex>
      </Form.Item>
      <Form.Item label={t('monitoring.property.device')} required>
        <Flex gap={8} wrap align="center">
          <Form.Item name="deviceMode" noStyle>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'all', label: t('monitoring.property.allDevices') },
                { value: 'one', label: t('monitoring.property.oneDevice') },
              ]}
            />
          </Form.Item>
          {deviceMode === 'one' ? (
            <Form.Item
              name="deviceName"
              noStyle
              rules={[{ required: true, message: t('monitoring.property.deviceRequired') }]}
            >
              <DeviceSelect
                productKey={productKey}
                value={undefined}
                onChange={(d) => form.setFieldsValue({ deviceName: d })}
              />
            </Form.Item>
          ) : null}
        </Flex>
      </Form.Item>
      <Form.Item
        name="aggregations"
        label={t('monitoring.property.aggregations')}
        required
        extra={t('monitoring.property.aggregationsHint')}
        rules={[
          {
            validator: (_, v: Aggregation[] | undefined) =>
              v && v.length >= 1 && v.length <= MAX_AGGREGATIONS
                ? Promise.resolve()
                : Promise.reject(new Error(t('monitoring.property.aggregationsRequired'))),
          },
        ]}
      >
        <Checkbox.Group
          options={AGGREGATIONS.map((a) => ({
            value: a,
            label: t(`monitoring.agg.${a}`),
            disabled: aggregations.length >= MAX_AGGREGATIONS && !aggregations.includes(a),
          }))}
        />
      </Form.Item>
      <Form.Item name="granularity" label={t('monitoring.property.granularity')}>
        <Select<number>
          options={[
            { value: 1, label: t('monitoring.granularity.m1') },
            { value: 5, label: t('monitoring.granularity.m5') },
          ]}
          style={{ width: 160 }}
        />
      </Form.Item>
    </>
  )
}
