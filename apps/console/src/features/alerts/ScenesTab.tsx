'use client'

import { keepPreviousData, skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Checkbox,
  Drawer,
  Empty,
  Flex,
  Popconfirm,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { ListTable } from '@/components/ListTable'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import { JsonBlock, k, type RunRow, type SceneRow, useSceneText } from './labels'
import { SceneRuleModal } from './SceneRuleModal'

/** The run history of one scene rule: trigger, each condition's value and outcome, each action's result or error. */
function RunsDrawer({ scene, onClose }: { scene: SceneRow | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const paging = usePaging(10)
  const [onlyFailed, setOnlyFailed] = useState(false)
  const runs = useQuery({
    ...trpc.scene.runs.queryOptions(
      scene
        ? { ruleId: scene.id, page: paging.page, pageSize: paging.pageSize, passed: onlyFailed ? false : undefined }
        : skipToken,
    ),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  })
  const columns: TableColumnsType<RunRow> = [
    { title: t('alerts.runs.at'), dataIndex: 'at', render: (v: Date) => <TimeText value={v} /> },
    {
      title: t('alerts.runs.trigger'),
      key: 'trigger',
      render: (_, r) => {
        const x = r.trigger as {
          type?: string
          deviceName?: string
          identifier?: string
          value?: unknown
          status?: string
        }
        return (
          <Typography.Text className="mono" style={{ fontSize: 12 }}>
            {[
              x.type ? t(k(`scenes.triggerType.${x.type}`)) : '',
              x.deviceName,
              x.identifier,
              x.value !== undefined ? JSON.stringify(x.value) : x.status,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Text>
        )
      },
    },
    {
      title: t('alerts.runs.passed'),
      dataIndex: 'passed',
      render: (p: boolean) => (
        <Tag color={p ? 'green' : 'default'}>{p ? t('alerts.runs.pass') : t('alerts.runs.fail')}</Tag>
      ),
    },
    {
      title: t('alerts.runs.result'),
      key: 'result',
      render: (_, r) =>
        !r.passed ? (
          <Typography.Text type="secondary">{t('alerts.runs.skipped')}</Typography.Text>
        ) : (
          <Tag color={r.ok ? 'green' : 'red'}>{r.ok ? t('alerts.runs.ok') : t('alerts.runs.failed')}</Tag>
        ),
    },
  ]
  return (
    <Drawer
      open={!!scene}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={scene ? t('alerts.runs.title', { name: scene.name }) : ''}
      extra={
        <Checkbox checked={onlyFailed} onChange={(e) => setOnlyFailed(e.target.checked)}>
          {t('alerts.runs.onlyFailed')}
        </Checkbox>
      }
    >
      {runs.isError ? <QueryError error={runs.error} onRetry={() => runs.refetch()} /> : null}
      <Table<RunRow>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={runs.data?.items}
        pagination={paging.pagination(runs.data?.total)}
        locale={{ emptyText: <Empty description={t('alerts.runs.empty')} /> }}
        expandable={{
          expandedRowRender: (r) => (
            <Flex vertical gap={8}>
              <Typography.Text strong>{t('alerts.runs.trigger')}</Typography.Text>
              <JsonBlock value={r.trigger} />
              <Typography.Text strong>{t('alerts.runs.conditions')}</Typography.Text>
              <JsonBlock value={r.conditions} />
              <Typography.Text strong>{t('alerts.runs.actions')}</Typography.Text>
              <JsonBlock value={r.actions} />
            </Flex>
          ),
        }}
      />
    </Drawer>
  )
}

/** Scene-linkage rules: when (triggers) → then (actions), enabled switch, run counts and history. */
export function ScenesTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const text = useSceneText()
  const [name, setName] = useState('')
  const [editing, setEditing] = useState<SceneRow | 'new' | null>(null)
  const [runsOf, setRunsOf] = useState<SceneRow | null>(null)
  const list = useQuery({
    ...trpc.scene.list.queryOptions({ page: paging.page, pageSize: paging.pageSize, name: name || undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  })
  const rules = useQuery(trpc.alertCenter.ruleOptions.queryOptions())
  const ruleName = (id: string) => rules.data?.find((r) => r.id === id)?.name
  const invalidate = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.scene.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.alertCenter.pathKey() })
  }
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const toggle = useMutation(
    trpc.scene.setEnabled.mutationOptions({
      onSuccess: async (r) => {
        message.success(t(r.enabled ? 'alerts.scenes.enabledNow' : 'alerts.scenes.disabledNow', { name: r.name }))
        await invalidate()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.scene.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError,
    }),
  )
  const lines = (xs: string[]) => (
    <Flex vertical gap={2} style={{ maxWidth: 360, whiteSpace: 'normal' }}>
      {xs.map((x, i) => (
        <Typography.Text key={i} style={{ fontSize: 13 }}>
          {x}
        </Typography.Text>
      ))}
    </Flex>
  )
  const columns: TableColumnsType<SceneRow> = [
    {
      title: t('alerts.scenes.columns.name'),
      dataIndex: 'name',
      render: (n: string, r) => (
        <Flex vertical>
          <Typography.Text strong>{n}</Typography.Text>
          {r.description ? <Typography.Text type="secondary">{r.description}</Typography.Text> : null}
        </Flex>
      ),
    },
    {
      title: t('alerts.scenes.columns.triggers'),
      key: 'triggers',
      render: (_, r) => lines(r.triggers.map(text.trigger)),
    },
    {
      title: t('alerts.scenes.columns.actions'),
      key: 'then',
      render: (_, r) => lines(r.actions.map((a) => text.action(a, ruleName))),
    },
    {
      title: t('alerts.scenes.columns.enabled'),
      dataIndex: 'enabled',
      render: (on: boolean, r) => (
        <Switch
          size="small"
          checked={on}
          disabled={!writable}
          aria-label={t('alerts.scenes.columns.enabled')}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          onChange={(v) => toggle.mutate({ id: r.id, enabled: v })}
        />
      ),
    },
    {
      title: t('alerts.scenes.columns.lastRun'),
      dataIndex: 'lastRunAt',
      render: (v: Date | null) => <TimeText value={v} />,
    },
    {
      title: t('alerts.scenes.columns.runs'),
      key: 'runs',
      render: (_, r) => (
        <span>
          {r.runs}
          {r.failedRuns ? <Typography.Text type="danger">{` (${r.failedRuns})`}</Typography.Text> : null}
        </span>
      ),
    },
    {
      title: t('alerts.scenes.columns.actions2'),
      key: 'ops',
      render: (_, r) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setRunsOf(r)}>
            {t('alerts.scenes.runs')}
          </Button>
          {writable ? (
            <>
              <Button type="link" size="small" onClick={() => setEditing(r)}>
                {t('common.edit')}
              </Button>
              <Popconfirm
                title={t('alerts.scenes.deleteConfirm', { name: r.name })}
                description={t('alerts.scenes.deleteHint')}
                onConfirm={() => remove.mutate({ id: r.id })}
              >
                <Button type="link" size="small" danger>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            </>
          ) : null}
        </Space>
      ),
    },
  ]
  return (
    <>
      <ListTable<SceneRow>
        query={list}
        paging={paging}
        columns={columns}
        rowKey="id"
        emptyText={t('alerts.scenes.empty')}
        search={{ label: t('alerts.scenes.search'), onSearch: setName }}
        add={writable ? { label: t('alerts.scenes.add'), onClick: () => setEditing('new') } : undefined}
      />
      <SceneRuleModal scene={editing} onClose={() => setEditing(null)} />
      <RunsDrawer scene={runsOf} onClose={() => setRunsOf(null)} />
    </>
  )
}
