'use client'

import { DownloadOutlined } from '@ant-design/icons'
import { OTA_PACKAGE_EXPORT_MAX } from '@iotops/services/schemas'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Button, Empty, Flex, Table, Tooltip, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import type { TaskStatus } from './labels'
import { TaskFilters, useTaskColumns } from './taskParts'

type Row = RouterOutputs['otaJob']['packageTasks']['items'][number]

/**
 * The devices of a package across all its batches: a state filter with counts, a device search, each device's batch
 * (linked), versions, state, progress and failure; CSV export of the filtered list (served by the node, up to
 * OTA_PACKAGE_EXPORT_MAX rows). Refreshes while `live`.
 */
export function PackageTasks({ firmwareId, live }: { firmwareId: string; live: boolean }) {
  const t = useT()
  const trpc = useTRPC()
  const columns = useTaskColumns<Row>()
  const paging = usePaging()
  const [status, setStatus] = useState<TaskStatus | 'ALL'>('ALL')
  const [deviceName, setDeviceName] = useState('')
  const list = useQuery({
    ...trpc.otaJob.packageTasks.queryOptions({
      firmwareId,
      status: status === 'ALL' ? undefined : status,
      deviceName: deviceName || undefined,
      page: paging.page,
      pageSize: paging.pageSize,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3000 : false,
  })
  const counts = list.data?.counts ?? {}
  const qs = new URLSearchParams({
    ...(status === 'ALL' ? {} : { status }),
    ...(deviceName ? { deviceName } : {}),
  }).toString()
  const exportHref = `/api/ota/packages/${encodeURIComponent(firmwareId)}/devices.csv${qs ? `?${qs}` : ''}`
  return (
    <>
      <TaskFilters
        status={status}
        counts={counts}
        onStatus={(v) => {
          setStatus(v)
          paging.reset()
        }}
        onSearch={(v) => {
          setDeviceName(v)
          paging.reset()
        }}
        actions={
          <Tooltip title={t('ota.pkg.exportHint', { n: OTA_PACKAGE_EXPORT_MAX.toLocaleString() })}>
            <Button icon={<DownloadOutlined />} href={exportHref} download disabled={!list.data?.total}>
              {t('ota.pkg.exportCsv')}
            </Button>
          </Tooltip>
        }
      />
      {list.error ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <Table<Row>
          rowKey="taskId"
          size="middle"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('ota.pkg.combinedEmpty')} /> }}
          columns={[
            columns.device,
            {
              title: t('ota.pkg.batch'),
              dataIndex: 'jobId',
              render: (id: string, r) => (
                <Flex vertical gap={0}>
                  <Link className="mono" href={`/ota/jobs/${id}`}>
                    {id}
                  </Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`ota.jobType.${r.jobType as 'STATIC'}`)}
                  </Typography.Text>
                </Flex>
              ),
            },
            columns.version,
            ...columns.state,
            { title: t('ota.tasks.updatedAt'), dataIndex: 'updatedAt', render: (v: Date) => <TimeText value={v} /> },
          ]}
        />
      )}
    </>
  )
}
