'use client'

import { LOG_OPERATORS, LOG_PERIODS } from '@iotops/services/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Form, Input, InputNumber, Select, Space, Typography } from 'antd'
import Link from 'next/link'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { ContactGroupSelect } from './ContactGroupSelect'
import { LevelField, SilenceField } from './fields'
import type { Level, RuleRow } from './labels'

type LogOperator = (typeof LOG_OPERATORS)[number]
type LogPeriod = (typeof LOG_PERIODS)[number]
interface Values {
  name: string
  queryId: string
  operator: LogOperator
  threshold: number
  granularity: LogPeriod
  periods: 1 | 3 | 5 | 10
  level: Level
  silenceSeconds: number
  contactGroupIds: string[]
}
const NAME = /^[\p{L}\p{N}_-]{1,64}$/u

/** The saved query's SQL under the picker, so the user sees what will run each period. */
function QueryPreview() {
  const trpc = useTRPC()
  const saved = useQuery(trpc.logAnalysis.saved.queryOptions())
  const id = Form.useWatch('queryId') as string | undefined
  const sql = saved.data?.find((q) => q.id === id)?.sql
  if (!sql) return null
  return (
    <Typography.Paragraph
      code
      style={{ whiteSpace: 'pre-wrap', fontSize: 12, maxHeight: 120, overflow: 'auto', marginTop: -8 }}
      data-testid="log-rule-sql"
    >
      {sql}
    </Typography.Paragraph>
  )
}

/**
 * Creates (`rule === 'new'`) or edits a log alert: a saved log-analysis query run over each closed period, its first
 * number compared with a threshold, notifying the chosen contact groups like any alarm rule.
 */
export function LogRuleModal({ rule, onClose }: { rule: RuleRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const saved = useQuery({ ...trpc.logAnalysis.saved.queryOptions(), enabled: rule !== null })
  const editing = rule && rule !== 'new' ? rule : null
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alarm.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.alarm.createRule.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.alarm.updateRule.mutationOptions({ onSuccess: done }))
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  const noQueries = saved.data?.length === 0
  return (
    <FormModal<Values>
      open={rule !== null}
      width={640}
      title={editing ? t('alarm.log.editTitle', { name: editing.name }) : t('alarm.log.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={
        editing
          ? {
              name: editing.name,
              queryId: editing.queryId ?? undefined,
              operator: editing.operator as LogOperator,
              threshold: editing.threshold,
              granularity: editing.granularity as LogPeriod,
              periods: editing.periods as Values['periods'],
              level: editing.level as Level,
              silenceSeconds: editing.silenceSeconds,
              contactGroupIds: editing.contactGroupIds,
            }
          : {
              operator: '>=',
              granularity: 5,
              periods: 1,
              level: 'WARNING',
              silenceSeconds: 3600,
              contactGroupIds: [],
            }
      }
      onCancel={close}
      onFinish={(v) => {
        const input = {
          kind: 'log' as const,
          name: v.name.trim(),
          queryId: v.queryId,
          operator: v.operator,
          threshold: v.threshold,
          granularity: v.granularity,
          periods: v.periods,
          level: v.level,
          silenceSeconds: v.silenceSeconds,
          contactGroupIds: v.contactGroupIds,
          effectiveFrom: editing?.effectiveFrom ?? '00:00',
          effectiveTo: editing?.effectiveTo ?? '23:59',
        }
        if (editing) update.mutate({ id: editing.id, rule: input })
        else create.mutate(input)
      }}
    >
      <Form.Item
        name="name"
        label={t('alarm.form.name')}
        rules={[
          {
            required: true,
            validator: async (_, v: string | undefined) => {
              if (!NAME.test(v?.trim() ?? '')) throw new Error(t('alarm.form.nameRule'))
            },
          },
        ]}
      >
        <Input maxLength={64} placeholder="tsl_failures_high" />
      </Form.Item>
      <Form.Item
        name="queryId"
        label={t('alarm.log.query')}
        extra={
          noQueries ? (
            <span>
              {t('alarm.log.noQueries')} <Link href="/logs?tab=analysis">{t('alarm.log.toAnalysis')}</Link>
            </span>
          ) : (
            t('alarm.log.queryHint')
          )
        }
        rules={[{ required: true, message: t('alarm.log.queryRequired') }]}
      >
        <Select
          showSearch
          optionFilterProp="label"
          loading={saved.isPending}
          options={(saved.data ?? []).map((q) => ({ value: q.id, label: q.name }))}
        />
      </Form.Item>
      <QueryPreview />
      <Space align="start" wrap>
        <Form.Item name="operator" label={t('alarm.form.operator')}>
          <Select style={{ width: 100 }} options={LOG_OPERATORS.map((o) => ({ value: o, label: o }))} />
        </Form.Item>
        <Form.Item
          name="threshold"
          label={t('alarm.form.threshold')}
          rules={[{ required: true, message: t('alarm.form.thresholdRequired') }]}
        >
          <InputNumber style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="granularity" label={t('alarm.log.period')}>
          <Select
            style={{ width: 140 }}
            options={LOG_PERIODS.map((p) => ({ value: p, label: t('alarm.minutes', { n: p }) }))}
          />
        </Form.Item>
        <Form.Item name="periods" label={t('alarm.form.periods')}>
          <Select style={{ width: 120 }} options={[1, 3, 5, 10].map((n) => ({ value: n, label: String(n) }))} />
        </Form.Item>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('alarm.log.periodHint')}
      </Typography.Paragraph>
      <LevelField />
      <SilenceField />
      <Form.Item
        name="contactGroupIds"
        label={t('alarm.form.groups')}
        extra={t('alarm.form.groupsHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('alarm.form.groupsRequired') }]}
      >
        <ContactGroupSelect />
      </Form.Item>
    </FormModal>
  )
}
