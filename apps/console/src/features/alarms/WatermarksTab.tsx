'use client'

import { ThunderboltOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Table, type TableColumnsType, Typography } from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryError } from '@/components/QueryError'
import { type AlarmLevel, LevelTag } from '@/features/notify/ChannelTags'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite, useIsAdmin } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { ContactGroupSelect } from './ContactGroupSelect'
import { LevelField } from './fields'
import { type Level, type RuleRow, useConditionText, WATERMARK_CODES } from './labels'
import { StateSummary } from './RulesTab'

interface Spec {
  devices: number
  messageTps: number
  forwardTps: number
}

/** The instance spec (admins edit it) and the one-click 90 % watermark alerts with the rules they made. */
export function WatermarksTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const admin = useIsAdmin()
  const writable = useCanWrite()
  const conditionText = useConditionText()
  const [open, setOpen] = useState(false)
  const spec = useQuery(trpc.monitor.spec.queryOptions())
  const rules = useQuery(
    trpc.alarm.rules.queryOptions({ page: 1, pageSize: 100, name: 'watermark_', kind: 'threshold' }),
  )
  const saveSpec = useMutation(
    trpc.monitor.setSpec.mutationOptions({
      onSuccess: async () => {
        message.success(t('alarm.watermarks.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.monitor.spec.queryKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const enable = useMutation(
    trpc.alarm.enableWatermarks.mutationOptions({
      onSuccess: async () => {
        message.success(t('alarm.watermarks.enabled'))
        await queryClient.invalidateQueries({ queryKey: trpc.alarm.pathKey() })
        setOpen(false)
      },
    }),
  )
  const watermarkRules = (rules.data?.items ?? []).filter((r) =>
    (WATERMARK_CODES as readonly string[]).includes(r.metric),
  )
  const columns: TableColumnsType<RuleRow> = [
    { title: t('alarm.rules.columns.name'), dataIndex: 'name' },
    {
      title: t('alarm.rules.columns.target'),
      dataIndex: 'metric',
      render: (m: (typeof WATERMARK_CODES)[number]) => (
        <span>
          {t(`alarm.watermarks.metric.${m}`)}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {m}
          </Typography.Text>
        </span>
      ),
    },
    { title: t('alarm.rules.columns.condition'), key: 'condition', render: (_, r) => `${conditionText(r)}` },
    { title: t('alarm.rules.columns.level'), dataIndex: 'level', render: (l: AlarmLevel) => <LevelTag level={l} /> },
    { title: t('alarm.rules.columns.state'), key: 'state', render: (_, r) => <StateSummary rule={r} /> },
    {
      title: t('alarm.rules.columns.enabled'),
      dataIndex: 'enabled',
      render: (on: boolean) => (on ? t('alarm.rules.onlyEnabled') : t('alarm.rules.onlyDisabled')),
    },
  ]

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={9}>
        <Card size="small" title={t('alarm.watermarks.spec')}>
          <Typography.Paragraph type="secondary">{t('alarm.watermarks.specHint')}</Typography.Paragraph>
          {spec.isError ? (
            <QueryError error={spec.error} onRetry={() => void spec.refetch()} />
          ) : spec.data ? (
            <Form<Spec>
              layout="vertical"
              initialValues={spec.data}
              disabled={!admin}
              onFinish={(v) => saveSpec.mutate(v)}
            >
              {(['devices', 'messageTps', 'forwardTps'] as const).map((k) => (
                <Form.Item key={k} name={k} label={t(`alarm.watermarks.${k}`)} rules={[{ required: true }]}>
                  <InputNumber min={1} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              ))}
              {admin ? (
                <Button type="primary" htmlType="submit" loading={saveSpec.isPending}>
                  {t('common.save')}
                </Button>
              ) : (
                <Typography.Text type="secondary">{t('alarm.watermarks.adminOnly')}</Typography.Text>
              )}
            </Form>
          ) : null}
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        <Card
          size="small"
          title={t('alarm.watermarks.rules')}
          extra={
            writable ? (
              <Button type="primary" icon={<ThunderboltOutlined />} onClick={() => setOpen(true)}>
                {t('alarm.watermarks.oneClick')}
              </Button>
            ) : null
          }
        >
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('alarm.watermarks.oneClickHint')} />
          <Table<RuleRow>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={watermarkRules}
            loading={rules.isPending}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('alarm.watermarks.none') }}
          />
        </Card>
      </Col>
      <FormModal<{ contactGroupIds: string[]; level: Level }>
        open={open}
        title={t('alarm.watermarks.oneClickTitle')}
        okText={t('common.confirm')}
        pending={enable.isPending}
        error={enable.error}
        initialValues={{
          contactGroupIds: watermarkRules[0]?.contactGroupIds ?? [],
          level: (watermarkRules[0]?.level as Level | undefined) ?? 'WARNING',
        }}
        onCancel={() => {
          enable.reset()
          setOpen(false)
        }}
        onFinish={(v) => enable.mutate({ percent: 90, contactGroupIds: v.contactGroupIds, level: v.level })}
      >
        <Typography.Paragraph type="secondary">{t('alarm.watermarks.oneClickHint')}</Typography.Paragraph>
        <Form.Item
          name="contactGroupIds"
          label={t('alarm.form.groups')}
          rules={[{ required: true, type: 'array', min: 1, message: t('alarm.form.groupsRequired') }]}
        >
          <ContactGroupSelect />
        </Form.Item>
        <LevelField />
      </FormModal>
    </Row>
  )
}
