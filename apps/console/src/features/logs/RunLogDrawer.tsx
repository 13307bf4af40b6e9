'use client'

import { Alert, Descriptions, Drawer, Flex, Typography } from 'antd'
import { CodeTag, useCodeDescription } from '@/components/CodeTag'
import { useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import type { RouterOutputs } from '@/trpc/types'
import { bizTypeLabel, prettyContent } from './labels'
import { TraceLink } from './trace/TraceLink'

export type RunLogRow = RouterOutputs['runLog']['search']['items'][number]

/** Every field of one cloud run-log row, the content as formatted JSON, and what a failure code means. */
export function RunLogDrawer({ row, onClose }: { row: RunLogRow | null; onClose: () => void }) {
  const t = useT()
  const describe = useCodeDescription()
  const d = row && row.code !== 200 ? describe(row.code) : null
  const mono = (v: string | null | undefined) => <span className="mono">{v || '-'}</span>

  return (
    <Drawer open={row !== null} size={720} title={t('logs.detailTitle')} onClose={onClose} destroyOnHidden>
      {row ? (
        <Flex vertical gap={16}>
          {row.code !== 200 ? (
            <Alert
              type="error"
              showIcon
              title={
                <Flex gap={8} align="center">
                  <CodeTag code={row.code} />
                  <span>{d?.meaning ?? row.code}</span>
                </Flex>
              }
              description={
                d ? (
                  <Flex vertical gap={4}>
                    {d.cause ? (
                      <span>
                        <Typography.Text strong>{t('logs.codeCause')}: </Typography.Text>
                        {d.cause}
                      </span>
                    ) : null}
                    {d.fix ? (
                      <span>
                        <Typography.Text strong>{t('logs.codeFix')}: </Typography.Text>
                        {d.fix}
                      </span>
                    ) : null}
                  </Flex>
                ) : undefined
              }
            />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={1}
            styles={{ label: { width: 150 } }}
            items={[
              { key: 'ts', label: t('logs.fields.ts'), children: mono(formatTimeMs(row.ts)) },
              {
                key: 'traceId',
                label: t('logs.fields.traceId'),
                children: (
                  <Flex gap={8} align="center">
                    <Typography.Text className="mono" copyable>
                      {row.traceId}
                    </Typography.Text>
                    <TraceLink traceId={row.traceId} onNavigate={onClose} />
                  </Flex>
                ),
              },
              {
                key: 'messageId',
                label: t('logs.fields.messageId'),
                children: row.messageId ? (
                  <Flex gap={8} align="center">
                    {mono(row.messageId)}
                    <TraceLink messageId={row.messageId} onNavigate={onClose} />
                  </Flex>
                ) : (
                  mono(row.messageId)
                ),
              },
              { key: 'productKey', label: t('logs.fields.productKey'), children: mono(row.productKey) },
              { key: 'deviceName', label: t('logs.fields.deviceName'), children: mono(row.deviceName) },
              { key: 'bizType', label: t('logs.fields.bizType'), children: bizTypeLabel(t, row.bizType) },
              {
                key: 'operation',
                label: t('logs.fields.operation'),
                children: (
                  <span className="mono" style={{ wordBreak: 'break-all' }}>
                    {row.operation}
                  </span>
                ),
              },
              {
                key: 'code',
                label: t('logs.fields.code'),
                children: (
                  <Flex gap={4} align="center" wrap>
                    <CodeTag code={row.code} />
                    {describe(row.code)?.meaning ?? null}
                  </Flex>
                ),
              },
            ]}
          />
          <div>
            <Typography.Text strong>{t('logs.fields.content')}</Typography.Text>
            <pre
              className="mono"
              style={{
                whiteSpace: 'pre-wrap',
                wordBreak: 'break-all',
                margin: '8px 0 0',
                padding: 12,
                background: 'rgba(0, 0, 0, 0.03)',
                borderRadius: 6,
                maxHeight: 480,
                overflow: 'auto',
              }}
            >
              {prettyContent(row.content)}
            </pre>
          </div>
        </Flex>
      ) : null}
    </Drawer>
  )
}
