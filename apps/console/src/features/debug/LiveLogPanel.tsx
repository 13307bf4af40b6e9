'use client'

import { ClearOutlined, DownloadOutlined, FileSearchOutlined } from '@ant-design/icons'
import { skipToken } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import { App, Badge, Button, Card, Dropdown, Empty, Flex, Switch, Tag, Tooltip, Typography } from 'antd'
import Link from 'next/link'
import { useMemo, useState } from 'react'
import { CodeWithMeaning, useCodeDescription } from '@/components/CodeTag'
import { bizTypeLabel, compactContent } from '@/features/logs/labels'
import { fileStamp } from '@/features/logs/query'
import { RunLogDrawer, type RunLogRow } from '@/features/logs/RunLogDrawer'
import { useT } from '@/i18n/I18nProvider'
import { downloadNdjson, downloadText, toCsv } from '@/lib/csv'
import { formatTimeMs } from '@/lib/format'
import { useLiveRows } from '@/lib/live'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type DeviceLogRow = RouterOutputs['deviceLog']['search']['items'][number]

/** One line of the panel: a cloud run-log record or a line of the device's own log. */
type Entry = { key: string; ts: number; id: number } & (
  | { source: 'run'; row: RunLogRow }
  | { source: 'device'; row: DeviceLogRow }
)

const LEVEL_COLOR: Record<string, string> = { FATAL: 'magenta', ERROR: 'red', WARN: 'orange', INFO: 'blue' }
const MAX_ROWS = 500
const LIST_STYLE: React.CSSProperties = { height: 'calc(100vh - 300px)', minHeight: 420, overflowY: 'auto' }
const LINE_STYLE: React.CSSProperties = { padding: '8px 12px', borderBottom: '1px solid rgba(5, 5, 5, 0.06)' }
const CONTENT_STYLE: React.CSSProperties = { fontSize: 12, margin: '4px 0 0', wordBreak: 'break-all' }
const CONTENT_STYLE_RUN: React.CSSProperties = { ...CONTENT_STYLE, cursor: 'pointer' }

const runTraceHref = (traceId: string) => `/logs?tab=run&traceId=${encodeURIComponent(traceId)}`
const deviceTraceHref = (traceId: string) => `/logs?tab=device&traceId=${encodeURIComponent(traceId)}`

function merge(run: RunLogRow[], device: DeviceLogRow[]): Entry[] {
  const entries: Entry[] = [
    ...run.map((row) => ({
      key: `r${row.id}`,
      ts: new Date(row.ts).getTime(),
      id: row.id,
      source: 'run' as const,
      row,
    })),
    ...device.map((row) => ({
      key: `d${row.id}`,
      ts: new Date(row.ts).getTime(),
      id: row.id,
      source: 'device' as const,
      row,
    })),
  ]
  return entries.sort((a, b) => b.ts - a.ts || b.id - a.id)
}

/**
 * The real-time log beside the debugging tabs (reference "实时日志"): every cloud run-log record and device local
 * log line of the device as it is stored, newest first, streamed by the live tails. Pausing freezes the view while
 * records keep arriving; each line opens in full, and links to the log service filtered by its trace.
 */
export function LiveLogPanel({
  productKey,
  deviceName,
  onDeviceRecord,
}: {
  productKey: string
  deviceName: string
  /** called when a device-behaviour record (online, offline, …) arrives, so the page refreshes the device state */
  onDeviceRecord?: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const describe = useCodeDescription()
  // from the moment the device is chosen (the page mounts this panel per device)
  const [since] = useState(() => new Date())
  const run = useLiveRows<RunLogRow>(MAX_ROWS)
  const device = useLiveRows<DeviceLogRow>(MAX_ROWS)
  const [frozen, setFrozen] = useState<Entry[] | null>(null)
  const [open, setOpen] = useState<RunLogRow | null>(null)

  useSubscription(
    trpc.runLog.onTail.subscriptionOptions(productKey ? { productKey, deviceName, since } : skipToken, {
      onData: (e) => {
        run.add(e.data)
        if (e.data.some((r) => r.bizType === 'device')) onDeviceRecord?.()
      },
    }),
  )
  useSubscription(
    trpc.deviceLog.onTail.subscriptionOptions(productKey ? { productKey, deviceName, since } : skipToken, {
      onData: (e) => device.add(e.data),
    }),
  )

  const live = useMemo(() => merge(run.rows, device.rows), [run.rows, device.rows])
  const shown = frozen ?? live
  const held = frozen ? live.filter((e) => e.ts > (frozen[0]?.ts ?? since.getTime())).length : 0

  const clear = () => {
    run.clear()
    device.clear()
    if (frozen) setFrozen([])
  }

  const download = (format: 'csv' | 'ndjson') => {
    const name = `debug_${deviceName}_${fileStamp()}`
    if (format === 'ndjson') {
      downloadNdjson(
        `${name}.ndjson`,
        shown.map((e) => ({ source: e.source, ...e.row, ts: new Date(e.ts).toISOString() })),
      )
    } else {
      const header = [
        t('logs.fields.ts'),
        t('debug.log.source'),
        t('logs.fields.traceId'),
        t('logs.fields.messageId'),
        t('logs.fields.bizType'),
        t('logs.fields.operation'),
        t('logs.fields.code'),
        t('logs.codeMeaning'),
        t('logs.fields.content'),
      ]
      const body = shown.map((e) =>
        e.source === 'run'
          ? [
              formatTimeMs(e.ts),
              t('debug.log.cloud'),
              e.row.traceId,
              e.row.messageId,
              e.row.bizType,
              e.row.operation,
              e.row.code,
              describe(e.row.code)?.meaning,
              e.row.content,
            ]
          : [
              formatTimeMs(e.ts),
              t('debug.log.deviceLog'),
              e.row.traceId,
              null,
              e.row.level,
              e.row.module,
              e.row.code,
              null,
              e.row.content,
            ],
      )
      downloadText(`${name}.csv`, toCsv(header, body))
    }
    message.success(t('logs.exported', { count: shown.length }))
  }

  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <span>{t('debug.log.title')}</span>
          <Badge
            status={frozen ? 'default' : 'processing'}
            text={
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {frozen ? t('debug.log.paused') : t('debug.log.live')}
              </Typography.Text>
            }
          />
        </Flex>
      }
      extra={
        <Flex gap={8} align="center">
          <Flex gap={6} align="center">
            <Switch
              size="small"
              checked={!frozen}
              aria-label={t('debug.log.autoRefresh')}
              onChange={(on) => setFrozen(on ? null : live)}
            />
            <Typography.Text style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
              {t('debug.log.autoRefresh')}
            </Typography.Text>
          </Flex>
          <Tooltip title={t('debug.log.clear')}>
            <Button
              size="small"
              type="text"
              icon={<ClearOutlined />}
              aria-label={t('debug.log.clear')}
              onClick={clear}
            />
          </Tooltip>
          <Dropdown
            disabled={shown.length === 0}
            menu={{
              items: [
                { key: 'csv', label: t('logs.exportCsv'), onClick: () => download('csv') },
                { key: 'ndjson', label: t('logs.exportNdjson'), onClick: () => download('ndjson') },
              ],
            }}
          >
            <Button
              size="small"
              type="text"
              icon={<DownloadOutlined />}
              aria-label={t('debug.log.download')}
              disabled={shown.length === 0}
            />
          </Dropdown>
        </Flex>
      }
      styles={{ body: { padding: 0 } }}
    >
      {frozen && held > 0 ? (
        <Flex justify="center" style={{ padding: '6px 12px', background: 'rgba(22, 119, 255, 0.06)' }}>
          <Typography.Link onClick={() => setFrozen(null)}>{t('debug.log.held', { count: held })}</Typography.Link>
        </Flex>
      ) : null}
      <div role="log" aria-label={t('debug.log.title')} style={LIST_STYLE}>
        {shown.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('debug.log.empty')} style={{ padding: 32 }} />
        ) : (
          shown.map((e) => <LogLine key={e.key} entry={e} onOpen={setOpen} />)
        )}
      </div>
      <Flex justify="space-between" style={{ padding: '6px 12px', borderTop: '1px solid rgba(5, 5, 5, 0.06)' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('debug.log.count', { count: shown.length })}
        </Typography.Text>
        <Link
          href={`/logs?tab=run&productKey=${encodeURIComponent(productKey)}&deviceName=${encodeURIComponent(deviceName)}`}
        >
          {t('logs.searchInLogService')}
        </Link>
      </Flex>
      <RunLogDrawer row={open} onClose={() => setOpen(null)} />
    </Card>
  )
}

function LogLine({ entry, onOpen }: { entry: Entry; onOpen: (row: RunLogRow) => void }) {
  const t = useT()
  const traceId = entry.row.traceId
  const href = traceId ? (entry.source === 'run' ? runTraceHref(traceId) : deviceTraceHref(traceId)) : null
  return (
    <div data-source={entry.source} style={LINE_STYLE}>
      <Flex justify="space-between" align="center" gap={8}>
        <Flex gap={6} align="center" style={{ minWidth: 0 }}>
          <Typography.Text className="mono" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
            {formatTimeMs(entry.row.ts)}
          </Typography.Text>
          {entry.source === 'run' ? (
            <Tag style={{ marginInlineEnd: 0 }}>{bizTypeLabel(t, entry.row.bizType)}</Tag>
          ) : (
            <Tag color={LEVEL_COLOR[entry.row.level] ?? 'default'} style={{ marginInlineEnd: 0 }}>
              {`${t('debug.log.deviceLog')} · ${entry.row.level}`}
            </Tag>
          )}
        </Flex>
        {href ? (
          <Tooltip title={t('debug.log.openTrace')}>
            <Link href={href} aria-label={t('debug.log.openTrace')}>
              <FileSearchOutlined />
            </Link>
          </Tooltip>
        ) : null}
      </Flex>
      <Flex gap={8} align="center" style={{ marginTop: 4, minWidth: 0 }}>
        {entry.source === 'run' ? (
          <CodeWithMeaning code={entry.row.code} />
        ) : entry.row.code ? (
          <Tag className="mono">{entry.row.code}</Tag>
        ) : null}
        <Typography.Text type="secondary" className="mono" ellipsis style={{ fontSize: 12, minWidth: 0 }}>
          {entry.source === 'run' ? entry.row.operation : entry.row.module}
        </Typography.Text>
      </Flex>
      {entry.source === 'run' ? (
        <Typography.Paragraph
          className="mono"
          style={CONTENT_STYLE_RUN}
          ellipsis={{ rows: 2, tooltip: false }}
          onClick={() => onOpen(entry.row)}
          title={t('logs.detailTitle')}
        >
          {compactContent(entry.row.content)}
        </Typography.Paragraph>
      ) : (
        <Typography.Paragraph className="mono" style={CONTENT_STYLE} ellipsis={{ rows: 3, expandable: 'collapsible' }}>
          {entry.row.content}
        </Typography.Paragraph>
      )}
    </div>
  )
}
