'use client'

import { CheckCircleFilled, CloseCircleFilled, InfoCircleFilled } from '@ant-design/icons'
import { Flex, Typography } from 'antd'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { CodeTag, useCodeDescription } from '@/components/CodeTag'
import type { ValueProblem } from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import { errorAlinkCode, errorMessage } from '@/lib/errors'

/** What an action on the debugging page came to, shown next to it. */
export type Outcome =
  | { kind: 'ok' | 'info'; text: string; traceId?: string | null }
  | { kind: 'error'; code?: number; detail: string }

/** A refused call as an outcome: the platform code (meaning shown by the code's tag) and the server's message. */
export function errorOutcome(error: unknown, fallback: string): Outcome {
  return { kind: 'error', code: errorAlinkCode(error), detail: errorMessage(error, fallback) }
}

/** A value refused before sending, as an outcome with the thing model's code. */
export function useProblemOutcome() {
  const t = useT()
  return (p: ValueProblem): Outcome =>
    p.kind === 'json'
      ? { kind: 'error', detail: t('thingValue.jsonInvalid', { message: p.message }) }
      : { kind: 'error', code: p.code, detail: p.message }
}

export const traceHref = (traceId: string) => `/logs?tab=run&traceId=${encodeURIComponent(traceId)}`

/** One line (or a few): an icon, the code with its meaning for failures, the text, and a link to the trace. */
export function OutcomeText({ outcome, extra }: { outcome: Outcome; extra?: ReactNode }) {
  const t = useT()
  const describe = useCodeDescription()
  if (outcome.kind === 'error') {
    const meaning = outcome.code !== undefined ? describe(outcome.code)?.meaning : undefined
    return (
      <Flex gap={6} align="flex-start" role="alert" style={{ fontSize: 12 }}>
        <CloseCircleFilled style={{ color: 'var(--ant-color-error, #ff4d4f)', marginTop: 3 }} />
        <Flex vertical gap={2} style={{ minWidth: 0 }}>
          {outcome.code !== undefined ? (
            <Flex gap={4} align="center" wrap>
              <CodeTag code={outcome.code} />
              {meaning ? <Typography.Text type="danger">{meaning}</Typography.Text> : null}
            </Flex>
          ) : null}
          <Typography.Text type="danger" style={{ fontSize: 12, wordBreak: 'break-word' }}>
            {outcome.detail}
          </Typography.Text>
          {extra}
        </Flex>
      </Flex>
    )
  }
  const icon =
    outcome.kind === 'ok' ? (
      <CheckCircleFilled style={{ color: 'var(--ant-color-success, #52c41a)', marginTop: 3 }} />
    ) : (
      <InfoCircleFilled style={{ color: 'var(--ant-color-primary, #1677ff)', marginTop: 3 }} />
    )
  return (
    <Flex gap={6} align="flex-start" role="status" style={{ fontSize: 12 }}>
      {icon}
      <Flex vertical gap={2} style={{ minWidth: 0 }}>
        <Typography.Text style={{ fontSize: 12 }}>
          {outcome.text}
          {outcome.traceId ? (
            <>
              {' · '}
              <Link href={traceHref(outcome.traceId)}>{t('debug.viewTrace')}</Link>
            </>
          ) : null}
        </Typography.Text>
        {extra}
      </Flex>
    </Flex>
  )
}
