'use client'

import { ClockCircleOutlined, SendOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Flex,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Radio,
  Tag,
  Tooltip,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { type ReactNode, useEffect, useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { JsonText } from '@/components/JsonText'
import { useT } from '@/i18n/I18nProvider'
import { formatTime } from '@/lib/format'
import { checkStrategy, SIMULATOR_LIMITS, type StrategyProblem, type TPushStrategy } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { type DeviceRef, type SimStrategy, useShowError } from './useSimulator'

export type ScheduledPush = Exclude<TPushStrategy, { mode: 'now' }>

/** 发送指令 (now) and 策略推送 (scheduled / continuous) under a property or event report. */
export function PushBar({
  disabled,
  sending,
  onPush,
  hasStrategy,
}: {
  disabled: boolean
  sending: boolean
  /** called with the push chosen; rejects when the values are not ready (the form shows why) */
  onPush: (push: TPushStrategy) => void
  hasStrategy: boolean
}) {
  const t = useT()
  const [open, setOpen] = useState(false)
  return (
    <Flex gap={8} wrap>
      <Button
        type="primary"
        icon={<SendOutlined />}
        disabled={disabled}
        loading={sending}
        onClick={() => onPush({ mode: 'now' })}
      >
        {t('simulator.push.now')}
      </Button>
      <Button icon={<ClockCircleOutlined />} disabled={disabled} onClick={() => setOpen(true)}>
        {t('simulator.push.strategy')}
      </Button>
      <StrategyModal
        open={open}
        replaces={hasStrategy}
        onCancel={() => setOpen(false)}
        onOk={(push) => {
          setOpen(false)
          onPush(push)
        }}
      />
    </Flex>
  )
}

interface StrategyForm {
  mode: 'once' | 'continuous'
  at?: Dayjs
  period?: [Dayjs, Dayjs]
  intervalSec?: number
}

/** Sets up a scheduled (定时推送) or continuous (连续推送) push, checked against the limits before it is sent. */
function StrategyModal({
  open,
  replaces,
  onOk,
  onCancel,
}: {
  open: boolean
  replaces: boolean
  onOk: (push: ScheduledPush) => void
  onCancel: () => void
}) {
  const t = useT()
  const [form] = Form.useForm<StrategyForm>()
  const mode = Form.useWatch('mode', form) ?? 'continuous'
  useEffect(() => {
    if (!open) return
    const now = dayjs()
    form.setFieldsValue({
      mode: form.getFieldValue('mode') ?? 'continuous',
      at: now.add(1, 'minute').second(0),
      period: [now, now.add(10, 'minute')],
      intervalSec: form.getFieldValue('intervalSec') ?? 5,
    })
  }, [open, form])

  const submit = async () => {
    const v = await form.validateFields()
    const push: ScheduledPush =
      v.mode === 'once'
        ? { mode: 'once', at: v.at!.toDate() }
        : { mode: 'continuous', intervalSec: v.intervalSec!, from: v.period![0].toDate(), until: v.period![1].toDate() }
    const c = checkStrategy(push, Date.now())
    if (!c.ok) {
      const name = c.field === 'at' ? 'at' : c.field === 'intervalSec' ? 'intervalSec' : 'period'
      form.setFields([{ name, errors: [problemText(t, c.problem)] }])
      return
    }
    onOk(push)
  }

  return (
    <Modal
      title={t('simulator.push.strategy')}
      open={open}
      onCancel={onCancel}
      onOk={() => void submit()}
      okText={t('simulator.push.setStrategy')}
      destroyOnHidden={false}
      width={560}
    >
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ mode: 'continuous' }}>
        <Form.Item name="mode" label={t('simulator.push.mode')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'once', label: t('simulator.push.once') },
              { value: 'continuous', label: t('simulator.push.continuous') },
            ]}
          />
        </Form.Item>
        {mode === 'once' ? (
          <Form.Item
            name="at"
            label={t('simulator.push.at')}
            rules={[{ required: true, message: t('simulator.push.atRequired') }]}
            extra={t('simulator.push.onceHint')}
          >
            <DatePicker showTime disabledDate={(d) => d.isBefore(dayjs(), 'day')} style={{ width: '100%' }} />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="period"
              label={t('simulator.push.period')}
              rules={[{ required: true, message: t('simulator.push.periodRequired') }]}
              extra={t('simulator.push.periodHint', { hours: SIMULATOR_LIMITS.maxWindowMs / 3_600_000 })}
            >
              <DatePicker.RangePicker
                showTime
                disabledDate={(d) => d.isBefore(dayjs(), 'day')}
                style={{ width: '100%' }}
              />
            </Form.Item>
            <Form.Item
              name="intervalSec"
              label={t('simulator.push.interval')}
              rules={[{ required: true, message: t('simulator.push.intervalRequired') }]}
              extra={t('simulator.push.intervalHint', { sec: SIMULATOR_LIMITS.minIntervalSec })}
            >
              <InputNumber<number>
                min={SIMULATOR_LIMITS.minIntervalSec}
                max={SIMULATOR_LIMITS.maxWindowMs / 1000}
                precision={0}
                suffix={t('simulator.push.seconds')}
                style={{ width: 200 }}
              />
            </Form.Item>
          </>
        )}
      </Form>
      <Alert
        type={replaces ? 'warning' : 'info'}
        showIcon
        title={t(replaces ? 'simulator.push.replaces' : 'simulator.push.onlyLast')}
      />
    </Modal>
  )
}

export function problemText(t: ReturnType<typeof useT>, problem: StrategyProblem) {
  const L = SIMULATOR_LIMITS
  return t(`simulator.strategy.problem.${problem}`, {
    sec: L.minIntervalSec,
    hours: L.maxWindowMs / 3_600_000,
    ahead: L.maxAheadMs / 3_600_000,
  })
}

/** Re-renders every `ms` while `on`, for countdowns. */
function useNow(on: boolean, ms = 1000) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!on) return
    const id = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(id)
  }, [on, ms])
  return now
}

/** A label and its value, on one line. */
function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Flex gap={6} align="center" style={{ whiteSpace: 'nowrap' }}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      {children}
    </Flex>
  )
}

/** The push strategy of the simulator: what it sends, when it fires next, how it went; cancel. */
export function StrategyCard({
  device,
  strategy,
  writable,
}: {
  device: DeviceRef
  strategy: SimStrategy
  writable: boolean
}) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const scheduled = strategy.status === 'scheduled'
  const now = useNow(scheduled)
  const cancel = useMutation(trpc.simulator.cancelStrategy.mutationOptions({ onError: showError }))
  const next = strategy.nextFireAt ? new Date(strategy.nextFireAt).getTime() : null
  const inSec = next !== null ? Math.max(0, Math.ceil((next - now) / 1000)) : null
  const what =
    strategy.kind === 'property'
      ? t('simulator.strategy.kindProperty')
      : t('simulator.strategy.kindEvent', { event: strategy.identifier ?? '' })
  return (
    <Card
      size="small"
      data-testid="simulator-strategy"
      style={{ borderInlineStart: `3px solid ${scheduled ? '#1677ff' : '#52c41a'}` }}
    >
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Flex gap={8} align="center" wrap>
          <ClockCircleOutlined />
          <Typography.Text strong>{t('simulator.strategy.title')}</Typography.Text>
          <Tag color={scheduled ? 'processing' : 'success'} style={{ marginInlineEnd: 0 }}>
            {t(scheduled ? 'simulator.strategy.scheduled' : 'simulator.strategy.finished')}
          </Tag>
          <span>
            {strategy.mode === 'once'
              ? t('simulator.strategy.onceSummary', { what, at: formatTime(strategy.from) })
              : t('simulator.strategy.continuousSummary', {
                  what,
                  interval: strategy.intervalSec ?? 0,
                  from: formatTime(strategy.from),
                  until: formatTime(strategy.until),
                })}
          </span>
        </Flex>
        {scheduled && writable ? (
          <Popconfirm title={t('simulator.strategy.cancelConfirm')} onConfirm={() => cancel.mutate(device)}>
            <Button size="small" loading={cancel.isPending}>
              {t('simulator.strategy.cancel')}
            </Button>
          </Popconfirm>
        ) : null}
      </Flex>
      <Flex gap={24} wrap align="center" style={{ marginTop: 8 }}>
        <Stat label={t('simulator.strategy.next')}>
          {inSec !== null ? (
            <span data-testid="simulator-next-fire">
              {dayjs(strategy.nextFireAt).format('HH:mm:ss')} ({t('simulator.strategy.inSeconds', { sec: inSec })})
            </span>
          ) : (
            <span>-</span>
          )}
        </Stat>
        <Stat label={t('simulator.strategy.progress')}>
          <Progress
            percent={Math.round((strategy.sent / strategy.total) * 100)}
            size="small"
            showInfo={false}
            style={{ width: 80, margin: 0 }}
          />
          <span data-testid="simulator-sent">
            {t('simulator.strategy.sentOf', { sent: strategy.sent, total: strategy.total })}
          </span>
        </Stat>
        <Stat label={t('simulator.strategy.lastCode')}>
          {strategy.lastCode !== null ? <CodeTag code={strategy.lastCode} /> : <span>-</span>}
          {strategy.failed ? (
            <Typography.Text type="danger">
              {t('simulator.strategy.failed', { count: strategy.failed })}
            </Typography.Text>
          ) : null}
        </Stat>
        <Stat label={t('simulator.strategy.payload')}>
          <Tooltip title={t('simulator.strategy.setBy', { user: strategy.setBy, time: formatTime(strategy.setAt) })}>
            <span>
              <JsonText value={strategy.payload} maxWidth={260} />
            </span>
          </Tooltip>
        </Stat>
      </Flex>
    </Card>
  )
}
