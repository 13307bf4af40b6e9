'use client'

import { Typography } from 'antd'
import type { ReactNode } from 'react'
import { useT } from '@/i18n/I18nProvider'

interface CopyTextProps {
  text: string
  /** what to show instead of the text itself (e.g. a masked secret) */
  children?: ReactNode
  mono?: boolean
}

/** A value with a copy button that says "Copy" / "Copied" in the user's language. */
export function CopyText({ text, children, mono = true }: CopyTextProps) {
  const t = useT()
  return (
    <Typography.Text
      className={mono ? 'mono' : undefined}
      copyable={{ text, tooltips: [t('common.copy'), t('common.copied')] }}
    >
      {children ?? text}
    </Typography.Text>
  )
}
