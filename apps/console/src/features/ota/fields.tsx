'use client'

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import { Button, Flex, Form, Input, InputNumber, Radio, Select } from 'antd'
import { useState } from 'react'
import { StatusDot } from '@/components/StatusBadge'
import { useT } from '@/i18n/I18nProvider'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import { OTA_TIMEOUT_MINUTES, ZOtaTag } from './rules'

/** Several devices of a product, searched on the server by name (the verify dialog's test devices, targeted scope). */
export function DeviceMultiSelect({
  id,
  productKey,
  value,
  onChange,
  max,
}: {
  id?: string
  productKey: string | undefined
  value?: string[]
  onChange?: (names: string[]) => void
  max?: number
}) {
  const t = useT()
  const trpc = useTRPC()
  const [search, setSearch] = useState('')
  const list = useQuery({
    ...trpc.device.list.queryOptions(
      productKey ? { productKey, page: 1, pageSize: 50, search: search || undefined } : skipToken,
    ),
    placeholderData: keepPreviousData,
  })
  const options = (list.data?.items ?? []).map((d) => ({
    value: d.deviceName,
    label: (
      <Flex gap={6} align="center">
        <StatusDot status={d.status} />
        <span className="mono">{d.deviceName}</span>
      </Flex>
    ),
  }))
  return (
    <Select<string[]>
      id={id}
      mode="multiple"
      value={value}
      onChange={(v) => onChange?.(v)}
      showSearch={{ filterOption: false, onSearch: (s) => setSearch(s.trim()) }}
      onBlur={() => setSearch('')}
      maxCount={max}
      disabled={!productKey}
      placeholder={t('device.picker.placeholder')}
      loading={list.isFetching}
      options={options}
      notFoundContent={list.isPending ? null : t('device.picker.noMatch')}
      style={{ width: '100%' }}
    />
  )
}

/** Batch tags pushed to devices in extData (ref §8.2.2 / §8.2.3): key/value pairs. */
export function TagsField({ name = 'tags' }: { name?: string }) {
  const t = useT()
  return (
    <Form.Item label={t('ota.fields.tags')} tooltip={t('ota.help.tags')}>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <Flex vertical gap={8}>
            {fields.map((field) => (
              <Flex key={field.key} gap={8} align="baseline">
                <Form.Item
                  name={[field.name, 'key']}
                  noStyle
                  rules={[zodRule(ZOtaTag.shape.key, t('ota.rules.tagKey'))]}
                >
                  <Input placeholder={t('ota.tags.key')} aria-label={t('ota.tags.key')} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'value']}
                  noStyle
                  rules={[zodRule(ZOtaTag.shape.value, t('ota.rules.tagValue'))]}
                >
                  <Input placeholder={t('ota.tags.value')} aria-label={t('ota.tags.value')} style={{ width: 220 }} />
                </Form.Item>
                <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
              </Flex>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })}>
              {t('ota.tags.add')}
            </Button>
          </Flex>
        )}
      </Form.List>
    </Form.Item>
  )
}

/** Yes / no as radio buttons (the reference's 是 / 否 settings). */
export function YesNo({ value, onChange }: { value?: boolean; onChange?: (v: boolean) => void }) {
  const t = useT()
  return (
    <Radio.Group
      value={value}
      onChange={(e) => onChange?.(e.target.value as boolean)}
      options={[
        { value: true, label: t('ota.yes') },
        { value: false, label: t('ota.no') },
      ]}
    />
  )
}

/** Cloud push, app confirm, download protocol and device timeout: shared by the verify dialog and the wizard. */
export function DeliveryFields({ timeoutRequired }: { timeoutRequired?: boolean }) {
  const t = useT()
  return (
    <>
      <Form.Item name="push" label={t('ota.fields.push')} tooltip={t('ota.help.push')} required>
        <YesNo />
      </Form.Item>
      <Form.Item name="needConfirm" label={t('ota.fields.needConfirm')} tooltip={t('ota.help.needConfirm')} required>
        <YesNo />
      </Form.Item>
      <Form.Item
        name="downloadProtocol"
        label={t('ota.fields.downloadProtocol')}
        tooltip={t('ota.help.downloadProtocol')}
        required
      >
        <Select
          options={[
            { value: 'HTTPS', label: 'HTTPS' },
            { value: 'MQTT', label: 'MQTT' },
          ]}
          style={{ width: 160 }}
        />
      </Form.Item>
      <Form.Item
        name="timeoutMinutes"
        label={t('ota.fields.timeout')}
        tooltip={t('ota.help.timeout')}
        rules={[
          ...(timeoutRequired ? [{ required: true, message: t('ota.rules.timeout') }] : []),
          {
            type: 'integer',
            min: OTA_TIMEOUT_MINUTES.min,
            max: OTA_TIMEOUT_MINUTES.max,
            message: t('ota.rules.timeout'),
          },
        ]}
      >
        <InputNumber min={OTA_TIMEOUT_MINUTES.min} max={OTA_TIMEOUT_MINUTES.max} precision={0} style={{ width: 160 }} />
      </Form.Item>
    </>
  )
}

/** Tags from the form, without rows left empty. */
export function cleanTags(tags: { key?: string; value?: string }[] | undefined) {
  const list = (tags ?? []).filter((x) => x.key && x.value) as { key: string; value: string }[]
  return list.length ? list : undefined
}
