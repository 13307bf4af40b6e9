'use client'

import { Col, Empty, Form, Row, Select, Tag, Typography } from 'antd'
import { useCodeDescription } from '@/components/CodeTag'
import { useT } from '@/i18n/I18nProvider'
import { type DataType, DEFAULT_MODULE_ID, qualifyIdentifier, type TslModule, type TslProperty } from '@/lib/alink'
import { PropertyInput } from './PropertyInput'
import type { ValueProblem } from './values'

/** The form field name of a property's input (qualified identifiers may contain ':'). */
export const fieldName = (qualified: string) => ['v', qualified]

/** Picks a thing-model module (默认模块 or a custom one). */
export function ModuleSelect({
  modules,
  value,
  onChange,
}: {
  modules: TslModule[]
  value: string
  onChange: (id: string) => void
}) {
  const t = useT()
  return (
    <Select<string>
      aria-label={t('simulator.module')}
      value={value}
      onChange={onChange}
      options={modules.map((m) => ({
        value: m.identifier,
        label: m.identifier === DEFAULT_MODULE_ID ? t('simulator.defaultModule') : `${m.name} (${m.identifier})`,
      }))}
      popupMatchSelectWidth={false}
      style={{ minWidth: 200 }}
    />
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
      ? t('simulator.problem.json', { message: p.message })
      : `${p.code} ${describe(p.code)?.meaning ?? ''} ${p.message}`.trim()
}

/** The inputs of a module's properties in a grid; `only` filters (e.g. read-write ones for a set). */
export function PropertyFields({
  module,
  problems,
  disabled,
  isDisabled,
}: {
  module: TslModule
  problems: Record<string, ValueProblem>
  disabled?: boolean
  /** per-property disabling (read-only properties cannot be set) */
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
        const off = disabled || isDisabled?.(p)
        return (
          <Col key={q} xs={24} md={12}>
            <Form.Item
              name={fieldName(q)}
              label={
                <span>
                  {p.name}{' '}
                  <Typography.Text type="secondary" className="mono">
                    ({p.identifier})
                  </Typography.Text>
                  {p.accessMode === 'r' ? (
                    <Tag style={{ marginInlineStart: 6 }} bordered={false}>
                      {t('simulator.readOnly')}
                    </Tag>
                  ) : null}
                </span>
              }
              extra={typeHint(t, p.dataType)}
              validateStatus={problem ? 'error' : undefined}
              help={problem ? problemText(problem) : undefined}
            >
              <PropertyInput dataType={p.dataType} disabled={off} />
            </Form.Item>
          </Col>
        )
      })}
    </Row>
  )
}
