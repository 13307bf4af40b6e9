'use client'

import { Flex, Input, Progress, Segmented, Tooltip, Typography } from 'antd'
import type { ColumnType } from 'antd/es/table'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { deviceHref } from '@/features/devices/links'
import { useT } from '@/i18n/I18nProvider'
import type { RouterOutputs } from '@/trpc/types'
import { TASK_STATUSES, type TaskStatus, TaskStatusTag, useFailReason } from './labels'

/** What a device's upgrade row shows, in a batch's list and in a package's list across batches. */
type TaskRow = Pick<
  RouterOutputs['otaJob']['tasks']['items'][number],
  | 'productKey'
  | 'deviceName'
  | 'srcVersion'
  | 'destVersion'
  | 'status'
  | 'queuedReason'
  | 'progress'
  | 'progressDesc'
  | 'failReason'
>

/** The columns both device lists share: device, versions, state, progress, failure. */
export function useTaskColumns<R extends TaskRow>(scheduleStart?: Date | string | null) {
  const t = useT()
  const failReason = useFailReason()
  const device: ColumnType<R> = {
    title: t('ota.tasks.device'),
    dataIndex: 'deviceName',
    render: (dn: string, r) => (
      <Link href={deviceHref(r.productKey, dn)} className="mono">
        {dn}
      </Link>
    ),
  }
  const version: ColumnType<R> = {
    title: t('ota.tasks.version'),
    key: 'version',
    render: (_, r) => (
      <Typography.Text className="mono" style={{ whiteSpace: 'nowrap' }}>
        {r.srcVersion ?? '-'} → {r.destVersion}
      </Typography.Text>
    ),
  }
  const state: ColumnType<R>[] = [
    {
      title: t('ota.tasks.status'),
      dataIndex: 'status',
      render: (s: string, r) => (
        <TaskStatusTag status={s} queuedReason={r.queuedReason} scheduleStart={scheduleStart} />
      ),
    },
    {
      title: t('ota.tasks.progress'),
      dataIndex: 'progress',
      render: (p: number, r) =>
        r.status === 'IN_PROGRESS' || r.status === 'SUCCEEDED' || (r.status === 'FAILED' && p > 0) ? (
          <Tooltip title={r.progressDesc || undefined}>
            <Progress
              percent={r.status === 'SUCCEEDED' ? 100 : Math.max(0, p)}
              size="small"
              status={r.status === 'FAILED' ? 'exception' : r.status === 'SUCCEEDED' ? 'success' : 'active'}
              style={{ width: 140, margin: 0 }}
              aria-label={t('ota.tasks.progressOf', { name: r.deviceName })}
            />
          </Tooltip>
        ) : (
          '-'
        ),
    },
    {
      title: t('ota.tasks.failReason'),
      dataIndex: 'failReason',
      render: (f: string | null, r) =>
        f ? (
          <Tooltip title={r.progressDesc || undefined}>
            <Typography.Text type="danger">{failReason(f)}</Typography.Text>
          </Tooltip>
        ) : (
          '-'
        ),
    },
  ]
  return { device, version, state }
}

/** The state filter (with each state's count) and the device search above a device list, with its `actions`. */
export function TaskFilters({
  status,
  counts,
  onStatus,
  onSearch,
  actions,
}: {
  status: TaskStatus | 'ALL'
  counts: Partial<Record<string, number>>
  onStatus: (s: TaskStatus | 'ALL') => void
  onSearch: (deviceName: string) => void
  actions: ReactNode
}) {
  const t = useT()
  const total = Object.values(counts).reduce<number>((s, n) => s + (n ?? 0), 0)
  return (
    <>
      <Segmented<TaskStatus | 'ALL'>
        value={status}
        onChange={onStatus}
        options={[
          { value: 'ALL', label: t('ota.tasks.all', { n: total }) },
          ...TASK_STATUSES.map((s) => ({ value: s, label: `${t(`ota.taskStatus.${s}`)} (${counts[s] ?? 0})` })),
        ]}
        style={{ marginBottom: 12, flexWrap: 'wrap' }}
      />
      <Flex justify="space-between" gap={8} style={{ marginBottom: 12 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('ota.tasks.searchDevice')}
          aria-label={t('ota.tasks.searchDevice')}
          onSearch={(v) => onSearch(v.trim())}
          style={{ width: 240 }}
        />
        {actions}
      </Flex>
    </>
  )
}
