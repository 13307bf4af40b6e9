'use client'

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Flex, Form, Input, InputNumber, Radio, Select, Switch } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import type { RouterInputs } from '@/trpc/types'
import type { DestinationRow } from './DestinationsDrawer'

type Destination = RouterInputs['forward']['addDestination']['destination']
type DestType = Destination['type']
const TYPES: DestType[] = ['REPUBLISH', 'WEBHOOK', 'POSTGRES', 'QUEUE']

interface Values {
  type: DestType
  enabled: boolean
  topic?: string
  qos?: 0 | 1
  url?: string
  headers?: { name: string; value: string }[]
  timeoutMs?: number
  retries?: number
  table?: string
  columns?: { column: string; field: string }[]
  stream?: string
  maxLen?: number
}

function toDestination(v: Values): Destination {
  switch (v.type) {
    case 'REPUBLISH':
      return { type: 'REPUBLISH', config: { topic: (v.topic ?? '').trim(), qos: v.qos ?? 0 } }
    case 'WEBHOOK':
      return {
        type: 'WEBHOOK',
        config: {
          url: (v.url ?? '').trim(),
          headers: (v.headers ?? [])
            .filter((h) => h?.name?.trim())
            .map((h) => ({ name: h.name.trim(), value: h.value ?? '' })),
          timeoutMs: v.timeoutMs ?? 5000,
          retries: v.retries ?? 3,
        },
      }
    case 'POSTGRES':
      return {
        type: 'POSTGRES',
        config: {
          url: (v.url ?? '').trim(),
          table: (v.table ?? '').trim(),
          columns: (v.columns ?? [])
            .filter((c) => c?.column?.trim())
            .map((c) => ({ column: c.column.trim(), field: (c.field ?? '').trim() })),
          retries: v.retries ?? 2,
        },
      }
    case 'QUEUE':
      return {
        type: 'QUEUE',
        config: {
          url: (v.url ?? '').trim(),
          stream: (v.stream ?? '').trim(),
          maxLen: v.maxLen ?? 100_000,
          retries: v.retries ?? 2,
        },
      }
  }
}

function initial(d: DestinationRow | null): Values {
  if (!d)
    return {
      type: 'WEBHOOK',
      enabled: true,
      qos: 0,
      headers: [],
      timeoutMs: 5000,
      retries: 3,
      columns: [{ column: '', field: '' }],
      maxLen: 100_000,
    }
  return { type: d.type, enabled: d.enabled, ...(d.config as Omit<Values, 'type' | 'enabled'>) }
}

/** Adds (`destination === 'new'`) or edits a destination of a rule; fields follow the type. */
export function DestinationModal({
  ruleId,
  destination,
  onClose,
}: {
  ruleId: string
  destination: DestinationRow | 'new' | null
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.forward.pathKey() })
    close()
  }
  const add = useMutation(trpc.forward.addDestination.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.forward.updateDestination.mutationOptions({ onSuccess: done }))
  const editing = destination && destination !== 'new' ? destination : null
  const m = editing ? update : add
  const close = () => {
    add.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<Values>
      open={destination !== null}
      width={680}
      title={editing ? t('forward.dest.editTitle') : t('forward.dest.addTitle')}
      okText={editing ? t('common.save') : t('common.add')}
      pending={m.isPending}
      error={m.error}
      initialValues={initial(editing)}
      onCancel={close}
      onFinish={(v) => {
        const d = toDestination(v)
        if (editing) update.mutate({ id: editing.id, destination: d, enabled: v.enabled })
        else add.mutate({ ruleId, destination: d, enabled: v.enabled })
      }}
    >
      <Form.Item name="type" label={t('forward.dest.type')}>
        <Select
          disabled={!!editing}
          options={TYPES.map((type) => ({ value: type, label: t(`forward.dest.types.${type}`) }))}
        />
      </Form.Item>
      <TypeFields secrets={!!editing} />
      <Form.Item name="enabled" label={t('forward.dest.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  )
}

function TypeFields({ secrets }: { secrets: boolean }) {
  const t = useT()
  const type = Form.useWatch<DestType>('type')
  const required = [{ required: true, whitespace: true, message: t('forward.editor.required') }]
  const retries = (
    <Form.Item name="retries" label={t('forward.dest.retries')}>
      <InputNumber min={0} max={5} />
    </Form.Item>
  )
  switch (type) {
    case 'REPUBLISH':
      return (
        <>
          <Form.Item name="topic" label={t('forward.dest.topic')} extra={t('forward.dest.topicHint')} rules={required}>
            <Input className="mono" placeholder="/ProductKey/${deviceName}/user/get" />
          </Form.Item>
          <Form.Item name="qos" label={t('forward.dest.qos')}>
            <Radio.Group
              options={[
                { value: 0, label: '0' },
                { value: 1, label: '1' },
              ]}
            />
          </Form.Item>
        </>
      )
    case 'WEBHOOK':
      return (
        <>
          <Form.Item name="url" label={t('forward.dest.url')} rules={required}>
            <Input className="mono" placeholder="https://example.com/iot/hook" />
          </Form.Item>
          <Form.Item label={t('forward.dest.headers')} extra={secrets ? t('forward.dest.secretKept') : undefined}>
            <Form.List name="headers">
              {(fields, { add, remove }) => (
                <Flex vertical gap={8}>
                  {fields.map((f) => (
                    <Flex key={f.key} gap={8} align="center">
                      <Form.Item name={[f.name, 'name']} noStyle>
                        <Input
                          placeholder={t('forward.dest.headerName')}
                          aria-label={t('forward.dest.headerName')}
                          style={{ width: 200 }}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'value']} noStyle>
                        <Input placeholder={t('forward.dest.headerValue')} aria-label={t('forward.dest.headerValue')} />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                    </Flex>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: '' })}>
                    {t('forward.dest.addHeader')}
                  </Button>
                </Flex>
              )}
            </Form.List>
          </Form.Item>
          <Flex gap={16}>
            <Form.Item name="timeoutMs" label={t('forward.dest.timeoutMs')}>
              <InputNumber min={100} max={30_000} step={500} />
            </Form.Item>
            {retries}
          </Flex>
        </>
      )
    case 'POSTGRES':
      return (
        <>
          <Form.Item
            name="url"
            label={t('forward.dest.pgUrl')}
            extra={secrets ? t('forward.dest.secretKept') : t('forward.dest.pgUrlHint')}
            rules={required}
          >
            <Input className="mono" placeholder={t('forward.dest.pgUrlHint')} />
          </Form.Item>
          <Form.Item name="table" label={t('forward.dest.table')} rules={required}>
            <Input className="mono" />
          </Form.Item>
          <Form.Item label={t('forward.dest.columns')}>
            <Form.List name="columns">
              {(fields, { add, remove }) => (
                <Flex vertical gap={8}>
                  {fields.map((f) => (
                    <Flex key={f.key} gap={8} align="center">
                      <Form.Item name={[f.name, 'column']} noStyle>
                        <Input
                          className="mono"
                          placeholder={t('forward.dest.column')}
                          aria-label={t('forward.dest.column')}
                        />
                      </Form.Item>
                      <span>←</span>
                      <Form.Item name={[f.name, 'field']} noStyle>
                        <Input
                          className="mono"
                          placeholder={t('forward.dest.field')}
                          aria-label={t('forward.dest.field')}
                        />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                    </Flex>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ column: '', field: '' })}>
                    {t('forward.dest.addColumn')}
                  </Button>
                </Flex>
              )}
            </Form.List>
          </Form.Item>
          {retries}
        </>
      )
    case 'QUEUE':
      return (
        <>
          <Form.Item
            name="url"
            label={t('forward.dest.redisUrl')}
            extra={secrets ? t('forward.dest.secretKept') : t('forward.dest.redisUrlHint')}
            rules={required}
          >
            <Input className="mono" placeholder={t('forward.dest.redisUrlHint')} />
          </Form.Item>
          <Flex gap={16}>
            <Form.Item name="stream" label={t('forward.dest.stream')} rules={required} style={{ flex: 1 }}>
              <Input className="mono" />
            </Form.Item>
            <Form.Item name="maxLen" label={t('forward.dest.maxLen')}>
              <InputNumber min={100} max={10_000_000} />
            </Form.Item>
          </Flex>
          {retries}
        </>
      )
    default:
      return <Alert type="info" message={t('forward.dest.type')} />
  }
}
