'use client'

import { DownloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Popconfirm,
  Progress,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { JobAnalysis } from './JobAnalysis'
import { FirmwareStatusBadge, formatBytes, JOB_STATUSES, type JobStatus, JobStatusTag } from './labels'
import { canUpgrade, canVerify } from './PackagesTab'
import { PackageTasks } from './PackageTasks'
import {
  OTA_CUSTOM_INFO_MAX_LENGTH,
  OTA_DESCRIPTION_MAX_LENGTH,
  ZFirmwareDescription,
  ZFirmwareName,
  ZFirmwareUdi,
} from './rules'
import { TaskTable } from './TaskTable'
import { UpgradeWizard } from './UpgradeWizard'
import { VerifyModal } from './VerifyModal'

type Firmware = RouterOutputs['ota']['byId']
type JobRow = RouterOutputs['otaJob']['list']['items'][number]
const RUNNING = ['PLANNED', 'IN_PROGRESS', 'PAUSED']

/** The batches of a package: verification and upgrade batches with state, counts, view and cancel. */
function BatchesTab({ firmware, onPick }: { firmware: Firmware; onPick: (jobId: string) => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging(10)
  const [status, setStatus] = useState<JobStatus>()
  const list = useQuery({
    ...trpc.otaJob.list.queryOptions({
      firmwareId: firmware.id,
      status,
      page: paging.page,
      pageSize: paging.pageSize,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  })
  const cancel = useMutation(
    trpc.otaJob.cancel.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.job.canceled'))
        await queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  return (
    <>
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Select<JobStatus>
          allowClear
          value={status}
          placeholder={t('ota.filters.anyStatus')}
          aria-label={t('ota.filters.anyStatus')}
          onChange={(s) => {
            setStatus(s)
            paging.reset()
          }}
          options={JOB_STATUSES.map((s) => ({ value: s, label: t(`ota.jobStatus.${s}`) }))}
          style={{ minWidth: 150 }}
        />
      </Flex>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <Table<JobRow>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('ota.pkg.noBatches')} /> }}
          columns={[
            {
              title: t('ota.job.id'),
              dataIndex: 'jobId',
              render: (id: string, r) => (
                <Link className="mono" href={`/ota/jobs/${r.id}`}>
                  {id}
                </Link>
              ),
            },
            { title: t('ota.job.type'), dataIndex: 'type', render: (ty: string) => t(`ota.jobType.${ty as 'STATIC'}`) },
            { title: t('ota.fields.status'), dataIndex: 'status', render: (s: string) => <JobStatusTag status={s} /> },
            {
              title: t('ota.wizard.scope.scope'),
              dataIndex: 'scope',
              render: (s: string) => t(`ota.scope.${s as 'ALL'}`),
            },
            {
              title: t('ota.pkg.results'),
              key: 'counts',
              render: (_, r) => (
                <Space size={4} wrap>
                  <Tag color="success">{`${t('ota.taskStatus.SUCCEEDED')} ${r.counts.SUCCEEDED ?? 0}`}</Tag>
                  <Tag color="error">{`${t('ota.taskStatus.FAILED')} ${r.counts.FAILED ?? 0}`}</Tag>
                  <Typography.Text type="secondary">{t('ota.pkg.ofTotal', { n: r.total })}</Typography.Text>
                </Space>
              ),
            },
            { title: t('ota.fields.createdAt'), dataIndex: 'createdAt', render: (v: Date) => <TimeText value={v} /> },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) => (
                <Space>
                  <Link href={`/ota/jobs/${r.id}`}>{t('common.view')}</Link>
                  <Typography.Link onClick={() => onPick(r.id)}>{t('ota.pkg.devicesOfBatch')}</Typography.Link>
                  {writable && RUNNING.includes(r.status) && r.type !== 'DYNAMIC' ? (
                    <Popconfirm
                      title={t('ota.job.cancelTitle', { id: r.jobId })}
                      description={t('ota.job.cancelStatic')}
                      okText={t('ota.job.cancel')}
                      cancelText={t('common.close')}
                      okButtonProps={{ danger: true }}
                      onConfirm={() => cancel.mutateAsync({ id: r.id, cancelRunning: true }).catch(() => {})}
                    >
                      <Typography.Link type="danger">{t('ota.job.cancel')}</Typography.Link>
                    </Popconfirm>
                  ) : null}
                  {writable && RUNNING.includes(r.status) && r.type === 'DYNAMIC' ? (
                    <Link href={`/ota/jobs/${r.id}`}>{t('ota.job.cancel')}</Link>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      )}
    </>
  )
}

/** The device list of the package: every batch's devices together (default), or one batch's (state filter with counts). */
function DevicesTab({ firmware, jobId, onJob }: { firmware: Firmware; jobId?: string; onJob: (id?: string) => void }) {
  const t = useT()
  const trpc = useTRPC()
  const jobs = useQuery(trpc.otaJob.list.queryOptions({ firmwareId: firmware.id, page: 1, pageSize: 100 }))
  const items = jobs.data?.items ?? []
  const current = items.find((j) => j.id === jobId)
  if (jobs.isPending) return <Card loading />
  if (items.length === 0) return <Empty description={t('ota.pkg.noBatches')} />
  return (
    <>
      <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
        <Typography.Text>{t('ota.pkg.view')}</Typography.Text>
        <Select
          value={current?.id ?? ''}
          onChange={(v: string) => onJob(v || undefined)}
          aria-label={t('ota.pkg.view')}
          popupMatchSelectWidth={false}
          style={{ minWidth: 360 }}
          options={[
            { value: '', label: t('ota.pkg.allBatches') },
            ...items.map((j) => ({
              value: j.id,
              label: `${j.jobId} · ${t(`ota.jobType.${j.type as 'STATIC'}`)} · ${t(`ota.jobStatus.${j.status as 'PLANNED'}`)}`,
            })),
          ]}
        />
      </Flex>
      {current ? (
        <TaskTable
          key={current.id}
          jobId={current.id}
          counts={current.counts}
          scheduleStart={current.scheduleStart}
          live={RUNNING.includes(current.status)}
        />
      ) : (
        <PackageTasks firmwareId={firmware.id} live={items.some((j) => RUNNING.includes(j.status))} />
      )}
    </>
  )
}

interface EditValues {
  name: string
  description?: string
  udi?: string
}

/** Package information: fields, verification progress, files with signed download links; edit. */
function InfoTab({ firmware }: { firmware: Firmware }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [editing, setEditing] = useState(false)
  const update = useMutation(
    trpc.ota.updateFirmware.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
        setEditing(false)
      },
    }),
  )
  const verify = useQuery({
    ...trpc.otaJob.list.queryOptions({ firmwareId: firmware.id, type: 'VERIFY', page: 1, pageSize: 1 }),
    enabled: firmware.needVerify,
  })
  const lastVerify = verify.data?.items[0]
  const verifyPercent = lastVerify?.total
    ? Math.floor(((lastVerify.counts.SUCCEEDED ?? 0) / lastVerify.total) * 100)
    : 0
  return (
    <Flex vertical gap={16}>
      <Card
        size="small"
        title={t('ota.pkg.basicInfo')}
        extra={writable ? <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button> : null}
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            {
              label: t('ota.pkg.firmwareId'),
              children: (
                <Typography.Text copyable className="mono">
                  {firmware.firmwareId}
                </Typography.Text>
              ),
            },
            { label: t('ota.fields.name'), children: firmware.name },
            { label: t('ota.fields.product'), children: `${firmware.productName} (${firmware.productKey})` },
            { label: t('ota.fields.module'), children: firmware.module },
            { label: t('ota.fields.type'), children: t(`ota.type.${firmware.type}`) },
            ...(firmware.type === 'DIFF'
              ? [{ label: t('ota.fields.srcVersion'), children: <span className="mono">{firmware.srcVersion}</span> }]
              : []),
            {
              label: t('ota.fields.destVersion'),
              children: (
                <Typography.Text copyable className="mono">
                  {firmware.destVersion}
                </Typography.Text>
              ),
            },
            { label: t('ota.fields.signMethod'), children: firmware.signMethod },
            { label: t('ota.fields.status'), children: <FirmwareStatusBadge status={firmware.status} /> },
            ...(firmware.needVerify
              ? [
                  {
                    label: t('ota.pkg.verifyProgress'),
                    children: lastVerify ? (
                      <Progress percent={verifyPercent} size="small" style={{ width: 160, margin: 0 }} />
                    ) : (
                      t('ota.pkg.notVerified')
                    ),
                  },
                ]
              : []),
            { label: t('ota.fields.secure'), children: firmware.secure ? t('ota.yes') : t('ota.no') },
            { label: t('ota.fields.createdAt'), children: <TimeText value={firmware.createdAt} /> },
            { label: t('ota.fields.description'), span: 'filled' as const, children: firmware.description || '-' },
            {
              label: t('ota.fields.udi'),
              span: 'filled' as const,
              children: firmware.udi ? (
                <Typography.Paragraph
                  className="mono"
                  style={{ margin: 0, whiteSpace: 'pre-wrap' }}
                  ellipsis={{ rows: 3, expandable: true }}
                >
                  {firmware.udi}
                </Typography.Paragraph>
              ) : (
                '-'
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('ota.pkg.files', { n: firmware.files.length })}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={firmware.files}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('ota.pkg.fileName'), dataIndex: 'name' },
            { title: t('ota.pkg.fileSize'), dataIndex: 'size', render: (s: number) => formatBytes(s) },
            {
              title: t('ota.pkg.sign', { method: firmware.signMethod }),
              dataIndex: 'sign',
              render: (s: string) => (
                <Typography.Text copyable={{ text: s }} className="mono" style={{ fontSize: 12 }}>
                  {s.length > 20 ? `${s.slice(0, 16)}…` : s}
                </Typography.Text>
              ),
            },
            ...(firmware.secure
              ? [
                  {
                    title: 'digestsign',
                    dataIndex: 'digestSign',
                    render: (s: string | null) =>
                      s ? (
                        <Typography.Text copyable={{ text: s }} className="mono" style={{ fontSize: 12 }}>
                          {`${s.slice(0, 16)}…`}
                        </Typography.Text>
                      ) : (
                        '-'
                      ),
                  },
                ]
              : []),
            {
              title: t('common.actions'),
              key: 'download',
              render: (_: unknown, f: Firmware['files'][number]) => (
                <Space>
                  <Typography.Link href={f.url} target="_blank" rel="noreferrer">
                    <DownloadOutlined /> {t('ota.pkg.download')}
                  </Typography.Link>
                  <Typography.Text copyable={{ text: f.url, tooltips: [t('ota.pkg.copyLink'), t('common.copied')] }} />
                </Space>
              ),
            },
          ]}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('ota.pkg.linkHint')}
        </Typography.Text>
      </Card>
      <FormModal<EditValues>
        open={editing}
        title={t('ota.pkg.editTitle')}
        okText={t('common.save')}
        pending={update.isPending}
        error={update.error}
        width={600}
        initialValues={{ name: firmware.name, description: firmware.description ?? '', udi: firmware.udi ?? '' }}
        onCancel={() => {
          update.reset()
          setEditing(false)
        }}
        onFinish={(v) =>
          update.mutate({
            id: firmware.id,
            name: v.name.trim(),
            description: v.description ? v.description : null,
            udi: v.udi ? v.udi : null,
          })
        }
      >
        <Form.Item
          name="name"
          label={t('ota.fields.name')}
          required
          tooltip={t('ota.rules.name')}
          rules={[zodRule(ZFirmwareName, t('ota.rules.name'))]}
        >
          <Input maxLength={40} showCount />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('ota.fields.description')}
          rules={[zodRule(ZFirmwareDescription.optional(), t('ota.rules.description'))]}
        >
          <Input.TextArea rows={3} maxLength={OTA_DESCRIPTION_MAX_LENGTH} showCount />
        </Form.Item>
        <Form.Item
          name="udi"
          label={t('ota.fields.udi')}
          tooltip={t('ota.help.udi')}
          rules={[zodRule(ZFirmwareUdi.optional(), t('ota.rules.udi'))]}
        >
          <Input.TextArea rows={3} maxLength={OTA_CUSTOM_INFO_MAX_LENGTH} showCount />
        </Form.Item>
      </FormModal>
    </Flex>
  )
}

function AnalysisTab({ firmware }: { firmware: Firmware }) {
  const t = useT()
  const trpc = useTRPC()
  const [jobId, setJobId] = useState<string>()
  const jobs = useQuery(trpc.otaJob.list.queryOptions({ firmwareId: firmware.id, page: 1, pageSize: 100 }))
  return (
    <>
      <Select
        allowClear
        value={jobId}
        onChange={setJobId}
        placeholder={t('ota.pkg.allBatches')}
        aria-label={t('ota.pkg.batch')}
        style={{ minWidth: 320, marginBottom: 12 }}
        options={(jobs.data?.items ?? []).map((j) => ({
          value: j.id,
          label: `${j.jobId} · ${t(`ota.jobType.${j.type as 'STATIC'}`)}`,
        }))}
      />
      <JobAnalysis firmwareId={firmware.id} jobId={jobId} />
    </>
  )
}

const TABS = ['batches', 'devices', 'info', 'analysis'] as const

/** /ota/packages/[id]: batch management, device list, package information and analysis (ref §8.2.4). */
export function PackageDetail({ id }: { id: string }) {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const writable = useCanWrite()
  const [verifying, setVerifying] = useState(false)
  const [upgrading, setUpgrading] = useState(false)
  const [jobId, setJobId] = useState<string>()
  const q = useQuery({ ...trpc.ota.byId.queryOptions({ id }), refetchInterval: 10_000 })
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as string) : 'batches'
  const go = (k: string) => router.replace(k === 'batches' ? pathname : `${pathname}?tab=${k}`, { scroll: false })
  if (q.error) return <QueryError error={q.error} onRetry={() => q.refetch()} />
  const f = q.data
  if (!f) return <Card loading />
  return (
    <>
      <PageHeader
        backHref="/ota"
        title={f.name}
        subtitle={
          <Space>
            <span className="mono">{f.destVersion}</span>
            <FirmwareStatusBadge status={f.status} />
          </Space>
        }
        extra={
          writable ? (
            <>
              {f.needVerify ? (
                <Button disabled={!canVerify(f.status)} onClick={() => setVerifying(true)}>
                  {t('ota.packages.verify')}
                </Button>
              ) : null}
              <Button type="primary" disabled={!canUpgrade(f.status)} onClick={() => setUpgrading(true)}>
                {t('ota.packages.upgrade')}
              </Button>
            </>
          ) : null
        }
      />
      <Tabs
        activeKey={tab}
        onChange={go}
        destroyOnHidden
        items={[
          {
            key: 'batches',
            label: t('ota.pkg.tabs.batches'),
            children: (
              <BatchesTab
                firmware={f}
                onPick={(j) => {
                  setJobId(j)
                  go('devices')
                }}
              />
            ),
          },
          {
            key: 'devices',
            label: t('ota.pkg.tabs.devices'),
            children: <DevicesTab firmware={f} jobId={jobId} onJob={setJobId} />,
          },
          { key: 'info', label: t('ota.pkg.tabs.info'), children: <InfoTab firmware={f} /> },
          { key: 'analysis', label: t('ota.pkg.tabs.analysis'), children: <AnalysisTab firmware={f} /> },
        ]}
      />
      <VerifyModal firmware={verifying ? f : null} onClose={() => setVerifying(false)} />
      <UpgradeWizard firmware={upgrading ? f : null} onClose={() => setUpgrading(false)} />
    </>
  )
}
