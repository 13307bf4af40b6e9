'use client'

import { DatePicker, Flex, Input, InputNumber, Select, Switch, Typography } from 'antd'
import dayjs from 'dayjs'
import { useT } from '@/i18n/I18nProvider'
import type { DataType } from '@/lib/alink'
import { type Draft, exampleValue } from './values'

interface ValueInputProps {
  id?: string
  dataType: DataType
  value: Draft
  onChange: (draft: Draft) => void
  disabled?: boolean
  invalid?: boolean
  'aria-label'?: string
}

/**
 * An input for one thing-model value, by data type: numbers with their unit and step, enum and bool choices with
 * their names, text, a date-time picker for dates (sent as UTC milliseconds), JSON for structs and arrays.
 * Ranges are not enforced by the widget: the value is checked against the thing model before it is sent, with the
 * platform's message.
 */
export function ValueInput({ id, dataType, value, onChange, disabled, invalid, ...rest }: ValueInputProps) {
  const t = useT()
  const status = invalid ? 'error' : undefined
  const ariaLabel = rest['aria-label']
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
      return (
        <InputNumber<number>
          id={id}
          aria-label={ariaLabel}
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          step={dataType.specs.step ?? (dataType.type === 'int' ? 1 : 0.1)}
          suffix={dataType.specs.unit}
          placeholder={t('debug.property.placeholder', { type: dataType.type })}
          disabled={disabled}
          status={status}
          style={{ width: '100%' }}
        />
      )
    case 'enum':
      return (
        <Select<number>
          id={id}
          aria-label={ariaLabel}
          allowClear
          value={typeof value === 'number' ? value : undefined}
          onChange={(v) => onChange(v ?? undefined)}
          options={Object.entries(dataType.specs).map(([k, name]) => ({ value: Number(k), label: `${k} - ${name}` }))}
          placeholder={t('debug.property.selectPlaceholder', { type: 'enum' })}
          disabled={disabled}
          status={status}
          style={{ width: '100%' }}
        />
      )
    case 'bool':
      return (
        <Flex gap={8} align="center" style={{ minHeight: 32 }}>
          <Switch
            id={id}
            aria-label={ariaLabel}
            checked={value === 1}
            onChange={(on) => onChange(on ? 1 : 0)}
            checkedChildren={`1 - ${dataType.specs['1']}`}
            unCheckedChildren={`0 - ${dataType.specs['0']}`}
            disabled={disabled}
            style={value === undefined ? { opacity: 0.55 } : undefined}
          />
          {value === undefined ? (
            <Typography.Text type="secondary">{t('debug.property.notSet')}</Typography.Text>
          ) : null}
        </Flex>
      )
    case 'date':
      return (
        <DatePicker
          id={id}
          aria-label={ariaLabel}
          showTime
          value={typeof value === 'string' && /^\d+$/.test(value) ? dayjs(Number(value)) : null}
          onChange={(d) => onChange(d ? String(d.valueOf()) : undefined)}
          placeholder={t('debug.property.datePlaceholder')}
          disabled={disabled}
          status={status}
          style={{ width: '100%' }}
        />
      )
    case 'text':
      return (
        <Input
          id={id}
          aria-label={ariaLabel}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          placeholder={t('debug.property.placeholder', { type: 'text' })}
          disabled={disabled}
          status={status}
        />
      )
    case 'struct':
    case 'array':
      return (
        <Input.TextArea
          id={id}
          aria-label={ariaLabel}
          className="mono"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          placeholder={t('debug.property.jsonPlaceholder', {
            type: dataType.type,
            example: JSON.stringify(exampleValue(dataType)),
          })}
          autoSize={{ minRows: 2, maxRows: 10 }}
          disabled={disabled}
          status={status}
        />
      )
  }
}
