'use client'

import { CaretRightOutlined, DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Dropdown,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd'
import type { TextAreaRef } from 'antd/es/input/TextArea'
import ReactEChartsCore from 'echarts-for-react/esm/core'
import { useMemo, useRef, useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorCode, errorMessage } from '@/lib/errors'
import { formatTime, formatTimeMs } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { asChartSpec, type ChartSpec, type ChartType, chartOption, resolveAxes } from './chart'
import { echarts } from './echarts'
import { type Range, RangeControl, resolveRange } from './RangeControl'

type Result = RouterOutputs['logAnalysis']['run']
type Saved = RouterOutputs['logAnalysis']['saved'][number]

const RUN_LOG_COLUMNS = [
  'ts',
  'id',
  'product_key',
  'device_name',
  'trace_id',
  'message_id',
  'biz_type',
  'operation',
  'code',
  'content',
]
const DEVICE_LOG_COLUMNS = [
  'ts',
  'id',
  'product_key',
  'device_name',
  'utc_time',
  'level',
  'module',
  'code',
  'trace_id',
  'content',
]
const TABLES = [
  { name: 'run_log', columns: RUN_LOG_COLUMNS },
  { name: 'device_log', columns: DEVICE_LOG_COLUMNS },
  { name: 'run_log_dump', columns: RUN_LOG_COLUMNS },
  { name: 'device_log_dump', columns: DEVICE_LOG_COLUMNS },
] as const

const EXAMPLE = `SELECT date_trunc('hour', ts) AS hour, count(*) AS messages
FROM run_log
WHERE ts >= {{from}} AND ts < {{to}}
GROUP BY hour
ORDER BY hour`

/** Ad-hoc SELECTs over the log tables: editor, time range, result as a table and a chart, saved queries. */
export function LogAnalysis() {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const canWrite = useCanWrite()
  const [sql, setSql] = useState(EXAMPLE)
  const [range, setRange] = useState<Range>({ preset: 'h1' })
  const [chart, setChart] = useState<ChartSpec>({ type: 'table' })
  const [current, setCurrent] = useState<{ id: string; name: string } | null>(null)
  const [saveAsOpen, setSaveAsOpen] = useState(false)
  const editor = useRef<TextAreaRef>(null)

  const run = useMutation(trpc.logAnalysis.run.mutationOptions())
  const saved = useQuery(trpc.logAnalysis.saved.queryOptions())
  const invalidateSaved = () => qc.invalidateQueries({ queryKey: trpc.logAnalysis.saved.queryKey() })
  const save = useMutation(
    trpc.logAnalysis.save.mutationOptions({
      onSuccess: (q) => {
        message.success(t('logstore.analysis.savedOk', { name: q.name }))
        setCurrent({ id: q.id, name: q.name })
        setSaveAsOpen(false)
        void invalidateSaved()
      },
    }),
  )
  const remove = useMutation(
    trpc.logAnalysis.delete.mutationOptions({
      onSuccess: (_, v) => {
        const name = saved.data?.find((q) => q.id === v.id)?.name ?? ''
        message.success(t('logstore.analysis.deleted', { name }))
        if (current?.id === v.id) setCurrent(null)
        void invalidateSaved()
      },
      onError: async (e, v) => {
        // a query that log alert rules run is refused: say which rules, in the console's language
        if (errorCode(e) === 'CONFLICT') {
          const rules = await qc
            .fetchQuery(trpc.alarm.rules.queryOptions({ kind: 'log', page: 1, pageSize: 100 }))
            .then((r) => r.items.filter((x) => x.queryId === v.id).map((x) => x.name))
            .catch(() => [] as string[])
          if (rules.length) {
            const name = saved.data?.find((q) => q.id === v.id)?.name ?? ''
            message.error(t('logstore.analysis.inUse', { name, rules: rules.join(t('logstore.analysis.listSep')) }))
            return
          }
        }
        message.error(errorMessage(e, t('logstore.analysis.failed')))
      },
    }),
  )

  const execute = (text = sql) => run.mutate({ sql: text, ...resolveRange(range) })

  const insert = (snippet: string) => {
    const el = editor.current?.resizableTextArea?.textArea
    const at = el ? el.selectionStart : sql.length
    const end = el ? el.selectionEnd : sql.length
    setSql(sql.slice(0, at) + snippet + sql.slice(end))
    requestAnimationFrame(() => {
      el?.focus()
      el?.setSelectionRange(at + snippet.length, at + snippet.length)
    })
  }

  const open = (q: Saved) => {
    setSql(q.sql)
    setChart(asChartSpec(q.chart))
    setCurrent({ id: q.id, name: q.name })
    execute(q.sql)
  }

  const result = run.data
  const refused = run.error && errorCode(run.error) === 'BAD_REQUEST'

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={17}>
        <Flex vertical gap={12}>
          <Typography.Text type="secondary">{t('logstore.analysis.intro')}</Typography.Text>
          <Flex gap={8} wrap align="center" justify="space-between">
            <Flex gap={8} wrap align="center">
              <Dropdown
                menu={{
                  items: [
                    { key: 'from', label: t('logstore.analysis.insertFrom'), onClick: () => insert('{{from}}') },
                    { key: 'to', label: t('logstore.analysis.insertTo'), onClick: () => insert('{{to}}') },
                    {
                      key: 'range',
                      label: t('logstore.analysis.insertRange'),
                      onClick: () => insert('ts >= {{from}} AND ts < {{to}}'),
                    },
                    { type: 'divider' },
                    {
                      key: 'five',
                      label: t('logstore.analysis.insertFiveMin'),
                      onClick: () => insert("date_bin('5 minutes', ts, TIMESTAMPTZ 'epoch')"),
                    },
                    {
                      key: 'hour',
                      label: t('logstore.analysis.insertHour'),
                      onClick: () => insert("date_trunc('hour', ts)"),
                    },
                    {
                      key: 'day',
                      label: t('logstore.analysis.insertDay'),
                      onClick: () => insert("date_trunc('day', ts)"),
                    },
                  ],
                }}
              >
                <Button icon={<PlusOutlined />}>{t('logstore.analysis.insert')}</Button>
              </Dropdown>
              <RangeControl value={range} onChange={setRange} />
            </Flex>
            {current ? <Tag color="blue">{t('logstore.analysis.current', { name: current.name })}</Tag> : null}
          </Flex>
          <Input.TextArea
            ref={editor}
            aria-label={t('logstore.analysis.sql')}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault()
                execute()
              }
            }}
            autoSize={{ minRows: 6, maxRows: 20 }}
            spellCheck={false}
            className="mono"
            style={{ fontFamily: 'var(--font-mono, ui-monospace, SFMono-Regular, Menlo, monospace)', fontSize: 13 }}
          />
          <Flex gap={8} wrap align="center">
            <Button
              type="primary"
              icon={<CaretRightOutlined />}
              loading={run.isPending}
              disabled={!sql.trim()}
              onClick={() => execute()}
            >
              {t('logstore.analysis.run')}
            </Button>
            {current && canWrite ? (
              <Button
                icon={<SaveOutlined />}
                loading={save.isPending && !saveAsOpen}
                onClick={() => save.mutate({ id: current.id, name: current.name, sql, chart })}
              >
                {t('logstore.analysis.save')}
              </Button>
            ) : null}
            {canWrite ? (
              <Button icon={current ? undefined : <SaveOutlined />} onClick={() => setSaveAsOpen(true)}>
                {t('logstore.analysis.saveAs')}
              </Button>
            ) : null}
            {result ? (
              <Typography.Text type="secondary" data-testid="analysis-stats">
                {t('logstore.analysis.stats', { rows: result.rows.length, ms: result.elapsedMs })}
              </Typography.Text>
            ) : null}
            {result?.truncated ? <Tag color="orange">{t('logstore.analysis.truncated')}</Tag> : null}
          </Flex>
          {save.error && !saveAsOpen ? (
            <Alert type="error" showIcon title={errorMessage(save.error, t('logstore.analysis.failed'))} />
          ) : null}
          {run.error ? (
            <Alert
              type="error"
              showIcon
              data-testid="analysis-error"
              title={refused ? t('logstore.analysis.refused') : t('logstore.analysis.failed')}
              description={errorMessage(run.error, t('logstore.analysis.failed'))}
            />
          ) : null}
          <ResultView result={run.error ? undefined : result} chart={chart} onChart={setChart} />
        </Flex>
      </Col>
      <Col xs={24} xl={7}>
        <Flex vertical gap={16}>
          <Card size="small" title={t('logstore.analysis.saved')}>
            <List<Saved>
              size="small"
              loading={saved.isPending}
              dataSource={saved.data ?? []}
              locale={{ emptyText: t('logstore.analysis.savedEmpty') }}
              renderItem={(q) => (
                <List.Item
                  actions={[
                    <Button key="open" type="link" size="small" onClick={() => open(q)}>
                      {t('logstore.analysis.open')}
                    </Button>,
                    ...(canWrite
                      ? [
                          <Popconfirm
                            key="delete"
                            title={t('logstore.analysis.deleteConfirm', { name: q.name })}
                            okText={t('common.ok')}
                            cancelText={t('common.cancel')}
                            onConfirm={() => remove.mutate({ id: q.id })}
                          >
                            <Button
                              type="text"
                              size="small"
                              danger
                              icon={<DeleteOutlined />}
                              aria-label={`${t('common.delete')} ${q.name}`}
                            />
                          </Popconfirm>,
                        ]
                      : []),
                  ]}
                >
                  <Flex vertical style={{ minWidth: 0 }}>
                    <Typography.Text strong ellipsis={{ tooltip: q.name }}>
                      {q.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`logstore.analysis.chartType.${asChartSpec(q.chart).type}`)} · {formatTime(q.updatedAt)}
                    </Typography.Text>
                  </Flex>
                </List.Item>
              )}
            />
          </Card>
          <Card size="small" title={t('logstore.analysis.tables')}>
            <Collapse
              size="small"
              ghost
              items={TABLES.map((tb) => ({
                key: tb.name,
                label: (
                  <Flex vertical>
                    <Typography.Text code>{tb.name}</Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`logstore.analysis.tableHint.${tb.name}`)}
                    </Typography.Text>
                  </Flex>
                ),
                children: (
                  <Flex gap={4} wrap>
                    {tb.columns.map((c) => (
                      <Tag key={c} className="mono" style={{ cursor: 'pointer' }} onClick={() => insert(c)}>
                        {c}
                      </Tag>
                    ))}
                  </Flex>
                ),
              }))}
            />
          </Card>
        </Flex>
      </Col>
      <SaveAsModal
        open={saveAsOpen}
        initialName={current?.name}
        pending={save.isPending}
        error={save.error}
        onCancel={() => {
          save.reset()
          setSaveAsOpen(false)
        }}
        onSave={(name) => save.mutate({ name, sql, chart })}
      />
    </Row>
  )
}

function ResultView({
  result,
  chart,
  onChart,
}: {
  result: Result | undefined
  chart: ChartSpec
  onChart: (c: ChartSpec) => void
}) {
  const t = useT()
  const columns = result?.columns ?? []
  const axes = resolveAxes(chart, columns)
  const option = useMemo(
    () => (result ? chartOption(chart, result.columns, result.rows, (ms) => formatTime(ms)) : null),
    [chart, result],
  )
  if (!result) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('logstore.analysis.noResult')} />
  const rows = result.rows.map((r, i) => ({ key: i, r }))
  return (
    <Flex vertical gap={12}>
      <Flex gap={12} wrap align="center">
        <Typography.Text>{t('logstore.analysis.chart')}</Typography.Text>
        <Segmented<ChartType>
          aria-label={t('logstore.analysis.chart')}
          value={chart.type}
          onChange={(type) => onChart({ ...chart, type })}
          options={(['table', 'line', 'bar', 'pie'] as const).map((v) => ({
            value: v,
            label: t(`logstore.analysis.chartType.${v}`),
          }))}
        />
        {chart.type !== 'table' ? (
          <>
            <Select<string>
              aria-label={t('logstore.analysis.x')}
              placeholder={t('logstore.analysis.x')}
              value={axes.x?.name}
              onChange={(x) => onChart({ ...chart, x })}
              options={columns.map((c) => ({ value: c.name, label: c.name }))}
              style={{ minWidth: 140 }}
              popupMatchSelectWidth={false}
            />
            <Select<string[]>
              mode={chart.type === 'pie' ? undefined : 'multiple'}
              aria-label={t('logstore.analysis.y')}
              placeholder={t('logstore.analysis.y')}
              value={axes.y.map((c) => c.name)}
              onChange={(y) => onChart({ ...chart, y: Array.isArray(y) ? y : [y] })}
              options={columns.filter((c) => c.kind === 'number').map((c) => ({ value: c.name, label: c.name }))}
              style={{ minWidth: 180 }}
              popupMatchSelectWidth={false}
            />
          </>
        ) : null}
      </Flex>
      {chart.type !== 'table' ? (
        option ? (
          result.rows.length ? (
            <div data-testid="analysis-chart">
              <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 340, width: '100%' }} />
            </div>
          ) : null
        ) : (
          <Alert type="warning" showIcon title={t('logstore.analysis.needNumber')} />
        )
      ) : null}
      <Table
        size="small"
        dataSource={rows}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('logstore.analysis.noRows') }}
        columns={columns.map((c, i) => ({
          title: c.name,
          key: `${i}`,
          align: c.kind === 'number' ? ('right' as const) : undefined,
          render: (_: unknown, { r }: { r: unknown[] }) => cell(r[i], c.kind),
        }))}
      />
    </Flex>
  )
}

function cell(v: unknown, kind: 'number' | 'time' | 'text') {
  if (v === null || v === undefined) return <Typography.Text type="secondary">NULL</Typography.Text>
  if (kind === 'time') return <span className="mono">{formatTimeMs(v as Date)}</span>
  if (typeof v === 'object') return <span className="mono">{JSON.stringify(v)}</span>
  const text = String(v)
  return text.length > 200 ? (
    <Typography.Text ellipsis={{ tooltip: text }} style={{ maxWidth: 480 }}>
      {text}
    </Typography.Text>
  ) : (
    text
  )
}

function SaveAsModal(props: {
  open: boolean
  initialName?: string
  pending: boolean
  error: unknown
  onCancel: () => void
  onSave: (name: string) => void
}) {
  const t = useT()
  return (
    <FormModal<{ name: string }>
      open={props.open}
      title={t('logstore.analysis.saveAsTitle')}
      okText={t('logstore.analysis.save')}
      pending={props.pending}
      error={props.error}
      initialValues={{ name: props.initialName ?? '' }}
      onCancel={props.onCancel}
      onFinish={(v) => props.onSave(v.name.trim())}
    >
      <Form.Item
        name="name"
        label={t('logstore.analysis.name')}
        rules={[{ required: true, pattern: /^[\p{L}\p{N}_ -]{1,64}$/u, message: t('logstore.analysis.nameRule') }]}
      >
        <Input maxLength={64} autoFocus />
      </Form.Item>
    </FormModal>
  )
}
