'use client'

import { DatePicker, Input, InputNumber, Select } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'
import { type DataType, exampleTslValue } from '@/lib/alink'
import type { Draft } from './values'

interface ValueInputProps {
  /** set by a label's htmlFor or by Form.Item, so the label points at the control */
  id?: string
  dataType: DataType
  value?: Draft
  onChange?: (draft: Draft) => void
  disabled?: boolean
  invalid?: boolean
  /**
   * Keep numbers within the data type's range (and ints whole) as they are typed: the simulator, whose virtual
   * device sends only what its thing model allows. Without it any number can be typed, and the check before sending
   * refuses it with the platform's code and message: online debugging, which tries what the platform accepts.
   */
  clamp?: boolean
  'aria-label'?: string
}

/**
 * An input for one thing-model value, by data type: numbers with their unit and step, enum and bool as their named
 * values, text, a date-time picker for dates (sent as UTC milliseconds), JSON for structs and arrays. An empty input
 * is an unset value (undefined): only filled inputs are sent.
 */
export function ValueInput({ id, dataType, value, onChange, disabled, invalid, clamp, ...rest }: ValueInputProps) {
  const t = useT()
  const common = { id, 'aria-label': rest['aria-label'], disabled, status: invalid ? ('error' as const) : undefined }
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double': {
      const { min, max, step, unit } = dataType.specs
      return (
        <InputNumber<number>
          {...common}
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onChange?.(v ?? undefined)}
          {...(clamp ? { min, max, precision: dataType.type === 'int' ? 0 : undefined } : {})}
          step={step ?? (dataType.type === 'int' ? 1 : 0.1)}
          suffix={unit || undefined}
          placeholder={t('thingValue.input.range', { min, max })}
          style={{ width: '100%' }}
        />
      )
    }
    case 'enum':
    case 'bool':
      return (
        <Select<number>
          {...common}
          allowClear
          value={typeof value === 'number' ? value : undefined}
          onChange={(v) => onChange?.(v ?? undefined)}
          options={Object.entries(dataType.specs).map(([k, name]) => ({ value: Number(k), label: `${k} - ${name}` }))}
          placeholder={t('thingValue.input.choose')}
          style={{ width: '100%' }}
        />
      )
    case 'date':
      return (
        <DatePicker
          {...common}
          showTime
          value={typeof value === 'string' && /^\d+$/.test(value.trim()) ? dayjs(Number(value)) : null}
          onChange={(d) => onChange?.(d ? String(d.valueOf()) : undefined)}
          placeholder={t('thingValue.input.date')}
          style={{ width: '100%' }}
        />
      )
    case 'text':
      return (
        <Input
          {...common}
          allowClear
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange?.(e.target.value === '' ? undefined : e.target.value)}
          placeholder={t('thingValue.input.text', { length: dataType.specs.length })}
        />
      )
    case 'struct':
    case 'array':
      return (
        <Input.TextArea
          {...common}
          className="mono"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange?.(e.target.value === '' ? undefined : e.target.value)}
          placeholder={t('thingValue.input.json', {
            type: dataType.type,
            example: JSON.stringify(exampleTslValue(dataType)),
          })}
          autoSize={{ minRows: 2, maxRows: 10 }}
        />
      )
  }
}
