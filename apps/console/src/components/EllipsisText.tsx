'use client'

import { Typography } from 'antd'

/** One line of monospace text cut with an ellipsis, the whole text on hover (topics, payloads). */
export function EllipsisText({ text, secondary }: { text: string; secondary?: boolean }) {
  return (
    <Typography.Text className="mono" type={secondary ? 'secondary' : undefined} ellipsis={{ tooltip: text }}>
      {text}
    </Typography.Text>
  )
}
