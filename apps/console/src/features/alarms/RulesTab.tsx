'use client'

import { PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { useMetricCatalogue, useMetricText, useSeriesName } from '@/features/monitoring/labels'
import { type AlarmLevel, LevelTag } from '@/features/notify/ChannelTags'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import { EventRuleModal } from './EventRuleModal'
import { LogRuleModal } from './LogRuleModal'
import { type RuleRow, useConditionText } from './labels'
import { ThresholdRuleModal } from './ThresholdRuleModal'

/** Counts of the rule's per-product states: "1 alarming / 2 OK / 1 no data". */
export function StateSummary({ rule }: { rule: RuleRow }) {
  const t = useT()
  if (rule.kind === 'event') return <Typography.Text type="secondary">{t('alarm.rules.state.events')}</Typography.Text>
  if (!rule.enabled || rule.states.length === 0)
    return <Typography.Text type="secondary">{t('alarm.rules.state.none')}</Typography.Text>
  const n = (s: string) => rule.states.filter((x) => x.state === s).length
  const [alarm, ok, noData] = [n('ALARM'), n('OK'), n('NO_DATA')]
  return (
    <Flex gap={4} wrap>
      {alarm ? <Tag color="red">{t('alarm.rules.state.alarm', { n: alarm })}</Tag> : null}
      {ok ? <Tag color="green">{t('alarm.rules.state.ok', { n: ok })}</Tag> : null}
      {noData ? <Tag>{t('alarm.rules.state.noData', { n: noData })}</Tag> : null}
    </Flex>
  )
}

/** The saved query a log rule runs, by name (or a note that it was deleted). */
function LogRuleQuery({ queryId }: { queryId: string | null }) {
  const t = useT()
  const trpc = useTRPC()
  const saved = useQuery({ ...trpc.logAnalysis.saved.queryOptions(), staleTime: 60_000 })
  const q = saved.data?.find((x) => x.id === queryId)
  return (
    <Flex vertical style={{ maxWidth: 220, whiteSpace: 'normal' }}>
      <span>{q ? q.name : saved.isPending ? '…' : t('alarm.log.queryDeleted')}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('alarm.log.target')}
      </Typography.Text>
    </Flex>
  )
}

/** What a rule watches: the metric's name and code, its events, or its saved log query. */
export function RuleTarget({ rule }: { rule: RuleRow }) {
  const t = useT()
  const metricText = useMetricText()
  if (rule.kind === 'log') return <LogRuleQuery queryId={rule.queryId} />
  if (rule.kind === 'event') {
    if (rule.events.length === 0) return <>{t('alarm.allEvents')}</>
    return (
      <Flex vertical gap={2}>
        {rule.events.map((e) => (
          <Typography.Text key={e} code style={{ fontSize: 12 }}>
            {e}
          </Typography.Text>
        ))}
      </Flex>
    )
  }
  return (
    <Flex vertical style={{ maxWidth: 220, whiteSpace: 'normal' }}>
      <span>{metricText.name(rule.metric)}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {rule.metric}
      </Typography.Text>
    </Flex>
  )
}

/** The rules list: filters, table with state and switch, and the create/edit dialogs. */
export function RulesTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const conditionText = useConditionText()
  const catalogue = useMetricCatalogue()
  const seriesName = useSeriesName()
  const paging = usePaging()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<'threshold' | 'event' | 'log' | undefined>()
  const [enabled, setEnabled] = useState<boolean | undefined>()
  const [threshold, setThreshold] = useState<RuleRow | 'new' | null>(null)
  const [event, setEvent] = useState<RuleRow | 'new' | null>(null)
  const [logRule, setLogRule] = useState<RuleRow | 'new' | null>(null)
  const list = useQuery({
    ...trpc.alarm.rules.queryOptions({
      page: paging.page,
      pageSize: paging.pageSize,
      name: name || undefined,
      kind,
      enabled,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alarm.pathKey() })
  const onError = (error: unknown) => message.error(errorMessage(error, t('common.networkError')))
  const toggle = useMutation(
    trpc.alarm.setEnabled.mutationOptions({
      onSuccess: async (r) => {
        message.success(t(r.enabled ? 'alarm.rules.enabledNow' : 'alarm.rules.disabledNow', { name: r.name }))
        await invalidate()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.alarm.deleteRule.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError,
    }),
  )
  const filtered = !!(name || kind || enabled !== undefined)

  const columns: TableColumnsType<RuleRow> = [
    {
      title: t('alarm.rules.columns.name'),
      dataIndex: 'name',
      render: (n: string) => (
        <Typography.Text strong style={{ maxWidth: 200 }} ellipsis={{ tooltip: n }}>
          {n}
        </Typography.Text>
      ),
    },
    {
      title: t('alarm.rules.columns.kind'),
      dataIndex: 'kind',
      render: (k: RuleRow['kind'], r) => t(`alarm.kind.${r.name.startsWith('watermark_') ? 'watermark' : k}`),
    },
    { title: t('alarm.rules.columns.target'), key: 'target', render: (_, r) => <RuleTarget rule={r} /> },
    {
      title: t('alarm.rules.columns.dimension'),
      key: 'dimension',
      render: (_, r) =>
        r.kind === 'event' || r.kind === 'log'
          ? '-'
          : r.productKey === ''
            ? t('alarm.instance')
            : seriesName(catalogue.byCode.get(r.metric), r.productKey),
    },
    {
      title: t('alarm.rules.columns.condition'),
      key: 'condition',
      render: (_, r) =>
        r.kind === 'event' ? (
          '-'
        ) : (
          <div style={{ maxWidth: 220, whiteSpace: 'normal' }}>
            {r.kind === 'log'
              ? t('alarm.log.condition', {
                  op: r.operator,
                  threshold: r.threshold,
                  periods: r.periods,
                  granularity: r.granularity,
                })
              : conditionText(r)}
          </div>
        ),
    },
    {
      title: t('alarm.rules.columns.level'),
      dataIndex: 'level',
      render: (l: AlarmLevel) => <LevelTag level={l} />,
    },
    { title: t('alarm.rules.columns.state'), key: 'state', render: (_, r) => <StateSummary rule={r} /> },
    {
      title: t('alarm.rules.columns.enabled'),
      dataIndex: 'enabled',
      render: (on: boolean, r) => (
        <Switch
          size="small"
          checked={on}
          disabled={!writable}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          aria-label={t('alarm.rules.toggle', { name: r.name })}
          onChange={(v) => toggle.mutate({ id: r.id, enabled: v })}
        />
      ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r: RuleRow) => (
              <Space>
                <Typography.Link
                  onClick={() =>
                    r.kind === 'event' ? setEvent(r) : r.kind === 'log' ? setLogRule(r) : setThreshold(r)
                  }
                >
                  {t('common.edit')}
                </Typography.Link>
                <Popconfirm
                  title={t('alarm.rules.deleteConfirm', { name: r.name })}
                  description={t('alarm.rules.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync({ id: r.id }).catch(() => {})}
                >
                  <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ]

  return (
    <>
      <Flex justify="space-between" gap={8} style={{ marginBottom: 12 }} wrap>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('alarm.rules.searchName')}
            style={{ width: 220 }}
            onSearch={(v) => {
              setName(v.trim())
              paging.reset()
            }}
          />
          <Select
            allowClear
            placeholder={t('alarm.rules.anyKind')}
            style={{ width: 160 }}
            value={kind}
            onChange={(v) => {
              setKind(v)
              paging.reset()
            }}
            options={[
              { value: 'threshold', label: t('alarm.kind.threshold') },
              { value: 'event', label: t('alarm.kind.event') },
              { value: 'log', label: t('alarm.kind.log') },
            ]}
          />
          <Select
            allowClear
            placeholder={t('alarm.rules.anyEnabled')}
            style={{ width: 160 }}
            value={enabled === undefined ? undefined : String(enabled)}
            onChange={(v: string | undefined) => {
              setEnabled(v === undefined ? undefined : v === 'true')
              paging.reset()
            }}
            options={[
              { value: 'true', label: t('alarm.rules.onlyEnabled') },
              { value: 'false', label: t('alarm.rules.onlyDisabled') },
            ]}
          />
        </Space>
        {writable ? (
          <Space wrap>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setThreshold('new')}>
              {t('alarm.rules.createThreshold')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setEvent('new')}>
              {t('alarm.rules.createEvent')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setLogRule('new')}>
              {t('alarm.rules.createLog')}
            </Button>
          </Space>
        ) : null}
      </Flex>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<RuleRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isPending}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={filtered ? t('common.noMatch') : t('alarm.rules.empty')} /> }}
        />
      )}
      {threshold ? <ThresholdRuleModal rule={threshold} onClose={() => setThreshold(null)} /> : null}
      <EventRuleModal rule={event} onClose={() => setEvent(null)} />
      <LogRuleModal rule={logRule} onClose={() => setLogRule(null)} />
    </>
  )
}
