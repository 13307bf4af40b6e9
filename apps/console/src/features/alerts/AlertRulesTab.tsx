'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Badge, Button, Flex, Popconfirm, Space, type TableColumnsType, Tag, Typography } from 'antd'
import { useState } from 'react'
import { ListTable } from '@/components/ListTable'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import { AlertRuleModal } from './AlertRuleModal'
import { AlertLevelTag, type AlertRuleRow, k } from './labels'
import { SceneRuleModal } from './SceneRuleModal'

/** Alert rules (reference "告警配置"): level, description, linked scene rules, state; edit, stop/start, delete. */
export function AlertRulesTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [name, setName] = useState('')
  const [editing, setEditing] = useState<AlertRuleRow | 'new' | null>(null)
  const [sceneFor, setSceneFor] = useState<AlertRuleRow | null>(null)
  const list = useQuery({
    ...trpc.alertCenter.rules.queryOptions({ page: paging.page, pageSize: paging.pageSize, name: name || undefined }),
    placeholderData: keepPreviousData,
  })
  const invalidate = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alertCenter.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.scene.pathKey() })
  }
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const toggle = useMutation(
    trpc.alertCenter.setRuleEnabled.mutationOptions({
      onSuccess: async (r) => {
        message.success(t(r.enabled ? 'alerts.rules.started' : 'alerts.rules.stoppedNow', { name: r.name }))
        await invalidate()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.alertCenter.deleteRule.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError,
    }),
  )

  const columns: TableColumnsType<AlertRuleRow> = [
    {
      title: t('alerts.rules.columns.name'),
      dataIndex: 'name',
      render: (n: string) => <Typography.Text strong>{n}</Typography.Text>,
    },
    { title: t('alerts.rules.columns.level'), dataIndex: 'level', render: (l: number) => <AlertLevelTag level={l} /> },
    {
      title: t('alerts.rules.columns.description'),
      dataIndex: 'description',
      render: (d: string | null) => (
        <Typography.Text type={d ? undefined : 'secondary'} style={{ maxWidth: 240 }} ellipsis={{ tooltip: d }}>
          {d ?? '-'}
        </Typography.Text>
      ),
    },
    {
      title: t('alerts.rules.columns.scenes'),
      key: 'scenes',
      render: (_, r) => (
        <Typography.Text title={r.scenes.map((s) => s.name).join(', ')}>{r.scenes.length}</Typography.Text>
      ),
    },
    {
      title: t('alerts.rules.columns.channels'),
      key: 'channels',
      render: (_, r) => (
        <Flex gap={4} wrap>
          {(['center', ...r.channels] as const).map((c) => (
            <Tag key={c}>{t(k(`rules.channel.${c}`))}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('alerts.rules.columns.state'),
      dataIndex: 'enabled',
      render: (on: boolean) => (
        <Badge
          status={on ? 'processing' : 'default'}
          text={on ? t('alerts.rules.running') : t('alerts.rules.stopped')}
        />
      ),
    },
    {
      title: t('alerts.rules.columns.actions'),
      key: 'actions',
      render: (_, r) =>
        writable ? (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => setEditing(r)}>
              {t('common.edit')}
            </Button>
            <Button
              type="link"
              size="small"
              loading={toggle.isPending && toggle.variables?.id === r.id}
              onClick={() => toggle.mutate({ id: r.id, enabled: !r.enabled })}
            >
              {r.enabled ? t('alerts.rules.stop') : t('alerts.rules.start')}
            </Button>
            <Button type="link" size="small" onClick={() => setSceneFor(r)}>
              {t('alerts.rules.newScene')}
            </Button>
            <Popconfirm
              title={t('alerts.rules.deleteConfirm', { name: r.name })}
              description={t('alerts.rules.deleteHint')}
              onConfirm={() => remove.mutate({ id: r.id })}
            >
              <Button type="link" size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ) : null,
    },
  ]

  return (
    <>
      <ListTable<AlertRuleRow>
        query={list}
        paging={paging}
        columns={columns}
        rowKey="id"
        emptyText={t('alerts.rules.empty')}
        search={{ label: t('alerts.rules.search'), onSearch: setName }}
        add={writable ? { label: t('alerts.rules.add'), onClick: () => setEditing('new') } : undefined}
      />
      <AlertRuleModal rule={editing} onClose={() => setEditing(null)} />
      <SceneRuleModal
        scene={sceneFor ? 'new' : null}
        preset={sceneFor ? { alertRuleId: sceneFor.id } : undefined}
        onClose={() => setSceneFor(null)}
      />
    </>
  )
}
