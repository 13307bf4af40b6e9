'use client'

import { DatePicker, Input, InputNumber, Select } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'
import type { DataType } from '@/lib/alink'
import type { Draft } from './values'

interface PropertyInputProps {
  /** set by Form.Item, so the label points at the control */
  id?: string
  dataType: DataType
  value?: Draft
  onChange?: (v: Draft) => void
  disabled?: boolean
  placeholder?: string
}

/**
 * One thing-model value, typed: numbers with their range, step and unit; enum and bool as their named values; text;
 * a date-time picker for dates (sent as epoch milliseconds); JSON for structs and arrays.
 */
export function PropertyInput({ id, dataType, value, onChange, disabled, placeholder }: PropertyInputProps) {
  const t = useT()
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double': {
      const { min, max, step, unit } = dataType.specs
      return (
        <InputNumber<number>
          id={id}
          value={typeof value === 'number' ? value : undefined}
          onChange={(v) => onChange?.(v ?? undefined)}
          min={min}
          max={max}
          step={step ?? (dataType.type === 'int' ? 1 : 0.1)}
          precision={dataType.type === 'int' ? 0 : undefined}
          disabled={disabled}
          placeholder={placeholder ?? t('simulator.input.range', { min, max })}
          suffix={unit || undefined}
          style={{ width: '100%' }}
        />
      )
    }
    case 'enum':
    case 'bool': {
      const options = Object.entries(dataType.specs).map(([k, name]) => ({ value: Number(k), label: `${k} - ${name}` }))
      return (
        <Select<number>
          id={id}
          allowClear
          value={typeof value === 'number' ? value : undefined}
          onChange={(v) => onChange?.(v ?? undefined)}
          options={options}
          disabled={disabled}
          placeholder={placeholder ?? t('simulator.input.choose')}
          style={{ width: '100%' }}
        />
      )
    }
    case 'text':
      return (
        <Input
          id={id}
          value={typeof value === 'string' ? value : undefined}
          onChange={(e) => onChange?.(e.target.value === '' ? undefined : e.target.value)}
          disabled={disabled}
          placeholder={placeholder ?? t('simulator.input.text', { length: dataType.specs.length })}
          allowClear
        />
      )
    case 'date': {
      const ms = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : null
      return (
        <DatePicker
          id={id}
          showTime
          value={ms === null ? null : dayjs(ms)}
          onChange={(d) => onChange?.(d ? String(d.valueOf()) : undefined)}
          disabled={disabled}
          placeholder={placeholder ?? t('simulator.input.date')}
          style={{ width: '100%' }}
        />
      )
    }
    case 'struct':
    case 'array':
      return (
        <Input.TextArea
          id={id}
          className="mono"
          value={typeof value === 'string' ? value : undefined}
          onChange={(e) => onChange?.(e.target.value === '' ? undefined : e.target.value)}
          disabled={disabled}
          placeholder={
            placeholder ?? t(dataType.type === 'struct' ? 'simulator.input.struct' : 'simulator.input.array')
          }
          autoSize={{ minRows: 2, maxRows: 8 }}
        />
      )
  }
}
