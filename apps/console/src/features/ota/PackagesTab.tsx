'use client'

import { PlusOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Empty, Flex, Input, Popconfirm, Select, Space, Table, Tooltip, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { QueryError } from '@/components/QueryError'
import { TimeText } from '@/components/TimeText'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { usePaging } from '@/lib/usePaging'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { AddPackageModal } from './AddPackageModal'
import { FIRMWARE_STATUSES, type FirmwareStatus, FirmwareStatusBadge } from './labels'
import { ModuleSelect } from './ModuleSelect'
import { SecureUpgradeModal } from './SecureUpgradeModal'
import { UpgradeWizard } from './UpgradeWizard'
import { VerifyModal } from './VerifyModal'

export type FirmwareRow = RouterOutputs['ota']['list']['items'][number]

/** A package can be rolled out when it needs no verification or passed it (ref §8.2.2). */
export function canUpgrade(status: string) {
  return status === 'VERIFIED' || status === 'NO_VERIFY'
}
/** Verification runs on packages that need it and are not being verified now. */
export function canVerify(status: string) {
  return status === 'UNVERIFIED' || status === 'VERIFY_FAILED' || status === 'VERIFIED'
}

/** The package list: filters, status, and the verify / batch upgrade / view / delete actions. */
export function PackagesTab() {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const paging = usePaging()
  const [productKey, setProductKey] = useState<string>()
  const [module, setModule] = useState<string>()
  const [name, setName] = useState('')
  const [status, setStatus] = useState<FirmwareStatus>()
  const [adding, setAdding] = useState(false)
  const [secure, setSecure] = useState(false)
  const [verifying, setVerifying] = useState<FirmwareRow | null>(null)
  const [upgrading, setUpgrading] = useState<FirmwareRow | null>(null)
  const list = useQuery({
    ...trpc.ota.list.queryOptions({
      productKey,
      module,
      name: name || undefined,
      status,
      page: paging.page,
      pageSize: paging.pageSize,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  })
  const remove = useMutation(
    trpc.ota.deleteFirmware.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.deleted'))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.list.pathKey() })
      },
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  const filtered = !!(productKey || module || name || status)

  return (
    <>
      <Flex justify="space-between" gap={8} style={{ marginBottom: 12 }} wrap>
        <Space wrap>
          {writable ? (
            <>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t('ota.packages.add')}
              </Button>
              <Button icon={<SafetyCertificateOutlined />} onClick={() => setSecure(true)}>
                {t('ota.secure.button')}
              </Button>
            </>
          ) : null}
          <ProductSelect
            allowClear
            value={productKey}
            placeholder={t('ota.filters.anyProduct')}
            onChange={(pk) => {
              setProductKey(pk)
              setModule(undefined)
              paging.reset()
            }}
          />
          <ModuleSelect
            productKey={productKey}
            allowClear
            value={module}
            onChange={(m) => {
              setModule(m)
              paging.reset()
            }}
          />
          <Input.Search
            allowClear
            placeholder={t('ota.filters.name')}
            aria-label={t('ota.filters.name')}
            onSearch={(v) => {
              setName(v.trim())
              paging.reset()
            }}
            style={{ width: 220 }}
          />
          <Select<FirmwareStatus>
            allowClear
            value={status}
            placeholder={t('ota.filters.anyStatus')}
            aria-label={t('ota.filters.anyStatus')}
            onChange={(s) => {
              setStatus(s)
              paging.reset()
            }}
            options={FIRMWARE_STATUSES.map((s) => ({ value: s, label: t(`ota.status.${s}`) }))}
            style={{ minWidth: 150 }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} aria-label={t('ota.refresh')} />
        </Space>
      </Flex>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <Table<FirmwareRow>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={paging.pagination(list.data?.total)}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: <Empty description={filtered ? t('common.noMatch') : t('ota.packages.empty')} />,
          }}
          columns={[
            {
              title: t('ota.fields.name'),
              dataIndex: 'name',
              render: (n: string, r) => (
                <Link href={`/ota/packages/${r.id}`}>
                  <Typography.Text strong style={{ maxWidth: 220 }} ellipsis={{ tooltip: n }}>
                    {n}
                  </Typography.Text>
                </Link>
              ),
            },
            {
              title: t('ota.fields.destVersion'),
              dataIndex: 'destVersion',
              render: (v: string, r) => (
                <Space size={4}>
                  <Typography.Text className="mono">{v}</Typography.Text>
                  {r.type === 'DIFF' ? (
                    <Tooltip title={t('ota.packages.diffFrom', { version: r.srcVersion ?? '' })}>
                      <Typography.Text type="secondary">({t('ota.type.DIFF')})</Typography.Text>
                    </Tooltip>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t('ota.fields.product'),
              dataIndex: 'productKey',
              render: (pk: string, r) => r.productName || pk,
            },
            { title: t('ota.fields.module'), dataIndex: 'module' },
            {
              title: t('ota.fields.status'),
              dataIndex: 'status',
              render: (s: string) => <FirmwareStatusBadge status={s} />,
            },
            {
              title: t('ota.fields.createdAt'),
              dataIndex: 'createdAt',
              render: (v: Date) => <TimeText value={v} />,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, r) => (
                <Space>
                  {writable && r.needVerify ? (
                    <Typography.Link disabled={!canVerify(r.status)} onClick={() => setVerifying(r)}>
                      {t('ota.packages.verify')}
                    </Typography.Link>
                  ) : null}
                  {writable ? (
                    <Tooltip title={canUpgrade(r.status) ? undefined : t('ota.packages.verifyFirst')}>
                      <Typography.Link disabled={!canUpgrade(r.status)} onClick={() => setUpgrading(r)}>
                        {t('ota.packages.upgrade')}
                      </Typography.Link>
                    </Tooltip>
                  ) : null}
                  <Link href={`/ota/packages/${r.id}`}>{t('common.view')}</Link>
                  {writable ? (
                    <Popconfirm
                      title={t('ota.packages.deleteConfirm', { name: r.name })}
                      description={t('ota.packages.deleteHint')}
                      okText={t('common.delete')}
                      cancelText={t('common.cancel')}
                      okButtonProps={{ danger: true }}
                      onConfirm={() => remove.mutateAsync({ id: r.id }).catch(() => {})}
                    >
                      <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
                    </Popconfirm>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      )}
      <AddPackageModal open={adding} onClose={() => setAdding(false)} />
      <SecureUpgradeModal open={secure} onClose={() => setSecure(false)} />
      <VerifyModal firmware={verifying} onClose={() => setVerifying(null)} />
      <UpgradeWizard firmware={upgrading} onClose={() => setUpgrading(null)} />
    </>
  )
}
