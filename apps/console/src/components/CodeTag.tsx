'use client'

import { Flex, Tag, Tooltip, Typography } from 'antd'
import { useI18n } from '@/i18n/I18nProvider'
import { describeCode } from '@/lib/alink'

const SUCCESS = 200

/** The meaning, cause and fix of a platform status code in the user's language (null for unknown codes). */
export function useCodeDescription() {
  const { locale } = useI18n()
  return (code: number) => describeCode(code, locale) ?? null
}

/** A run-log / reply status code: green for 200, red otherwise, with what the code means on hover. */
export function CodeTag({ code }: { code: number | null | undefined }) {
  const { t } = useI18n()
  const describe = useCodeDescription()
  if (code === null || code === undefined) return <Tag>{t('common.pending')}</Tag>
  const d = describe(code)
  const tag = (
    <Tag color={code === SUCCESS ? 'success' : 'error'} className="mono">
      {code}
    </Tag>
  )
  if (!d) return tag
  return (
    <Tooltip
      title={
        <Flex vertical gap={4}>
          <Typography.Text strong style={{ color: 'inherit' }}>
            {d.meaning}
          </Typography.Text>
          {d.cause ? <span>{t('runLog.cause', { text: d.cause })}</span> : null}
          {d.fix ? <span>{t('runLog.fix', { text: d.fix })}</span> : null}
        </Flex>
      }
    >
      {tag}
    </Tooltip>
  )
}

/** A status code with, for failures, its meaning beside it (table cells of run logs). */
export function CodeWithMeaning({ code }: { code: number }) {
  const describe = useCodeDescription()
  const meaning = code !== SUCCESS ? describe(code)?.meaning : undefined
  return (
    <Flex align="center" gap={4} style={{ minWidth: 0 }}>
      <CodeTag code={code} />
      {meaning ? (
        <Typography.Text type="danger" ellipsis={{ tooltip: meaning }}>
          {meaning}
        </Typography.Text>
      ) : null}
    </Flex>
  )
}
