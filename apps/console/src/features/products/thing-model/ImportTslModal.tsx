'use client'

import { UploadOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Form, Input, Upload } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'

const MAX_TSL_BYTES = 512 * 1024

interface ImportValues {
  tsl: string
}

/** Loads a .json file into the TSL field, in the browser only; nothing is uploaded until "Import". */
function TslFileLoader() {
  const t = useT()
  const form = Form.useFormInstance<ImportValues>()
  const { message } = App.useApp()
  return (
    <Form.Item>
      <Upload
        accept=".json,application/json"
        maxCount={1}
        showUploadList={false}
        beforeUpload={(file) => {
          if (file.size > MAX_TSL_BYTES) {
            message.error(t('tsl.fileTooLarge'))
            return Upload.LIST_IGNORE
          }
          void file.text().then((text) => {
            form.setFieldsValue({ tsl: text })
            void form.validateFields(['tsl'])
          })
          return false
        }}
      >
        <Button icon={<UploadOutlined />}>{t('tsl.chooseFile')}</Button>
      </Upload>
    </Form.Item>
  )
}

/** "Import TSL": paste the JSON or load a .json file; the server checks it and replaces the thing model. */
export function ImportTslModal({
  productKey,
  open,
  onClose,
}: {
  productKey: string
  open: boolean
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const importTsl = useMutation(
    trpc.product.importTsl.mutationOptions({
      onSuccess: async () => {
        message.success(t('tsl.imported'))
        await queryClient.invalidateQueries({ queryKey: trpc.product.byKey.queryKey({ productKey }) })
        onClose()
      },
    }),
  )
  const close = () => {
    importTsl.reset()
    onClose()
  }

  return (
    <FormModal<ImportValues>
      open={open}
      width={720}
      title={t('tsl.importTitle')}
      okText={t('tsl.import')}
      pending={importTsl.isPending}
      error={importTsl.error}
      onCancel={close}
      onFinish={(values) => importTsl.mutate({ productKey, tsl: values.tsl })}
    >
      <Alert type="warning" showIcon title={t('tsl.importWarning')} style={{ marginBottom: 16 }} />
      <TslFileLoader />
      <Form.Item
        name="tsl"
        label={t('tsl.pasteLabel')}
        rules={[
          { required: true, message: t('tsl.rules.tslRequired') },
          {
            validator: async (_r, value: string | undefined) => {
              if (!value) return
              try {
                JSON.parse(value)
              } catch {
                throw new Error(t('tsl.rules.tslJson'))
              }
            },
          },
        ]}
      >
        <Input.TextArea rows={14} className="mono" placeholder={t('tsl.pastePlaceholder')} spellCheck={false} />
      </Form.Item>
    </FormModal>
  )
}
