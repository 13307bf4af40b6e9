'use client'

import { PlusOutlined } from '@ant-design/icons'
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, AutoComplete, Button, Flex, Form, Input, Radio, Switch } from 'antd'
import { useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import { withoutEmpty, zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'
import { FileUploadField } from './FileUploadField'
import { ModuleSelect } from './ModuleSelect'
import { ModuleModal } from './ModulesTab'
import {
  OTA_CUSTOM_INFO_MAX_LENGTH,
  OTA_DESCRIPTION_MAX_LENGTH,
  OTA_FILE_NAME_MAX_LENGTH,
  ZFirmwareDescription,
  ZFirmwareName,
  ZFirmwareUdi,
  ZOtaVersion,
} from './rules'
import type { UploadItem } from './useUploads'

interface PackageValues {
  type: 'FULL' | 'DIFF'
  name: string
  productKey: string
  module: string
  srcVersion?: string
  destVersion: string
  signMethod: 'MD5' | 'SHA256'
  files: UploadItem[]
  needVerify: boolean
  description?: string
  udi?: string
  secure: boolean
}

/** Versions devices of the product reported for the module, as options (the diff's source version, source filters). */
export function useReportedVersions(productKey: string | undefined, module: string | undefined) {
  const trpc = useTRPC()
  const versions = useQuery(trpc.ota.versions.queryOptions(productKey && module ? { productKey, module } : skipToken))
  return (versions.data ?? []).map((v) => ({ value: v.version, label: `${v.version} (${v.devices})` }))
}

function PackageFields() {
  const t = useT()
  const form = Form.useFormInstance<PackageValues>()
  const type = Form.useWatch('type', form)
  const productKey = Form.useWatch('productKey', form)
  const module = Form.useWatch('module', form)
  const [addingModule, setAddingModule] = useState(false)
  const versions = useReportedVersions(productKey, module)
  return (
    <>
      <Form.Item name="type" label={t('ota.fields.type')} required>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'FULL', label: t('ota.type.FULL') },
            { value: 'DIFF', label: t('ota.type.DIFF') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('ota.fields.name')}
        required
        tooltip={t('ota.rules.name')}
        rules={[zodRule(ZFirmwareName, t('ota.rules.name'))]}
      >
        <Input maxLength={40} showCount />
      </Form.Item>
      <Form.Item
        name="productKey"
        label={t('ota.fields.product')}
        rules={[{ required: true, message: t('ota.rules.product') }]}
      >
        <ProductSelect
          placeholder={t('ota.analysis.pickProduct')}
          onChange={(pk) => {
            form.setFieldsValue({ productKey: pk, module: 'default', srcVersion: undefined })
          }}
        />
      </Form.Item>
      <Form.Item label={t('ota.fields.module')} required>
        <Flex gap={8}>
          <Form.Item name="module" noStyle rules={[{ required: true, message: t('ota.rules.module') }]}>
            <ModuleSelect productKey={productKey} style={{ flex: 1 }} />
          </Form.Item>
          <Button icon={<PlusOutlined />} disabled={!productKey} onClick={() => setAddingModule(true)}>
            {t('ota.modules.add')}
          </Button>
        </Flex>
      </Form.Item>
      {type === 'DIFF' ? (
        <Form.Item
          name="srcVersion"
          label={t('ota.fields.srcVersion')}
          required
          tooltip={t('ota.help.srcVersion')}
          rules={[{ required: true, message: t('ota.rules.srcVersion') }, zodRule(ZOtaVersion, t('ota.rules.version'))]}
        >
          <AutoComplete options={versions} placeholder={t('ota.help.pickOrType')} />
        </Form.Item>
      ) : null}
      <Form.Item
        name="destVersion"
        label={t('ota.fields.destVersion')}
        required
        tooltip={t('ota.rules.version')}
        rules={[zodRule(ZOtaVersion, t('ota.rules.version'))]}
      >
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item name="signMethod" label={t('ota.fields.signMethod')} required tooltip={t('ota.help.signMethod')}>
        <Radio.Group
          options={[
            { value: 'MD5', label: 'MD5' },
            { value: 'SHA256', label: 'SHA256' },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="files"
        label={t('ota.fields.files')}
        required
        tooltip={t('ota.files.rules', { length: OTA_FILE_NAME_MAX_LENGTH })}
        rules={[
          {
            validator: async (_r, items: UploadItem[] | undefined) => {
              const live = (items ?? []).filter((i) => i.state !== 'canceled')
              if (!live.length) throw new Error(t('ota.files.required'))
              if (live.some((i) => i.state !== 'done')) throw new Error(t('ota.files.notDone'))
            },
          },
        ]}
      >
        <FileUploadField />
      </Form.Item>
      <Form.Item name="needVerify" label={t('ota.fields.needVerify')} required tooltip={t('ota.help.needVerify')}>
        <Radio.Group
          options={[
            { value: true, label: t('ota.yes') },
            { value: false, label: t('ota.no') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('ota.fields.description')}
        rules={[zodRule(ZFirmwareDescription.optional(), t('ota.rules.description'))]}
      >
        <Input.TextArea rows={2} maxLength={OTA_DESCRIPTION_MAX_LENGTH} showCount />
      </Form.Item>
      <Form.Item
        name="udi"
        label={t('ota.fields.udi')}
        tooltip={t('ota.help.udi')}
        rules={[zodRule(ZFirmwareUdi.optional(), t('ota.rules.udi'))]}
      >
        <Input.TextArea rows={2} maxLength={OTA_CUSTOM_INFO_MAX_LENGTH} showCount />
      </Form.Item>
      <Form.Item name="secure" label={t('ota.fields.secure')} tooltip={t('ota.help.secure')} valuePropName="checked">
        <Switch />
      </Form.Item>
      {productKey ? (
        <ModuleModal
          productKey={productKey}
          open={addingModule}
          onClose={() => setAddingModule(false)}
          onCreated={(name) => form.setFieldValue('module', name)}
        />
      ) : null}
    </>
  )
}

/** The "Add package" dialog (ref §8.2.1): every field of the reference, files uploaded in chunks as they are chosen. */
export function AddPackageModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const create = useMutation(
    trpc.ota.createFirmware.mutationOptions({
      onSuccess: async (f) => {
        message.success(t('ota.packages.added', { name: f.name }))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  return (
    <FormModal<PackageValues>
      open={open}
      title={t('ota.packages.addTitle')}
      okText={t('common.ok')}
      width={640}
      pending={create.isPending}
      error={create.error}
      initialValues={{ type: 'FULL', module: 'default', signMethod: 'MD5', needVerify: false, secure: false }}
      onCancel={close}
      onFinish={(values) => {
        const v = withoutEmpty(values)
        create.mutate({
          name: v.name.trim(),
          productKey: v.productKey,
          module: v.module,
          type: v.type,
          srcVersion: v.type === 'DIFF' ? v.srcVersion : undefined,
          destVersion: v.destVersion,
          signMethod: v.signMethod,
          needVerify: v.needVerify,
          description: v.description,
          udi: v.udi,
          secure: v.secure,
          files: v.files.filter((f) => f.state === 'done').map((f) => ({ uploadId: f.uploadId as string })),
        })
      }}
    >
      <PackageFields />
    </FormModal>
  )
}
