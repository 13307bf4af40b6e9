'use client'

import { skipToken, useQuery } from '@tanstack/react-query'
import { Alert, Card, Col, Empty, Flex, Row, Skeleton, Tabs, Typography } from 'antd'
import Link from 'next/link'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { CodeTag } from '@/components/CodeTag'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { StatusBadge } from '@/components/StatusBadge'
import { DeviceSelect } from '@/features/devices/DeviceSelect'
import { deviceHref } from '@/features/devices/links'
import { ProductSelect } from '@/features/products/ProductSelect'
import { RemoteLoginPanel } from '@/features/remote-login/RemoteLoginPanel'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { LiveLogPanel } from './LiveLogPanel'
import { PropertyDebug } from './PropertyDebug'
import { ServiceDebug } from './ServiceDebug'

type Target = RouterOutputs['debug']['target']

/** The page follows the device's state: polled, and refreshed at once when the log shows it going on- or offline. */
const POLL_MS = 3_000

/** Why commands are refused, by the code the downlink would answer with. */
const BLOCKS = {
  6208: { key: 'disabled', type: 'error' },
  9200: { key: 'unactive', type: 'warning' },
  9201: { key: 'offline', type: 'warning' },
} as const
const blockOf = (code: number | null) => (code !== null && code in BLOCKS ? BLOCKS[code as keyof typeof BLOCKS] : null)

/**
 * Online debugging (reference §5 "在线调试"): choose a product and one of its devices (`?productKey=…&deviceName=…`),
 * then debug its properties or invoke its services while the real-time log beside shows every record of the device.
 */
export function OnlineDebug() {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const productKey = params.get('productKey')?.trim() || undefined
  const deviceName = params.get('deviceName')?.trim() || undefined
  const chosen = productKey && deviceName ? { productKey, deviceName } : null
  const target = useQuery({
    ...trpc.debug.target.queryOptions(chosen ?? skipToken),
    refetchInterval: POLL_MS,
  })

  const choose = (pk: string | undefined, dn: string | undefined) => {
    const next = new URLSearchParams()
    if (pk) next.set('productKey', pk)
    if (dn) next.set('deviceName', dn)
    router.replace(`${pathname}${next.size ? `?${next.toString()}` : ''}`, { scroll: false })
  }

  const d = target.data
  return (
    <>
      <PageHeader title={t('nav.debug')} subtitle={t('debug.subtitle')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={12} wrap align="center">
          <label htmlFor="debug-product">{t('debug.selectDevice')}</label>
          <ProductSelect
            id="debug-product"
            value={productKey}
            onChange={(pk) => choose(pk, undefined)}
            placeholder={t('debug.productPlaceholder')}
            style={{ width: 220 }}
          />
          <DeviceSelect productKey={productKey} value={deviceName} onChange={(dn) => choose(productKey, dn)} />
          {d && chosen ? (
            <Flex gap={12} align="center">
              <StatusBadge status={d.status} />
              <Link href={deviceHref(d.productKey, d.deviceName)}>{t('debug.openDevice')}</Link>
            </Flex>
          ) : null}
        </Flex>
      </Card>
      {!chosen ? (
        <Card>
          <Empty
            description={
              <Flex vertical gap={4}>
                <span>{t('debug.chooseDevice')}</span>
                <Typography.Text type="secondary">{t('debug.mqttOnly')}</Typography.Text>
              </Flex>
            }
          />
        </Card>
      ) : target.isError && !d ? (
        <Card>
          <QueryError error={target.error} onRetry={() => void target.refetch()} />
        </Card>
      ) : !d ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : (
        <Workspace key={`${d.productKey}/${d.deviceName}`} target={d} onDeviceRecord={() => void target.refetch()} />
      )}
    </>
  )
}

function Workspace({ target, onDeviceRecord }: { target: Target; onDeviceRecord: () => void }) {
  const t = useT()
  const writable = useCanWrite()
  const block = blockOf(target.blockedCode)
  const viewerOnly = writable ? null : t('debug.viewerOnly')
  const sendBlock = viewerOnly ?? (block ? t(`debug.blocked.${block.key}.short`) : null)
  const gateway = target.gateway ? `${target.gateway.productKey}/${target.gateway.deviceName}` : null

  return (
    <Flex vertical gap={16}>
      {block && target.blockedCode !== null ? (
        <Alert
          type={block.type}
          showIcon
          title={
            <Flex gap={8} align="center" wrap>
              <CodeTag code={target.blockedCode} />
              <span>{t(`debug.blocked.${block.key}.title`)}</span>
            </Flex>
          }
          description={
            <Flex vertical gap={4}>
              <span>{t(`debug.blocked.${block.key}.hint`)}</span>
              {block.key === 'disabled' ? (
                <Link href={deviceHref(target.productKey, target.deviceName)}>{t('debug.openDevice')}</Link>
              ) : (
                <span>{t('debug.blocked.stillPossible')}</span>
              )}
            </Flex>
          }
        />
      ) : null}
      {gateway ? (
        <Alert
          type="info"
          showIcon
          title={t('debug.viaGateway', { gateway })}
          description={target.gateway?.online ? undefined : t('debug.gatewayOffline', { gateway })}
        />
      ) : null}
      {target.dataFormat === 'CUSTOM' ? <Alert type="info" showIcon title={t('debug.customFormat')} /> : null}
      {viewerOnly ? <Alert type="info" showIcon title={viewerOnly} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small">
            <Tabs
              items={[
                {
                  key: 'property',
                  label: t('debug.tabs.property'),
                  children: <PropertyDebug target={target} sendBlock={sendBlock} desiredBlock={viewerOnly} />,
                },
                {
                  key: 'service',
                  label: t('debug.tabs.service'),
                  children: <ServiceDebug target={target} sendBlock={sendBlock} />,
                },
                {
                  key: 'remoteLogin',
                  label: t('debug.tabs.remoteLogin'),
                  children: <RemoteLoginPanel productKey={target.productKey} deviceName={target.deviceName} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <LiveLogPanel productKey={target.productKey} deviceName={target.deviceName} onDeviceRecord={onDeviceRecord} />
        </Col>
      </Row>
    </Flex>
  )
}
