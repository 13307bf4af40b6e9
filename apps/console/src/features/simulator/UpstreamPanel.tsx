'use client'

import { useMutation } from '@tanstack/react-query'
import { App, Button, Descriptions, Empty, Flex, Tag, Typography } from 'antd'
import { checkEventParams, exampleJson } from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import { qualifyIdentifier } from '@/lib/alink'
import type { TPushStrategy } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import { DevicePublishForm, DeviceSubscribeForm } from './CustomTopics'
import {
  DirectionTabs,
  FeatureBar,
  JsonParamsField,
  PropertyForm,
  type TabProps,
  typeHint,
  useFeatureChoice,
  useJsonParams,
  usePropertyForm,
  useTabProps,
} from './fields'
import { PushBar } from './push'
import { type SimState, type SimTarget, useShowError } from './useSimulator'

/** 上行指令调试: what the virtual device sends — custom topic messages, property reports, event reports. */
export function UpstreamPanel({
  target,
  state,
  running,
}: {
  target: SimTarget
  state: SimState | null
  running: boolean
}) {
  const t = useT()
  const tab = useTabProps(target, state, running)
  return (
    <DirectionTabs
      running={running}
      topicSections={[
        {
          title: t('simulator.topic.reportTitle'),
          content: <DevicePublishForm target={target} disabled={tab.disabled} />,
        },
        {
          title: t('simulator.topic.subscribeTitle'),
          content: <DeviceSubscribeForm target={target} state={state} disabled={tab.disabled} />,
        },
      ]}
      items={[
        { key: 'property', label: t('simulator.tabs.property'), children: <PropertyReport {...tab} /> },
        { key: 'event', label: t('simulator.tabs.event'), children: <EventReport {...tab} /> },
      ]}
    />
  )
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
function PropertyReport({ target, state, device, disabled }: TabProps) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const feedback = useReportFeedback()
  const fields = usePropertyForm(target, state)
  const report = useMutation(
    trpc.simulator.reportProperties.mutationOptions({ onSuccess: feedback, onError: showError }),
  )
  const module = fields.module
  if (!module) return <Empty description={t('simulator.noProperties')} />

  const push = (p: TPushStrategy) => {
    const items = fields.checkedItems(module, module.properties, 'post', t('simulator.fillOne'))
    if (items) report.mutate({ ...device, items, push: p })
  }

  return (
    <PropertyForm
      fields={fields}
      module={module}
      disabled={disabled}
      extra={
        <Button type="link" size="small" onClick={() => fields.fillCurrent(module)} disabled={!state}>
          {t('simulator.fillCurrent')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('simulator.onlyFilled')}
      </Typography.Paragraph>
      <PushBar disabled={disabled} sending={report.isPending} onPush={push} hasStrategy={!!state?.strategy} />
    </PropertyForm>
  )
}

/** 事件上报: an event with its output parameters as JSON, checked against the event's definition before sending. */
function EventReport({ target, state, device, disabled }: TabProps) {
  const t = useT()
  const trpc = useTRPC()
  const showError = useShowError()
  const feedback = useReportFeedback()
  const model = target.thingModel
  const { modules, module, feature: event, choose: chooseEvent } = useFeatureChoice(model, 'events')
  const params = useJsonParams(() => (event ? exampleJson(event.outputData) : '{}'))
  const report = useMutation(trpc.simulator.reportEvent.mutationOptions({ onSuccess: feedback, onError: showError }))
  if (!module || !event) return <Empty description={t('simulator.noEvents')} />
  const qualified = qualifyIdentifier(module.identifier, event.identifier)

  const choose = (m: string, e?: string) => {
    const ev = chooseEvent(m, e)
    params.change(ev ? exampleJson(ev.outputData) : '{}')
  }
  const push = (p: TPushStrategy) => {
    const checked = params.checked((text) => checkEventParams(model, qualified, text))
    if (checked) report.mutate({ ...device, identifier: qualified, params: checked, push: p })
  }

  return (
    <Flex vertical gap={12}>
      <FeatureBar
        modules={modules}
        moduleId={module.identifier}
        label={t('simulator.event')}
        features={module.events}
        featureId={event.identifier}
        tag={(e) => (
          <Tag variant="filled" color={e.type === 'info' ? 'default' : e.type === 'alert' ? 'warning' : 'error'}>
            {t(`simulator.eventType.${e.type}`)}
          </Tag>
        )}
        onChoose={choose}
      />
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
      <JsonParamsField
        label={t('simulator.eventJson')}
        params={params}
        disabled={disabled}
        rows={{ minRows: 5, maxRows: 16 }}
      />
      <PushBar disabled={disabled} sending={report.isPending} onPush={push} hasStrategy={!!state?.strategy} />
    </Flex>
  )
}
