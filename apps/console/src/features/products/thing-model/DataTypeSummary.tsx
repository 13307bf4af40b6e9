'use client'

import { Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { NUMERIC_TYPES, specsOf, type TslDataType } from './tsl'

/** One line saying what values a data type allows: range, step and unit; enum values; text length; … */
export function DataTypeSummary({ dataType }: { dataType: TslDataType | undefined }) {
  const t = useT()
  if (!dataType) return <>-</>
  const s = specsOf(dataType)
  let text: string
  if (NUMERIC_TYPES.includes(dataType.type)) {
    const parts = [t('tsl.summary.range', { min: s.min ?? '-', max: s.max ?? '-' })]
    if (s.step) parts.push(t('tsl.summary.step', { step: s.step }))
    if (s.unit) parts.push(t('tsl.summary.unit', { unit: s.unit }))
    text = parts.join(t('tsl.summary.separator'))
  } else if (dataType.type === 'enum' || dataType.type === 'bool') {
    text = s.entries.map(([k, v]) => `${k} - ${String(v)}`).join(t('tsl.summary.separator'))
  } else if (dataType.type === 'text') {
    text = t('tsl.summary.length', { length: s.length ?? '-' })
  } else if (dataType.type === 'date') {
    text = t('tsl.summary.date')
  } else if (dataType.type === 'struct') {
    text = t('tsl.summary.struct', { fields: s.fields.map((f) => f.identifier).join(', ') || '-' })
  } else if (dataType.type === 'array') {
    text = t('tsl.summary.array', { size: s.size ?? '-', type: s.item?.type ?? '-' })
  } else {
    text = '-'
  }
  return (
    <Typography.Text type="secondary" ellipsis={{ tooltip: text }} style={{ maxWidth: 360 }}>
      {text}
    </Typography.Text>
  )
}
