'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  InputNumber,
  Modal,
  Progress,
  Select,
  Space,
  Statistic,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import dayjs from 'dayjs'
import Link from 'next/link'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { formatTime } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { useReportedVersions } from './AddPackageModal'
import { cleanTags, TagsField } from './fields'
import { JobAnalysis } from './JobAnalysis'
import { JobStatusTag, useFailReason } from './labels'
import { TaskTable } from './TaskTable'

type Job = RouterOutputs['otaJob']['byId']
type Rate =
  | { mode: 'CONSTANT'; perMinute: number }
  | { mode: 'VARIABLE'; base: number; factor: number; max: number; threshold: number; by?: 'PUSHED' | 'SUCCEEDED' }

const RUNNING = ['PLANNED', 'IN_PROGRESS', 'PAUSED']

/** The rate in words: "100 devices/min" or "50 → ×2 every 1,000 pushed, up to 10,000/min". */
export function useRateText() {
  const t = useT()
  return (rate: unknown) => {
    const r = rate as Rate | null
    if (!r || !('mode' in r)) return '-'
    if (r.mode === 'CONSTANT') return t('ota.job.rateConstant', { rate: r.perMinute })
    return t('ota.job.rateVariable', {
      base: r.base,
      factor: r.factor,
      threshold: r.threshold,
      max: r.max,
      unit: t(r.by === 'SUCCEEDED' ? 'ota.wizard.rate.bySucceeded' : 'ota.wizard.rate.byPushed'),
    })
  }
}

interface EditValues {
  perMinute?: number
  base?: number
  factor?: number
  max?: number
  threshold?: number
  timeoutMinutes?: number | null
  srcVersions?: string[]
  tags?: { key?: string; value?: string }[]
}

/** Edit a running batch (ref §8.2.4): the rate's values (not its mode) and tags; dynamic: also the timeout. */
function EditJobModal({ job, open, onClose }: { job: Job; open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const update = useMutation(
    trpc.otaJob.update.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
        onClose()
      },
    }),
  )
  const rate = job.rate as Rate
  const versions = useReportedVersions(job.productKey, job.module).filter((v) => v.value !== job.destVersion)
  const close = () => {
    update.reset()
    onClose()
  }
  return (
    <FormModal<EditValues>
      open={open}
      title={t('ota.job.editTitle')}
      okText={t('common.save')}
      pending={update.isPending}
      error={update.error}
      width={600}
      initialValues={{
        ...(rate?.mode === 'CONSTANT' ? { perMinute: rate.perMinute } : {}),
        ...(rate?.mode === 'VARIABLE'
          ? { base: rate.base, factor: rate.factor, max: rate.max, threshold: rate.threshold }
          : {}),
        timeoutMinutes: job.timeoutMinutes,
        srcVersions: job.srcVersions,
        tags: job.tags,
      }}
      onCancel={close}
      onFinish={(v) =>
        update.mutate({
          id: job.id,
          rate: job.push
            ? rate.mode === 'CONSTANT'
              ? { mode: 'CONSTANT', perMinute: v.perMinute ?? rate.perMinute }
              : {
                  mode: 'VARIABLE',
                  base: v.base ?? rate.base,
                  factor: v.factor ?? rate.factor,
                  max: v.max ?? rate.max,
                  threshold: v.threshold ?? rate.threshold,
                  by: rate.by ?? 'PUSHED',
                }
            : undefined,
          tags: cleanTags(v.tags) ?? [],
          ...(job.type === 'DYNAMIC'
            ? {
                timeoutMinutes: v.timeoutMinutes ?? null,
                // a group-based dynamic batch keeps its versions (ref §8.2.3)
                ...(job.scope === 'ALL' ? { srcVersions: v.srcVersions ?? [] } : {}),
              }
            : {}),
        })
      }
    >
      <Typography.Paragraph type="secondary">{t('ota.job.editHint')}</Typography.Paragraph>
      {job.push && rate?.mode === 'CONSTANT' ? (
        <Form.Item
          name="perMinute"
          label={t('ota.wizard.rate.perMinute')}
          rules={[{ required: true, type: 'integer', min: 10, max: 10_000, message: t('ota.rules.perMinute') }]}
        >
          <InputNumber min={10} max={10_000} precision={0} />
        </Form.Item>
      ) : null}
      {job.push && rate?.mode === 'VARIABLE' ? (
        <Flex gap={8} wrap>
          <Form.Item name="base" label={t('ota.wizard.rate.base')} rules={[{ required: true }]}>
            <InputNumber min={1} max={10_000} precision={0} />
          </Form.Item>
          <Form.Item name="factor" label={t('ota.wizard.rate.factor')} rules={[{ required: true }]}>
            <InputNumber min={1.2} max={5} step={0.1} precision={2} />
          </Form.Item>
          <Form.Item name="max" label={t('ota.wizard.rate.max')} rules={[{ required: true }]}>
            <InputNumber min={10} max={10_000} precision={0} />
          </Form.Item>
          <Form.Item name="threshold" label={t('ota.wizard.rate.threshold')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100_000} precision={0} />
          </Form.Item>
        </Flex>
      ) : null}
      {job.type === 'DYNAMIC' && job.scope === 'ALL' ? (
        <Form.Item name="srcVersions" label={t('ota.fields.srcVersions')} tooltip={t('ota.job.srcVersionsEditHint')}>
          <Select mode="tags" options={versions} />
        </Form.Item>
      ) : null}
      {job.type === 'DYNAMIC' ? (
        <Form.Item
          name="timeoutMinutes"
          label={t('ota.fields.timeout')}
          tooltip={t('ota.job.timeoutEditHint')}
          rules={[{ type: 'integer', min: 1, max: 1440, message: t('ota.rules.timeout') }]}
        >
          <InputNumber min={1} max={1440} precision={0} />
        </Form.Item>
      ) : null}
      <TagsField />
    </FormModal>
  )
}

/** Batch information (ref §8.2.4 批次信息). */
function JobInfo({ job }: { job: Job }) {
  const t = useT()
  const rateText = useRateText()
  const policy = (job.policy ?? {}) as {
    waves?: { percent: number; successAtLeast?: number; failureAtMost?: number; onBreach: string }[]
    abort?: { percent: number; minExecuted: number; reasons: string[] }
    rollback?: boolean
    windows?: { days: number[]; from: string; to: string }[]
    timeZone?: string
  }
  const failReason = useFailReason()
  const retry = job.retryInterval === null ? t('ota.retry.none') : t(`ota.retry.m${job.retryInterval as 0}`)
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, md: 2, xl: 3 }}
      items={[
        {
          label: t('ota.job.id'),
          children: (
            <Typography.Text copyable className="mono">
              {job.jobId}
            </Typography.Text>
          ),
        },
        {
          label: t('ota.fields.name'),
          children: <Link href={`/ota/packages/${job.firmwareId}`}>{job.firmwareName}</Link>,
        },
        { label: t('ota.fields.product'), children: <span className="mono">{job.productKey}</span> },
        { label: t('ota.fields.module'), children: job.module },
        { label: t('ota.fields.destVersion'), children: <span className="mono">{job.destVersion}</span> },
        { label: t('ota.job.type'), children: t(`ota.jobType.${job.type as 'STATIC'}`) },
        {
          label: t('ota.wizard.scope.scope'),
          children:
            t(`ota.scope.${job.scope as 'ALL'}`) +
            (job.grayPercent ? ` (${job.grayPercent}%)` : '') +
            (job.region ? ` (${job.region})` : ''),
        },
        {
          label: t('ota.fields.srcVersions'),
          children: job.srcVersions.length ? job.srcVersions.join(', ') : t('ota.job.anyVersion'),
        },
        {
          label: t('ota.wizard.strategy.when'),
          children: job.scheduleStart
            ? t('ota.job.scheduled', {
                start: formatTime(job.scheduleStart),
                end: job.scheduleEnd ? formatTime(job.scheduleEnd) : t('ota.job.noEnd'),
              })
            : t('ota.wizard.strategy.now'),
        },
        { label: t('ota.fields.push'), children: job.push ? t('ota.yes') : t('ota.no') },
        { label: t('ota.wizard.rate.title'), children: job.push ? rateText(job.rate) : '-' },
        { label: t('ota.wizard.strategy.retryInterval'), children: retry },
        {
          label: t('ota.wizard.strategy.maxRetries'),
          children: job.retryInterval === null ? '-' : t('ota.retry.times', { n: job.maxRetries }),
        },
        {
          label: t('ota.fields.timeout'),
          children: job.timeoutMinutes ? t('ota.job.minutes', { n: job.timeoutMinutes }) : t('ota.job.noTimeout'),
        },
        { label: t('ota.fields.multiModule'), children: job.multiModule ? t('ota.yes') : t('ota.no') },
        { label: t('ota.fields.overwrite'), children: job.overwrite ? t('ota.yes') : t('ota.no') },
        { label: t('ota.fields.needConfirm'), children: job.needConfirm ? t('ota.yes') : t('ota.no') },
        { label: t('ota.fields.downloadProtocol'), children: job.downloadProtocol },
        ...(job.type === 'DYNAMIC'
          ? [
              {
                label: t('ota.fields.onlyNewReporters'),
                children: job.onlyNewReporters ? t('ota.yes') : t('ota.no'),
              },
            ]
          : []),
        {
          label: t('ota.fields.tags'),
          span: 'filled' as const,
          children: job.tags.length
            ? job.tags.map((x) => <Tag key={x.key}>{`${x.key}: ${x.value}`}</Tag>)
            : t('ota.job.noTags'),
        },
        {
          label: t('ota.wizard.policy.title'),
          span: 'filled' as const,
          children: (
            <Flex vertical gap={4}>
              {policy.waves?.length ? (
                policy.waves.map((w, i) => (
                  <span key={`${w.percent}-${i}`}>
                    {t('ota.job.waveText', {
                      n: i + 1,
                      percent: w.percent,
                      success: w.successAtLeast ?? '-',
                      failure: w.failureAtMost ?? '-',
                      action: t(w.onBreach === 'ABORT' ? 'ota.wizard.policy.abort' : 'ota.wizard.policy.pause'),
                    })}
                    {i === job.wave && RUNNING.includes(job.status) ? (
                      <Tag color="processing" style={{ marginInlineStart: 8 }}>
                        {t('ota.job.currentWave')}
                      </Tag>
                    ) : null}
                  </span>
                ))
              ) : (
                <span>{t('ota.job.noWaves')}</span>
              )}
              {policy.abort ? (
                <span>
                  {t('ota.job.abortText', {
                    percent: policy.abort.percent,
                    min: policy.abort.minExecuted,
                    reasons: policy.abort.reasons.length
                      ? policy.abort.reasons.map((r) => failReason(r)).join(', ')
                      : t('ota.wizard.policy.anyReason'),
                  })}
                </span>
              ) : null}
              {policy.rollback ? <span>{t('ota.job.rollbackOn')}</span> : null}
              {policy.windows?.map((w) => (
                <span key={`${w.days.join()}-${w.from}`}>
                  {t('ota.job.windowText', {
                    days: w.days.map((d) => dayjs().day(d).format('dd')).join(' '),
                    from: w.from,
                    to: w.to,
                    tz: policy.timeZone ?? 'UTC',
                  })}
                </span>
              ))}
            </Flex>
          ),
        },
        { label: t('ota.fields.createdAt'), children: <TimeText value={job.createdAt} /> },
        { label: t('ota.job.finishedAt'), children: <TimeText value={job.finishedAt} /> },
        ...(job.reason ? [{ label: t('ota.job.reason'), children: job.reason }] : []),
      ]}
    />
  )
}

/** /ota/jobs/[id]: a batch's devices by state, its information, its analysis; edit, cancel, resume. */
export function JobDetail({ id }: { id: string }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [editing, setEditing] = useState(false)
  const [canceling, setCanceling] = useState(false)
  const [cancelRunning, setCancelRunning] = useState(false)
  const q = useQuery({
    ...trpc.otaJob.byId.queryOptions({ id }),
    refetchInterval: (query) => (RUNNING.includes(query.state.data?.status ?? '') ? 3000 : false),
  })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const cancel = useMutation(
    trpc.otaJob.cancel.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.job.canceled'))
        setCanceling(false)
        await invalidate()
        await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
      },
      onError,
    }),
  )
  const resume = useMutation(
    trpc.otaJob.resume.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.job.resumed'))
        await invalidate()
      },
      onError,
    }),
  )
  if (q.error) return <QueryError error={q.error} onRetry={() => q.refetch()} />
  const job = q.data
  if (!job) return <Card loading />
  const running = RUNNING.includes(job.status)
  const finished = (job.counts.SUCCEEDED ?? 0) + (job.counts.FAILED ?? 0) + (job.counts.CANCELED ?? 0)
  const percent = job.total ? Math.floor((finished / job.total) * 100) : 0
  const queuedText = Object.entries(job.queued)
    .filter(([, n]) => n)
    .map(([r, n]) =>
      r === 'OFFLINE' || r === 'RATE' || r === 'SCHEDULED'
        ? `${t(`ota.queued.${r}`, { time: formatTime(job.scheduleStart, '') })}: ${n}`
        : `${t('ota.taskStatus.QUEUED')}: ${n}`,
    )
    .join(' · ')

  return (
    <>
      <PageHeader
        backHref={`/ota/packages/${job.firmwareId}`}
        title={t('ota.job.title', { id: job.jobId })}
        subtitle={
          <Space>
            <Tag>{t(`ota.jobType.${job.type as 'STATIC'}`)}</Tag>
            <JobStatusTag status={job.status} />
          </Space>
        }
        extra={
          writable ? (
            <>
              {job.status === 'PAUSED' ? (
                <Button type="primary" loading={resume.isPending} onClick={() => resume.mutate({ id: job.id })}>
                  {t('ota.job.resume')}
                </Button>
              ) : null}
              {running && job.type !== 'VERIFY' ? (
                <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>
              ) : null}
              {running ? (
                <Button danger onClick={() => setCanceling(true)}>
                  {t('ota.job.cancel')}
                </Button>
              ) : null}
            </>
          ) : null
        }
      />
      {job.status === 'PAUSED' ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('ota.job.pausedHint', { wave: job.wave + 1 })}
          description={job.reason ?? undefined}
        />
      ) : null}
      {job.status === 'ABORTED' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('ota.job.abortedHint')}
          description={job.reason ?? undefined}
        />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={32} wrap align="center">
          <Statistic title={t('ota.job.devices')} value={job.total} />
          <Statistic
            title={t('ota.taskStatus.SUCCEEDED')}
            value={job.counts.SUCCEEDED ?? 0}
            styles={{ content: { color: '#52c41a' } }}
          />
          <Statistic
            title={t('ota.taskStatus.FAILED')}
            value={job.counts.FAILED ?? 0}
            styles={{ content: { color: '#ff4d4f' } }}
          />
          <Statistic title={t('ota.taskStatus.CANCELED')} value={job.counts.CANCELED ?? 0} />
          <Flex vertical style={{ minWidth: 240, flex: 1 }}>
            <Typography.Text type="secondary">{t('ota.job.progress')}</Typography.Text>
            <Progress percent={percent} aria-label={t('ota.job.progress')} status={running ? 'active' : undefined} />
            {queuedText ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {queuedText}
              </Typography.Text>
            ) : null}
          </Flex>
        </Flex>
      </Card>
      <Tabs
        destroyOnHidden
        items={[
          {
            key: 'devices',
            label: t('ota.job.tabs.devices'),
            children: <TaskTable jobId={job.id} counts={job.counts} scheduleStart={job.scheduleStart} live={running} />,
          },
          { key: 'info', label: t('ota.job.tabs.info'), children: <JobInfo job={job} /> },
          {
            key: 'analysis',
            label: t('ota.job.tabs.analysis'),
            children: <JobAnalysis firmwareId={job.firmwareId} jobId={job.id} />,
          },
        ]}
      />
      <EditJobModal job={job} open={editing} onClose={() => setEditing(false)} />
      <Modal
        open={canceling}
        title={t('ota.job.cancelTitle', { id: job.jobId })}
        okText={t('ota.job.cancel')}
        okButtonProps={{ danger: true, loading: cancel.isPending }}
        cancelText={t('common.close')}
        onCancel={() => setCanceling(false)}
        onOk={() => cancel.mutate({ id: job.id, cancelRunning: job.type === 'DYNAMIC' ? cancelRunning : true })}
        destroyOnHidden
      >
        {job.type === 'DYNAMIC' ? (
          <Flex vertical gap={8}>
            <Typography.Text>{t('ota.job.cancelDynamic')}</Typography.Text>
            <Checkbox checked={cancelRunning} onChange={(e) => setCancelRunning(e.target.checked)}>
              {t('ota.job.cancelRunning')}
            </Checkbox>
          </Flex>
        ) : (
          <Typography.Text>{t('ota.job.cancelStatic')}</Typography.Text>
        )}
      </Modal>
    </>
  )
}
