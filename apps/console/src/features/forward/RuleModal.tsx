'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Flex, Form, Input, Radio, Typography } from 'antd'
import { CodeTag } from '@/components/CodeTag'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import type { ForwardRuleRow } from './RulesTable'

interface Values {
  name: string
  description?: string
  sql: string
  dataType: 'JSON' | 'BINARY'
  sample: string
  deviceName: string
}

const DEFAULT_SQL =
  'SELECT items.temperature.value AS temperature, deviceName() AS deviceName, timestamp() AS time\nFROM "/ProductKey/+/thing/event/property/post"\nWHERE items.temperature.value > 0'
const DEFAULT_SAMPLE = JSON.stringify(
  { id: '1', version: '1.0', params: { temperature: 25 }, method: 'thing.event.property.post' },
  null,
  2,
)

/** Creates (`rule === 'new'`) or edits a forwarding rule; the SQL can be tried on a sample payload first. */
export function RuleModal({ rule, onClose }: { rule: ForwardRuleRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const done = async () => {
    message.success(t('common.saved'))
    await queryClient.invalidateQueries({ queryKey: trpc.forward.pathKey() })
    close()
  }
  const create = useMutation(trpc.forward.create.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.forward.update.mutationOptions({ onSuccess: done }))
  const editing = rule && rule !== 'new' ? rule : null
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<Values>
      open={rule !== null}
      width={760}
      title={editing ? t('forward.editor.editTitle', { name: editing.name }) : t('forward.editor.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={{
        name: editing?.name ?? '',
        description: editing?.description ?? '',
        sql: editing?.sql ?? DEFAULT_SQL,
        dataType: editing?.dataType ?? 'JSON',
        sample: DEFAULT_SAMPLE,
        deviceName: 'device1',
      }}
      onCancel={close}
      onFinish={(v) => {
        const input = {
          name: v.name.trim(),
          description: v.description?.trim() || null,
          sql: v.sql.trim(),
          dataType: v.dataType,
        }
        if (editing) update.mutate({ id: editing.id, rule: input })
        else create.mutate(input)
      }}
    >
      <Form.Item
        name="name"
        label={t('forward.editor.name')}
        extra={t('forward.editor.nameHint')}
        rules={[{ required: true, whitespace: true, message: t('forward.editor.required') }]}
      >
        <Input maxLength={30} />
      </Form.Item>
      <Form.Item name="description" label={t('forward.editor.description')}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        name="sql"
        label={t('forward.editor.sql')}
        extra={t('forward.editor.sqlHint')}
        rules={[{ required: true, whitespace: true, message: t('forward.editor.required') }]}
      >
        <Input.TextArea className="mono" autoSize={{ minRows: 4, maxRows: 10 }} spellCheck={false} />
      </Form.Item>
      <Form.Item name="dataType" label={t('forward.editor.dataType')}>
        <Radio.Group
          options={(['JSON', 'BINARY'] as const).map((v) => ({ value: v, label: t(`forward.editor.dataTypes.${v}`) }))}
        />
      </Form.Item>
      <SqlTester />
    </FormModal>
  )
}

/** The "test against a sample payload" part of the editor: the selected row, or the 9307 message. */
function SqlTester() {
  const t = useT()
  const trpc = useTRPC()
  const form = Form.useFormInstance<Values>()
  const test = useMutation(trpc.forward.testSql.mutationOptions())
  const r = test.data
  return (
    <>
      <Flex gap={12}>
        <Form.Item
          name="sample"
          label={t('forward.editor.sample')}
          extra={t('forward.editor.sampleHint')}
          style={{ flex: 1 }}
        >
          <Input.TextArea className="mono" autoSize={{ minRows: 3, maxRows: 8 }} spellCheck={false} />
        </Form.Item>
        <Form.Item name="deviceName" label={t('forward.editor.deviceName')} style={{ width: 180 }}>
          <Input maxLength={192} />
        </Form.Item>
      </Flex>
      <Button
        loading={test.isPending}
        onClick={() => {
          const v = form.getFieldsValue(true) as Values
          test.mutate({ sql: v.sql ?? '', payload: v.sample ?? '', deviceName: v.deviceName?.trim() || 'device1' })
        }}
      >
        {t('forward.editor.test')}
      </Button>
      {test.error ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          message={errorMessage(test.error, t('common.networkError'))}
        />
      ) : null}
      {r && !r.ok ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          data-testid="sql-test-result"
          message={
            <Flex gap={8} align="center">
              <CodeTag code={r.code} />
              <span>{r.message}</span>
            </Flex>
          }
        />
      ) : null}
      {r?.ok ? (
        <Alert
          style={{ marginTop: 12 }}
          type={r.row ? 'success' : 'info'}
          showIcon
          data-testid="sql-test-result"
          message={r.row ? t('forward.editor.testRow') : t('forward.editor.testFiltered')}
          description={
            r.row ? (
              <Typography.Paragraph className="mono" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {JSON.stringify(r.row, null, 2)}
              </Typography.Paragraph>
            ) : null
          }
        />
      ) : null}
    </>
  )
}
