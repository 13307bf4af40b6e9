'use client'

import { Badge, type BadgeProps, Tag } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { formatTime } from '@/lib/format'

export const FIRMWARE_STATUSES = ['UNVERIFIED', 'VERIFYING', 'VERIFIED', 'VERIFY_FAILED', 'NO_VERIFY'] as const
export type FirmwareStatus = (typeof FIRMWARE_STATUSES)[number]

export const JOB_STATUSES = ['PLANNED', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'CANCELED', 'ABORTED'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export const TASK_STATUSES = [
  'CONFIRM',
  'QUEUED',
  'NOTIFIED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]
/** States a task can still be cancelled in, all at once (ref §8.2.4: pending confirm, pending push, pushed). */
export const BULK_CANCELABLE: readonly TaskStatus[] = ['CONFIRM', 'QUEUED', 'NOTIFIED']
export const FAIL_REASONS = [
  'timeout',
  'version',
  'upgrade',
  'download',
  'verify',
  'flash',
  'conflict',
  'cancelled',
] as const
export type FailReason = (typeof FAIL_REASONS)[number]

const FIRMWARE_BADGE: Record<FirmwareStatus, BadgeProps['status']> = {
  UNVERIFIED: 'warning',
  VERIFYING: 'processing',
  VERIFIED: 'success',
  VERIFY_FAILED: 'error',
  NO_VERIFY: 'default',
}

export function FirmwareStatusBadge({ status }: { status: string }) {
  const t = useT()
  const s = (FIRMWARE_STATUSES as readonly string[]).includes(status) ? (status as FirmwareStatus) : 'UNVERIFIED'
  return <Badge status={FIRMWARE_BADGE[s]} text={t(`ota.status.${s}`)} />
}

const JOB_COLOR: Record<JobStatus, string> = {
  PLANNED: 'default',
  IN_PROGRESS: 'processing',
  PAUSED: 'warning',
  COMPLETED: 'success',
  CANCELED: 'default',
  ABORTED: 'error',
}

export function JobStatusTag({ status }: { status: string }) {
  const t = useT()
  const s = (JOB_STATUSES as readonly string[]).includes(status) ? (status as JobStatus) : 'PLANNED'
  return <Tag color={JOB_COLOR[s]}>{t(`ota.jobStatus.${s}`)}</Tag>
}

const TASK_COLOR: Record<TaskStatus, string> = {
  CONFIRM: 'gold',
  QUEUED: 'default',
  NOTIFIED: 'blue',
  IN_PROGRESS: 'processing',
  SUCCEEDED: 'success',
  FAILED: 'error',
  CANCELED: 'default',
}

/** A task's state; a pending push says why it waits (offline, scheduled at …, rate limited). */
export function TaskStatusTag({
  status,
  queuedReason,
  scheduleStart,
}: {
  status: string
  queuedReason?: string | null
  scheduleStart?: Date | string | null
}) {
  const t = useT()
  const s = (TASK_STATUSES as readonly string[]).includes(status) ? (status as TaskStatus) : 'QUEUED'
  let text = t(`ota.taskStatus.${s}`)
  if (s === 'QUEUED' && queuedReason === 'OFFLINE') text = t('ota.queued.OFFLINE')
  if (s === 'QUEUED' && queuedReason === 'RATE') text = t('ota.queued.RATE')
  if (s === 'QUEUED' && queuedReason === 'SCHEDULED')
    text = t('ota.queued.SCHEDULED', { time: formatTime(scheduleStart, '') })
  return <Tag color={TASK_COLOR[s]}>{text}</Tag>
}

/** The failure reason in words (timeout, wrong version, progress codes -1..-4, conflict, cancelled). */
export function useFailReason() {
  const t = useT()
  return (reason: string | null | undefined) => {
    if (!reason) return '-'
    return (FAIL_REASONS as readonly string[]).includes(reason) ? t(`ota.failReason.${reason as FailReason}`) : reason
  }
}

/** Bytes as B / KB / MB. */
export function formatBytes(n: number | bigint | string | null | undefined): string {
  const v = Number(n ?? 0)
  if (v < 1024) return `${v} B`
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`
  return `${(v / 1024 / 1024).toFixed(v < 100 * 1024 * 1024 ? 2 : 0)} MB`
}
