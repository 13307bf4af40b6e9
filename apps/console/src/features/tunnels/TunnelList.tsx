'use client'

import { DownOutlined, PlusOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Badge,
  Button,
  Card,
  Dropdown,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { CreatedCredentials } from './CreatedCredentials'
import { type CreatedTunnel, CreateTunnelModal } from './CreateTunnelModal'

type Row = RouterOutputs['tunnel']['list']['items'][number]
/** both sides' connection state changes as agents and tools connect: keep the list fresh */
const REFRESH_MS = 3_000

export function SideState({ connected, testId }: { connected: boolean; testId?: string }) {
  const t = useT()
  return (
    <Badge
      data-testid={testId}
      status={connected ? 'success' : 'default'}
      text={connected ? t('tunnel.side.connected') : t('tunnel.side.disconnected')}
    />
  )
}

export function TunnelState({ status }: { status: 'OPEN' | 'CLOSED' }) {
  const t = useT()
  return <Badge status={status === 'OPEN' ? 'processing' : 'default'} text={t(`tunnel.status.${status}`)} />
}

export function TunnelList() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message, modal } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [productKey, setProductKey] = useState<string>()
  const [searchBy, setSearchBy] = useState<'deviceName' | 'tunnelId'>('deviceName')
  const [search, setSearch] = useState('')
  const [status, setStatus] = useState<'OPEN' | 'CLOSED'>()
  const [selected, setSelected] = useState<string[]>([])
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<CreatedTunnel | null>(null)

  const list = useQuery({
    ...trpc.tunnel.list.queryOptions({
      page: paging.page,
      pageSize: paging.pageSize,
      productKey,
      status,
      ...(search ? { [searchBy]: search } : {}),
    }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  })
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tunnel.pathKey() })
  const onError = (error: unknown) => message.error(errorMessage(error, t('common.networkError')))
  const close = useMutation(
    trpc.tunnel.close.mutationOptions({
      onSuccess: async (r) => {
        message.success(r.closed.length > 1 ? t('tunnel.closedMany', { count: r.closed.length }) : t('tunnel.closed'))
        setSelected([])
        await refresh()
      },
      onError,
    }),
  )
  const remove = useMutation(
    trpc.tunnel.delete.mutationOptions({
      onSuccess: async (r) => {
        message.success(
          r.deleted.length > 1 ? t('tunnel.deletedMany', { count: r.deleted.length }) : t('common.deleted'),
        )
        setSelected([])
        await refresh()
      },
      onError,
    }),
  )

  const rows = list.data?.items ?? []
  const chosen = rows.filter((r) => selected.includes(r.tunnelId))
  const batch = (kind: 'close' | 'delete') => {
    const ids = chosen.filter((r) => (kind === 'close' ? r.status === 'OPEN' : r.status === 'CLOSED'))
    if (!ids.length) return
    modal.confirm({
      title:
        kind === 'close'
          ? t('tunnel.batchCloseConfirm', { count: ids.length })
          : t('tunnel.batchDeleteConfirm', { count: ids.length }),
      okText: kind === 'close' ? t('tunnel.close') : t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        (kind === 'close' ? close : remove).mutateAsync({ tunnelIds: ids.map((r) => r.tunnelId) }).catch(() => {}),
    })
  }

  const columns: TableColumnsType<Row> = [
    {
      title: t('tunnel.columns.tunnelId'),
      dataIndex: 'tunnelId',
      render: (id: string) => (
        <Link href={`/tunnels/${encodeURIComponent(id)}`} className="mono">
          {id}
        </Link>
      ),
    },
    {
      title: t('tunnel.columns.device'),
      key: 'device',
      render: (_, r) => (
        <Flex vertical>
          <span className="mono">{r.deviceName}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
            {r.productKey}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tunnel.columns.status'),
      dataIndex: 'status',
      render: (s: Row['status']) => <TunnelState status={s} />,
    },
    {
      title: t('tunnel.columns.deviceSide'),
      dataIndex: 'deviceConnected',
      render: (c: boolean, r) => <SideState connected={c} testId={`device-side-${r.tunnelId}`} />,
    },
    {
      title: t('tunnel.columns.accessSide'),
      dataIndex: 'accessConnected',
      render: (c: boolean, r) => <SideState connected={c} testId={`access-side-${r.tunnelId}`} />,
    },
    {
      title: t('tunnel.columns.createdAt'),
      dataIndex: 'createdAt',
      render: (d: Row['createdAt']) => <TimeText value={d} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      // the ids are long: the actions stay in view when the table scrolls sideways
      fixed: 'right',
      render: (_, r) => (
        <Space>
          <Link href={`/tunnels/${encodeURIComponent(r.tunnelId)}`}>{t('common.view')}</Link>
          {writable && r.status === 'OPEN' ? (
            <Popconfirm
              title={t('tunnel.closeConfirm')}
              okText={t('tunnel.close')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => close.mutateAsync({ tunnelIds: [r.tunnelId] }).catch(() => {})}
            >
              <Typography.Link>{t('tunnel.close')}</Typography.Link>
            </Popconfirm>
          ) : null}
          {writable && r.status === 'CLOSED' ? (
            <Popconfirm
              title={t('tunnel.deleteConfirm')}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutateAsync({ tunnelIds: [r.tunnelId] }).catch(() => {})}
            >
              <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.tunnels')}
        subtitle={t('tunnel.subtitle')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('tunnel.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          {writable ? (
            <Dropdown
              disabled={!chosen.length}
              menu={{
                items: [
                  {
                    key: 'close',
                    label: t('tunnel.batchClose'),
                    disabled: !chosen.some((r) => r.status === 'OPEN'),
                  },
                  {
                    key: 'delete',
                    label: t('tunnel.batchDelete'),
                    danger: true,
                    disabled: !chosen.some((r) => r.status === 'CLOSED'),
                  },
                ],
                onClick: ({ key }) => batch(key as 'close' | 'delete'),
              }}
            >
              <Button>
                <Space>
                  {t('tunnel.batch')}
                  <DownOutlined />
                </Space>
              </Button>
            </Dropdown>
          ) : null}
          <ProductSelect
            allowClear
            placeholder={t('tunnel.filters.product')}
            value={productKey}
            onChange={(pk) => {
              setProductKey(pk)
              paging.reset()
            }}
            style={{ width: 200 }}
          />
          <Space.Compact>
            <Select
              aria-label={t('tunnel.filters.searchBy')}
              value={searchBy}
              onChange={setSearchBy}
              style={{ width: 140 }}
              options={[
                { value: 'deviceName', label: t('tunnel.filters.deviceName') },
                { value: 'tunnelId', label: t('tunnel.filters.tunnelId') },
              ]}
            />
            <Input.Search
              allowClear
              aria-label={searchBy === 'deviceName' ? t('tunnel.filters.deviceName') : t('tunnel.filters.tunnelId')}
              placeholder={t('tunnel.filters.searchPlaceholder')}
              onSearch={(v) => {
                setSearch(v.trim())
                paging.reset()
              }}
              style={{ width: 260 }}
            />
          </Space.Compact>
          <Select
            allowClear
            aria-label={t('tunnel.columns.status')}
            placeholder={t('tunnel.filters.status')}
            value={status}
            onChange={(s) => {
              setStatus(s)
              paging.reset()
            }}
            style={{ width: 140 }}
            options={(['OPEN', 'CLOSED'] as const).map((s) => ({ value: s, label: t(`tunnel.status.${s}`) }))}
          />
        </Flex>
        {list.isError && !list.data ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<Row>
            rowKey="tunnelId"
            columns={columns}
            dataSource={rows}
            loading={list.isPending}
            scroll={{ x: 'max-content' }}
            rowSelection={
              writable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined
            }
            pagination={paging.pagination(list.data?.total)}
            locale={{ emptyText: <Empty description={t('tunnel.empty')} /> }}
          />
        )}
      </Card>
      <CreateTunnelModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false)
          setCreated(c)
        }}
      />
      <CreatedCredentials created={created} onClose={() => setCreated(null)} />
    </>
  )
}
