'use client'

import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Empty, Flex, Input, InputNumber, Select, Tag, Typography } from 'antd'
import Link from 'next/link'
import { useState } from 'react'
import { CodeTag, useCodeDescription } from '@/components/CodeTag'
import { deviceHref } from '@/features/devices/links'
import { useModuleLabel } from '@/features/thing-values/ModuleSelect'
import { checkServiceInput, exampleJson, modulesWith } from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import { qualifyIdentifier, type ThingModel, type TslService } from '@/lib/alink'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { errorOutcome, type Outcome, OutcomeText, traceHref, useProblemOutcome } from './Outcome'

type Target = RouterOutputs['debug']['target']
type Invoked = RouterOutputs['device']['invokeService']

const DEFAULT_TIMEOUT_S = 5
const MAX_TIMEOUT_S = 8
const SUCCESS = 200

/** `module:service` as the select's value; the default module's services are bare identifiers. */
interface Choice {
  qualified: string
  service: TslService
}

function choices(model: ThingModel): Choice[] {
  return model.modules.flatMap((m) =>
    m.services.map((service) => ({ qualified: qualifyIdentifier(m.identifier, service.identifier), service })),
  )
}

/**
 * Service invocation (reference "服务调用"): choose a module's service, edit its input as JSON (pre-filled with
 * example values of each parameter's type), check it against the thing model, send. Synchronous services go over
 * RRPC and the reply's output (or its error code) shows here; asynchronous ones are answered later on the service
 * reply topic, which the real-time log shows.
 */
export function ServiceDebug({ target, sendBlock }: { target: Target; sendBlock: string | null }) {
  const t = useT()
  const trpc = useTRPC()
  const describe = useCodeDescription()
  const moduleLabel = useModuleLabel()
  const problemOutcome = useProblemOutcome()
  const model = target.thingModel as ThingModel
  const all = choices(model)
  const [qualified, setQualified] = useState<string | undefined>(all[0]?.qualified)
  const chosen = all.find((c) => c.qualified === qualified)
  const [text, setText] = useState(() => (chosen ? exampleJson(chosen.service.inputData) : '{}'))
  const [timeoutS, setTimeoutS] = useState(DEFAULT_TIMEOUT_S)
  const [problem, setProblem] = useState<Outcome | null>(null)
  const [result, setResult] = useState<Invoked | null>(null)
  const invoke = useMutation(trpc.device.invokeService.mutationOptions())

  const choose = (q: string) => {
    setQualified(q)
    const c = all.find((x) => x.qualified === q)
    setText(c ? exampleJson(c.service.inputData) : '{}')
    setProblem(null)
    setResult(null)
  }

  const sendCommand = async () => {
    if (!chosen) return
    setResult(null)
    const checked = checkServiceInput(model, chosen.qualified, text)
    if (!checked.ok) {
      setProblem(problemOutcome(checked.problem))
      return
    }
    setProblem(null)
    try {
      const r = await invoke.mutateAsync({
        productKey: target.productKey,
        deviceName: target.deviceName,
        identifier: chosen.qualified,
        args: checked.params,
        ...(chosen.service.callType === 'sync' ? { timeoutMs: timeoutS * 1000 } : {}),
      })
      setResult(r)
    } catch (e) {
      setProblem(errorOutcome(e, t('common.networkError')))
    }
  }

  if (all.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('debug.service.noServices')} />

  const sync = chosen?.service.callType === 'sync'
  const options = modulesWith(model, 'services').map((m) => ({
    label: moduleLabel(m),
    title: moduleLabel(m),
    options: m.services.map((s) => ({
      value: qualifyIdentifier(m.identifier, s.identifier),
      label: `${s.name} (${s.identifier})`,
    })),
  }))

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text>{t('debug.service.function')}</Typography.Text>
        <Select<string>
          aria-label={t('debug.service.service')}
          value={qualified}
          onChange={choose}
          options={options}
          placeholder={t('debug.service.servicePlaceholder')}
          popupMatchSelectWidth={false}
          style={{ minWidth: 260 }}
        />
        {chosen ? (
          <Tag color={sync ? 'blue' : 'default'}>{sync ? t('debug.service.sync') : t('debug.service.async')}</Tag>
        ) : null}
      </Flex>
      {chosen?.service.description ? (
        <Typography.Text type="secondary">{chosen.service.description}</Typography.Text>
      ) : null}
      <div>
        <label htmlFor="debug-service-input">
          <Typography.Text strong>{t('debug.service.input')}</Typography.Text>
        </label>
        <Input.TextArea
          id="debug-service-input"
          className="mono"
          value={text}
          onChange={(e) => {
            setText(e.target.value)
            setProblem(null)
          }}
          status={problem ? 'error' : undefined}
          autoSize={{ minRows: 8, maxRows: 20 }}
          spellCheck={false}
          style={{ marginTop: 6 }}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {chosen && chosen.service.inputData.length === 0 ? t('debug.service.noInput') : t('debug.service.inputHelp')}
        </Typography.Text>
      </div>
      <Flex gap={8} align="center" wrap>
        <Button
          type="primary"
          onClick={() => void sendCommand()}
          loading={invoke.isPending}
          disabled={!chosen || !!sendBlock}
          title={sendBlock ?? undefined}
        >
          {t('debug.service.send')}
        </Button>
        <Button onClick={() => chosen && choose(chosen.qualified)} disabled={!chosen || invoke.isPending}>
          {t('debug.property.reset')}
        </Button>
        {sync ? (
          <Flex gap={6} align="center">
            <Typography.Text type="secondary">{t('debug.service.timeout')}</Typography.Text>
            <InputNumber<number>
              aria-label={t('debug.service.timeout')}
              min={1}
              max={MAX_TIMEOUT_S}
              precision={0}
              value={timeoutS}
              onChange={(v) => setTimeoutS(v ?? DEFAULT_TIMEOUT_S)}
              suffix={t('debug.service.seconds')}
              style={{ width: 90 }}
            />
          </Flex>
        ) : null}
      </Flex>
      {sendBlock ? <Typography.Text type="secondary">{sendBlock}</Typography.Text> : null}
      {problem ? <OutcomeText outcome={problem} /> : null}
      {result ? (
        result.code === null ? (
          <Alert
            type="info"
            showIcon
            title={t('debug.service.asyncSent')}
            description={
              <Flex gap={12} wrap>
                <span>
                  {t('logs.fields.messageId')}: <span className="mono">{result.messageId}</span>
                </span>
                <Link href={traceHref(result.traceId)}>{t('debug.viewTrace')}</Link>
                <Link href={deviceHref(target.productKey, target.deviceName)}>{t('debug.service.serviceCalls')}</Link>
              </Flex>
            }
          />
        ) : (
          <Alert
            type={result.code === SUCCESS ? 'success' : 'error'}
            showIcon
            title={
              <Flex gap={8} align="center" wrap>
                <span>{result.code === SUCCESS ? t('debug.service.replied') : t('debug.service.replyFailed')}</span>
                <CodeTag code={result.code} />
                {result.code !== SUCCESS && describe(result.code) ? (
                  <span>{describe(result.code)?.meaning}</span>
                ) : null}
              </Flex>
            }
            description={
              <Flex vertical gap={6}>
                {result.message ? <span>{result.message}</span> : null}
                <Typography.Text strong>{t('debug.service.output')}</Typography.Text>
                <pre
                  className="mono"
                  data-testid="debug-service-output"
                  style={{
                    margin: 0,
                    padding: 8,
                    background: 'rgba(0, 0, 0, 0.03)',
                    borderRadius: 6,
                    whiteSpace: 'pre-wrap',
                    wordBreak: 'break-all',
                  }}
                >
                  {JSON.stringify(result.output ?? {}, null, 2)}
                </pre>
                <Flex gap={12} wrap>
                  <span>
                    {t('logs.fields.messageId')}: <span className="mono">{result.messageId}</span>
                  </span>
                  <Link href={traceHref(result.traceId)}>{t('debug.viewTrace')}</Link>
                </Flex>
              </Flex>
            }
          />
        )
      ) : null}
    </Flex>
  )
}
