'use client'

import { DeleteOutlined, EditOutlined, PlayCircleOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons'
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useSubscription } from '@trpc/tanstack-react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Popconfirm,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { CodeWithMeaning } from '@/components/CodeTag'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import type { MessageKey } from '@/i18n/translate'
import type { ThingModel } from '@/lib/alink'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ScenarioEditor } from './ScenarioEditor'
import { FLEET_MAX_DEVICES, newScenario } from './scenarioForm'

type Run = RouterOutputs['fleet']['runs'][number]

/**
 * Fleet simulation: up to 10,000 virtual devices of a product on this node, driven by a saved scenario, each
 * through the whole device pipeline. Live counters arrive once a second.
 */
export function FleetPanel() {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const [productKey, setProductKey] = useState<string>()
  const [scenarioId, setScenarioId] = useState<string>()
  const [editor, setEditor] = useState<'new' | 'edit' | null>(null)
  const [runs, setRuns] = useState<Run[]>([])

  const product = useQuery(trpc.product.byKey.queryOptions(productKey ? { productKey } : skipToken))
  const model = product.data?.thingModel as ThingModel | undefined
  const scenarios = useQuery(trpc.fleet.scenarios.queryOptions(productKey ? { productKey } : skipToken))
  const chosen = scenarios.data?.find((s) => s.id === scenarioId)
  const passthrough = product.data && product.data.dataFormat !== 'ALINK_JSON'

  useSubscription(
    trpc.fleet.onRuns.subscriptionOptions(productKey ? { productKey } : {}, { onData: (list) => setRuns(list) }),
  )

  const start = useMutation(
    trpc.fleet.start.mutationOptions({
      onSuccess: (r) =>
        message.success(r.created ? t('fleet.startedCreated', { count: r.created }) : t('fleet.started')),
    }),
  )
  const stop = useMutation(trpc.fleet.stop.mutationOptions({ onSuccess: () => message.success(t('fleet.stopped')) }))
  const remove = useMutation(
    trpc.fleet.deleteScenario.mutationOptions({
      onSuccess: async () => {
        setScenarioId(undefined)
        await qc.invalidateQueries({ queryKey: trpc.fleet.scenarios.pathKey() })
        message.success(t('common.deleted'))
      },
    }),
  )

  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {t('fleet.intro', { max: FLEET_MAX_DEVICES.toLocaleString() })}
        </Typography.Paragraph>
        <Flex gap={8} wrap align="center">
          <ProductSelect
            value={productKey}
            onChange={(v) => {
              setProductKey(v)
              setScenarioId(undefined)
            }}
            placeholder={t('simulator.chooseProduct')}
            style={{ width: 220 }}
          />
          <Select<string>
            aria-label={t('fleet.scenario')}
            placeholder={t('fleet.chooseScenario')}
            disabled={!productKey}
            value={scenarioId}
            onChange={setScenarioId}
            loading={scenarios.isFetching}
            options={(scenarios.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            notFoundContent={t('fleet.noScenarios')}
            style={{ width: 240 }}
          />
          <Button icon={<PlusOutlined />} disabled={!product.data || !!passthrough} onClick={() => setEditor('new')}>
            {t('fleet.newScenario')}
          </Button>
          <Button icon={<EditOutlined />} disabled={!chosen} onClick={() => setEditor('edit')}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('fleet.deleteConfirm', { name: chosen?.name ?? '' })}
            onConfirm={() => chosen && remove.mutate({ id: chosen.id })}
            disabled={!chosen}
          >
            <Button icon={<DeleteOutlined />} disabled={!chosen} danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
          <Button
            type="primary"
            icon={<PlayCircleOutlined />}
            disabled={!chosen}
            loading={start.isPending}
            onClick={() => productKey && chosen && start.mutate({ productKey, scenarioId: chosen.id })}
          >
            {t('fleet.start')}
          </Button>
        </Flex>
        {passthrough ? <Alert type="info" showIcon title={t('fleet.passthrough')} style={{ marginTop: 12 }} /> : null}
        {chosen ? (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
            {t('fleet.scenarioSummary', {
              count: chosen.config.count,
              prefix: chosen.config.deviceNamePrefix,
              seconds: chosen.config.intervalMs / 1000,
              properties: Object.keys(chosen.config.properties).length,
              events: chosen.config.events.length,
              by: chosen.updatedBy,
            })}
          </Typography.Text>
        ) : null}
        {start.error ? (
          <Alert
            type="error"
            showIcon
            title={errorMessage(start.error, t('common.networkError'))}
            style={{ marginTop: 12 }}
          />
        ) : null}
      </Card>

      {runs.length === 0 ? (
        <Empty description={t('fleet.noRuns')} />
      ) : (
        runs.map((r) => (
          <RunCard key={r.id} run={r} stopping={stop.isPending} onStop={() => stop.mutate({ runId: r.id })} />
        ))
      )}

      {productKey ? (
        <ScenarioEditor
          open={editor !== null}
          productKey={productKey}
          model={model}
          editing={editor === 'edit' && chosen ? chosen : null}
          initial={newScenario(model)}
          onClose={() => setEditor(null)}
          onSaved={(id) => {
            setEditor(null)
            setScenarioId(id)
          }}
        />
      ) : null}
    </Flex>
  )
}

function RunCard({ run, onStop, stopping }: { run: Run; onStop: () => void; stopping: boolean }) {
  const t = useT()
  const s = run.stats
  const refused = Object.entries(s.errors.connectRefused)
  const replyCodes = Object.entries(s.errors.replyCodes)
  return (
    <Card
      size="small"
      title={
        <Space>
          {run.scenarioName || run.deviceNamePrefix}
          {run.running ? <Tag color="processing">{t('fleet.running')}</Tag> : <Tag>{t('fleet.finished')}</Tag>}
          <Typography.Text type="secondary" className="mono">
            {run.productKey}
          </Typography.Text>
        </Space>
      }
      extra={
        run.running ? (
          <Button danger icon={<StopOutlined />} loading={stopping} onClick={onStop}>
            {t('fleet.stop')}
          </Button>
        ) : null
      }
    >
      <Flex gap={32} wrap>
        <Statistic title={t('fleet.stats.connected')} value={s.connected} suffix={`/ ${s.target}`} />
        <Statistic title={t('fleet.stats.msgsPerSecond')} value={s.msgsPerSecond} precision={0} />
        <Statistic title={t('fleet.stats.repliesOk')} value={s.repliesOk} />
        <Statistic
          title={t('fleet.stats.repliesError')}
          value={s.repliesError + s.errors.timeouts}
          styles={s.repliesError + s.errors.timeouts ? { content: { color: '#cf1322' } } : undefined}
        />
        <Statistic title={t('fleet.stats.sent')} value={s.sentTotal} />
        <Statistic title={t('fleet.stats.latency')} value={s.replyLatencyMs.avg} precision={0} suffix="ms" />
      </Flex>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginTop: 12 }}>
        <Descriptions.Item label={t('fleet.stats.started')}>
          <TimeText value={run.startedAt} /> · {run.startedBy}
        </Descriptions.Item>
        {run.stoppedAt ? (
          <Descriptions.Item label={t('fleet.stats.stoppedAt')}>
            <TimeText value={run.stoppedAt} />
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('fleet.stats.churn')}>
          {t('fleet.stats.churnValue', { drops: s.churn.disconnects, reconnects: s.churn.reconnects })}
        </Descriptions.Item>
        <Descriptions.Item label={t('fleet.stats.connectErrors')}>
          {refused.length || s.errors.connectFailed
            ? [
                ...refused.map(([code, n]) => t('fleet.stats.refused', { code, count: n })),
                s.errors.connectFailed ? t('fleet.stats.failed', { count: s.errors.connectFailed }) : '',
              ]
                .filter(Boolean)
                .join(' · ')
            : '-'}
        </Descriptions.Item>
        <Descriptions.Item label={t('fleet.stats.ota')}>
          {t('fleet.stats.otaValue', {
            received: s.ota.upgradesReceived,
            succeeded: s.ota.succeeded,
            failed: s.ota.failed,
          })}
        </Descriptions.Item>
        <Descriptions.Item label={t('fleet.stats.timeouts')}>{s.errors.timeouts}</Descriptions.Item>
      </Descriptions>
      {replyCodes.length ? (
        <Flex gap={8} wrap style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">{t('fleet.stats.replyCodes')}</Typography.Text>
          {replyCodes.map(([code, n]) => (
            <Flex key={code} gap={4} align="center">
              <CodeWithMeaning code={Number(code)} />
              <Typography.Text>× {n}</Typography.Text>
            </Flex>
          ))}
        </Flex>
      ) : null}
      {run.log.length ? (
        <Table
          size="small"
          style={{ marginTop: 12 }}
          pagination={false}
          rowKey={(e) => `${e.at}:${e.device ?? ''}:${e.kind}`}
          dataSource={[...run.log].reverse()}
          scroll={{ y: 180 }}
          columns={[
            {
              title: t('fleet.log.time'),
              dataIndex: 'at',
              width: 190,
              render: (at: number) => <TimeText value={at} />,
            },
            {
              title: t('fleet.log.kind'),
              dataIndex: 'kind',
              width: 170,
              // a kind a newer engine reports and the catalogue does not know yet shows as is
              render: (k: string) => {
                const key = `fleet.log.kinds.${k}` as MessageKey
                const label = t(key)
                return <Tag>{label === key ? k : label}</Tag>
              },
            },
            { title: t('fleet.log.device'), dataIndex: 'device', width: 220, render: (d?: string) => d ?? '-' },
            { title: t('fleet.log.message'), dataIndex: 'message', ellipsis: true },
          ]}
        />
      ) : null}
    </Card>
  )
}
