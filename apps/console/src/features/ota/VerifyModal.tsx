'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Form, Select, Typography } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { useReportedVersions } from './AddPackageModal'
import { cleanTags, DeliveryFields, DeviceMultiSelect, TagsField } from './fields'

export interface FirmwareRef {
  id: string
  name: string
  productKey: string
  module: string
  type: string
  srcVersion?: string | null
  destVersion: string
}

interface VerifyValues {
  srcVersions?: string[]
  deviceNames: string[]
  push: boolean
  needConfirm: boolean
  downloadProtocol: 'HTTPS' | 'MQTT'
  timeoutMinutes?: number
  tags?: { key?: string; value?: string }[]
}

/** Test devices for a package (ref §8.2.2): it becomes "verified" only when every one of them succeeds. */
export function VerifyModal({ firmware, onClose }: { firmware: FirmwareRef | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const versions = useReportedVersions(firmware?.productKey, firmware?.module).filter(
    (v) => v.value !== firmware?.destVersion,
  )
  const create = useMutation(
    trpc.otaJob.createVerify.mutationOptions({
      onSuccess: async () => {
        message.success(t('ota.verify.started'))
        await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
        await queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
        onClose()
      },
    }),
  )
  const close = () => {
    create.reset()
    onClose()
  }
  const diff = firmware?.type === 'DIFF'
  return (
    <FormModal<VerifyValues>
      open={!!firmware}
      title={t('ota.verify.title')}
      width={600}
      pending={create.isPending}
      error={create.error}
      initialValues={{
        srcVersions: diff && firmware?.srcVersion ? [firmware.srcVersion] : [],
        deviceNames: [],
        push: true,
        needConfirm: false,
        downloadProtocol: 'HTTPS',
        timeoutMinutes: 1440,
      }}
      onCancel={close}
      onFinish={(v) =>
        firmware &&
        create.mutate({
          firmwareId: firmware.id,
          srcVersions: v.srcVersions?.length ? v.srcVersions : undefined,
          deviceNames: v.deviceNames,
          push: v.push,
          needConfirm: v.needConfirm,
          downloadProtocol: v.downloadProtocol,
          timeoutMinutes: v.timeoutMinutes ?? 1440,
          tags: cleanTags(v.tags),
        })
      }
    >
      <Typography.Paragraph type="secondary">
        {t('ota.verify.intro', { name: firmware?.name ?? '', version: firmware?.destVersion ?? '' })}
      </Typography.Paragraph>
      <Form.Item name="srcVersions" label={t('ota.fields.srcVersions')} tooltip={t('ota.help.srcVersions')}>
        <Select mode="tags" options={versions} disabled={diff} placeholder={t('ota.help.anyVersion')} />
      </Form.Item>
      <Form.Item
        name="deviceNames"
        label={t('ota.verify.devices')}
        tooltip={t('ota.verify.devicesHelp')}
        rules={[
          {
            validator: async (_r, v: string[] | undefined) => {
              if (!v?.length || v.length > 10) throw new Error(t('ota.rules.verifyDevices'))
            },
          },
        ]}
        required
      >
        <DeviceMultiSelect productKey={firmware?.productKey} max={10} />
      </Form.Item>
      <DeliveryFields timeoutRequired />
      <TagsField />
    </FormModal>
  )
}
