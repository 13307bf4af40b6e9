'use client'

import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Input,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import dayjs from 'dayjs'
import { useEffect, useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useMetricText } from '@/features/monitoring/labels'
import { type AlarmLevel, LevelTag } from '@/features/notify/ChannelTags'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { downloadText, toCsv } from '@/lib/csv'
import { errorMessage } from '@/lib/errors'
import { formatTime } from '@/lib/format'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import { type AlarmStatus, type HistoryRow, LEVELS, STATUS_COLOR, STATUSES, useDurationText } from './labels'

type Range = 'h1' | 'd1' | 'd7' | 'custom'
const SPAN: Record<Exclude<Range, 'custom'>, number> = { h1: 3_600_000, d1: 86_400_000, d7: 7 * 86_400_000 }
type Kind = 'threshold' | 'event' | 'watermark' | 'log'
const EXPORT_PAGE = 500
const EXPORT_MAX = 20_000

/** The status of an alarm as a coloured tag. */
export function StatusTag({ status }: { status: string }) {
  const t = useT()
  const s = status as AlarmStatus
  return <Tag color={STATUS_COLOR[s] ?? 'default'}>{STATUSES.includes(s) ? t(`notify.alarmStatus.${s}`) : status}</Tag>
}

/** Alarm history: filters, the table, a drawer with the full message, and CSV export of what the filters match. */
export function HistoryTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const metricText = useMetricText()
  const duration = useDurationText()
  const paging = usePaging()
  const [range, setRange] = useState<Range>('d1')
  const [custom, setCustom] = useState<[number, number]>(() => [Date.now() - 3_600_000, Date.now()])
  // relative ranges end "now": re-anchored on refresh and every 30 s
  const [anchor, setAnchor] = useState(() => Date.now())
  const [ruleName, setRuleName] = useState('')
  const [kind, setKind] = useState<Kind | undefined>()
  const [status, setStatus] = useState<AlarmStatus | undefined>()
  const [level, setLevel] = useState<AlarmLevel | undefined>()
  const [productKey, setProductKey] = useState<string | undefined>()
  const [shown, setShown] = useState<HistoryRow | null>(null)
  const [exporting, setExporting] = useState(false)
  useEffect(() => {
    if (range === 'custom') return
    const id = setInterval(() => setAnchor(Date.now()), 30_000)
    return () => clearInterval(id)
  }, [range])

  const [from, to] = range === 'custom' ? custom : [anchor - SPAN[range], anchor + 60_000]
  const filters = {
    from: new Date(from),
    to: new Date(to),
    ruleName: ruleName || undefined,
    kind,
    status,
    level,
    productKey,
  }
  const list = useQuery({
    ...trpc.alarm.history.queryOptions({ ...filters, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
  })
  const filtered = !!(ruleName || kind || status || level || productKey)
  const changed = () => paging.reset()

  const exportCsv = async () => {
    setExporting(true)
    try {
      const rows: HistoryRow[] = []
      for (let page = 1; rows.length < EXPORT_MAX; page++) {
        const r = await queryClient.fetchQuery(
          trpc.alarm.history.queryOptions({ ...filters, page, pageSize: EXPORT_PAGE }),
        )
        rows.push(...r.items)
        if (r.items.length < EXPORT_PAGE || rows.length >= r.total) break
      }
      const c = (k: keyof typeof colText) => colText[k]
      const colText = {
        time: t('alarm.history.columns.time'),
        rule: t('alarm.history.columns.rule'),
        kind: t('alarm.history.columns.kind'),
        status: t('alarm.history.columns.status'),
        level: t('alarm.history.columns.level'),
        target: t('alarm.history.columns.target'),
        product: t('alarm.history.columns.product'),
        value: t('alarm.history.columns.value'),
        threshold: t('alarm.history.columns.threshold'),
        duration: t('alarm.history.columns.duration'),
        resource: t('alarm.history.columns.resource'),
        message: t('alarm.history.message'),
      }
      const csv = toCsv(
        [
          c('time'),
          c('rule'),
          c('kind'),
          c('status'),
          c('level'),
          c('target'),
          c('product'),
          c('value'),
          c('threshold'),
          `${c('duration')} (s)`,
          c('resource'),
          c('message'),
        ],
        rows.map((h) => [
          formatTime(h.at),
          h.ruleName,
          h.kind,
          h.status,
          h.level,
          h.metric,
          h.productKey,
          h.value,
          h.threshold,
          h.duration,
          h.resource,
          h.message,
        ]),
      )
      downloadText(`alarm-history-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, csv)
      message.success(t('alarm.history.exported', { count: rows.length }))
    } catch (e) {
      message.error(errorMessage(e, t('common.networkError')))
    } finally {
      setExporting(false)
    }
  }

  const columns: TableColumnsType<HistoryRow> = [
    { title: t('alarm.history.columns.time'), dataIndex: 'at', render: (v: Date) => <TimeText value={v} /> },
    {
      title: t('alarm.history.columns.rule'),
      dataIndex: 'ruleName',
      render: (n: string, h) => <Typography.Link onClick={() => setShown(h)}>{n}</Typography.Link>,
    },
    { title: t('alarm.history.columns.kind'), dataIndex: 'kind', render: (k: Kind) => t(`alarm.kind.${k}`) },
    { title: t('alarm.history.columns.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
    {
      title: t('alarm.history.columns.level'),
      dataIndex: 'level',
      render: (l: AlarmLevel) => <LevelTag level={l} />,
    },
    {
      title: t('alarm.history.columns.target'),
      dataIndex: 'metric',
      render: (m: string, h) =>
        h.kind === 'event' ? (
          <Typography.Text code style={{ fontSize: 12 }}>
            {m}
          </Typography.Text>
        ) : h.kind === 'log' ? (
          <Typography.Text title={m}>{m.replace(/^log:/, '')}</Typography.Text>
        ) : (
          <Typography.Text title={m}>{metricText.name(m)}</Typography.Text>
        ),
    },
    { title: t('alarm.history.columns.product'), dataIndex: 'productKey', render: (p: string | null) => p || '-' },
    {
      title: t('alarm.history.columns.value'),
      dataIndex: 'value',
      align: 'right',
      render: (v: number | null) => (v === null ? '-' : Math.round(v * 1000) / 1000),
    },
    {
      title: t('alarm.history.columns.threshold'),
      dataIndex: 'threshold',
      align: 'right',
      render: (v: number | null) => (v === null ? '-' : v),
    },
    {
      title: t('alarm.history.columns.duration'),
      dataIndex: 'duration',
      render: (v: number | null) => duration(v),
    },
    {
      title: t('alarm.history.columns.resource'),
      dataIndex: 'resource',
      render: (r: string | null) =>
        r ? (
          <Typography.Text className="mono" style={{ fontSize: 12, maxWidth: 280 }} ellipsis={{ tooltip: r }}>
            {r}
          </Typography.Text>
        ) : (
          '-'
        ),
    },
    {
      title: t('common.actions'),
      key: 'view',
      render: (_, h) => <Typography.Link onClick={() => setShown(h)}>{t('common.view')}</Typography.Link>,
    },
  ]

  return (
    <>
      <Flex vertical gap={8} style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap align="center" justify="space-between">
          <Space wrap>
            <Segmented<Range>
              value={range}
              onChange={(r) => {
                setRange(r)
                setAnchor(Date.now())
                if (r === 'custom') setCustom([Date.now() - 3_600_000, Date.now()])
                changed()
              }}
              options={[
                { value: 'h1', label: t('alarm.history.h1') },
                { value: 'd1', label: t('alarm.history.d1') },
                { value: 'd7', label: t('alarm.history.d7') },
                { value: 'custom', label: t('alarm.history.custom') },
              ]}
            />
            {range === 'custom' ? (
              <DatePicker.RangePicker
                showTime
                allowClear={false}
                value={[dayjs(custom[0]), dayjs(custom[1])]}
                onChange={(v) => {
                  const [a, b] = v ?? []
                  if (a && b) {
                    setCustom([a.valueOf(), b.valueOf()])
                    changed()
                  }
                }}
              />
            ) : null}
          </Space>
          <Space wrap>
            <Button
              icon={<ReloadOutlined />}
              loading={list.isFetching}
              onClick={() => {
                setAnchor(Date.now())
                void list.refetch()
              }}
            >
              {t('alarm.history.refresh')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} disabled={!list.data?.total} onClick={exportCsv}>
              {t('alarm.history.export')}
            </Button>
          </Space>
        </Flex>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('alarm.history.ruleName')}
            aria-label={t('alarm.history.ruleName')}
            style={{ width: 200 }}
            onSearch={(v) => {
              setRuleName(v.trim())
              changed()
            }}
          />
          <Select
            allowClear
            placeholder={t('alarm.history.anyKind')}
            style={{ width: 150 }}
            value={kind}
            onChange={(v) => {
              setKind(v)
              changed()
            }}
            options={(['threshold', 'event', 'watermark', 'log'] as const).map((k) => ({
              value: k,
              label: t(`alarm.kind.${k}`),
            }))}
          />
          <Select
            allowClear
            placeholder={t('alarm.history.anyStatus')}
            style={{ width: 150 }}
            value={status}
            onChange={(v) => {
              setStatus(v)
              changed()
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`notify.alarmStatus.${s}`) }))}
          />
          <Select
            allowClear
            placeholder={t('alarm.history.anyLevel')}
            style={{ width: 130 }}
            value={level}
            onChange={(v) => {
              setLevel(v)
              changed()
            }}
            options={LEVELS.map((l) => ({ value: l, label: t(`notify.level.${l}`) }))}
          />
          <ProductSelect
            allowClear
            placeholder={t('alarm.history.anyProduct')}
            value={productKey}
            onChange={(v) => {
              setProductKey(v)
              changed()
            }}
          />
        </Space>
      </Flex>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<HistoryRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isPending}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={filtered ? t('common.noMatch') : t('alarm.history.empty')} /> }}
        />
      )}
      <Drawer
        open={shown !== null}
        onClose={() => setShown(null)}
        title={t('alarm.history.detail')}
        size="large"
        destroyOnHidden
      >
        {shown ? (
          <Flex vertical gap={16}>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                { key: 'time', label: t('alarm.history.columns.time'), children: formatTime(shown.at) },
                { key: 'rule', label: t('alarm.history.columns.rule'), children: shown.ruleName },
                {
                  key: 'status',
                  label: t('alarm.history.columns.status'),
                  children: (
                    <Space>
                      <StatusTag status={shown.status} />
                      <LevelTag level={shown.level as AlarmLevel} />
                    </Space>
                  ),
                },
                { key: 'target', label: t('alarm.history.columns.target'), children: shown.metric },
                ...(shown.resource
                  ? [{ key: 'resource', label: t('alarm.history.columns.resource'), children: shown.resource }]
                  : []),
              ]}
            />
            <div>
              <Typography.Title level={5}>{t('alarm.history.message')}</Typography.Title>
              <pre className="mono" data-testid="alarm-message" style={preStyle}>
                {shown.message}
              </pre>
            </div>
            <div>
              <Typography.Title level={5}>{t('alarm.history.json')}</Typography.Title>
              <pre className="mono" data-testid="alarm-details" style={preStyle}>
                {JSON.stringify(shown.details, null, 2)}
              </pre>
            </div>
          </Flex>
        ) : null}
      </Drawer>
    </>
  )
}

const preStyle = {
  whiteSpace: 'pre-wrap' as const,
  wordBreak: 'break-all' as const,
  background: 'var(--ant-color-fill-quaternary)',
  padding: 12,
  borderRadius: 6,
  margin: 0,
  fontSize: 12,
}
