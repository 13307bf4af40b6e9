'use client'

import { useMutation } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Divider,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import { useMemo, useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { JsonText } from '@/components/JsonText'
import { useT } from '@/i18n/I18nProvider'
import { DEFAULT_MODULE_ID, qualifyIdentifier, type TslService, validateServiceInput } from '@/lib/alink'
import { useCanWrite } from '@/lib/auth'
import { exampleTslParams, type TServiceReply } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { CloudPubForm, ReceivedMessages } from './CustomTopics'
import { ModuleSelect, PropertyFields, useProblemText } from './fields'
import { type DeviceRef, type LogRow, type SimState, type SimTarget, useShowError } from './useSimulator'
import {
  buildItems,
  checkServiceOutput,
  type Draft,
  modulesWith,
  prettyJson,
  toDraft,
  type ValueProblem,
} from './values'

interface PanelProps {
  target: SimTarget
  state: SimState | null
  running: boolean
  rows: LogRow[]
}

/**
 * 下行指令调试: what reaches the virtual device from the cloud — custom topic messages, property get/set, service
 * calls — sent through the platform's own downlink (the same as the API and online debugging), and how the
 * simulator answers them.
 */
export function DownstreamPanel({ target, state, running, rows }: PanelProps) {
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
                  {t('simulator.topic.receivedTitle')}
                </Typography.Title>
                <ReceivedMessages target={target} rows={rows} />
                <Divider style={{ margin: '12px 0' }} />
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {t('simulator.topic.cloudTitle')}
                </Typography.Title>
                <CloudPubForm target={target} disabled={disabled} />
              </Flex>
            ),
          },
          {
            key: 'property',
            label: t('simulator.tabs.propertyDebug'),
            children: <PropertyDebug target={target} state={state} device={device} disabled={disabled} />,
          },
          {
            key: 'service',
            label: t('simulator.tabs.service'),
            children: <ServiceDebug target={target} state={state} device={device} disabled={disabled} />,
          },
        ]}
      />
    </>
  )
}

interface DebugProps {
  target: SimTarget
  state: SimState | null
  device: DeviceRef
  disabled: boolean
}

/**
 * 属性调试: "Get" shows the values the virtual device holds (empty when it has none); "Set" sends a property set
 * (SetDeviceProperty) for the filled read-write properties — the simulator applies, answers and reports them back.
 */
function PropertyDebug({ target, state, device, disabled }: DebugProps) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const model = target.thingModel
  const modules = useMemo(() => modulesWith(model, 'properties'), [model])
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE_ID)
  const module = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const [form] = Form.useForm<{ v: Record<string, Draft> }>()
  const [problems, setProblems] = useState<Record<string, ValueProblem>>({})
  const set = useMutation(
    trpc.device.setProperty.mutationOptions({
      onSuccess: () => message.success(t('simulator.down.setSent')),
      onError: showError,
    }),
  )
  if (!module) return <Empty description={t('simulator.noProperties')} />
  const writableProps = module.properties.filter((p) => p.accessMode === 'rw')

  const get = () => {
    const v: Record<string, Draft> = {}
    for (const p of module.properties) {
      const q = qualifyIdentifier(module.identifier, p.identifier)
      v[q] = toDraft(p.dataType, state?.properties[q]?.value)
    }
    form.setFieldsValue({ v })
    setProblems({})
    message.info(t('simulator.down.got'))
  }
  const submit = () => {
    const values = (form.getFieldValue('v') ?? {}) as Record<string, Draft>
    const built = buildItems(
      writableProps.map((p) => {
        const q = qualifyIdentifier(module.identifier, p.identifier)
        return { identifier: q, dataType: p.dataType, draft: values[q] }
      }),
    )
    if (!built.ok) {
      setProblems(built.problems)
      return
    }
    setProblems({})
    if (Object.keys(built.items).length === 0) {
      message.warning(t('simulator.fillOneWritable'))
      return
    }
    set.mutate({ ...device, items: built.items })
  }

  return (
    <Form form={form} layout="vertical" onValuesChange={() => Object.keys(problems).length && setProblems({})}>
      <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
        <Typography.Text>{t('simulator.module')}</Typography.Text>
        <ModuleSelect modules={modules} value={module.identifier} onChange={setModuleId} />
      </Flex>
      <PropertyFields
        module={module}
        problems={problems}
        disabled={disabled}
        isDisabled={(p) => p.accessMode !== 'rw'}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('simulator.down.propertyHint')}
      </Typography.Paragraph>
      <Flex gap={8}>
        <Button onClick={get} disabled={!state}>
          {t('simulator.down.get')}
        </Button>
        <Button type="primary" onClick={submit} disabled={disabled || !writableProps.length} loading={set.isPending}>
          {t('simulator.down.set')}
        </Button>
      </Flex>
    </Form>
  )
}

/** 服务调用: call a service of the virtual device, and choose what the simulator answers each service with. */
function ServiceDebug({ target, state, device, disabled }: DebugProps) {
  const t = useT()
  const model = target.thingModel
  const modules = useMemo(() => modulesWith(model, 'services'), [model])
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE_ID)
  const module = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const [serviceId, setServiceId] = useState<string | undefined>(module?.services[0]?.identifier)
  const service = module?.services.find((s) => s.identifier === serviceId) ?? module?.services[0]
  if (!module || !service) return <Empty description={t('simulator.noServices')} />
  const qualified = qualifyIdentifier(module.identifier, service.identifier)
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text>{t('simulator.module')}</Typography.Text>
        <ModuleSelect
          modules={modules}
          value={module.identifier}
          onChange={(m) => {
            setModuleId(m)
            setServiceId(modules.find((x) => x.identifier === m)?.services[0]?.identifier)
          }}
        />
        <Typography.Text>{t('simulator.service')}</Typography.Text>
        <Select<string>
          aria-label={t('simulator.service')}
          value={service.identifier}
          onChange={setServiceId}
          options={module.services.map((s) => ({
            value: s.identifier,
            label: (
              <Flex gap={6} align="center">
                <span>
                  {s.name} ({s.identifier})
                </span>
                <Tag bordered={false}>{t(s.callType === 'sync' ? 'simulator.callSync' : 'simulator.callAsync')}</Tag>
              </Flex>
            ),
          }))}
          popupMatchSelectWidth={false}
          style={{ minWidth: 220 }}
        />
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          {/* a new service starts its forms afresh */}
          <ServiceCall
            key={qualified}
            device={device}
            model={target}
            qualified={qualified}
            service={service}
            disabled={disabled}
          />
        </Col>
        <Col xs={24} lg={12}>
          <ServiceReplyForm
            key={qualified}
            device={device}
            target={target}
            qualified={qualified}
            service={service}
            configured={state?.serviceReplies[qualified] ?? null}
            disabled={disabled}
          />
        </Col>
      </Row>
    </Flex>
  )
}

/** Sends the call through InvokeThingService; a sync call shows the device's answer here. */
function ServiceCall({
  device,
  model,
  qualified,
  service,
  disabled,
}: {
  device: DeviceRef
  model: SimTarget
  qualified: string
  service: TslService
  disabled: boolean
}) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const problemText = useProblemText()
  const [text, setText] = useState(() => prettyJson(exampleTslParams(service.inputData)))
  const [problem, setProblem] = useState<ValueProblem | null>(null)
  const call = useMutation(trpc.device.invokeService.mutationOptions({ onError: showError }))
  const send = () => {
    let args: unknown
    try {
      args = text.trim() === '' ? {} : JSON.parse(text)
    } catch (e) {
      setProblem({ kind: 'json', message: (e as Error).message })
      return
    }
    const v = validateServiceInput(model.thingModel, qualified, args)
    if (!v.ok) {
      setProblem({ kind: 'tsl', code: v.code, message: v.message })
      return
    }
    setProblem(null)
    call.mutate({ ...device, identifier: qualified, args: args as Record<string, unknown> })
  }
  const r = call.data
  return (
    <Card size="small" title={t('simulator.down.callTitle')}>
      <Form layout="vertical">
        <Form.Item
          label={t('simulator.down.input')}
          validateStatus={problem ? 'error' : undefined}
          help={problem ? problemText(problem) : undefined}
        >
          <Input.TextArea
            aria-label={t('simulator.down.input')}
            className="mono"
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setProblem(null)
            }}
            autoSize={{ minRows: 4, maxRows: 12 }}
            disabled={disabled}
          />
        </Form.Item>
      </Form>
      <Button type="primary" onClick={send} disabled={disabled} loading={call.isPending}>
        {t('simulator.send')}
      </Button>
      {r ? (
        <Descriptions size="small" column={1} style={{ marginTop: 12 }} data-testid="simulator-call-result">
          {r.code === null ? (
            <Descriptions.Item label={t('simulator.down.result')}>{t('simulator.down.asyncSent')}</Descriptions.Item>
          ) : (
            <>
              <Descriptions.Item label={t('simulator.down.replyCode')}>
                <CodeTag code={r.code} />
              </Descriptions.Item>
              {r.message ? (
                <Descriptions.Item label={t('simulator.down.replyMessage')}>{r.message}</Descriptions.Item>
              ) : null}
              <Descriptions.Item label={t('simulator.down.output')}>
                <JsonText value={r.output} />
              </Descriptions.Item>
            </>
          )}
        </Descriptions>
      ) : null}
    </Card>
  )
}

interface ReplyForm {
  mode: 'success' | 'error'
  output: string
  code?: number
  message?: string
}

/** What the simulator answers this service with: success with output (pre-filled from the definition) or an error. */
function ServiceReplyForm({
  device,
  target,
  qualified,
  service,
  configured,
  disabled,
}: {
  device: DeviceRef
  target: SimTarget
  qualified: string
  service: TslService
  configured: TServiceReply | null
  disabled: boolean
}) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const problemText = useProblemText()
  const [form] = Form.useForm<ReplyForm>()
  const mode = Form.useWatch('mode', form) ?? 'success'
  const [problem, setProblem] = useState<ValueProblem | null>(null)
  const save = useMutation(
    trpc.simulator.setServiceReply.mutationOptions({
      onSuccess: (_r, v) => message.success(t(v.reply ? 'simulator.reply.saved' : 'simulator.reply.reset')),
      onError: showError,
    }),
  )
  const example = prettyJson(exampleTslParams(service.outputData))
  const initial: ReplyForm =
    configured?.mode === 'error'
      ? { mode: 'error', output: example, code: configured.code, message: configured.message }
      : { mode: 'success', output: configured?.mode === 'success' ? prettyJson(configured.output) : example, code: 460 }

  const submit = (v: ReplyForm) => {
    if (v.mode === 'error') {
      save.mutate({
        ...device,
        identifier: qualified,
        reply: { mode: 'error', code: v.code!, message: v.message ?? '' },
      })
      return
    }
    const c = checkServiceOutput(target.thingModel, qualified, v.output)
    if (!c.ok) {
      setProblem(c.problem)
      return
    }
    setProblem(null)
    save.mutate({ ...device, identifier: qualified, reply: { mode: 'success', output: c.params } })
  }

  return (
    <Card
      size="small"
      title={t('simulator.reply.title')}
      extra={
        <Tag color={configured ? 'blue' : 'default'}>
          {t(configured ? 'simulator.reply.configured' : 'simulator.reply.default')}
        </Tag>
      }
    >
      <Form<ReplyForm> form={form} layout="vertical" initialValues={initial} onFinish={submit} disabled={disabled}>
        <Form.Item name="mode">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'success', label: t('simulator.reply.success') },
              { value: 'error', label: t('simulator.reply.error') },
            ]}
          />
        </Form.Item>
        {mode === 'success' ? (
          <Form.Item
            name="output"
            label={t('simulator.down.output')}
            validateStatus={problem ? 'error' : undefined}
            help={
              problem ? problemText(problem) : service.outputData.length ? undefined : t('simulator.reply.noOutput')
            }
          >
            <Input.TextArea className="mono" autoSize={{ minRows: 3, maxRows: 10 }} onChange={() => setProblem(null)} />
          </Form.Item>
        ) : (
          <Flex gap={8} wrap>
            <Form.Item
              name="code"
              label={t('simulator.reply.code')}
              rules={[
                { required: true, message: t('simulator.reply.codeRequired') },
                {
                  validator: async (_r, v: number | undefined) => {
                    if (v === 200) throw new Error(t('simulator.reply.code200'))
                  },
                },
              ]}
            >
              <InputNumber<number> min={1} max={999999} precision={0} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="message" label={t('simulator.reply.message')} style={{ flex: 1, minWidth: 160 }}>
              <Input maxLength={256} />
            </Form.Item>
          </Flex>
        )}
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('simulator.reply.save')}
          </Button>
          <Button
            disabled={!configured}
            onClick={() => {
              save.mutate({ ...device, identifier: qualified, reply: null })
              form.setFieldsValue({ mode: 'success', output: example })
            }}
          >
            {t('simulator.reply.resetDefault')}
          </Button>
        </Flex>
      </Form>
    </Card>
  )
}
