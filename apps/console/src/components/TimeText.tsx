'use client'

import { Tooltip } from 'antd'
import dayjs from 'dayjs'
import { formatTime } from '@/lib/format'

/** A point in time as `YYYY-MM-DD HH:mm:ss`, with "3 minutes ago" on hover. */
export function TimeText({ value }: { value: Date | string | number | null | undefined }) {
  if (value === null || value === undefined) return <>-</>
  return (
    <Tooltip title={dayjs(value).fromNow()}>
      <span>{formatTime(value)}</span>
    </Tooltip>
  )
}
