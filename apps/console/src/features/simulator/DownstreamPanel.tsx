'use client'

import { useMutation } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { JsonText } from '@/components/JsonText'
import {
  checkServiceInput,
  checkServiceOutput,
  exampleJson,
  prettyJson,
  type ValueProblem,
} from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import { qualifyIdentifier, type TslService } from '@/lib/alink'
import { useTRPC } from '@/trpc/react'
import { CloudPubForm, ReceivedMessages } from './CustomTopics'
import {
  DirectionTabs,
  FeatureBar,
  JsonParamsField,
  PropertyForm,
  type TabProps,
  useFeatureChoice,
  useJsonParams,
  useProblemText,
  usePropertyForm,
  useTabProps,
} from './fields'
import { type LogRow, type SimState, type SimTarget, useShowError } from './useSimulator'

/**
 * 下行指令调试: what reaches the virtual device from the cloud — custom topic messages, property get/set, service
 * calls — sent through the platform's own downlink (the same as the API and online debugging), and how the
 * simulator answers them.
 */
export function DownstreamPanel({
  target,
  state,
  running,
  rows,
}: {
  target: SimTarget
  state: SimState | null
  running: boolean
  rows: LogRow[]
}) {
  const t = useT()
  const tab = useTabProps(target, state, running)
  return (
    <DirectionTabs
      running={running}
      topicSections={[
        { title: t('simulator.topic.receivedTitle'), content: <ReceivedMessages target={target} rows={rows} /> },
        { title: t('simulator.topic.cloudTitle'), content: <CloudPubForm target={target} disabled={tab.disabled} /> },
      ]}
      items={[
        { key: 'property', label: t('simulator.tabs.propertyDebug'), children: <PropertyDebug {...tab} /> },
        { key: 'service', label: t('simulator.tabs.service'), children: <ServiceDebug {...tab} /> },
      ]}
    />
  )
}

/**
 * 属性调试: "Get" shows the values the virtual device holds (empty when it has none); "Set" sends a property set
 * (SetDeviceProperty) for the filled read-write properties — the simulator applies, answers and reports them back.
 */
function PropertyDebug({ target, state, device, disabled }: TabProps) {
  const t = useT()
  const trpc = useTRPC()
  const { message } = App.useApp()
  const showError = useShowError()
  const fields = usePropertyForm(target, state)
  const set = useMutation(
    trpc.device.setProperty.mutationOptions({
      onSuccess: () => message.success(t('simulator.down.setSent')),
      onError: showError,
    }),
  )
  const module = fields.module
  if (!module) return <Empty description={t('simulator.noProperties')} />
  const writableProps = module.properties.filter((p) => p.accessMode === 'rw')

  const get = () => {
    fields.fillCurrent(module)
    message.info(t('simulator.down.got'))
  }
  const submit = () => {
    const items = fields.checkedItems(module, writableProps, 'set', t('simulator.fillOneWritable'))
    if (items) set.mutate({ ...device, items })
  }

  return (
    <PropertyForm fields={fields} module={module} disabled={disabled} isDisabled={(p) => p.accessMode !== 'rw'}>
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
    </PropertyForm>
  )
}

/** 服务调用: call a service of the virtual device, and choose what the simulator answers each service with. */
function ServiceDebug(tab: TabProps) {
  const { target } = tab
  const t = useT()
  const { modules, module, feature: service, choose } = useFeatureChoice(target.thingModel, 'services')
  if (!module || !service) return <Empty description={t('simulator.noServices')} />
  const qualified = qualifyIdentifier(module.identifier, service.identifier)
  return (
    <Flex vertical gap={12}>
      <FeatureBar
        modules={modules}
        moduleId={module.identifier}
        label={t('simulator.service')}
        features={module.services}
        featureId={service.identifier}
        tag={(s) => (
          <Tag variant="filled">{t(s.callType === 'sync' ? 'simulator.callSync' : 'simulator.callAsync')}</Tag>
        )}
        onChoose={choose}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          {/* a new service starts its forms afresh */}
          <ServiceCall key={qualified} {...tab} qualified={qualified} service={service} />
        </Col>
        <Col xs={24} lg={12}>
          <ServiceReplyForm key={qualified} {...tab} qualified={qualified} service={service} />
        </Col>
      </Row>
    </Flex>
  )
}

/** A tab's props with the service chosen in it. */
type ServiceTabProps = TabProps & { qualified: string; service: TslService }

/** Sends the call through InvokeThingService; a sync call shows the device's answer here. */
function ServiceCall({ target, device, qualified, service, disabled }: ServiceTabProps) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const params = useJsonParams(() => exampleJson(service.inputData))
  const call = useMutation(trpc.device.invokeService.mutationOptions({ onError: showError }))
  const send = () => {
    const args = params.checked((text) => checkServiceInput(target.thingModel, qualified, text))
    if (args) call.mutate({ ...device, identifier: qualified, args })
  }
  const r = call.data
  return (
    <Card size="small" title={t('simulator.down.callTitle')}>
      <JsonParamsField
        label={t('simulator.down.input')}
        params={params}
        disabled={disabled}
        rows={{ minRows: 4, maxRows: 12 }}
      />
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
function ServiceReplyForm({ target, state, device, qualified, service, disabled }: ServiceTabProps) {
  const t = useT()
  const configured = state?.serviceReplies[qualified] ?? null
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
  const example = exampleJson(service.outputData)
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
