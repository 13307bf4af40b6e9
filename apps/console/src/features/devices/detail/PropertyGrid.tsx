'use client'

import { LineChartOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button, Card, Col, Empty, Flex, Modal, Row, Skeleton, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { TimeSeriesChart } from '@/components/TimeSeriesChart'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { formatTime, formatValue } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import { NUMERIC_TYPES, specsOf, type TslDataType } from '../../products/thing-model/tsl'
import type { DeviceProperty } from './types'

const HISTORY_POINTS = 200
const HISTORY_REFRESH_MS = 10_000

/** A value as people read it: enum and bool values with their names, dates as times, structs as JSON. */
export function displayValue(value: unknown, dataType: TslDataType | undefined): string {
  if (value === null || value === undefined) return '-'
  if (dataType?.type === 'enum' || dataType?.type === 'bool') {
    const name = specsOf(dataType).entries.find(([k]) => k === String(value))?.[1]
    return name === undefined ? String(value) : `${String(value)} (${String(name)})`
  }
  if (dataType?.type === 'date') return formatTime(Number(value), String(value))
  return formatValue(value)
}

function usePropertyHistory(productKey: string, deviceName: string, identifier: string, enabled = true) {
  const trpc = useTRPC()
  return useQuery({
    ...trpc.device.propertyHistory.queryOptions({ productKey, deviceName, identifier, limit: HISTORY_POINTS }),
    enabled,
    refetchInterval: HISTORY_REFRESH_MS,
  })
}

function toPoints(rows: { ts: Date; value: unknown }[] | undefined) {
  return (rows ?? []).map((r) => ({ ts: r.ts, value: Number(r.value) })).filter((p) => Number.isFinite(p.value))
}

function Sparkline({
  productKey,
  deviceName,
  property,
}: {
  productKey: string
  deviceName: string
  property: DeviceProperty
}) {
  const t = useT()
  const history = usePropertyHistory(productKey, deviceName, property.identifier)
  const points = toPoints(history.data)
  if (history.isPending) return <Skeleton.Node active style={{ width: '100%', height: 64 }} />
  if (points.length < 2) {
    return (
      <Flex align="center" justify="center" style={{ height: 64 }}>
        <Typography.Text type="secondary">{t('device.thing.notEnoughHistory')}</Typography.Text>
      </Flex>
    )
  }
  return <TimeSeriesChart points={points} height={64} unit={property.unit} compact />
}

function HistoryModal({
  productKey,
  deviceName,
  property,
  onClose,
}: {
  productKey: string
  deviceName: string
  property: DeviceProperty | null
  onClose: () => void
}) {
  const t = useT()
  const history = usePropertyHistory(productKey, deviceName, property?.identifier ?? '', property !== null)
  const points = toPoints(history.data)
  return (
    <Modal
      open={property !== null}
      width={880}
      footer={null}
      onCancel={onClose}
      title={property ? t('device.thing.historyTitle', { name: property.name, identifier: property.identifier }) : ''}
    >
      {history.isPending ? (
        <Skeleton active />
      ) : points.length ? (
        <TimeSeriesChart points={points} height={320} unit={property?.unit} />
      ) : (
        <Empty description={t('device.thing.noHistory')} />
      )}
    </Modal>
  )
}

/** The latest value of every property of the thing model, with a small history chart for numbers. */
export function PropertyGrid({
  productKey,
  deviceName,
  properties,
}: {
  productKey: string
  deviceName: string
  properties: DeviceProperty[]
}) {
  const t = useT()
  const [charted, setCharted] = useState<DeviceProperty | null>(null)
  if (!properties.length) return <Empty description={t('device.thing.noProperties')} />
  return (
    <>
      <Row gutter={[16, 16]}>
        {properties.map((p) => {
          const dataType = p.dataType as TslDataType
          const numeric = NUMERIC_TYPES.includes(dataType.type)
          const text = displayValue(p.value, dataType)
          return (
            <Col key={p.identifier} xs={24} md={12} xl={8}>
              <Card
                size="small"
                title={
                  <Tooltip title={p.identifier}>
                    <span>{p.name}</span>
                  </Tooltip>
                }
                extra={
                  numeric ? (
                    <Button
                      type="text"
                      size="small"
                      icon={<LineChartOutlined />}
                      aria-label={t('device.thing.viewHistory')}
                      onClick={() => setCharted(p)}
                    />
                  ) : (
                    <Typography.Text type="secondary" className="mono">
                      {p.identifier}
                    </Typography.Text>
                  )
                }
              >
                <Flex align="baseline" gap={6}>
                  <Typography.Text strong style={{ fontSize: 22 }} ellipsis={{ tooltip: text }}>
                    {text}
                  </Typography.Text>
                  {p.unit && p.value !== null ? <Typography.Text type="secondary">{p.unit}</Typography.Text> : null}
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {p.time ? <TimeText value={p.time} /> : t('device.thing.noValue')}
                </Typography.Text>
                {numeric ? <Sparkline productKey={productKey} deviceName={deviceName} property={p} /> : null}
              </Card>
            </Col>
          )
        })}
      </Row>
      <HistoryModal
        productKey={productKey}
        deviceName={deviceName}
        property={charted}
        onClose={() => setCharted(null)}
      />
    </>
  )
}
