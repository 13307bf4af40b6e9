'use client'

import { skipToken, useQuery } from '@tanstack/react-query'
import { Alert, Badge, Empty, Flex, Input, Segmented, Spin, Table, type TableColumnsType, Tag, Typography } from 'antd'
import { useEffect, useMemo, useState } from 'react'
import { CodeWithMeaning, useCodeDescription } from '@/components/CodeTag'
import { EllipsisText } from '@/components/EllipsisText'
import { QueryError } from '@/components/QueryError'
import { type TFunction, useT } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { bizTypeLabel } from '../labels'
import { isBizType, useLogQuery } from '../query'
import { RunLogDrawer } from '../RunLogDrawer'
import { failureReason, type GraphText, traceIndexes } from './graph'
import { TraceGraph } from './TraceGraph'

type Trace = RouterOutputs['runLog']['trace']
type TraceHop = Trace['hops'][number]
type Mode = 'traceId' | 'messageId'

/** Longest id the server accepts (ZTraceInput). */
const ID_MAX = 64
/** The server returns at most this many hops (trace.ts MAX_HOPS). */
const MAX_HOPS = 500

/** A business type's name in the user's language (the graph's node label). */
const moduleName = (t: TFunction, bizType: string) => (isBizType(bizType) ? t(`logs.bizTypes.${bizType}`) : bizType)

/**
 * Message trace (`?tab=trace&traceId=…` or `&messageId=…`): every run-log record a message produced, as a graph
 * of the modules it passed (green handled, red failed, latency on the edges) and as a table below it.
 */
export function MessageTrace() {
  const t = useT()
  const trpc = useTRPC()
  const q = useLogQuery()
  const describe = useCodeDescription()
  const traceId = q.get('traceId')
  const messageId = q.get('messageId')
  const urlMode: Mode | undefined = traceId ? 'traceId' : messageId ? 'messageId' : undefined
  const urlValue = traceId ?? messageId ?? ''

  const [mode, setMode] = useState<Mode>(urlMode ?? 'traceId')
  const [draft, setDraft] = useState(urlValue)
  // the address is the source of truth: a pasted link or "back" shows its trace in the box too
  useEffect(() => {
    if (urlMode) setMode(urlMode)
    setDraft(urlValue)
  }, [urlMode, urlValue])
  const [open, setOpen] = useState<TraceHop | null>(null)

  const input = traceId ? { traceId } : messageId ? { messageId } : null
  const trace = useQuery(trpc.runLog.trace.queryOptions(input ?? skipToken))

  const search = (value: string) => {
    const v = value.trim()
    q.update({ traceId: mode === 'traceId' ? v : undefined, messageId: mode === 'messageId' ? v : undefined })
  }

  const text = useMemo<GraphText>(
    () => ({
      module: (b) => moduleName(t, b),
      meaning: (c) => describe(c)?.meaning ?? null,
      time: (ts) => formatTimeMs(ts),
      latency: (ms) => t('logs.trace.latency', { ms }),
      labels: {
        time: t('logs.fields.ts'),
        device: t('logs.trace.device'),
        operation: t('logs.fields.operation'),
        code: t('logs.fields.code'),
        latency: t('logs.trace.sincePrev'),
        first: t('logs.trace.firstHop'),
        reason: t('logs.trace.reason'),
        traceId: t('logs.fields.traceId'),
      },
      traceChange: t('logs.trace.traceChange'),
    }),
    [t, describe],
  )

  const hops = trace.data?.hops ?? []
  const traceIdx = traceIndexes(hops)
  const multi = (trace.data?.traceIds.length ?? 0) > 1

  const columns: TableColumnsType<TraceHop> = [
    { title: '#', key: 'index', width: 48, render: (_: unknown, _h, i) => i + 1 },
    {
      title: t('logs.trace.result'),
      dataIndex: 'ok',
      width: 90,
      render: (ok: boolean) => (
        <Badge status={ok ? 'success' : 'error'} text={ok ? t('runLog.status.success') : t('runLog.status.failure')} />
      ),
    },
    {
      title: t('logs.fields.ts'),
      dataIndex: 'ts',
      width: 120,
      // a trace spans milliseconds: the time of day is enough here (the summary and the details give the date)
      render: (ts: Date) => (
        <span className="mono" title={formatTimeMs(ts)}>
          {formatTimeMs(ts).slice(11)}
        </span>
      ),
    },
    {
      title: t('logs.trace.module'),
      dataIndex: 'bizType',
      width: 180,
      ellipsis: { showTitle: false },
      render: (b: string) => (
        <Typography.Text ellipsis={{ tooltip: bizTypeLabel(t, b) }}>{bizTypeLabel(t, b)}</Typography.Text>
      ),
    },
    {
      title: t('logs.fields.operation'),
      dataIndex: 'operation',
      ellipsis: { showTitle: false },
      render: (op: string) => <EllipsisText text={op} />,
    },
    {
      title: t('logs.fields.code'),
      dataIndex: 'code',
      width: 200,
      render: (c: number) => <CodeWithMeaning code={c} />,
    },
    {
      title: t('logs.trace.sincePrev'),
      dataIndex: 'sincePrevMs',
      width: 96,
      align: 'right',
      render: (ms: number | null) => (
        <span className="mono">{ms === null ? '-' : t('logs.trace.latency', { ms })}</span>
      ),
    },
    {
      title: t('logs.fields.deviceName'),
      dataIndex: 'deviceName',
      width: 130,
      ellipsis: true,
      render: (n: string | null) => <span className="mono">{n || '-'}</span>,
    },
    ...(multi
      ? [
          {
            title: t('logs.fields.traceId'),
            dataIndex: 'traceId',
            width: 180,
            ellipsis: { showTitle: false },
            render: (id: string, _h: TraceHop, i: number) => (
              <Flex gap={4} align="center" style={{ minWidth: 0 }}>
                <Tag color={traceIdx[i]! % 2 ? 'blue' : 'default'} style={{ marginInlineEnd: 0 }}>
                  {traceIdx[i]! + 1}
                </Tag>
                <Typography.Text className="mono" ellipsis={{ tooltip: id }}>
                  {id}
                </Typography.Text>
              </Flex>
            ),
          },
        ]
      : []),
  ]

  const failed = trace.data?.failedAt ?? null
  const failedHop = failed !== null ? hops[failed] : undefined

  return (
    <Flex vertical gap={16}>
      <Flex gap={8} wrap align="center">
        <Segmented<Mode>
          aria-label={t('logs.trace.searchBy')}
          value={mode}
          onChange={setMode}
          options={[
            { value: 'traceId', label: t('logs.fields.traceId') },
            { value: 'messageId', label: t('logs.fields.messageId') },
          ]}
        />
        <Input.Search
          aria-label={mode === 'traceId' ? t('logs.trace.enterTraceId') : t('logs.trace.enterMessageId')}
          placeholder={mode === 'traceId' ? t('logs.trace.enterTraceId') : t('logs.trace.enterMessageId')}
          className="mono"
          value={draft}
          maxLength={ID_MAX}
          allowClear
          enterButton={t('logs.filters.search')}
          onChange={(e) => setDraft(e.target.value)}
          onSearch={search}
          loading={trace.isFetching}
          style={{ width: 460, maxWidth: '100%' }}
        />
      </Flex>

      {!input ? (
        <Empty description={t('logs.trace.intro')} style={{ padding: '32px 0' }} />
      ) : trace.isError ? (
        <QueryError error={trace.error} onRetry={() => void trace.refetch()} />
      ) : trace.isPending ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      ) : hops.length === 0 ? (
        <Empty
          description={
            traceId
              ? t('logs.trace.notFoundTrace', { id: traceId })
              : t('logs.trace.notFoundMessage', { id: messageId ?? '' })
          }
          style={{ padding: '32px 0' }}
        />
      ) : (
        <>
          <Alert
            type={failedHop ? 'error' : 'success'}
            showIcon
            title={
              failedHop
                ? t('logs.trace.failedAt', {
                    index: (failed ?? 0) + 1,
                    module: moduleName(t, failedHop.bizType),
                    code: failedHop.code,
                  })
                : t('logs.trace.allOk')
            }
            description={
              <Flex vertical gap={2}>
                {failedHop ? (
                  <span>
                    {describe(failedHop.code)?.meaning ?? null}
                    {failureReason(failedHop.content) ? ` · ${failureReason(failedHop.content)}` : null}
                  </span>
                ) : null}
                <span>
                  {t('logs.trace.summary', {
                    start: formatTimeMs(hops[0]!.ts),
                    hops: hops.length,
                    ms: trace.data.totalMs,
                  })}
                  {multi ? ` · ${t('logs.trace.traces', { count: trace.data.traceIds.length })}` : null}
                </span>
              </Flex>
            }
          />
          {hops.length >= MAX_HOPS ? (
            <Alert type="warning" showIcon title={t('logs.trace.truncated', { max: MAX_HOPS })} />
          ) : null}
          <TraceGraph hops={hops} text={text} onHop={(i) => setOpen(hops[i] ?? null)} />
          <Typography.Text type="secondary">
            {multi ? t('logs.trace.legendMulti') : t('logs.trace.legend')}
          </Typography.Text>
          <Table<TraceHop>
            // a fan-out record is several hops with one id: the position in the trace is the key
            rowKey={(h) => String(hops.indexOf(h))}
            size="small"
            columns={columns}
            dataSource={hops}
            pagination={false}
            tableLayout="fixed"
            scroll={{ x: multi ? 1280 : 1100 }}
            onRow={(h) => ({ onClick: () => setOpen(h), style: { cursor: 'pointer' } })}
          />
        </>
      )}
      <RunLogDrawer row={open} onClose={() => setOpen(null)} />
    </Flex>
  )
}
