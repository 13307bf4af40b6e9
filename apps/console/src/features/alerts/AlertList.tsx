'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import {
  Button,
  DatePicker,
  Empty,
  Flex,
  Input,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import { AlertDrawer } from './AlertDrawer'
import { AlertLevelTag, type AlertRow, AlertStatusTag, k, LEVEL_VALUES } from './labels'

/** The alert list: pending / all, filters, counts per level, and the detail drawer with the actions. */
export function AlertList() {
  const t = useT()
  const trpc = useTRPC()
  const paging = usePaging()
  const [scope, setScope] = useState<'pending' | 'all'>('pending')
  const [level, setLevel] = useState<number | undefined>()
  const [ruleId, setRuleId] = useState<string | undefined>()
  const [productKey, setProductKey] = useState<string | undefined>()
  const [deviceName, setDeviceName] = useState('')
  const [status, setStatus] = useState<'PENDING' | 'HANDLED' | 'IGNORED' | undefined>()
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const rules = useQuery(trpc.alertCenter.ruleOptions.queryOptions())
  const list = useQuery({
    ...trpc.alertCenter.list.queryOptions({
      page: paging.page,
      pageSize: paging.pageSize,
      status: scope === 'pending' ? 'PENDING' : status,
      level,
      alertRuleId: ruleId,
      productKey,
      deviceName: deviceName || undefined,
      from: range?.[0]?.toDate(),
      to: range?.[1]?.toDate(),
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  })
  const levels = list.data?.levels ?? {}

  const columns: TableColumnsType<AlertRow> = [
    {
      title: t('alerts.list.columns.level'),
      dataIndex: 'level',
      width: 96,
      render: (l: number) => <AlertLevelTag level={l} />,
    },
    {
      title: t('alerts.list.columns.rule'),
      dataIndex: 'ruleName',
      render: (n: string) => <Typography.Text strong>{n}</Typography.Text>,
    },
    {
      title: t('alerts.list.columns.device'),
      key: 'device',
      render: (_, r) =>
        r.deviceName ? (
          <Typography.Text className="mono">{`${r.productKey}/${r.deviceName}`}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('alerts.detail.noDevice')}</Typography.Text>
        ),
    },
    { title: t('alerts.list.columns.count'), dataIndex: 'count', width: 80, align: 'right' },
    {
      title: t('alerts.list.columns.status'),
      key: 'status',
      render: (_, r) => (
        <Flex gap={4} wrap>
          <AlertStatusTag status={r.status} />
          {r.inhibited ? (
            <Tooltip title={t('alerts.list.inhibitedHint')}>
              <Tag>{t('alerts.list.inhibited')}</Tag>
            </Tooltip>
          ) : null}
          {r.status === 'PENDING' && r.ackAt ? <Tag color="blue">{t('alerts.list.acknowledged')}</Tag> : null}
          {r.assigneeName ? <Tag>{t('alerts.list.assignedTo', { name: r.assigneeName })}</Tag> : null}
        </Flex>
      ),
    },
    { title: t('alerts.list.columns.lastAt'), dataIndex: 'lastAt', render: (v: Date) => <TimeText value={v} /> },
    { title: t('alerts.list.columns.firstAt'), dataIndex: 'firstAt', render: (v: Date) => <TimeText value={v} /> },
    {
      title: t('alerts.list.columns.actions'),
      key: 'actions',
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setOpen(r.id)}>
          {r.status === 'PENDING' ? t('alerts.list.handle') : t('alerts.list.view')}
        </Button>
      ),
    },
  ]

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Segmented
          value={scope}
          onChange={(v) => {
            setScope(v as 'pending' | 'all')
            paging.reset()
          }}
          options={[
            { value: 'pending', label: t('alerts.list.pending') },
            { value: 'all', label: t('alerts.list.all') },
          ]}
        />
        <Space size={4} wrap aria-label={t('alerts.list.filters.level')}>
          {LEVEL_VALUES.map((l) => (
            <Tag.CheckableTag
              key={l}
              checked={level === l}
              onChange={(on) => {
                setLevel(on ? l : undefined)
                paging.reset()
              }}
            >
              {t('alerts.list.countPerLevel', { level: t(k(`level.${l}`)), n: levels[String(l)] ?? 0 })}
            </Tag.CheckableTag>
          ))}
        </Space>
      </Flex>
      <Flex gap={8} wrap>
        <Select
          aria-label={t('alerts.list.filters.rule')}
          placeholder={t('alerts.list.filters.rule')}
          allowClear
          style={{ minWidth: 180 }}
          value={ruleId}
          onChange={(v) => {
            setRuleId(v)
            paging.reset()
          }}
          options={(rules.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
          showSearch={{ optionFilterProp: 'label' }}
        />
        <ProductSelect
          allowClear
          placeholder={t('alerts.list.filters.product')}
          value={productKey}
          onChange={(v) => {
            setProductKey(v)
            paging.reset()
          }}
          style={{ minWidth: 180 }}
        />
        <Input.Search
          aria-label={t('alerts.list.filters.device')}
          placeholder={t('alerts.list.filters.device')}
          allowClear
          style={{ width: 200 }}
          onSearch={(v) => {
            setDeviceName(v.trim())
            paging.reset()
          }}
        />
        {scope === 'all' ? (
          <Select
            aria-label={t('alerts.list.filters.status')}
            placeholder={t('alerts.list.filters.status')}
            allowClear
            style={{ minWidth: 120 }}
            value={status}
            onChange={(v) => {
              setStatus(v)
              paging.reset()
            }}
            options={(['PENDING', 'HANDLED', 'IGNORED'] as const).map((s) => ({
              value: s,
              label: t(k(`status.${s}`)),
            }))}
          />
        ) : null}
        <DatePicker.RangePicker
          aria-label={t('alerts.list.filters.time')}
          showTime
          value={range}
          onChange={(v) => {
            setRange(v)
            paging.reset()
          }}
        />
      </Flex>
      {list.isError ? <QueryError error={list.error} onRetry={() => list.refetch()} /> : null}
      <Table<AlertRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching && !list.data}
        pagination={paging.pagination(list.data?.total)}
        locale={{ emptyText: <Empty description={t('alerts.list.empty')} /> }}
        scroll={{ x: 'max-content' }}
      />
      <AlertDrawer id={open} onClose={() => setOpen(null)} />
    </Flex>
  )
}
