'use client'

import { DownloadOutlined, UploadOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, InputNumber, Modal, Radio, Result, Table, Typography, Upload } from 'antd'
import { useMemo, useState } from 'react'
import { CopyText } from '@/components/CopyText'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { downloadText, parseNameList, toCsv } from '@/lib/csv'
import { ZDeviceName } from '@/lib/schemas'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { ProductSelect } from '../products/ProductSelect'
import { TRIPLE_CSV_HEADER } from './links'

/** The console creates at most this many devices in one batch (the API allows more, for automation). */
export const CONSOLE_BATCH_MAX = 1000
const MAX_LIST_FILE_BYTES = 1024 * 1024

interface BatchValues {
  productKey: string
  mode: 'count' | 'names'
  count?: number
  names?: string
}
type CreatedDevice = RouterOutputs['device']['batchCreate']['devices'][number]

function checkNames(text: string | undefined) {
  const names = parseNameList(text ?? '')
  const invalid = names.filter((n) => !ZDeviceName.safeParse(n).success)
  return { names, invalid }
}

/** Either a count of generated names, or a list of names (typed, pasted or loaded from a file). */
function NameFields() {
  const t = useT()
  const form = Form.useFormInstance<BatchValues>()
  const { message } = App.useApp()
  const mode = Form.useWatch('mode', form)
  const namesText = Form.useWatch('names', form)
  const checked = useMemo(() => checkNames(namesText), [namesText])
  return (
    <>
      {mode === 'names' ? (
        <>
          <Form.Item>
            <Upload
              accept=".csv,.txt,text/csv,text/plain"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                if (file.size > MAX_LIST_FILE_BYTES) {
                  message.error(t('device.batch.fileTooLarge'))
                  return Upload.LIST_IGNORE
                }
                void file.text().then((text) => {
                  form.setFieldsValue({ names: parseNameList(text).join('\n') })
                  void form.validateFields(['names'])
                })
                return false
              }}
            >
              <Button icon={<UploadOutlined />}>{t('device.batch.chooseFile')}</Button>
            </Upload>
          </Form.Item>
          <Form.Item
            name="names"
            label={t('device.batch.names')}
            extra={
              checked.names.length
                ? t('device.batch.namesCount', { count: checked.names.length, max: CONSOLE_BATCH_MAX })
                : t('device.batch.namesHelp')
            }
            rules={[
              {
                validator: async (_r, value: string | undefined) => {
                  const { names, invalid } = checkNames(value)
                  if (!names.length) throw new Error(t('device.batch.rules.namesEmpty'))
                  if (names.length > CONSOLE_BATCH_MAX)
                    throw new Error(t('device.batch.rules.tooMany', { max: CONSOLE_BATCH_MAX }))
                  if (invalid.length) {
                    throw new Error(
                      t('device.batch.rules.invalidNames', {
                        names: invalid.slice(0, 5).join(', '),
                        count: invalid.length,
                      }),
                    )
                  }
                },
              },
            ]}
          >
            <Input.TextArea
              rows={8}
              className="mono"
              spellCheck={false}
              placeholder={t('device.batch.namesPlaceholder')}
            />
          </Form.Item>
        </>
      ) : (
        <Form.Item
          name="count"
          label={t('device.batch.count')}
          extra={t('device.batch.countHelp', { max: CONSOLE_BATCH_MAX })}
          rules={[{ required: true, message: t('device.batch.rules.count', { max: CONSOLE_BATCH_MAX }) }]}
        >
          <InputNumber min={1} max={CONSOLE_BATCH_MAX} precision={0} style={{ width: 200 }} />
        </Form.Item>
      )}
    </>
  )
}

/** "Batch add": a number of auto-named devices, or a list of names; then a CSV of the created triples. */
export function BatchAddModal({
  open,
  defaultProductKey,
  onClose,
}: {
  open: boolean
  defaultProductKey?: string
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [created, setCreated] = useState<CreatedDevice[] | null>(null)

  const batch = useMutation(
    trpc.device.batchCreate.mutationOptions({
      onSuccess: async (result) => {
        message.success(t('device.batch.done', { count: result.devices.length }))
        setCreated(result.devices)
        await queryClient.invalidateQueries({ queryKey: trpc.device.list.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.product.pathKey() })
      },
    }),
  )
  const close = () => {
    batch.reset()
    setCreated(null)
    onClose()
  }
  const downloadCsv = (devices: CreatedDevice[]) =>
    downloadText(
      `devices_${devices[0]?.productKey ?? 'batch'}_${Date.now()}.csv`,
      toCsv(
        TRIPLE_CSV_HEADER,
        devices.map((d) => [d.productKey, d.deviceName, d.deviceSecret]),
      ),
    )

  if (created) {
    return (
      <Modal
        open={open}
        width={760}
        title={t('device.batch.resultTitle')}
        onCancel={close}
        footer={[
          <Button key="csv" icon={<DownloadOutlined />} onClick={() => downloadCsv(created)}>
            {t('device.batch.downloadCsv')}
          </Button>,
          <Button key="done" type="primary" onClick={close}>
            {t('common.done')}
          </Button>,
        ]}
      >
        <Result
          status="success"
          title={t('device.batch.done', { count: created.length })}
          subTitle={t('device.batch.resultHint')}
          style={{ padding: '16px 0' }}
        />
        <Table<CreatedDevice>
          rowKey="deviceName"
          size="small"
          dataSource={created}
          pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            {
              title: t('device.fields.deviceName'),
              dataIndex: 'deviceName',
              render: (v: string) => <CopyText text={v} />,
            },
            {
              title: t('device.fields.deviceSecret'),
              dataIndex: 'deviceSecret',
              render: (v: string) => <CopyText text={v} />,
            },
          ]}
        />
      </Modal>
    )
  }

  return (
    <FormModal<BatchValues>
      open={open}
      width={640}
      title={t('device.batch.title')}
      okText={t('common.create')}
      pending={batch.isPending}
      error={batch.error}
      initialValues={{ productKey: defaultProductKey, mode: 'count', count: 10 }}
      onCancel={close}
      onFinish={(values) =>
        batch.mutate(
          values.mode === 'count'
            ? { productKey: values.productKey, count: values.count }
            : { productKey: values.productKey, deviceNames: checkNames(values.names).names },
        )
      }
    >
      <Form.Item
        name="productKey"
        label={t('device.fields.product')}
        rules={[{ required: true, message: t('device.rules.product') }]}
      >
        <ProductSelect />
      </Form.Item>
      <Form.Item name="mode" label={t('device.batch.mode')}>
        <Radio.Group
          options={[
            { value: 'count', label: t('device.batch.modeCount') },
            { value: 'names', label: t('device.batch.modeNames') },
          ]}
        />
      </Form.Item>
      <NameFields />
      <Typography.Paragraph type="secondary">{t('device.batch.secretHint')}</Typography.Paragraph>
    </FormModal>
  )
}
