'use client'

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import {
  nextRuns,
  parseCron,
  type TSceneAction,
  type TSceneCondition,
  type TSceneRuleInput,
  type TSceneTrigger,
} from '@iotops/services/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Checkbox, Divider, Flex, Form, Input, Select, Switch, Typography } from 'antd'
import dayjs from 'dayjs'
import { FormModal } from '@/components/FormModal'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { DeviceField, IdentifierField, parseThreshold } from './fields'
import { k, type SceneRow } from './labels'

type Row = Record<string, unknown> & { type: string }
interface Values {
  name: string
  description?: string
  enabled: boolean
  triggers: Row[]
  conditions: Row[]
  actions: Row[]
}

const TRIGGER_TYPES = ['property', 'event', 'status', 'schedule'] as const
const CONDITION_TYPES = ['time', 'property'] as const
const ACTION_TYPES = ['alert', 'setProperty', 'invokeService', 'publish', 'webhook'] as const
const OPS = ['>', '>=', '<', '<=', '==', '!=', 'changed'] as const
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
const blank = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || !text.trim()) return {}
  const v = JSON.parse(text)
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object')
  return v
}

/** Form rows → the rule document the server validates. */
function toInput(v: Values): TSceneRuleInput {
  const triggers = (v.triggers ?? []).map((r): TSceneTrigger => {
    if (r.type === 'schedule')
      return { type: 'schedule', cron: String(r.cron ?? ''), timezone: String(r.timezone ?? 'UTC') }
    const base = { productKey: String(r.productKey ?? ''), deviceName: blank(r.deviceName) }
    if (r.type === 'property')
      return {
        type: 'property',
        ...base,
        identifier: String(r.identifier ?? ''),
        op: r.op as TSceneTrigger extends { op: infer O } ? O : never,
        value: r.op === 'changed' ? undefined : parseThreshold(r.value),
      } as TSceneTrigger
    if (r.type === 'event')
      return {
        type: 'event',
        ...base,
        eventType: (r.eventType as 'info' | 'alert' | 'error' | undefined) || undefined,
        identifier: blank(r.identifier),
      }
    return { type: 'status', ...base, status: r.status as 'ONLINE' | 'OFFLINE' }
  })
  const conditions = (v.conditions ?? []).map((r): TSceneCondition => {
    if (r.type === 'time')
      return {
        type: 'time',
        days: (r.days as number[] | undefined) ?? [],
        from: String(r.from ?? ''),
        to: String(r.to ?? ''),
        timezone: String(r.timezone ?? 'UTC'),
      }
    return {
      type: 'property',
      productKey: String(r.productKey ?? ''),
      deviceName: String(r.deviceName ?? ''),
      identifier: String(r.identifier ?? ''),
      op: r.op as '>' | '>=' | '<' | '<=' | '==' | '!=',
      value: parseThreshold(r.value) ?? '',
    }
  })
  const actions = (v.actions ?? []).map((r): TSceneAction => {
    switch (r.type) {
      case 'alert':
        return { type: 'alert', alertRuleId: String(r.alertRuleId ?? '') }
      case 'setProperty':
        return {
          type: 'setProperty',
          productKey: String(r.productKey ?? ''),
          deviceName: blank(r.deviceName),
          items: parseObject(r.items),
        }
      case 'invokeService':
        return {
          type: 'invokeService',
          productKey: String(r.productKey ?? ''),
          deviceName: blank(r.deviceName),
          identifier: String(r.identifier ?? ''),
          args: parseObject(r.args),
        }
      case 'publish':
        return {
          type: 'publish',
          productKey: String(r.productKey ?? ''),
          topic: String(r.topic ?? ''),
          payload: String(r.payload ?? ''),
          qos: Number(r.qos ?? 0) === 1 ? 1 : 0,
        }
      default:
        return { type: 'webhook', url: String(r.url ?? '') }
    }
  })
  return { name: v.name, description: blank(v.description), enabled: v.enabled, triggers, conditions, actions }
}

/** A stored rule → form rows. */
function toValues(s: SceneRow): Values {
  return {
    name: s.name,
    description: s.description ?? undefined,
    enabled: s.enabled,
    triggers: s.triggers.map((x) => ({
      ...x,
      value: 'value' in x && x.value !== undefined ? String(x.value) : undefined,
    })),
    conditions: s.conditions.map((x) => ({ ...x, value: 'value' in x ? String(x.value) : undefined })),
    actions: s.actions.map((x) => ({
      ...x,
      items: 'items' in x ? JSON.stringify(x.items) : undefined,
      args: 'args' in x ? JSON.stringify(x.args) : undefined,
    })),
  }
}

const jsonRule = (message: string) => ({
  validator: (_: unknown, v: unknown) => {
    try {
      parseObject(v)
      return Promise.resolve()
    } catch {
      return Promise.reject(new Error(message))
    }
  },
})

function CronHint({ cron, timezone }: { cron?: string; timezone?: string }) {
  const t = useT()
  if (!cron) return null
  const parsed = parseCron(cron)
  if (!parsed.ok)
    return <Typography.Text type="danger">{`${t('alerts.scenes.hints.cronBad')}: ${parsed.error}`}</Typography.Text>
  const times = nextRuns(cron, Date.now(), timezone || 'UTC', 3).map((x) => dayjs(x).format('YYYY-MM-DD HH:mm'))
  return (
    <Typography.Text type="secondary">{t('alerts.scenes.hints.cron', { times: times.join(', ') })}</Typography.Text>
  )
}

/** The fields of one trigger row, by type. */
function TriggerRow({ name }: { name: number }) {
  const t = useT()
  const form = Form.useFormInstance()
  const row = (Form.useWatch(['triggers', name], form) ?? {}) as Row
  const pk = row.productKey as string | undefined
  const f = (k2: string) => [name, k2]
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={f('type')} label={t('alerts.scenes.fields.type')} rules={[{ required: true }]}>
        <Select
          style={{ width: 160 }}
          options={TRIGGER_TYPES.map((x) => ({ value: x, label: t(k(`scenes.triggerType.${x}`)) }))}
        />
      </Form.Item>
      {row.type === 'schedule' ? (
        <>
          <Form.Item
            name={f('cron')}
            label={t('alerts.scenes.fields.cron')}
            rules={[{ required: true }]}
            extra={<CronHint cron={row.cron as string} timezone={row.timezone as string} />}
          >
            <Input className="mono" placeholder="0 8 * * 1-5" style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name={f('timezone')} label={t('alerts.scenes.fields.timezone')} rules={[{ required: true }]}>
            <Input style={{ width: 180 }} />
          </Form.Item>
        </>
      ) : row.type ? (
        <>
          <Form.Item name={f('productKey')} label={t('alerts.scenes.fields.product')} rules={[{ required: true }]}>
            <ProductSelect style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name={f('deviceName')} label={t('alerts.scenes.fields.device')}>
            <DeviceField productKey={pk} placeholder={t('alerts.scenes.fields.anyDevice')} />
          </Form.Item>
          {row.type === 'property' ? (
            <>
              <Form.Item
                name={f('identifier')}
                label={t('alerts.scenes.fields.identifier')}
                rules={[{ required: true }]}
              >
                <IdentifierField productKey={pk} kind="properties" />
              </Form.Item>
              <Form.Item name={f('op')} label={t('alerts.scenes.fields.op')} rules={[{ required: true }]}>
                <Select
                  style={{ width: 120 }}
                  options={OPS.map((o) => ({ value: o, label: t(k(`scenes.op.${o}`)) }))}
                />
              </Form.Item>
              {row.op !== 'changed' ? (
                <Form.Item
                  name={f('value')}
                  label={t('alerts.scenes.fields.value')}
                  rules={[{ required: true, whitespace: true, message: t('alerts.scenes.hints.value') }]}
                >
                  <Input style={{ width: 120 }} />
                </Form.Item>
              ) : null}
            </>
          ) : null}
          {row.type === 'event' ? (
            <>
              <Form.Item name={f('eventType')} label={t('alerts.scenes.fields.eventType')}>
                <Select
                  allowClear
                  placeholder={t('alerts.scenes.fields.anyType')}
                  style={{ width: 140 }}
                  options={(['info', 'alert', 'error'] as const).map((x) => ({
                    value: x,
                    label: t(k(`scenes.eventType.${x}`)),
                  }))}
                />
              </Form.Item>
              <Form.Item name={f('identifier')} label={t('alerts.scenes.fields.identifier')}>
                <IdentifierField productKey={pk} kind="events" placeholder={t('alerts.scenes.fields.anyEvent')} />
              </Form.Item>
            </>
          ) : null}
          {row.type === 'status' ? (
            <Form.Item name={f('status')} label={t('alerts.scenes.fields.status')} rules={[{ required: true }]}>
              <Select
                style={{ width: 160 }}
                options={(['ONLINE', 'OFFLINE'] as const).map((x) => ({
                  value: x,
                  label: t(k(`scenes.deviceStatus.${x}`)),
                }))}
              />
            </Form.Item>
          ) : null}
        </>
      ) : null}
    </Flex>
  )
}

function ConditionRow({ name }: { name: number }) {
  const t = useT()
  const form = Form.useFormInstance()
  const row = (Form.useWatch(['conditions', name], form) ?? {}) as Row
  const pk = row.productKey as string | undefined
  const f = (k2: string) => [name, k2]
  const hhmm = { pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={f('type')} label={t('alerts.scenes.fields.type')} rules={[{ required: true }]}>
        <Select
          style={{ width: 160 }}
          options={CONDITION_TYPES.map((x) => ({ value: x, label: t(k(`scenes.conditionType.${x}`)) }))}
        />
      </Form.Item>
      {row.type === 'time' ? (
        <>
          <Form.Item name={f('days')} label={t('alerts.scenes.fields.days')} extra={t('alerts.scenes.fields.everyDay')}>
            <Checkbox.Group
              options={[1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: d, label: t(k(`scenes.weekday.${d}`)) }))}
            />
          </Form.Item>
          <Form.Item name={f('from')} label={t('alerts.scenes.fields.from')} rules={[{ required: true }, hhmm]}>
            <Input placeholder="09:00" style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name={f('to')} label={t('alerts.scenes.fields.to')} rules={[{ required: true }, hhmm]}>
            <Input placeholder="18:00" style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name={f('timezone')} label={t('alerts.scenes.fields.timezone')} rules={[{ required: true }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
        </>
      ) : row.type === 'property' ? (
        <>
          <Form.Item name={f('productKey')} label={t('alerts.scenes.fields.product')} rules={[{ required: true }]}>
            <ProductSelect style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name={f('deviceName')} label={t('alerts.scenes.fields.device')} rules={[{ required: true }]}>
            <DeviceField productKey={pk} required />
          </Form.Item>
          <Form.Item name={f('identifier')} label={t('alerts.scenes.fields.identifier')} rules={[{ required: true }]}>
            <IdentifierField productKey={pk} kind="properties" />
          </Form.Item>
          <Form.Item name={f('op')} label={t('alerts.scenes.fields.op')} rules={[{ required: true }]}>
            <Select
              style={{ width: 100 }}
              options={OPS.filter((o) => o !== 'changed').map((o) => ({ value: o, label: t(k(`scenes.op.${o}`)) }))}
            />
          </Form.Item>
          <Form.Item
            name={f('value')}
            label={t('alerts.scenes.fields.value')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input style={{ width: 120 }} />
          </Form.Item>
        </>
      ) : null}
    </Flex>
  )
}

function ActionRow({ name }: { name: number }) {
  const t = useT()
  const trpc = useTRPC()
  const form = Form.useFormInstance()
  const row = (Form.useWatch(['actions', name], form) ?? {}) as Row
  const rules = useQuery({ ...trpc.alertCenter.ruleOptions.queryOptions(), enabled: row.type === 'alert' })
  const pk = row.productKey as string | undefined
  const f = (k2: string) => [name, k2]
  const device = (
    <Form.Item name={f('deviceName')} label={t('alerts.scenes.fields.device')}>
      <DeviceField productKey={pk} placeholder={t('alerts.scenes.fields.triggeringDevice')} />
    </Form.Item>
  )
  const product = (
    <Form.Item name={f('productKey')} label={t('alerts.scenes.fields.product')} rules={[{ required: true }]}>
      <ProductSelect style={{ width: 200 }} />
    </Form.Item>
  )
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={f('type')} label={t('alerts.scenes.fields.type')} rules={[{ required: true }]}>
        <Select
          style={{ width: 160 }}
          options={ACTION_TYPES.map((x) => ({ value: x, label: t(k(`scenes.actionType.${x}`)) }))}
        />
      </Form.Item>
      {row.type === 'alert' ? (
        <Form.Item name={f('alertRuleId')} label={t('alerts.scenes.fields.alertRule')} rules={[{ required: true }]}>
          <Select
            style={{ width: 240 }}
            loading={rules.isPending}
            options={(rules.data ?? []).map((r) => ({ value: r.id, label: `${r.name} · ${t(k(`level.${r.level}`))}` }))}
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
      ) : null}
      {row.type === 'setProperty' ? (
        <>
          {product}
          {device}
          <Form.Item
            name={f('items')}
            label={t('alerts.scenes.fields.items')}
            extra={t('alerts.scenes.hints.json')}
            rules={[{ required: true }, jsonRule(t('alerts.scenes.badJson'))]}
          >
            <Input className="mono" placeholder='{"power": 1}' style={{ width: 240 }} />
          </Form.Item>
        </>
      ) : null}
      {row.type === 'invokeService' ? (
        <>
          {product}
          {device}
          <Form.Item name={f('identifier')} label={t('alerts.scenes.fields.identifier')} rules={[{ required: true }]}>
            <IdentifierField productKey={pk} kind="services" />
          </Form.Item>
          <Form.Item
            name={f('args')}
            label={t('alerts.scenes.fields.args')}
            rules={[jsonRule(t('alerts.scenes.badJson'))]}
          >
            <Input className="mono" placeholder="{}" style={{ width: 200 }} />
          </Form.Item>
        </>
      ) : null}
      {row.type === 'publish' ? (
        <>
          {product}
          <Form.Item
            name={f('topic')}
            label={t('alerts.scenes.fields.topic')}
            extra={t('alerts.scenes.hints.topic')}
            rules={[{ required: true }]}
          >
            <Input className="mono" placeholder={pk ? `/${pk}/\${deviceName}/user/get` : ''} style={{ width: 300 }} />
          </Form.Item>
          <Form.Item name={f('payload')} label={t('alerts.scenes.fields.payload')}>
            <Input.TextArea rows={1} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name={f('qos')} label={t('alerts.scenes.fields.qos')}>
            <Select style={{ width: 80 }} options={[0, 1].map((q) => ({ value: q, label: String(q) }))} />
          </Form.Item>
        </>
      ) : null}
      {row.type === 'webhook' ? (
        <Form.Item
          name={f('url')}
          label={t('alerts.scenes.fields.url')}
          extra={t('alerts.scenes.hints.webhook')}
          rules={[{ required: true, type: 'url' }]}
        >
          <Input placeholder="https://" style={{ width: 360 }} />
        </Form.Item>
      ) : null}
    </Flex>
  )
}

function RowList({
  list,
  title,
  addText,
  initial,
  min,
  Row: RowComponent,
}: {
  list: 'triggers' | 'conditions' | 'actions'
  title: string
  addText: string
  initial: Row
  min: number
  Row: (p: { name: number }) => React.ReactNode
}) {
  const t = useT()
  return (
    <Form.List name={list}>
      {(fields, { add, remove }) => (
        <Flex vertical gap={8}>
          <Divider titlePlacement="start" style={{ margin: '8px 0' }}>
            {title}
          </Divider>
          {fields.map((field, i) => (
            <Card
              key={field.key}
              size="small"
              data-testid={`${list}-${i}`}
              styles={{ body: { paddingBottom: 0 } }}
              extra={
                fields.length > min ? (
                  <Button
                    type="text"
                    size="small"
                    icon={<DeleteOutlined />}
                    aria-label={t('common.delete')}
                    onClick={() => remove(field.name)}
                  />
                ) : null
              }
              title={`#${i + 1}`}
            >
              <RowComponent name={field.name} />
            </Card>
          ))}
          {fields.length < 10 ? (
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(initial)}>
              {addText}
            </Button>
          ) : null}
        </Flex>
      )}
    </Form.List>
  )
}

/** Create or edit a scene-linkage rule: triggers (any), conditions (all), actions (in order). */
export function SceneRuleModal({
  scene,
  preset,
  onClose,
}: {
  scene: SceneRow | 'new' | null
  /** a new rule that raises this alert rule ("create a scene rule from here") */
  preset?: { alertRuleId: string }
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.scene.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.alertCenter.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.scene.create.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.scene.update.mutationOptions({ onSuccess: done }))
  const editing = scene && scene !== 'new' ? scene : null
  const m = editing ? update : create
  const zone = localZone()
  return (
    <FormModal<Values>
      open={scene !== null}
      title={editing ? t('alerts.scenes.editTitle', { name: editing.name }) : t('alerts.scenes.addTitle')}
      pending={m.isPending}
      error={m.error}
      width={980}
      onCancel={onClose}
      onFinish={(v) => {
        const input = toInput(v)
        if (editing) update.mutate({ id: editing.id, rule: input })
        else create.mutate(input)
      }}
      initialValues={
        editing
          ? toValues(editing)
          : {
              enabled: true,
              triggers: [{ type: 'property', op: '>', timezone: zone }],
              conditions: [],
              actions: [preset ? { type: 'alert', alertRuleId: preset.alertRuleId } : { type: 'alert' }],
            }
      }
    >
      <Flex gap={16} wrap>
        <Form.Item
          name="name"
          label={t('alerts.scenes.fields.name')}
          rules={[{ required: true, whitespace: true, max: 64 }]}
          style={{ flex: '1 1 260px' }}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="description" label={t('alerts.scenes.fields.description')} style={{ flex: '2 1 360px' }}>
          <Input maxLength={256} />
        </Form.Item>
        <Form.Item name="enabled" label={t('alerts.scenes.fields.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Flex>
      <RowList
        list="triggers"
        title={t('alerts.scenes.fields.triggers')}
        addText={t('alerts.scenes.add1.trigger')}
        initial={{ type: 'property', op: '>', timezone: zone }}
        min={1}
        Row={TriggerRow}
      />
      <RowList
        list="conditions"
        title={t('alerts.scenes.fields.conditions')}
        addText={t('alerts.scenes.add1.condition')}
        initial={{ type: 'time', days: [], from: '09:00', to: '18:00', timezone: zone }}
        min={0}
        Row={ConditionRow}
      />
      <RowList
        list="actions"
        title={t('alerts.scenes.fields.actions')}
        addText={t('alerts.scenes.add1.action')}
        initial={{ type: 'alert', qos: 0 }}
        min={1}
        Row={ActionRow}
      />
    </FormModal>
  )
}
