'use client'

import { Typography } from 'antd'
import { formatValue } from '@/lib/format'

/** A JSON value on one line, cut with an ellipsis; the whole value shows on hover. */
export function JsonText({ value, maxWidth = 320 }: { value: unknown; maxWidth?: number }) {
  const text = formatValue(value)
  return (
    <Typography.Text className="mono" style={{ maxWidth }} ellipsis={{ tooltip: text }}>
      {text}
    </Typography.Text>
  )
}
