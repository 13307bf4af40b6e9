'use client'

import { ApartmentOutlined } from '@ant-design/icons'
import { Tooltip } from 'antd'
import Link from 'next/link'
import { useT } from '@/i18n/I18nProvider'
import { traceHref } from './href'

/**
 * A small icon link to the message trace of a TraceId or MessageId, for log rows and details; it does not let the
 * click reach the row (which opens the row's details).
 */
export function TraceLink(props: ({ traceId: string } | { messageId: string }) & { onNavigate?: () => void }) {
  const t = useT()
  const target = 'traceId' in props ? { traceId: props.traceId } : { messageId: props.messageId }
  return (
    <Tooltip title={t('logs.trace.open')}>
      <Link
        href={traceHref(target)}
        aria-label={t('logs.trace.open')}
        onClick={(e) => {
          e.stopPropagation()
          props.onNavigate?.()
        }}
        style={{ flex: 'none', lineHeight: 1 }}
      >
        <ApartmentOutlined />
      </Link>
    </Tooltip>
  )
}
