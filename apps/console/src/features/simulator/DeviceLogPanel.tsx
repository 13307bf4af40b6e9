'use client'

import { ClearOutlined, DownloadOutlined, ExportOutlined } from '@ant-design/icons'
import { Button, Card, Empty, Flex, Segmented, Tag, Tooltip, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { fileStamp } from '@/features/logs/query'
import { useT } from '@/i18n/I18nProvider'
import { downloadNdjson } from '@/lib/csv'
import { formatTimeMs } from '@/lib/format'
import { entryText, KIND_COLOR } from './labels'
import type { DeviceRef, LogRow } from './useSimulator'

type Filter = 'all' | LogRow['kind']

/** 设备端日志: what the virtual device did, sent and received, newest first; clear, download, and the cloud's side. */
export function DeviceLogPanel({
  device,
  rows,
  onClear,
  running,
}: {
  device: DeviceRef
  rows: LogRow[]
  onClear: () => void
  running: boolean
}) {
  const t = useT()
  const [filter, setFilter] = useState<Filter>('all')
  const shown = filter === 'all' ? rows : rows.filter((r) => r.kind === filter)
  const cloudLogs = `/logs?tab=run&productKey=${encodeURIComponent(device.productKey)}&deviceName=${encodeURIComponent(device.deviceName)}`

  const download = () =>
    downloadNdjson(
      `simulator_${device.deviceName}_${fileStamp()}.ndjson`,
      [...rows].reverse().map((r) => ({
        ts: new Date(r.ts).toISOString(),
        session: r.sessionId,
        kind: r.kind,
        event: r.event,
        detail: r.detail,
        code: r.code,
        topic: r.topic,
        qos: r.qos,
        payload: r.payload,
        text: r.text,
      })),
    )

  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <span>{t('simulator.log.title')}</span>
          {running ? <Tag color="processing">{t('simulator.log.live')}</Tag> : null}
        </Flex>
      }
      extra={
        <Link href={cloudLogs} target="_blank">
          <Flex gap={4} align="center">
            {t('simulator.log.cloud')}
            <ExportOutlined />
          </Flex>
        </Link>
      }
      styles={{ body: { padding: 0 } }}
    >
      <Flex justify="space-between" align="center" gap={8} wrap style={{ padding: '8px 12px' }}>
        <Segmented<Filter>
          size="small"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: t('simulator.log.all') },
            { value: 'behavior', label: t('simulator.log.filter.behavior') },
            { value: 'up', label: t('simulator.log.filter.up') },
            { value: 'down', label: t('simulator.log.filter.down') },
          ]}
        />
        <Flex gap={4}>
          <Tooltip title={t('simulator.log.download')}>
            <Button
              size="small"
              icon={<DownloadOutlined />}
              disabled={!rows.length}
              onClick={download}
              aria-label={t('simulator.log.download')}
            />
          </Tooltip>
          <Tooltip title={t('simulator.log.clear')}>
            <Button
              size="small"
              icon={<ClearOutlined />}
              disabled={!rows.length}
              onClick={onClear}
              aria-label={t('simulator.log.clear')}
            />
          </Tooltip>
        </Flex>
      </Flex>
      <div
        data-testid="simulator-log"
        style={{ height: 640, overflowY: 'auto', borderTop: '1px solid rgba(5,5,5,0.06)' }}
        aria-live="polite"
      >
        {shown.length === 0 ? (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t('simulator.log.empty')}
            style={{ marginTop: 48 }}
          />
        ) : (
          shown.map((r) => <LogItem key={r.key} row={r} />)
        )}
      </div>
    </Card>
  )
}

function LogItem({ row }: { row: LogRow }) {
  const t = useT()
  return (
    <div
      className="sim-log-row"
      style={{ padding: '8px 12px', borderBottom: '1px solid rgba(5,5,5,0.06)', fontSize: 13, lineHeight: 1.6 }}
    >
      <Flex gap={8} align="center" wrap>
        <Tag color={KIND_COLOR[row.kind]} style={{ marginInlineEnd: 0 }}>
          {t(`simulator.log.kind.${row.kind}`)}
        </Tag>
        <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
          {formatTimeMs(row.ts)}
        </Typography.Text>
        {row.code !== undefined && row.code !== null && row.event !== 'connack' ? <CodeTag code={row.code} /> : null}
      </Flex>
      <div style={{ marginTop: 2 }}>{entryText(t, row)}</div>
      {row.topic && row.event !== 'answer' ? (
        <div className="mono" style={{ fontSize: 12, wordBreak: 'break-all' }}>
          {row.topic}
        </div>
      ) : null}
      {row.payload !== undefined ? (
        <Typography.Paragraph
          className="mono"
          type="secondary"
          ellipsis={{
            rows: 3,
            expandable: 'collapsible',
            symbol: (e) => t(e ? 'simulator.log.less' : 'simulator.log.more'),
          }}
          style={{ fontSize: 12, marginBottom: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
        >
          {row.payload}
        </Typography.Paragraph>
      ) : null}
      {row.text && row.event !== 'strategy' && row.event !== 'disconnect' ? (
        <div className="mono" style={{ fontSize: 12, wordBreak: 'break-all', color: 'rgba(0,0,0,0.45)' }}>
          {row.text}
        </div>
      ) : null}
    </div>
  )
}
