'use client'

import { InfoCircleOutlined, PlayCircleOutlined, PoweroffOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Popover,
  Row,
  Skeleton,
  Tabs,
  Tooltip,
  Typography,
} from 'antd'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { type ReactNode, useCallback } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { PageHeader } from '@/components/PageHeader'
import { QueryError } from '@/components/QueryError'
import { StatusBadge } from '@/components/StatusBadge'
import { TimeText } from '@/components/TimeText'
import { DeviceSelect } from '@/features/devices/DeviceSelect'
import { FleetPanel } from '@/features/fleet/FleetPanel'
import { ProductSelect } from '@/features/products/ProductSelect'
import { ReceivedConfigCard } from '@/features/remote-config/ReceivedConfigCard'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { SIMULATOR_LIMITS } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { DeviceLogPanel } from './DeviceLogPanel'
import { DownstreamPanel } from './DownstreamPanel'
import { StrategyCard } from './push'
import { UpstreamPanel } from './UpstreamPanel'
import { type DeviceRef, type SimState, type SimTarget, useShowError, useSimulator } from './useSimulator'

/** The device simulator (设备模拟器): pick a device, start a virtual device for it, debug up- and downstream. */
export function Simulator() {
  const t = useT()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const productKey = params.get('productKey') || undefined
  const deviceName = params.get('deviceName') || undefined
  const choose = useCallback(
    (next: { productKey?: string; deviceName?: string }) => {
      const q = new URLSearchParams()
      if (next.productKey) q.set('productKey', next.productKey)
      if (next.productKey && next.deviceName) q.set('deviceName', next.deviceName)
      router.replace(`${pathname}${q.size ? `?${q.toString()}` : ''}`, { scroll: false })
    },
    [pathname, router],
  )
  const picker = (
    <>
      <Typography.Text>{t('simulator.debugDevice')}</Typography.Text>
      <ProductSelect
        value={productKey}
        onChange={(v) => choose({ productKey: v })}
        placeholder={t('simulator.chooseProduct')}
        style={{ width: 220 }}
      />
      <DeviceSelect
        productKey={productKey}
        value={deviceName}
        onChange={(v) => choose({ productKey, deviceName: v })}
      />
    </>
  )

  const fleet = params.get('mode') === 'fleet'
  const single =
    productKey && deviceName ? (
      // another device is another workspace: its own stream (lease), log and forms
      <Workspace key={`${productKey}/${deviceName}`} productKey={productKey} deviceName={deviceName} picker={picker} />
    ) : (
      <>
        <PickerBar>{picker}</PickerBar>
        <Card>
          <Empty description={t('simulator.chooseDevice')} />
        </Card>
      </>
    )

  return (
    <>
      <PageHeader title={t('nav.simulator')} subtitle={t('simulator.subtitle')} extra={<LimitsButton />} />
      <Tabs
        activeKey={fleet ? 'fleet' : 'device'}
        onChange={(k) => router.replace(k === 'fleet' ? `${pathname}?mode=fleet` : pathname, { scroll: false })}
        destroyOnHidden
        items={[
          { key: 'device', label: t('simulator.modeDevice'), children: single },
          { key: 'fleet', label: t('fleet.title'), children: <FleetPanel /> },
        ]}
      />
    </>
  )
}

function PickerBar({ children }: { children: ReactNode }) {
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Flex gap={8} wrap align="center">
        {children}
      </Flex>
    </Card>
  )
}

/** Start / Stop and the state of the simulator or, when none runs, of the device. */
function SimulatorControls({
  device,
  target,
  state,
}: {
  device: DeviceRef
  target: SimTarget
  state: SimState | null
}) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const writable = useCanWrite()
  const showError = useShowError()
  const { message } = App.useApp()
  const running = state?.status === 'running'
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.simulator.target.queryKey(device) })
  const start = useMutation(
    trpc.simulator.start.mutationOptions({
      onSuccess: () => {
        message.success(t('simulator.started'))
        void refresh()
      },
      onError: showError,
    }),
  )
  const stop = useMutation(
    trpc.simulator.stop.mutationOptions({
      onSuccess: () => {
        message.success(t('simulator.stopped'))
        void refresh()
      },
      onError: showError,
    }),
  )
  const blocked = target.blocked
  return (
    <Flex gap={12} align="center" wrap>
      {running ? (
        <Button danger icon={<PoweroffOutlined />} loading={stop.isPending} onClick={() => stop.mutate(device)}>
          {t('simulator.stop')}
        </Button>
      ) : (
        <Tooltip title={!writable ? t('simulator.needOperator') : blocked ? blockedText(t, blocked) : undefined}>
          <Button
            type="primary"
            icon={<PlayCircleOutlined />}
            loading={start.isPending}
            disabled={!writable || !!blocked}
            onClick={() => start.mutate(device)}
          >
            {t('simulator.start')}
          </Button>
        </Tooltip>
      )}
      {running ? (
        <Badge status="processing" text={t('simulator.running')} />
      ) : (
        <Flex gap={4} align="center">
          <Typography.Text type="secondary">{t('simulator.deviceStatus')}</Typography.Text>
          <StatusBadge status={target.status} disabled={target.status === 'DISABLED'} />
        </Flex>
      )}
    </Flex>
  )
}

type T = ReturnType<typeof useT>

function blockedText(t: T, b: NonNullable<SimTarget['blocked']>) {
  switch (b.reason) {
    case 'passthrough':
      return t('simulator.blocked.passthrough')
    case 'disabled':
      return t('simulator.blocked.disabled')
    case 'online':
      return t('simulator.blocked.online')
    case 'otherNode':
      return t('simulator.blocked.otherNode', { node: b.node })
  }
}

function Workspace({ productKey, deviceName, picker }: DeviceRef & { picker: ReactNode }) {
  const t = useT()
  const writable = useCanWrite()
  const ref = { productKey, deviceName }
  const sim = useSimulator(ref)
  const target = sim.target.data
  if (sim.target.isError && !target) {
    return (
      <>
        <PickerBar>{picker}</PickerBar>
        <Card>
          <QueryError error={sim.target.error} onRetry={() => void sim.target.refetch()} />
        </Card>
      </>
    )
  }
  if (!target) {
    return (
      <>
        <PickerBar>{picker}</PickerBar>
        <Card>
          <Skeleton active />
        </Card>
      </>
    )
  }
  const state = sim.state
  const running = state?.status === 'running'
  const bar = (
    <Card size="small">
      <Flex gap={8} wrap align="center" justify="space-between">
        <Flex gap={8} wrap align="center">
          {picker}
        </Flex>
        <SimulatorControls device={ref} target={target} state={state} />
      </Flex>
    </Card>
  )
  // nothing to debug on a passthrough/custom-format product: say why, and only that
  if (!running && target.blocked?.reason === 'passthrough') {
    return (
      <Flex vertical gap={16}>
        {bar}
        <StateAlerts target={target} state={state} />
      </Flex>
    )
  }
  return (
    <Flex vertical gap={16}>
      {bar}
      <StateAlerts target={target} state={state} />
      {running && state.strategy ? <StrategyCard device={ref} strategy={state.strategy} writable={writable} /> : null}
      {running && state.config ? <ReceivedConfigCard config={state.config} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card size="small" styles={{ body: { paddingTop: 4 } }}>
            <Tabs
              items={[
                {
                  key: 'up',
                  label: t('simulator.tabs.up'),
                  children: <UpstreamPanel target={target} state={state} running={running} />,
                },
                {
                  key: 'down',
                  label: t('simulator.tabs.down'),
                  children: <DownstreamPanel target={target} state={state} running={running} rows={sim.log.rows} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <DeviceLogPanel device={ref} rows={sim.log.rows} onClear={sim.log.clear} running={running} />
        </Col>
      </Row>
    </Flex>
  )
}

/** Why it cannot start, why it stopped, or what keeps it running. */
function StateAlerts({ target, state }: { target: SimTarget; state: SimState | null }) {
  const t = useT()
  if (state?.status === 'running') {
    return (
      <Alert
        type="success"
        showIcon
        title={
          <Flex vertical gap={2}>
            <Flex gap={4} wrap>
              <span>{t('simulator.runningSince', { node: state.nodeId, user: state.startedBy })}</span>
              <span>·</span>
              <span>{t('simulator.since')}</span>
              <TimeText value={state.startedAt} />
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('simulator.leaseHint', {
                grace: Math.round(target.limits.leaseGraceMs / 1000),
                idle: Math.round(target.limits.maxIdleMs / 60_000),
              })}
            </Typography.Text>
          </Flex>
        }
      />
    )
  }
  if (target.blocked) {
    return (
      <Alert
        type={target.blocked.reason === 'passthrough' ? 'warning' : 'info'}
        showIcon
        title={blockedText(t, target.blocked)}
        description={
          target.blocked.code ? <BlockCode code={target.blocked.code} /> : t('simulator.blocked.passthroughHint')
        }
      />
    )
  }
  if (state?.status === 'stopped' && state.stopReason) {
    return (
      <Alert
        type={state.stopReason === 'user' ? 'info' : 'warning'}
        showIcon
        title={t(`simulator.stopReason.${state.stopReason}`)}
        description={state.stopCode ? <BlockCode code={state.stopCode} /> : undefined}
      />
    )
  }
  return <Alert type="info" showIcon title={t('simulator.notRunning')} />
}

function BlockCode({ code }: { code: number }) {
  const t = useT()
  return (
    <Flex gap={6} align="center">
      <span>{t('simulator.code')}</span>
      <CodeTag code={code} />
    </Flex>
  )
}

/** The simulator's limits (ref §6 and ours), in a popover. */
function LimitsButton() {
  const t = useT()
  const L = SIMULATOR_LIMITS
  const items = [
    t('simulator.limits.lastStrategy'),
    t('simulator.limits.interval', { sec: L.minIntervalSec }),
    t('simulator.limits.window', { hours: L.maxWindowMs / 3_600_000 }),
    t('simulator.limits.ahead', { hours: L.maxAheadMs / 3_600_000 }),
    t('simulator.limits.format'),
    t('simulator.limits.online'),
    t('simulator.limits.lease', { sec: L.leaseGraceMs / 1000, min: L.maxIdleMs / 60_000 }),
    t('simulator.limits.sessions', { count: L.maxSessionsPerNode }),
  ]
  return (
    <Popover
      placement="bottomRight"
      title={t('simulator.limits.title')}
      content={
        <ul style={{ margin: 0, paddingInlineStart: 18, maxWidth: 420 }}>
          {items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      }
    >
      <Button icon={<InfoCircleOutlined />}>{t('simulator.limits.title')}</Button>
    </Popover>
  )
}
