'use client'

import { MailOutlined, PlusOutlined } from '@ant-design/icons'
import {
  REPORT_FREQUENCIES,
  REPORT_IDS,
  REPORT_LOCALES,
  REPORT_RANGES,
  type ReportFrequency,
  type ReportId,
  type ReportLocale,
} from '@iotops/services/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Checkbox,
  Flex,
  Form,
  Input,
  Popconfirm,
  Radio,
  Select,
  Space,
  Switch,
  type TableColumnsType,
  TimePicker,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryTable } from '@/components/ListTable'
import { ContactGroupSelect } from '@/features/alarms/ContactGroupSelect'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'

type Row = RouterOutputs['reportSubscription']['list'][number]
interface Values {
  name: string
  reports: ReportId[]
  rangeMinutes: number
  frequency: ReportFrequency
  at: Dayjs
  weekday: number | null
  contactGroupIds: string[]
  productKey?: string
  locale: ReportLocale | 'default'
  enabled: boolean
}
const NAME = /^[\p{L}\p{N}_ -]{1,64}$/u
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const
type Weekday = (typeof WEEKDAYS)[number]
type Range = (typeof REPORT_RANGES)[number]
const time = (d: Date | string | null) => (d ? dayjs(d).format('YYYY-MM-DD HH:mm') : '-')

/** "Daily at 09:00", "Mondays at 08:30", "Hourly at :15". */
function useScheduleText() {
  const t = useT()
  return (s: { frequency: ReportFrequency; at: string; weekday: number | null }) =>
    s.frequency === 'hourly'
      ? t('logstore.subscriptions.schedule.hourly', { mm: s.at.slice(3) })
      : s.frequency === 'daily'
        ? t('logstore.subscriptions.schedule.daily', { at: s.at })
        : t('logstore.subscriptions.schedule.weekly', {
            day: t(`logstore.subscriptions.weekday.${(s.weekday ?? 1) as Weekday}`),
            at: s.at,
          })
}

function SubscriptionModal({ row, onClose }: { row: Row | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const editing = row && row !== 'new' ? row : null
  const done = async () => {
    await qc.invalidateQueries({ queryKey: trpc.reportSubscription.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.reportSubscription.create.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.reportSubscription.update.mutationOptions({ onSuccess: done }))
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<Values>
      open={row !== null}
      width={640}
      title={
        editing
          ? t('logstore.subscriptions.editTitle', { name: editing.name })
          : t('logstore.subscriptions.createTitle')
      }
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={
        editing
          ? {
              name: editing.name,
              reports: editing.reports,
              rangeMinutes: editing.rangeMinutes,
              frequency: editing.frequency,
              at: dayjs(`2000-01-01T${editing.at}:00`),
              weekday: editing.weekday,
              contactGroupIds: editing.contactGroupIds,
              productKey: editing.productKey ?? undefined,
              locale: (editing.locale as ReportLocale | null) ?? 'default',
              enabled: editing.enabled,
            }
          : {
              reports: ['online', 'messages'],
              rangeMinutes: 1440,
              frequency: 'daily',
              at: dayjs('2000-01-01T09:00:00'),
              weekday: 1,
              contactGroupIds: [],
              locale: 'default',
              enabled: true,
            }
      }
      onCancel={close}
      onFinish={(v) => {
        const input = {
          name: v.name.trim(),
          reports: v.reports,
          rangeMinutes: v.rangeMinutes,
          frequency: v.frequency,
          at: v.at.format('HH:mm'),
          weekday: v.frequency === 'weekly' ? v.weekday : null,
          contactGroupIds: v.contactGroupIds,
          productKey: v.productKey ?? null,
          locale: v.locale === 'default' ? null : v.locale,
          enabled: v.enabled,
        }
        if (editing) update.mutate({ id: editing.id, subscription: input })
        else create.mutate(input)
      }}
    >
      <Form.Item
        name="name"
        label={t('logstore.subscriptions.name')}
        rules={[
          {
            required: true,
            validator: async (_, v: string | undefined) => {
              if (!NAME.test(v?.trim() ?? '')) throw new Error(t('logstore.subscriptions.nameRule'))
            },
          },
        ]}
      >
        <Input maxLength={64} placeholder={t('logstore.subscriptions.namePlaceholder')} />
      </Form.Item>
      <Form.Item
        name="reports"
        label={t('logstore.subscriptions.reports')}
        rules={[{ required: true, type: 'array', min: 1, message: t('logstore.subscriptions.reportsRequired') }]}
      >
        <Checkbox.Group
          style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 6 }}
          options={REPORT_IDS.map((id) => ({ value: id, label: t(`logstore.reports.${id}`) }))}
        />
      </Form.Item>
      <Form.Item name="rangeMinutes" label={t('logstore.subscriptions.range')}>
        <Select
          style={{ width: 200 }}
          options={REPORT_RANGES.map((r) => ({ value: r, label: t(`logstore.subscriptions.ranges.${r as Range}`) }))}
        />
      </Form.Item>
      <Form.Item name="frequency" label={t('logstore.subscriptions.frequency')}>
        <Radio.Group
          optionType="button"
          options={REPORT_FREQUENCIES.map((f) => ({ value: f, label: t(`logstore.subscriptions.frequencies.${f}`) }))}
        />
      </Form.Item>
      <Form.Item noStyle dependencies={['frequency']}>
        {({ getFieldValue }) => {
          const f = getFieldValue('frequency') as ReportFrequency
          return (
            <Space align="start" wrap>
              {f === 'weekly' ? (
                <Form.Item
                  name="weekday"
                  label={t('logstore.subscriptions.weekdayLabel')}
                  rules={[{ required: true, message: t('logstore.subscriptions.weekdayRequired') }]}
                >
                  <Select
                    style={{ width: 160 }}
                    options={WEEKDAYS.map((d) => ({ value: d, label: t(`logstore.subscriptions.weekday.${d}`) }))}
                  />
                </Form.Item>
              ) : null}
              <Form.Item
                name="at"
                label={f === 'hourly' ? t('logstore.subscriptions.minute') : t('logstore.subscriptions.at')}
                extra={t('logstore.subscriptions.atHint')}
                rules={[{ required: true, message: t('logstore.subscriptions.atRequired') }]}
              >
                <TimePicker format={f === 'hourly' ? 'mm' : 'HH:mm'} allowClear={false} minuteStep={5} />
              </Form.Item>
            </Space>
          )
        }}
      </Form.Item>
      <Form.Item
        name="contactGroupIds"
        label={t('logstore.subscriptions.groups')}
        extra={t('logstore.subscriptions.groupsHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('logstore.subscriptions.groupsRequired') }]}
      >
        <ContactGroupSelect />
      </Form.Item>
      <Form.Item
        name="productKey"
        label={t('logstore.subscriptions.product')}
        extra={t('logstore.subscriptions.productHint')}
      >
        <ProductSelect allowClear placeholder={t('logstore.subscriptions.allProducts')} />
      </Form.Item>
      <Form.Item name="locale" label={t('logstore.subscriptions.locale')}>
        <Select
          options={[
            { value: 'default', label: t('logstore.subscriptions.localeDefault') },
            ...REPORT_LOCALES.map((l) => ({ value: l, label: t(`localeNames.${l}`) })),
          ]}
        />
      </Form.Item>
      <Form.Item name="enabled" label={t('logstore.subscriptions.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  )
}

/** Report subscriptions: chosen reports mailed on a schedule to contact groups, and "send now". */
export function Subscriptions() {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const schedule = useScheduleText()
  const [editing, setEditing] = useState<Row | 'new' | null>(null)
  const list = useQuery(trpc.reportSubscription.list.queryOptions())
  const groups = useQuery(trpc.notify.groups.list.queryOptions({ page: 1, pageSize: 200 }))
  const groupName = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? id.slice(0, 8)
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.reportSubscription.pathKey() })
  const onError = (e: unknown) => message.error(errorMessage(e, t('common.networkError')))
  const toggle = useMutation(trpc.reportSubscription.setEnabled.mutationOptions({ onSuccess: invalidate, onError }))
  const remove = useMutation(
    trpc.reportSubscription.delete.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await invalidate()
      },
      onError,
    }),
  )
  const send = useMutation(
    trpc.reportSubscription.sendNow.mutationOptions({
      onSuccess: async (r) => {
        message.success(t('logstore.subscriptions.sent', { n: r.queued }))
        await invalidate()
      },
      onError,
    }),
  )

  const columns: TableColumnsType<Row> = [
    {
      title: t('logstore.subscriptions.name'),
      dataIndex: 'name',
      render: (n: string, r) => (
        <Flex vertical>
          <Typography.Text strong>{n}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.productKey ?? t('logstore.subscriptions.allProducts')}
            {r.locale ? ` · ${t(`localeNames.${r.locale as ReportLocale}`)}` : ''}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('logstore.subscriptions.reports'),
      dataIndex: 'reports',
      render: (r: ReportId[]) => (
        <Typography.Text
          style={{ maxWidth: 260 }}
          ellipsis={{ tooltip: r.map((id) => t(`logstore.reports.${id}`)).join(', ') }}
        >
          {r.map((id) => t(`logstore.reports.${id}`)).join(', ')}
        </Typography.Text>
      ),
    },
    {
      title: t('logstore.subscriptions.schedule.label'),
      key: 'schedule',
      render: (_, r) => (
        <Flex vertical>
          <span>{schedule(r)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('logstore.subscriptions.covers', {
              range: t(`logstore.subscriptions.ranges.${r.rangeMinutes as Range}`),
            })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('logstore.subscriptions.groups'),
      dataIndex: 'contactGroupIds',
      render: (ids: string[]) => ids.map(groupName).join(', '),
    },
    {
      title: t('logstore.subscriptions.nextAt'),
      dataIndex: 'nextAt',
      render: (d: Date, r) => (r.enabled ? time(d) : '-'),
    },
    { title: t('logstore.subscriptions.lastSentAt'), dataIndex: 'lastSentAt', render: (d: Date | null) => time(d) },
    {
      title: t('logstore.subscriptions.enabled'),
      dataIndex: 'enabled',
      render: (on: boolean, r) => (
        <Switch
          size="small"
          checked={on}
          disabled={!writable}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          aria-label={t('logstore.subscriptions.toggle', { name: r.name })}
          onChange={(v) => toggle.mutate({ id: r.id, enabled: v })}
        />
      ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r: Row) => (
              <Space>
                <Button
                  size="small"
                  icon={<MailOutlined />}
                  loading={send.isPending && send.variables?.id === r.id}
                  onClick={() => send.mutate({ id: r.id })}
                >
                  {t('logstore.subscriptions.sendNow')}
                </Button>
                <Typography.Link onClick={() => setEditing(r)}>{t('common.edit')}</Typography.Link>
                <Popconfirm
                  title={t('logstore.subscriptions.deleteConfirm', { name: r.name })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync({ id: r.id }).catch(() => {})}
                >
                  <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ]

  return (
    <>
      <Flex justify="space-between" align="start" gap={12} style={{ marginBottom: 12 }} wrap>
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 720 }}>
          {t('logstore.subscriptions.intro')}
        </Typography.Paragraph>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('logstore.subscriptions.create')}
          </Button>
        ) : null}
      </Flex>
      <QueryTable<Row>
        query={list}
        rowKey="id"
        columns={columns}
        emptyText={t('logstore.subscriptions.empty')}
        table={{ size: 'middle' }}
      />
      <SubscriptionModal row={editing} onClose={() => setEditing(null)} />
    </>
  )
}
