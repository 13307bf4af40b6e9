'use client'

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Empty, Form, Input, Space, Table } from 'antd'
import { useEffect } from 'react'
import { FormError } from '@/components/FormError'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { ZTag } from '@/lib/schemas'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'

interface Tag {
  key: string
  value: string
}
const MAX_TAGS = 100

/** The device's tags: a table for viewers, an editable list for operators. */
export function DeviceTagsTab({
  productKey,
  deviceName,
  tags,
}: {
  productKey: string
  deviceName: string
  tags: Tag[]
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [form] = Form.useForm<{ tags: Tag[] }>()
  const save = useMutation(
    trpc.device.setTags.mutationOptions({
      onSuccess: async () => {
        message.success(t('common.saved'))
        await queryClient.invalidateQueries({ queryKey: trpc.device.byName.queryKey({ productKey, deviceName }) })
      },
    }),
  )
  // the device refreshes every few seconds: only reset the form when the saved tags really changed
  const saved = JSON.stringify(tags)
  useEffect(() => {
    form.setFieldsValue({ tags: JSON.parse(saved) as Tag[] })
  }, [saved, form])

  if (!writable) {
    return (
      <Table<Tag>
        rowKey="key"
        size="small"
        dataSource={tags}
        pagination={false}
        locale={{ emptyText: <Empty description={t('device.tags.empty')} /> }}
        columns={[
          { title: t('device.tags.key'), dataIndex: 'key', render: (k: string) => <span className="mono">{k}</span> },
          { title: t('device.tags.value'), dataIndex: 'value' },
        ]}
      />
    )
  }

  return (
    <Form
      form={form}
      initialValues={{ tags }}
      onFinish={(values) =>
        save.mutate({
          productKey,
          deviceName,
          tags: (values.tags ?? []).map((tag) => ({ key: tag.key.trim(), value: tag.value ?? '' })),
        })
      }
      style={{ maxWidth: 720 }}
    >
      <Form.List
        name="tags"
        rules={[
          {
            validator: async (_r, list: Tag[] | undefined) => {
              const keys = (list ?? []).map((x) => x?.key)
              if (new Set(keys).size !== keys.length) throw new Error(t('device.tags.duplicate'))
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('device.tags.empty')} />
            ) : null}
            {fields.map((field) => (
              <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                <Form.Item name={[field.name, 'key']} rules={[zodRule(ZTag.shape.key, t('device.tags.keyRule'))]}>
                  <Input placeholder={t('device.tags.key')} className="mono" style={{ width: 220 }} />
                </Form.Item>
                <Form.Item name={[field.name, 'value']} rules={[{ max: 128, message: t('device.tags.valueRule') }]}>
                  <Input placeholder={t('device.tags.value')} style={{ width: 360 }} />
                </Form.Item>
                <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
              </Space>
            ))}
            <Form.ErrorList errors={errors} />
            <Space style={{ marginTop: 8 }}>
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                disabled={fields.length >= MAX_TAGS}
                onClick={() => add({ key: '', value: '' })}
              >
                {t('device.tags.add')}
              </Button>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Space>
          </>
        )}
      </Form.List>
      <div style={{ marginTop: 16 }}>
        <FormError error={save.error} />
      </div>
    </Form>
  )
}
