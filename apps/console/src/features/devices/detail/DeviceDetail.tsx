'use client'

import { BugOutlined, DeleteOutlined, PoweroffOutlined, RobotOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button, Card, Descriptions, Popconfirm, Skeleton, Tabs } from 'antd'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { StatusBadge } from '@/components/StatusBadge'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { useTRPC } from '@/trpc/react'
import { productHref } from '../../products/labels'
import { deviceToolHref } from '../links'
import { useDeviceActions } from '../useDeviceActions'
import { DeviceInfoTab, FirmwareTags } from './DeviceInfoTab'
import { DeviceTagsTab } from './DeviceTagsTab'
import { DeviceTopicsTab } from './DeviceTopicsTab'
import { EventsTable } from './EventsTable'
import { PropertyGrid } from './PropertyGrid'
import { RunLogTab } from './RunLogTab'
import { ServiceCallsTable } from './ServiceCallsTable'
import { SubDevicesTab } from './SubDevicesTab'
import { featureNames } from './types'

/** the status badge and latest values follow the device live */
const POLL_MS = 2_000

export function DeviceDetail({ productKey, deviceName }: { productKey: string; deviceName: string }) {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const writable = useCanWrite()
  const [tab, setTab] = useState('info')
  const ref = { productKey, deviceName }
  const device = useQuery({ ...trpc.device.byName.queryOptions(ref), refetchInterval: POLL_MS })
  const product = useQuery(trpc.product.byKey.queryOptions({ productKey }))
  const actions = useDeviceActions({ onDeleted: () => router.push('/devices') })
  const d = device.data

  if (device.isError && !d) {
    return (
      <>
        <PageHeader title={deviceName} backHref="/devices" />
        <Card>
          <QueryError error={device.error} onRetry={() => void device.refetch()} />
        </Card>
      </>
    )
  }
  if (!d) {
    return (
      <>
        <PageHeader title={deviceName} backHref="/devices" />
        <Card>
          <Skeleton active />
        </Card>
      </>
    )
  }

  const names = featureNames(product.data)
  const disabled = d.status === 'DISABLED'
  const tabs = [
    { key: 'info', label: t('device.tabs.info'), children: <DeviceInfoTab device={d} /> },
    {
      key: 'thing',
      label: t('device.tabs.thing'),
      children: (
        <Tabs
          size="small"
          items={[
            {
              key: 'properties',
              label: t('device.thing.properties'),
              children: <PropertyGrid productKey={productKey} deviceName={deviceName} properties={d.properties} />,
            },
            {
              key: 'events',
              label: t('device.thing.events'),
              children: <EventsTable productKey={productKey} deviceName={deviceName} names={names.events} />,
            },
            {
              key: 'services',
              label: t('device.thing.services'),
              children: <ServiceCallsTable productKey={productKey} deviceName={deviceName} names={names.services} />,
            },
          ]}
        />
      ),
    },
    { key: 'topics', label: t('device.tabs.topics'), children: <DeviceTopicsTab topics={d.topics} /> },
    {
      key: 'tags',
      label: t('device.tabs.tags'),
      children: <DeviceTagsTab productKey={productKey} deviceName={deviceName} tags={d.tags} />,
    },
    ...(d.nodeType === 'GATEWAY'
      ? [{ key: 'sub', label: t('device.tabs.subDevices'), children: <SubDevicesTab subDevices={d.subDevices} /> }]
      : []),
    {
      key: 'log',
      label: t('device.tabs.runLog'),
      children: <RunLogTab productKey={productKey} deviceName={deviceName} />,
    },
  ]

  return (
    <>
      <PageHeader
        title={<span className="mono">{d.deviceName}</span>}
        subtitle={<StatusBadge status={d.status} />}
        backHref="/devices"
        extra={
          <>
            <Link href={deviceToolHref('/debug', d.productKey, d.deviceName)}>
              <Button icon={<BugOutlined />}>{t('device.openDebug')}</Button>
            </Link>
            <Link href={deviceToolHref('/simulator', d.productKey, d.deviceName)}>
              <Button icon={<RobotOutlined />}>{t('device.openSimulator')}</Button>
            </Link>
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
                  <Button icon={<PoweroffOutlined />}>{disabled ? t('common.enable') : t('common.disable')}</Button>
                </Popconfirm>
                <Popconfirm
                  title={t('device.deleteConfirm', { name: d.deviceName })}
                  description={t('device.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => actions.remove.mutateAsync(ref)}
                >
                  <Button danger icon={<DeleteOutlined />}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </>
            ) : null}
          </>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            {
              key: 'product',
              label: t('device.fields.product'),
              children: <Link href={productHref(d.productKey)}>{d.productName}</Link>,
            },
            { key: 'pk', label: t('product.fields.productKey'), children: <CopyText text={d.productKey} /> },
            { key: 'status', label: t('device.fields.status'), children: <StatusBadge status={d.status} /> },
            { key: 'ip', label: t('device.fields.ip'), children: d.ip || '-' },
            { key: 'on', label: t('device.fields.lastOnlineAt'), children: <TimeText value={d.lastOnlineAt} /> },
            { key: 'act', label: t('device.fields.activatedAt'), children: <TimeText value={d.activatedAt} /> },
            { key: 'fw', label: t('device.fields.firmware'), children: <FirmwareTags firmware={d.firmware} /> },
          ]}
        />
      </Card>
      <Card>
        <Tabs activeKey={tab} onChange={setTab} items={tabs} destroyOnHidden />
      </Card>
    </>
  )
}
