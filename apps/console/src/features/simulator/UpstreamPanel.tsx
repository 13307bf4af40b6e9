'use client'

import { useMutation } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Descriptions,
  Divider,
  Empty,
  Flex,
  Form,
  Input,
  Select,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import { useMemo, useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { DEFAULT_MODULE_ID, qualifyIdentifier } from '@/lib/alink'
import { useCanWrite } from '@/lib/auth'
import { exampleTslParams, type TPushStrategy } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { DevicePublishForm, DeviceSubscribeForm } from './CustomTopics'
import { ModuleSelect, PropertyFields, typeHint, useProblemText } from './fields'
import { PushBar } from './push'
import { type DeviceRef, type SimState, type SimTarget, useShowError } from './useSimulator'
import { buildItems, checkEventParams, type Draft, modulesWith, prettyJson, toDraft, type ValueProblem } from './values'

interface PanelProps {
  target: SimTarget
  state: SimState | null
  running: boolean
}

/** 上行指令调试: what the virtual device sends — custom topic messages, property reports, event reports. */
export function UpstreamPanel({ target, state, running }: PanelProps) {
  const t = useT()
  const writable = useCanWrite()
  const device = { productKey: target.productKey, deviceName: target.deviceName }
  const disabled = !running || !writable
  return (
    <>
      {!running ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('simulator.startFirst')} />
      ) : null}
      <Tabs
        size="small"
        type="card"
        defaultActiveKey="property"
        items={[
          {
            key: 'topic',
            label: t('simulator.tabs.customTopic'),
            children: (
              <Flex vertical gap={8}>
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {t('simulator.topic.reportTitle')}
                </Typography.Title>
                <DevicePublishForm target={target} disabled={disabled} />
                <Divider style={{ margin: '12px 0' }} />
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {t('simulator.topic.subscribeTitle')}
                </Typography.Title>
                <DeviceSubscribeForm target={target} state={state} disabled={disabled} />
              </Flex>
            ),
          },
          {
            key: 'property',
            label: t('simulator.tabs.property'),
            children: <PropertyReport target={target} state={state} device={device} disabled={disabled} />,
          },
          {
            key: 'event',
            label: t('simulator.tabs.event'),
            children: <EventReport target={target} state={state} device={device} disabled={disabled} />,
          },
        ]}
      />
    </>
  )
}

interface ReportProps {
  target: SimTarget
  state: SimState | null
  device: DeviceRef
  disabled: boolean
}

/** Tells how a report went: the platform's reply code for "now", or that the strategy is set. */
function useReportFeedback() {
  const t = useT()
  const { message } = App.useApp()
  return (r: { sent: boolean; code: number | null }) => {
    if (!r.sent) message.success(t('simulator.push.strategySet'))
    else if (r.code === 200) message.success(t('simulator.reported'))
    else message.warning(t('simulator.reportRefused', { code: r.code ?? '-' }))
  }
}

/** 属性上报: typed values per module; the filled ones are posted now or by the push strategy. */
function PropertyReport({ target, state, device, disabled }: ReportProps) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const feedback = useReportFeedback()
  const model = target.thingModel
  const modules = useMemo(() => modulesWith(model, 'properties'), [model])
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE_ID)
  const module = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const [form] = Form.useForm<{ v: Record<string, Draft> }>()
  const [problems, setProblems] = useState<Record<string, ValueProblem>>({})
  const report = useMutation(
    trpc.simulator.reportProperties.mutationOptions({ onSuccess: feedback, onError: showError }),
  )
  if (!module) return <Empty description={t('simulator.noProperties')} />

  const push = (p: TPushStrategy) => {
    const values = (form.getFieldValue('v') ?? {}) as Record<string, Draft>
    const built = buildItems(
      module.properties.map((prop) => {
        const q = qualifyIdentifier(module.identifier, prop.identifier)
        return { identifier: q, dataType: prop.dataType, draft: values[q] }
      }),
    )
    if (!built.ok) {
      setProblems(built.problems)
      return
    }
    setProblems({})
    if (Object.keys(built.items).length === 0) {
      message.warning(t('simulator.fillOne'))
      return
    }
    report.mutate({ ...device, items: built.items, push: p })
  }
  // the values the virtual device holds now, into the inputs
  const fillCurrent = () => {
    const v: Record<string, Draft> = {}
    for (const p of module.properties) {
      const q = qualifyIdentifier(module.identifier, p.identifier)
      v[q] = toDraft(p.dataType, state?.properties[q]?.value)
    }
    form.setFieldsValue({ v })
  }

  return (
    <Form form={form} layout="vertical" onValuesChange={() => Object.keys(problems).length && setProblems({})}>
      <Flex justify="space-between" align="center" gap={8} wrap style={{ marginBottom: 12 }}>
        <Flex gap={8} align="center">
          <Typography.Text>{t('simulator.module')}</Typography.Text>
          <ModuleSelect modules={modules} value={module.identifier} onChange={setModuleId} />
        </Flex>
        <Button type="link" size="small" onClick={fillCurrent} disabled={!state}>
          {t('simulator.fillCurrent')}
        </Button>
      </Flex>
      <PropertyFields module={module} problems={problems} disabled={disabled} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('simulator.onlyFilled')}
      </Typography.Paragraph>
      <PushBar disabled={disabled} sending={report.isPending} onPush={push} hasStrategy={!!state?.strategy} />
    </Form>
  )
}

/** 事件上报: an event with its output parameters as JSON, checked against the event's definition before sending. */
function EventReport({ target, state, device, disabled }: ReportProps) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const feedback = useReportFeedback()
  const problemText = useProblemText()
  const model = target.thingModel
  const modules = useMemo(() => modulesWith(model, 'events'), [model])
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE_ID)
  const module = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const [eventId, setEventId] = useState<string | undefined>(module?.events[0]?.identifier)
  const event = module?.events.find((e) => e.identifier === eventId) ?? module?.events[0]
  const [text, setText] = useState(() => (event ? prettyJson(exampleTslParams(event.outputData)) : '{}'))
  const [problem, setProblem] = useState<ValueProblem | null>(null)
  const report = useMutation(trpc.simulator.reportEvent.mutationOptions({ onSuccess: feedback, onError: showError }))
  if (!module || !event) return <Empty description={t('simulator.noEvents')} />
  const qualified = qualifyIdentifier(module.identifier, event.identifier)

  const choose = (m: string, e?: string) => {
    const mod = modules.find((x) => x.identifier === m)
    const ev = mod?.events.find((x) => x.identifier === e) ?? mod?.events[0]
    setModuleId(m)
    setEventId(ev?.identifier)
    setText(ev ? prettyJson(exampleTslParams(ev.outputData)) : '{}')
    setProblem(null)
  }
  const push = (p: TPushStrategy) => {
    const c = checkEventParams(model, qualified, text)
    if (!c.ok) {
      setProblem(c.problem)
      return
    }
    setProblem(null)
    report.mutate({ ...device, identifier: qualified, params: c.params, push: p })
  }

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text>{t('simulator.module')}</Typography.Text>
        <ModuleSelect modules={modules} value={module.identifier} onChange={(m) => choose(m)} />
        <Typography.Text>{t('simulator.event')}</Typography.Text>
        <Select<string>
          aria-label={t('simulator.event')}
          value={event.identifier}
          onChange={(e) => choose(module.identifier, e)}
          options={module.events.map((e) => ({
            value: e.identifier,
            label: (
              <Flex gap={6} align="center">
                <span>
                  {e.name} ({e.identifier})
                </span>
                <Tag bordered={false} color={e.type === 'info' ? 'default' : e.type === 'alert' ? 'warning' : 'error'}>
                  {t(`simulator.eventType.${e.type}`)}
                </Tag>
              </Flex>
            ),
          }))}
          popupMatchSelectWidth={false}
          style={{ minWidth: 220 }}
        />
      </Flex>
      {event.outputData.length ? (
        <Descriptions size="small" bordered column={1} title={t('simulator.eventParams')}>
          {event.outputData.map((p) => (
            <Descriptions.Item
              key={p.identifier}
              label={
                <span>
                  {p.name} <span className="mono">({p.identifier})</span>
                </span>
              }
            >
              {typeHint(t, p.dataType)}
            </Descriptions.Item>
          ))}
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t('simulator.eventNoParams')}</Typography.Text>
      )}
      <Form layout="vertical">
        <Form.Item
          label={t('simulator.eventJson')}
          validateStatus={problem ? 'error' : undefined}
          help={problem ? problemText(problem) : undefined}
        >
          <Input.TextArea
            aria-label={t('simulator.eventJson')}
            className="mono"
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setProblem(null)
            }}
            disabled={disabled}
            autoSize={{ minRows: 5, maxRows: 16 }}
          />
        </Form.Item>
      </Form>
      <PushBar disabled={disabled} sending={report.isPending} onPush={push} hasStrategy={!!state?.strategy} />
    </Flex>
  )
}
