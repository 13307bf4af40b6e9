'use client'

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Col, Form, Input, InputNumber, Row, Select, Space } from 'antd'
import type { NamePath } from 'antd/es/form/interface'
import { useT } from '@/i18n/I18nProvider'
import { TSL_ARRAY_MAX_SIZE, TSL_TEXT_MAX_LENGTH } from '@/lib/alink'
import { identifierRules, nameRules, numberTextRule } from './rules'
import { ARRAY_ITEM_TYPES, type DataTypeName, NUMERIC_TYPES, PARAM_TYPES } from './tsl'

interface DataTypeFieldsProps {
  /** where the fields live relative to the enclosing Form.List field (or the form) */
  name: (string | number)[]
  /** the same place as an absolute path in the form, to watch the chosen type */
  fullPath: (string | number)[]
  types: readonly DataTypeName[]
}

/** The type select and, below it, the specs that type needs (range, enum values, length, fields, …). */
export function DataTypeFields({ name, fullPath, types }: DataTypeFieldsProps) {
  const t = useT()
  const form = Form.useFormInstance()
  const type = Form.useWatch([...fullPath, 'type'] as NamePath, form) as DataTypeName | undefined
  const itemType = Form.useWatch([...fullPath, 'arrayItemType'] as NamePath, form) as string | undefined
  const at = (...rest: (string | number)[]) => [...name, ...rest]

  return (
    <>
      <Form.Item name={at('type')} label={t('tsl.dataType')} rules={[{ required: true, message: t('tsl.rules.type') }]}>
        <Select options={types.map((ty) => ({ value: ty, label: t(`tsl.dataTypes.${ty}`) }))} />
      </Form.Item>
      {type && NUMERIC_TYPES.includes(type) ? (
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name={at('min')} label={t('tsl.min')} rules={[numberTextRule(t)]}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name={at('max')}
              label={t('tsl.max')}
              dependencies={[[...fullPath, 'min']]}
              rules={[
                numberTextRule(t),
                ({ getFieldValue }) => ({
                  validator: async (_r, value: unknown) => {
                    const min = Number(getFieldValue([...fullPath, 'min']))
                    if (value !== undefined && value !== '' && Number(value) <= min)
                      throw new Error(t('tsl.rules.maxAboveMin'))
                  },
                }),
              ]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name={at('step')}
              label={t('tsl.step')}
              rules={[
                numberTextRule(t),
                {
                  validator: async (_r, value: unknown) => {
                    if (value !== undefined && value !== '' && !(Number(value) > 0))
                      throw new Error(t('tsl.rules.step'))
                  },
                },
              ]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={at('unit')} label={t('tsl.unit')}>
              <Input maxLength={20} placeholder={t('tsl.unitPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {type === 'enum' ? (
        <Form.Item label={t('tsl.enumValues')} required>
          <Form.List
            name={at('enumItems')}
            rules={[
              {
                validator: async (_r, items: unknown[] | undefined) => {
                  if (!items?.length) throw new Error(t('tsl.rules.enumEmpty'))
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item
                      name={[field.name, 'value']}
                      rules={[{ required: true, message: t('tsl.rules.enumValue') }]}
                    >
                      <InputNumber precision={0} placeholder={t('tsl.enumValue')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'name']} rules={nameRules(t)}>
                      <Input placeholder={t('tsl.enumName')} />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ value: fields.length })}>
                  {t('tsl.addEnumValue')}
                </Button>
                <Form.ErrorList errors={errors} />
              </>
            )}
          </Form.List>
        </Form.Item>
      ) : null}
      {type === 'bool' ? (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name={at('boolFalse')} label={t('tsl.boolFalse')} rules={nameRules(t)}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={at('boolTrue')} label={t('tsl.boolTrue')} rules={nameRules(t)}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {type === 'text' ? (
        <Form.Item
          name={at('length')}
          label={t('tsl.length')}
          rules={[{ required: true, message: t('tsl.rules.length') }]}
        >
          <InputNumber min={1} max={TSL_TEXT_MAX_LENGTH} precision={0} style={{ width: 200 }} />
        </Form.Item>
      ) : null}
      {type === 'array' ? (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name={at('arraySize')}
              label={t('tsl.arraySize')}
              rules={[{ required: true, message: t('tsl.rules.arraySize') }]}
            >
              <InputNumber min={1} max={TSL_ARRAY_MAX_SIZE} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name={at('arrayItemType')}
              label={t('tsl.itemType')}
              rules={[{ required: true, message: t('tsl.rules.type') }]}
            >
              <Select options={ARRAY_ITEM_TYPES.map((ty) => ({ value: ty, label: t(`tsl.dataTypes.${ty}`) }))} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {type === 'struct' || (type === 'array' && itemType === 'struct') ? (
        <Form.Item label={t('tsl.structFields')} required>
          <ParamList
            name={at('structFields')}
            fullPath={[...fullPath, 'structFields']}
            addLabel={t('tsl.addField')}
            required
          />
        </Form.Item>
      ) : null}
    </>
  )
}

interface ParamListProps {
  name: (string | number)[]
  fullPath: (string | number)[]
  addLabel: string
  /** whether the list needs at least one entry */
  required?: boolean
}

/** A list of parameters (or struct fields): identifier, name and a data type each. */
export function ParamList({ name, fullPath, addLabel, required }: ParamListProps) {
  const t = useT()
  return (
    <Form.List
      name={name}
      rules={
        required
          ? [
              {
                validator: async (_r, items: unknown[] | undefined) => {
                  if (!items?.length) throw new Error(t('tsl.rules.fieldsEmpty'))
                },
              },
            ]
          : undefined
      }
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map((field, index) => (
            <div
              key={field.key}
              style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '12px 12px 0', marginBottom: 12 }}
            >
              <Row gutter={12}>
                <Col span={11}>
                  <Form.Item name={[field.name, 'identifier']} label={t('tsl.identifier')} rules={identifierRules(t)}>
                    <Input />
                  </Form.Item>
                </Col>
                <Col span={11}>
                  <Form.Item name={[field.name, 'name']} label={t('tsl.name')} rules={nameRules(t)}>
                    <Input />
                  </Form.Item>
                </Col>
                <Col span={2} style={{ paddingTop: 34 }}>
                  <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(index)} />
                </Col>
              </Row>
              <DataTypeFields name={[field.name]} fullPath={[...fullPath, field.name]} types={PARAM_TYPES} />
            </div>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(defaultDataTypeValues('int'))}>
            {addLabel}
          </Button>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  )
}

/** Sensible starting specs for a type, so a new field is valid as soon as it has a name. */
export function defaultDataTypeValues(type: DataTypeName) {
  return {
    type,
    min: '0',
    max: '100',
    step: type === 'int' ? '1' : '0.1',
    length: 255,
    arraySize: 10,
    arrayItemType: 'int' as const,
    enumItems: [],
  }
}
