'use client'

import { Empty, Table } from 'antd'
import Link from 'next/link'
import { StatusBadge } from '@/components/StatusBadge'
import { useT } from '@/i18n/I18nProvider'
import { deviceHref } from '../links'
import type { Device } from './types'

type SubDevice = Device['subDevices'][number]

/** The sub-devices attached to a gateway (topology). */
export function SubDevicesTab({ subDevices }: { subDevices: SubDevice[] }) {
  const t = useT()
  return (
    <Table<SubDevice>
      rowKey={(s) => `${s.productKey}/${s.deviceName}`}
      size="small"
      dataSource={subDevices}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={t('device.subDevices.empty')} /> }}
      columns={[
        {
          title: t('device.fields.deviceName'),
          dataIndex: 'deviceName',
          render: (name: string, s) => (
            <Link href={deviceHref(s.productKey, name)} className="mono">
              {name}
            </Link>
          ),
        },
        {
          title: t('product.fields.productKey'),
          dataIndex: 'productKey',
          render: (k: string) => <span className="mono">{k}</span>,
        },
        { title: t('device.fields.status'), dataIndex: 'status', render: (s: string) => <StatusBadge status={s} /> },
      ]}
    />
  )
}
