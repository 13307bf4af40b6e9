'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Dropdown, Empty, Popconfirm, Space, Table, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { downloadText, toCsv } from '@/lib/csv'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { BULK_CANCELABLE, type TaskStatus } from './labels'
import { TaskFilters, useTaskColumns } from './taskParts'

type TaskRow = RouterOutputs['otaJob']['tasks']['items'][number]
const ACTIVE: readonly string[] = ['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS']

/**
 * The devices of a batch by state (ref §8.2.4): a state filter with counts, the pending-push reason, progress, the
 * failure reason; per device retry / cancel / confirm, and the bulk cancel of the pending states.
 */
export function TaskTable({
  jobId,
  counts,
  scheduleStart,
  live,
}: {
  jobId: string
  counts?: Partial<Record<string, number>>
  scheduleStart?: Date | string | null
  /** refresh every few seconds (the batch is running) */
  live?: boolean
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const columns = useTaskColumns<TaskRow>(scheduleStart)
  const paging = usePaging()
  const [status, setStatus] = useState<TaskStatus | 'ALL'>('ALL')
  const [deviceName, setDeviceName] = useState('')
  const [selected, setSelected] = useState<string[]>([])
  const input = {
    jobId,
    status: status === 'ALL' ? undefined : status,
    deviceName: deviceName || undefined,
    page: paging.page,
    pageSize: paging.pageSize,
  }
  const list = useQuery({
    ...trpc.otaJob.tasks.queryOptions(input),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3000 : false,
  })
  // the batch's counts refresh on their own: when they move (the last device finished, so the batch stopped being
  // live), the rows follow at once instead of keeping the states of the last refresh
  const countsKey = JSON.stringify(counts ?? {})
  const { refetch } = list
  useEffect(() => {
    void refetch()
  }, [countsKey, refetch])
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const cancel = useMutation(
    trpc.otaJob.cancelTasks.mutationOptions({
      onSuccess: async (r) => {
        message.success(t('ota.tasks.canceled', { n: r.canceled }))
        setSelected([])
        await invalidate()
      },
      onError,
    }),
  )
  const retry = useMutation(
    trpc.otaJob.retryTask.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.tasks.retried'))
        await invalidate()
      },
      onError,
    }),
  )
  const confirm = useMutation(
    trpc.otaJob.confirm.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.tasks.confirmed'))
        setSelected([])
        await invalidate()
      },
      onError,
    }),
  )
  const rows = list.data?.items ?? []
  const selectedRows = rows.filter((r) => selected.includes(r.taskId))

  const exportCsv = () =>
    downloadText(
      `ota-${jobId}-devices.csv`,
      toCsv(
        ['DeviceName', 'SrcVersion', 'DestVersion', 'Status', 'Progress', 'FailReason', 'Retries'],
        rows.map((r) => [r.deviceName, r.srcVersion, r.destVersion, r.status, r.progress, r.failReason, r.retries]),
      ),
    )

  return (
    <>
      <TaskFilters
        status={status}
        counts={counts ?? {}}
        onStatus={(v) => {
          setStatus(v)
          setSelected([])
          paging.reset()
        }}
        onSearch={(v) => {
          setDeviceName(v)
          paging.reset()
        }}
        actions={
          <Space wrap>
            {writable && selectedRows.some((r) => r.status === 'CONFIRM') ? (
              <Button
                loading={confirm.isPending}
                onClick={() =>
                  confirm.mutate({ taskIds: selectedRows.filter((r) => r.status === 'CONFIRM').map((r) => r.taskId) })
                }
              >
                {t('ota.tasks.confirmSelected')}
              </Button>
            ) : null}
            {writable && selectedRows.some((r) => ACTIVE.includes(r.status)) ? (
              <Popconfirm
                title={t('ota.tasks.cancelSelectedConfirm', { n: selectedRows.length })}
                okText={t('ota.tasks.cancelTasks')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  cancel
                    .mutateAsync({
                      jobId,
                      taskIds: selectedRows.filter((r) => ACTIVE.includes(r.status)).map((r) => r.taskId),
                    })
                    .catch(() => {})
                }
              >
                <Button danger>{t('ota.tasks.cancelSelected')}</Button>
              </Popconfirm>
            ) : null}
            {writable ? (
              <Dropdown
                menu={{
                  items: BULK_CANCELABLE.map((s) => ({
                    key: s,
                    disabled: !counts?.[s],
                    label: t('ota.tasks.cancelAllOf', { state: t(`ota.taskStatus.${s}`), n: counts?.[s] ?? 0 }),
                  })),
                  onClick: ({ key }) => cancel.mutate({ jobId, statuses: [key as 'CONFIRM' | 'QUEUED' | 'NOTIFIED'] }),
                }}
              >
                <Button loading={cancel.isPending}>{t('ota.tasks.bulkCancel')}</Button>
              </Dropdown>
            ) : null}
            <Button onClick={exportCsv} disabled={!rows.length}>
              {t('ota.tasks.export')}
            </Button>
          </Space>
        }
      />
      {list.error ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <Table<TaskRow>
          rowKey="taskId"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          rowSelection={
            writable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined
          }
          locale={{ emptyText: <Empty description={t('ota.tasks.empty')} /> }}
          columns={[
            columns.device,
            columns.version,
            ...columns.state,
            { title: t('ota.tasks.retries'), dataIndex: 'retries' },
            {
              title: t('ota.tasks.updatedAt'),
              dataIndex: 'updatedAt',
              render: (v: Date) => <TimeText value={v} />,
            },
            ...(writable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, r: TaskRow) => (
                      <Space>
                        {r.status === 'CONFIRM' ? (
                          <Typography.Link onClick={() => confirm.mutate({ taskIds: [r.taskId] })}>
                            {t('ota.tasks.confirm')}
                          </Typography.Link>
                        ) : null}
                        {r.status === 'FAILED' || r.status === 'CANCELED' ? (
                          <Typography.Link onClick={() => retry.mutate({ taskId: r.taskId })}>
                            {t('common.retry')}
                          </Typography.Link>
                        ) : null}
                        {ACTIVE.includes(r.status) ? (
                          <Popconfirm
                            title={t('ota.tasks.cancelOneConfirm', { name: r.deviceName })}
                            okText={t('ota.tasks.cancelTasks')}
                            cancelText={t('common.cancel')}
                            okButtonProps={{ danger: true }}
                            onConfirm={() => cancel.mutateAsync({ jobId, taskIds: [r.taskId] }).catch(() => {})}
                          >
                            <Typography.Link type="danger">{t('ota.tasks.cancelOne')}</Typography.Link>
                          </Popconfirm>
                        ) : null}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </>
  )
}
