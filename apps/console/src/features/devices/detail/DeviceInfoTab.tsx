'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Descriptions, Empty, Flex, Switch, Tag, Tooltip } from 'antd'
import Link from 'next/link'
import { CopyText } from '@/components/CopyText'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { deviceHref } from '../links'
import { SecretButton } from './SecretButton'
import type { Device } from './types'

/** Firmware versions reported per OTA module. */
export function FirmwareTags({ firmware }: { firmware: Record<string, string> }) {
  const t = useT()
  const entries = Object.entries(firmware ?? {})
  if (!entries.length) return <>-</>
  return (
    <Flex gap={4} wrap>
      {entries.map(([module, version]) => (
        <Tag key={module}>
          {module === 'default' ? t('device.defaultModule') : module}: <span className="mono">{version}</span>
        </Tag>
      ))}
    </Flex>
  )
}

export function DeviceInfoTab({ device }: { device: Device }) {
  const t = useT()
  const writable = useCanWrite()
  return (
    <Descriptions
      bordered
      column={{ xs: 1, lg: 2 }}
      items={[
        { key: 'pk', label: t('product.fields.productKey'), children: <CopyText text={device.productKey} /> },
        { key: 'dn', label: t('device.fields.deviceName'), children: <CopyText text={device.deviceName} /> },
        {
          key: 'ds',
          label: t('device.fields.deviceSecret'),
          children: writable ? (
            <SecretButton productKey={device.productKey} deviceName={device.deviceName} />
          ) : (
            t('device.secretHidden')
          ),
        },
        { key: 'iot', label: t('device.fields.iotId'), children: <CopyText text={device.iotId} /> },
        { key: 'nick', label: t('device.fields.nickname'), children: device.nickname || '-' },
        { key: 'node', label: t('product.fields.nodeType'), children: t(`product.nodeTypes.${device.nodeType}`) },
        {
          key: 'gw',
          label: t('device.fields.gateway'),
          children: device.gateway ? (
            <Link href={deviceHref(device.gateway.productKey, device.gateway.deviceName)} className="mono">
              {device.gateway.deviceName}
            </Link>
          ) : (
            '-'
          ),
        },
        { key: 'ip', label: t('device.fields.ip'), children: device.ip || '-' },
        { key: 'proto', label: t('device.fields.protocol'), children: device.protocol ?? '-' },
        {
          key: 'loc',
          label: t('device.fields.location'),
          children: [device.province, device.city].filter(Boolean).join(' ') || '-',
        },
        {
          key: 'log',
          label: t('device.fields.logUpload'),
          children: <LogUploadSwitch device={device} />,
        },
        { key: 'created', label: t('common.createdAt'), children: <TimeText value={device.createdAt} /> },
        { key: 'act', label: t('device.fields.activatedAt'), children: <TimeText value={device.activatedAt} /> },
        { key: 'on', label: t('device.fields.lastOnlineAt'), children: <TimeText value={device.lastOnlineAt} /> },
        { key: 'off', label: t('device.fields.lastOfflineAt'), children: <TimeText value={device.lastOfflineAt} /> },
        {
          key: 'fw',
          label: t('device.fields.firmware'),
          span: 'filled',
          children: <FirmwareTags firmware={device.firmware} />,
        },
      ]}
    />
  )
}

/** The device-log upload switch (pushed to the device when it changes). */
function LogUploadSwitch({ device }: { device: Device }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const set = useMutation(
    trpc.deviceLog.setUpload.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.device.byName.pathKey() }),
      onError: (e) => message.error(errorMessage(e, t('common.networkError'))),
    }),
  )
  return (
    <Tooltip title={t('device.fields.logUploadHelp')}>
      <Switch
        aria-label={t('device.fields.logUpload')}
        checked={device.logUpload}
        loading={set.isPending}
        disabled={!useCanWrite()}
        onChange={(enabled) => set.mutate({ productKey: device.productKey, deviceName: device.deviceName, enabled })}
      />
    </Tooltip>
  )
}

export function NoData({ text }: { text: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />
}
