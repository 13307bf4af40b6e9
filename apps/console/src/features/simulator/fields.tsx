'use client'

import {
  Alert,
  App,
  Col,
  Divider,
  Empty,
  Flex,
  Form,
  Input,
  Row,
  Select,
  Tabs,
  type TabsProps,
  Tag,
  Typography,
} from 'antd'
import { Fragment, type ReactNode, useMemo, useState } from 'react'
import { useCodeDescription } from '@/components/CodeTag'
import { ModuleSelect } from '@/features/thing-values/ModuleSelect'
import { ValueInput } from '@/features/thing-values/ValueInput'
import {
  buildPropertyItems,
  type Draft,
  modulesWith,
  type ParamsCheck,
  toDraft,
  type ValueProblem,
} from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import {
  type DataType,
  DEFAULT_MODULE_ID,
  qualifyIdentifier,
  type ThingModel,
  type TslModule,
  type TslProperty,
} from '@/lib/alink'
import { useCanWrite } from '@/lib/auth'
import type { DeviceRef, SimState, SimTarget } from './useSimulator'

/** What each tab of a debugging direction gets: the device, its simulator's state, whether sending is off. */
export interface TabProps {
  target: SimTarget
  state: SimState | null
  device: DeviceRef
  /** the simulator is not running, or the user may only look */
  disabled: boolean
}

export function useTabProps(target: SimTarget, state: SimState | null, running: boolean): TabProps {
  const writable = useCanWrite()
  const device = { productKey: target.productKey, deviceName: target.deviceName }
  return { target, state, device, disabled: !running || !writable }
}

/**
 * One debugging direction (upstream, downstream): the note to start the simulator first, and its tabs — the custom
 * topic tab (its sections one under the other) first, then the thing-model ones; the property tab is open first.
 */
export function DirectionTabs({
  running,
  topicSections,
  items,
}: {
  running: boolean
  topicSections: ReadonlyArray<{ title: string; content: ReactNode }>
  items: NonNullable<TabsProps['items']>
}) {
  const t = useT()
  return (
    <>
      {!running ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('simulator.startFirst')} /> : null}
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
                {topicSections.map((s, i) => (
                  <Fragment key={s.title}>
                    {i > 0 ? <Divider style={{ margin: '12px 0' }} /> : null}
                    <Typography.Title level={5} style={{ marginTop: 0 }}>
                      {s.title}
                    </Typography.Title>
                    {s.content}
                  </Fragment>
                ))}
              </Flex>
            ),
          },
          ...items,
        ]}
      />
    </>
  )
}

/**
 * A module (of those with events, or with services) and one of its events or services, by default the first of the
 * first module; choosing another module starts at its first.
 */
export function useFeatureChoice<K extends 'events' | 'services'>(model: ThingModel, what: K) {
  type Feature = TslModule[K][number]
  const modules = useMemo(() => modulesWith(model, what), [model, what])
  const featuresOf = (moduleId: string | undefined): readonly Feature[] =>
    (modules.find((m) => m.identifier === moduleId) ?? modules[0])?.[what] ?? []
  const [choice, setChoice] = useState(() => ({
    moduleId: modules[0]?.identifier ?? DEFAULT_MODULE_ID,
    id: featuresOf(undefined)[0]?.identifier,
  }))
  const module = modules.find((m) => m.identifier === choice.moduleId) ?? modules[0]
  const features = featuresOf(module?.identifier)
  const feature = features.find((f) => f.identifier === choice.id) ?? features[0]
  /** Chooses a module and (or, without `id`, its first) feature; returns the one chosen. */
  const choose = (moduleId: string, id?: string): Feature | undefined => {
    const list = featuresOf(moduleId)
    const next = list.find((f) => f.identifier === id) ?? list[0]
    setChoice({ moduleId, id: next?.identifier })
    return next
  }
  return { modules, module, feature, choose }
}

/** "Module:" and the module picker, in a toolbar. */
function ModuleField(props: { modules: readonly TslModule[]; value: string; onChange: (id: string) => void }) {
  const t = useT()
  return (
    <>
      <Typography.Text>{t('simulator.module')}</Typography.Text>
      <ModuleSelect {...props} />
    </>
  )
}

/** The pickers of `useFeatureChoice`: "Module:", then "Event:" or "Service:" with each one's name, id and `tag`. */
export function FeatureBar<F extends { identifier: string; name: string }>({
  modules,
  moduleId,
  label,
  features,
  featureId,
  tag,
  onChoose,
}: {
  modules: readonly TslModule[]
  moduleId: string
  label: string
  features: readonly F[]
  featureId: string
  tag: (feature: F) => ReactNode
  onChoose: (moduleId: string, featureId?: string) => void
}) {
  return (
    <Flex gap={8} align="center" wrap>
      <ModuleField modules={modules} value={moduleId} onChange={(m) => onChoose(m)} />
      <Typography.Text>{label}</Typography.Text>
      <Select<string>
        aria-label={label}
        value={featureId}
        onChange={(id) => onChoose(moduleId, id)}
        options={features.map((f) => ({
          value: f.identifier,
          label: (
            <Flex gap={6} align="center">
              <span>
                {f.name} ({f.identifier})
              </span>
              {tag(f)}
            </Flex>
          ),
        }))}
        popupMatchSelectWidth={false}
        style={{ minWidth: 220 }}
      />
    </Flex>
  )
}

/** What a value of a data type may be: range and unit, length, or JSON. */
export function typeHint(t: ReturnType<typeof useT>, dataType: DataType): string {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double':
      return `${dataType.type} · ${dataType.specs.min} ~ ${dataType.specs.max}${dataType.specs.unit ? ` ${dataType.specs.unit}` : ''}`
    case 'enum':
    case 'bool':
      return dataType.type
    case 'text':
      return t('simulator.input.textHint', { length: dataType.specs.length })
    case 'date':
      return t('simulator.input.dateHint')
    case 'struct':
    case 'array':
      return t('simulator.input.jsonHint', { type: dataType.type })
  }
}

/** The message for a value refused before sending: the code's meaning in the user's language, and the detail. */
export function useProblemText() {
  const t = useT()
  const describe = useCodeDescription()
  return (p: ValueProblem) =>
    p.kind === 'json'
      ? t('thingValue.jsonInvalid', { message: p.message })
      : `${p.code} ${describe(p.code)?.meaning ?? ''} ${p.message}`.trim()
}

/** The text of a JSON parameters field (event, service input) and the problem found in it before sending. */
export function useJsonParams(initial: () => string) {
  const [text, setText] = useState(initial)
  const [problem, setProblem] = useState<ValueProblem | null>(null)
  /** New text (typed, or another event's example): any earlier problem no longer applies. */
  const change = (next: string) => {
    setText(next)
    setProblem(null)
  }
  /** The parameters as `check` finds them; null when refused (the problem shows under the field). */
  const checked = (check: (text: string) => ParamsCheck) => {
    const c = check(text)
    setProblem(c.ok ? null : c.problem)
    return c.ok ? c.params : null
  }
  return { text, problem, change, checked }
}

/** The field of `useJsonParams`, with the problem under it. */
export function JsonParamsField({
  label,
  params,
  disabled,
  rows,
}: {
  label: string
  params: ReturnType<typeof useJsonParams>
  disabled: boolean
  rows: { minRows: number; maxRows: number }
}) {
  const problemText = useProblemText()
  return (
    <Form layout="vertical">
      <Form.Item
        label={label}
        validateStatus={params.problem ? 'error' : undefined}
        help={params.problem ? problemText(params.problem) : undefined}
      >
        <Input.TextArea
          aria-label={label}
          className="mono"
          value={params.text}
          onChange={(e) => params.change(e.target.value)}
          disabled={disabled}
          autoSize={rows}
        />
      </Form.Item>
    </Form>
  )
}

type PropertyValues = { v: Record<string, Draft> }

/**
 * A module's property inputs in a form (property report, property set): the module chosen, the values the virtual
 * device holds, the filled inputs checked before sending, and the problems shown at their inputs.
 */
export function usePropertyForm(target: SimTarget, state: SimState | null) {
  const { message } = App.useApp()
  const modules = useMemo(() => modulesWith(target.thingModel, 'properties'), [target.thingModel])
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE_ID)
  const module = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const [form] = Form.useForm<PropertyValues>()
  const [problems, setProblems] = useState<Record<string, ValueProblem>>({})

  /** The values the virtual device holds, into the inputs (empty where it holds none). */
  const fillCurrent = (m: TslModule) => {
    const v: Record<string, Draft> = {}
    for (const p of m.properties) {
      const q = qualifyIdentifier(m.identifier, p.identifier)
      v[q] = toDraft(p.dataType, state?.properties[q]?.value)
    }
    form.setFieldsValue({ v })
    setProblems({})
  }

  /** The filled inputs of `properties` as items checked for a set or a post; null when one is refused or none is filled. */
  const checkedItems = (m: TslModule, properties: TslProperty[], purpose: 'set' | 'post', noneFilled: string) => {
    const values = (form.getFieldValue('v') ?? {}) as Record<string, Draft>
    const built = buildPropertyItems(
      target.thingModel,
      purpose,
      properties.map((p) => {
        const q = qualifyIdentifier(m.identifier, p.identifier)
        return { identifier: q, dataType: p.dataType, draft: values[q] }
      }),
    )
    setProblems(built.ok ? {} : built.problems)
    if (!built.ok) return null
    if (Object.keys(built.items).length === 0) {
      message.warning(noneFilled)
      return null
    }
    return built.items
  }

  return { modules, module, setModuleId, form, problems, setProblems, fillCurrent, checkedItems }
}

/** The form of `usePropertyForm`: the module picker (and `extra` beside it), the inputs, then `children`. */
export function PropertyForm({
  fields,
  module,
  disabled,
  isDisabled,
  extra,
  children,
}: {
  fields: ReturnType<typeof usePropertyForm>
  module: TslModule
  disabled: boolean
  /** per-property disabling (read-only properties cannot be set) */
  isDisabled?: (p: TslProperty) => boolean
  extra?: ReactNode
  children: ReactNode
}) {
  const { form, problems, setProblems } = fields
  return (
    <Form form={form} layout="vertical" onValuesChange={() => Object.keys(problems).length && setProblems({})}>
      <Flex justify="space-between" align="center" gap={8} wrap style={{ marginBottom: 12 }}>
        <Flex gap={8} align="center">
          <ModuleField modules={fields.modules} value={module.identifier} onChange={fields.setModuleId} />
        </Flex>
        {extra}
      </Flex>
      <PropertyFields module={module} problems={problems} disabled={disabled} isDisabled={isDisabled} />
      {children}
    </Form>
  )
}

/** The inputs of a module's properties in a grid, each with its type hint and, when refused, the problem. */
function PropertyFields({
  module,
  problems,
  disabled,
  isDisabled,
}: {
  module: TslModule
  problems: Record<string, ValueProblem>
  disabled: boolean
  isDisabled?: (p: TslProperty) => boolean
}) {
  const t = useT()
  const problemText = useProblemText()
  if (module.properties.length === 0) return <Empty description={t('simulator.noProperties')} />
  return (
    <Row gutter={16}>
      {module.properties.map((p) => {
        const q = qualifyIdentifier(module.identifier, p.identifier)
        const problem = problems[q]
        return (
          <Col key={q} xs={24} md={12}>
            <Form.Item
              name={['v', q]}
              label={
                <span>
                  {p.name}{' '}
                  <Typography.Text type="secondary" className="mono">
                    ({p.identifier})
                  </Typography.Text>
                  {p.accessMode === 'r' ? (
                    <Tag style={{ marginInlineStart: 6 }} variant="filled">
                      {t('simulator.readOnly')}
                    </Tag>
                  ) : null}
                </span>
              }
              extra={typeHint(t, p.dataType)}
              validateStatus={problem ? 'error' : undefined}
              help={problem ? problemText(problem) : undefined}
            >
              <ValueInput dataType={p.dataType} disabled={disabled || isDisabled?.(p)} clamp />
            </Form.Item>
          </Col>
        )
      })}
    </Row>
  )
}
