'use client'

import { DownloadOutlined, PlusOutlined, UnorderedListOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
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
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { StatusBadge } from '@/components/StatusBadge'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { GroupSelect } from '../groups/GroupSelect'
import { productHref } from '../products/labels'
import { ProductSelect } from '../products/ProductSelect'
import { AddDeviceModal } from './AddDeviceModal'
import { BatchAddModal } from './BatchAddModal'
import { exportDevicesCsv } from './exportDevices'
import { DEVICE_STATUSES, deviceHref, isDeviceStatus } from './links'
import { useDeviceActions } from './useDeviceActions'

type DeviceRow = RouterOutputs['device']['list']['items'][number]
/** online / offline changes show up without reloading */
const REFRESH_MS = 3_000

export function DeviceList() {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [dialog, setDialog] = useState<'add' | 'batch' | null>(params.get('add') === '1' ? 'add' : null)
  const [exporting, setExporting] = useState(false)
  const actions = useDeviceActions()

  // the filters live in the address, so a filtered list can be linked to and survives "back"
  const status = params.get('status')
  const filters = {
    productKey: params.get('productKey') || undefined,
    status: isDeviceStatus(status) ? status : undefined,
    search: params.get('search') || undefined,
    groupId: params.get('groupId') || undefined,
  }
  const setFilter = (name: keyof typeof filters, value: string | undefined) => {
    const next = new URLSearchParams(params)
    next.delete('add')
    if (value) next.set(name, value)
    else next.delete(name)
    paging.reset()
    router.replace(`${pathname}${next.size ? `?${next.toString()}` : ''}`)
  }

  // `?add=1` (from the overview) opens the dialog once; closing it drops the parameter
  const closeDialog = () => {
    setDialog(null)
    if (params.has('add')) {
      const next = new URLSearchParams(params)
      next.delete('add')
      router.replace(`${pathname}${next.size ? `?${next.toString()}` : ''}`)
    }
  }

  const list = useQuery({
    ...trpc.device.list.queryOptions({ ...filters, page: paging.page, pageSize: paging.pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  })
  const filtered = Object.values(filters).some(Boolean)

  const exportCsv = async () => {
    setExporting(true)
    try {
      const count = await exportDevicesCsv(queryClient, trpc, filters, t)
      message.success(t('device.exported', { count }))
    } catch (error) {
      message.error(errorMessage(error, t('common.networkError')))
    } finally {
      setExporting(false)
    }
  }

  const columns: TableColumnsType<DeviceRow> = [
    {
      title: t('device.fields.deviceName'),
      dataIndex: 'deviceName',
      render: (name: string, d) => (
        <Flex vertical>
          <Link href={deviceHref(d.productKey, name)} className="mono">
            {name}
          </Link>
          {d.nickname ? <Typography.Text type="secondary">{d.nickname}</Typography.Text> : null}
        </Flex>
      ),
    },
    {
      title: t('device.fields.product'),
      dataIndex: 'productName',
      render: (name: string, d) => <Link href={productHref(d.productKey)}>{name}</Link>,
    },
    {
      title: t('device.fields.status'),
      dataIndex: 'status',
      width: 130,
      render: (s: string) => <StatusBadge status={s} />,
    },
    { title: t('device.fields.ip'), dataIndex: 'ip', render: (ip: string | null) => ip || '-' },
    {
      title: t('device.fields.lastOnlineAt'),
      dataIndex: 'lastOnlineAt',
      render: (v: DeviceRow['lastOnlineAt']) => <TimeText value={v} />,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      render: (v: DeviceRow['createdAt']) => <TimeText value={v} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, d) => {
        const ref = { productKey: d.productKey, deviceName: d.deviceName }
        const disabled = d.status === 'DISABLED'
        return (
          <Space>
            <Link href={deviceHref(d.productKey, d.deviceName)}>{t('common.view')}</Link>
            {writable ? (
              <>
                <Popconfirm
                  title={
                    disabled
                      ? t('device.enableConfirm', { name: d.deviceName })
                      : t('device.disableConfirm', { name: d.deviceName })
                  }
                  description={disabled ? undefined : t('device.disableHint')}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => actions.setDisabled.mutateAsync({ ...ref, disabled: !disabled })}
                >
                  <Typography.Link>{disabled ? t('common.enable') : t('common.disable')}</Typography.Link>
                </Popconfirm>
                <Popconfirm
                  title={t('device.deleteConfirm', { name: d.deviceName })}
                  description={t('device.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => actions.remove.mutateAsync(ref)}
                >
                  <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                </Popconfirm>
              </>
            ) : null}
          </Space>
        )
      },
    },
  ]

  return (
    <>
      <PageHeader
        title={t('nav.devices')}
        subtitle={t('device.listSubtitle')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportCsv()}>
              {t('device.exportCsv')}
            </Button>
            {writable ? (
              <>
                <Button icon={<UnorderedListOutlined />} onClick={() => setDialog('batch')}>
                  {t('device.batch.button')}
                </Button>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('add')}>
                  {t('device.add.button')}
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <ProductSelect allowClear value={filters.productKey} onChange={(v) => setFilter('productKey', v)} />
          <Select
            allowClear
            value={filters.status}
            onChange={(v: string | undefined) => setFilter('status', v)}
            placeholder={t('device.filters.status')}
            style={{ minWidth: 150 }}
            options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`device.status.${s}`) }))}
          />
          <GroupSelect value={filters.groupId} onChange={(v) => setFilter('groupId', v)} />
          <Input.Search
            allowClear
            defaultValue={filters.search}
            placeholder={t('device.filters.search')}
            style={{ maxWidth: 280 }}
            onSearch={(v) => setFilter('search', v.trim() || undefined)}
          />
        </Flex>
        {list.isError && !list.data ? (
          <QueryError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<DeviceRow>
            rowKey="iotId"
            columns={columns}
            dataSource={list.data?.items}
            loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
            pagination={paging.pagination(list.data?.total)}
            locale={{
              emptyText: (
                <Empty description={filtered ? t('common.noMatch') : t('device.empty')}>
                  {writable && !filtered ? (
                    <Button type="primary" onClick={() => setDialog('add')}>
                      {t('device.add.button')}
                    </Button>
                  ) : null}
                </Empty>
              ),
            }}
          />
        )}
      </Card>
      <AddDeviceModal open={dialog === 'add'} defaultProductKey={filters.productKey} onClose={closeDialog} />
      <BatchAddModal open={dialog === 'batch'} defaultProductKey={filters.productKey} onClose={closeDialog} />
    </>
  )
}
