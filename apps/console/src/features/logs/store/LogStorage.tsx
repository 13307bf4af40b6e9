'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { QueryError } from '@/components/QueryError'
import { useT } from '@/i18n/I18nProvider'
import { useIsAdmin } from '@/lib/auth'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'

interface Policy {
  productKey: string
  runLogDump: boolean
  runLogDays: number | null
  deviceLogDump: boolean
  deviceLogDays: number | null
}
type PolicyForm = Omit<Policy, 'productKey'>

// what a product without a stored policy has (packages/services/src/logs/dump.ts)
const DEFAULT_DAYS = 180
const defaults = (productKey: string): Policy => ({
  productKey,
  runLogDump: false,
  runLogDays: DEFAULT_DAYS,
  deviceLogDump: false,
  deviceLogDays: DEFAULT_DAYS,
})

/** Long-term storage ("dump") per product: run logs and device logs apart, on/off and retention. */
export function LogStorage() {
  const t = useT()
  const trpc = useTRPC()
  const isAdmin = useIsAdmin()
  const paging = usePaging()
  const [search, setSearch] = useState('')
  const [editing, setEditing] = useState<{ name: string; policy: Policy } | null>(null)
  const products = useQuery({
    ...trpc.product.list.queryOptions({ page: paging.page, pageSize: paging.pageSize, search: search || undefined }),
    placeholderData: keepPreviousData,
  })
  const policies = useQuery(trpc.logStore.list.queryOptions())
  const byKey = new Map((policies.data ?? []).map((p) => [p.productKey, p]))

  const retention = (on: boolean, days: number | null) => (
    <Flex gap={6} align="center">
      <Tag color={on ? 'green' : 'default'}>{on ? t('logstore.storage.on') : t('logstore.storage.off')}</Tag>
      <Typography.Text type={on ? undefined : 'secondary'}>
        {days === null ? t('logstore.storage.forever') : t('logstore.storage.days', { days })}
      </Typography.Text>
    </Flex>
  )

  type Row = { productKey: string; name: string; policy: Policy }
  const rows: Row[] = (products.data?.items ?? []).map((p) => ({
    productKey: p.productKey,
    name: p.name,
    policy: byKey.get(p.productKey) ?? defaults(p.productKey),
  }))
  const columns: TableColumnsType<Row> = [
    {
      title: t('logstore.storage.product'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <Flex vertical>
          <span>{name}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {r.productKey}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('logstore.storage.runLog'),
      key: 'run',
      width: 240,
      render: (_, r) => retention(r.policy.runLogDump, r.policy.runLogDays),
    },
    {
      title: t('logstore.storage.deviceLog'),
      key: 'device',
      width: 240,
      render: (_, r) => retention(r.policy.deviceLogDump, r.policy.deviceLogDays),
    },
    {
      title: '',
      key: 'actions',
      width: 110,
      render: (_, r) => (
        <Tooltip title={isAdmin ? undefined : t('logstore.storage.adminOnly')}>
          <Button
            type="link"
            disabled={!isAdmin}
            aria-label={`${t('logstore.storage.edit')} ${r.name}`}
            onClick={() => setEditing({ name: r.name, policy: r.policy })}
          >
            {t('logstore.storage.edit')}
          </Button>
        </Tooltip>
      ),
    },
  ]

  if (products.isError && !products.data)
    return <QueryError error={products.error} onRetry={() => void products.refetch()} />
  return (
    <Flex vertical gap={12}>
      <Alert
        type="info"
        showIcon
        title={t('logstore.storage.intro')}
        description={t('logstore.storage.offHint')}
        style={{ maxWidth: 960 }}
      />
      <Input.Search
        allowClear
        placeholder={t('logstore.storage.search')}
        onSearch={(v) => {
          setSearch(v.trim())
          paging.reset()
        }}
        style={{ width: 280 }}
      />
      <Table<Row>
        rowKey="productKey"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={products.isPending || policies.isPending}
        pagination={paging.pagination(products.data?.total)}
        locale={{ emptyText: t('logstore.storage.empty') }}
      />
      <PolicyModal editing={editing} onClose={() => setEditing(null)} />
    </Flex>
  )
}

function PolicyModal({ editing, onClose }: { editing: { name: string; policy: Policy } | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message } = App.useApp()
  const set = useMutation(
    trpc.logStore.set.mutationOptions({
      onSuccess: () => {
        message.success(t('logstore.storage.saved', { name: editing?.name ?? '' }))
        void qc.invalidateQueries({ queryKey: trpc.logStore.list.queryKey() })
        void qc.invalidateQueries({ queryKey: trpc.logStore.get.queryKey() })
        onClose()
      },
    }),
  )
  const daysRule = {
    validator: (_: unknown, v: number | null | undefined) =>
      v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3000)
        ? Promise.resolve()
        : Promise.reject(new Error(t('logstore.storage.daysRule'))),
  }
  return (
    <FormModal<PolicyForm>
      open={!!editing}
      title={t('logstore.storage.editTitle', { name: editing?.name ?? '' })}
      pending={set.isPending}
      error={set.error}
      initialValues={editing?.policy}
      width={600}
      onCancel={() => {
        set.reset()
        onClose()
      }}
      onFinish={(v) => editing && set.mutate({ productKey: editing.policy.productKey, ...v })}
    >
      {(['runLog', 'deviceLog'] as const).map((kind) => (
        <Row key={kind} gutter={16}>
          <Col span={9}>
            <Form.Item
              name={`${kind}Dump`}
              label={t(`logstore.storage.${kind}`)}
              valuePropName="checked"
              tooltip={t('logstore.storage.keep')}
            >
              <Switch checkedChildren={t('logstore.storage.on')} unCheckedChildren={t('logstore.storage.off')} />
            </Form.Item>
          </Col>
          <Col span={15}>
            <Form.Item name={`${kind}Days`} label={t('logstore.storage.retention')} rules={[daysRule]}>
              <RetentionInput label={t(`logstore.storage.${kind}`)} />
            </Form.Item>
          </Col>
        </Row>
      ))}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('logstore.storage.offHint')}
      </Typography.Paragraph>
    </FormModal>
  )
}

/** Days 1–3000 or forever (`null`). */
function RetentionInput({
  id,
  value,
  onChange,
  label,
}: {
  id?: string
  value?: number | null
  onChange?: (v: number | null | undefined) => void
  label: string
}) {
  const t = useT()
  const forever = value === null
  return (
    <Flex gap={8} align="center">
      <Radio.Group
        value={forever ? 'forever' : 'days'}
        onChange={(e) => onChange?.(e.target.value === 'forever' ? null : DEFAULT_DAYS)}
        options={[
          { value: 'days', label: t('logstore.storage.retentionDays') },
          { value: 'forever', label: t('logstore.storage.retentionForever') },
        ]}
      />
      {forever ? null : (
        <InputNumber
          id={id}
          aria-label={`${t('logstore.storage.retention')} ${label}`}
          min={1}
          max={3000}
          precision={0}
          value={value ?? null}
          onChange={(v) => onChange?.(v ?? undefined)}
          suffix={t('logstore.storage.unit')}
          style={{ width: 130 }}
        />
      )}
    </Flex>
  )
}
