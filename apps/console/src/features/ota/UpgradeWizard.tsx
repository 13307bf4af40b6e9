'use client'

import { DownloadOutlined, MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Divider,
  Flex,
  Form,
  InputNumber,
  Modal,
  Radio,
  Result,
  Select,
  Space,
  Steps,
  Switch,
  TimePicker,
  Typography,
  Upload,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import Link from 'next/link'
import { useState } from 'react'
import { FormError } from '@/components/FormError'
import { GroupSelect } from '@/features/groups/GroupSelect'
import { useT } from '@/i18n/I18nProvider'
import { downloadText, toCsv } from '@/lib/csv'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { useReportedVersions } from './AddPackageModal'
import { cleanTags, DeliveryFields, DeviceMultiSelect, TagsField, YesNo } from './fields'
import { FAIL_REASONS, type FailReason } from './labels'
import { RegionSelect } from './RegionSelect'
import { OTA_MAX_PUSH_PER_MINUTE } from './rules'
import { constantMinutes, variableSchedule } from './schedule'
import { ChunkedUpload } from './upload'
import type { FirmwareRef } from './VerifyModal'

type Mode = 'STATIC' | 'DYNAMIC'
type Scope = 'ALL' | 'SPECIFIC' | 'GRAY' | 'GROUP' | 'REGION'

interface Wave {
  percent?: number
  successAtLeast?: number
  failureAtMost?: number
  onBreach?: 'PAUSE' | 'ABORT'
}
interface Window {
  days?: number[]
  from?: Dayjs
  to?: Dayjs
}

interface WizardValues {
  mode: Mode
  scope: Scope
  pick: 'SELECT' | 'FILE'
  deviceNames?: string[]
  grayPercent?: number
  groupId?: string
  region?: string
  srcVersions?: string[]
  onlyNewReporters: boolean
  when: 'NOW' | 'SCHEDULED'
  scheduleStart?: Dayjs
  scheduleEnd?: Dayjs
  push: boolean
  rateMode: 'CONSTANT' | 'VARIABLE'
  perMinute?: number
  base?: number
  factor?: number
  max?: number
  threshold?: number
  by: 'PUSHED' | 'SUCCEEDED'
  retryInterval: number | 'NONE'
  maxRetries?: number
  timeoutMinutes?: number
  multiModule: boolean
  overwrite: boolean
  needConfirm: boolean
  downloadProtocol: 'HTTPS' | 'MQTT'
  tags?: { key?: string; value?: string }[]
  useWaves: boolean
  waves?: Wave[]
  useAbort: boolean
  abortPercent?: number
  abortMinExecuted?: number
  abortReasons?: string[]
  rollback: boolean
  windows?: Window[]
}

const RETRY_INTERVALS = [0, 10, 30, 60, 1440] as const
const DAYS = [1, 2, 3, 4, 5, 6, 0] as const

interface DeviceList {
  uploadId: string
  fileName: string
  valid: number
  invalid: number
  invalidSample: string[]
}

/** Live explanation of the push rate (ref §8.2.3 worked example). */
function RateExplanation() {
  const t = useT()
  const form = Form.useFormInstance<WizardValues>()
  const mode = Form.useWatch('rateMode', form)
  const perMinute = Form.useWatch('perMinute', form)
  const base = Form.useWatch('base', form)
  const factor = Form.useWatch('factor', form)
  const max = Form.useWatch('max', form)
  const threshold = Form.useWatch('threshold', form)
  const by = Form.useWatch('by', form)
  if (mode === 'CONSTANT') {
    if (!perMinute) return null
    return (
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('ota.wizard.rate.constantExplain', {
          rate: perMinute,
          minutes: constantMinutes(10_000, perMinute),
        })}
      />
    )
  }
  const steps = variableSchedule({ base: base ?? 0, factor: factor ?? 0, max: max ?? 0, threshold: threshold ?? 0 })
  if (!steps.length) return null
  const unit = t(by === 'SUCCEEDED' ? 'ota.wizard.rate.bySucceeded' : 'ota.wizard.rate.byPushed')
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      title={t('ota.wizard.rate.variableExplain', { base: steps[0]?.rate ?? 0, threshold: threshold ?? 0, unit })}
      description={
        <ol style={{ margin: 0, paddingInlineStart: 20 }} aria-label={t('ota.wizard.rate.scheduleLabel')}>
          {steps.map((s) => (
            <li key={s.from}>
              {s.until !== undefined
                ? t('ota.wizard.rate.step', { rate: s.rate, from: s.from, until: s.until, unit })
                : s.capped
                  ? t('ota.wizard.rate.stepCapped', { rate: s.rate, from: s.from, unit })
                  : t('ota.wizard.rate.stepLast', { rate: s.rate, from: s.from, unit })}
            </li>
          ))}
        </ol>
      }
    />
  )
}

/** Targeted scope by file: a CSV of DeviceNames, checked on the server; invalid names downloadable. */
function DeviceListUpload({
  productKey,
  value,
  onChange,
}: {
  productKey: string
  value?: DeviceList
  onChange?: (v: DeviceList | undefined) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const upload = async (file: File) => {
    setBusy(true)
    setError(undefined)
    onChange?.(undefined)
    try {
      const uploadId = await new ChunkedUpload(file).start()
      const r = await queryClient.fetchQuery(trpc.otaJob.checkDeviceList.queryOptions({ productKey, uploadId }))
      onChange?.({ uploadId, fileName: file.name, ...r })
    } catch (e) {
      setError(errorMessage(e, t('common.networkError')))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Flex vertical gap={8}>
      <Space wrap>
        <Upload
          accept=".csv,.txt"
          showUploadList={false}
          beforeUpload={(file) => {
            void upload(file)
            return false
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy}>
            {t('ota.wizard.scope.uploadCsv')}
          </Button>
        </Upload>
        <Button
          type="link"
          icon={<DownloadOutlined />}
          onClick={() => downloadText('device-list-template.csv', toCsv(['DeviceName'], [['device_0001']]))}
        >
          {t('ota.wizard.scope.template')}
        </Button>
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('ota.wizard.scope.csvHint')}
      </Typography.Text>
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {value ? (
        <Alert
          type={value.invalid ? 'warning' : 'success'}
          showIcon
          title={t('ota.wizard.scope.csvResult', { file: value.fileName, valid: value.valid, invalid: value.invalid })}
          description={
            value.invalid ? (
              <Space orientation="vertical" size={4}>
                <Typography.Text type="secondary">
                  {value.invalidSample.slice(0, 5).join(', ')}
                  {value.invalid > 5 ? ' …' : ''}
                </Typography.Text>
                <Typography.Link
                  href={`/api/ota/device-lists/${encodeURIComponent(value.uploadId)}/invalid.csv?productKey=${encodeURIComponent(productKey)}`}
                  target="_blank"
                >
                  <DownloadOutlined /> {t('ota.wizard.scope.invalidDownload')}
                </Typography.Link>
              </Space>
            ) : undefined
          }
        />
      ) : null}
    </Flex>
  )
}

function ScopeStep({ firmware }: { firmware: FirmwareRef }) {
  const t = useT()
  const form = Form.useFormInstance<WizardValues>()
  const mode = Form.useWatch('mode', { form, preserve: true })
  const scope = Form.useWatch('scope', { form, preserve: true })
  const pick = Form.useWatch('pick', { form, preserve: true })
  const versions = useReportedVersions(firmware.productKey, firmware.module).filter(
    (v) => v.value !== firmware.destVersion,
  )
  const diff = firmware.type === 'DIFF'
  const scopes: Scope[] = mode === 'DYNAMIC' ? ['ALL', 'GROUP'] : ['ALL', 'SPECIFIC', 'GRAY', 'GROUP', 'REGION']
  return (
    <>
      <Form.Item name="mode" label={t('ota.wizard.scope.mode')} tooltip={t('ota.help.mode')} required>
        <Radio.Group
          optionType="button"
          onChange={(e) => {
            if (e.target.value === 'DYNAMIC' && !['ALL', 'GROUP'].includes(form.getFieldValue('scope')))
              form.setFieldValue('scope', 'ALL')
            if (e.target.value === 'DYNAMIC') form.setFieldValue('when', 'NOW')
          }}
          options={[
            { value: 'STATIC', label: t('ota.jobType.STATIC') },
            { value: 'DYNAMIC', label: t('ota.jobType.DYNAMIC') },
          ]}
        />
      </Form.Item>
      <Form.Item name="scope" label={t('ota.wizard.scope.scope')} required>
        <Select options={scopes.map((s) => ({ value: s, label: t(`ota.scope.${s}`) }))} style={{ width: 240 }} />
      </Form.Item>
      {scope === 'SPECIFIC' ? (
        <>
          <Form.Item name="pick" label={t('ota.wizard.scope.pick')}>
            <Radio.Group
              options={[
                { value: 'SELECT', label: t('ota.wizard.scope.pickSelect') },
                { value: 'FILE', label: t('ota.wizard.scope.pickFile') },
              ]}
            />
          </Form.Item>
          {pick === 'FILE' ? (
            <Form.Item
              name="deviceList"
              label={t('ota.wizard.scope.file')}
              required
              rules={[
                {
                  validator: async (_r, v?: DeviceList) => {
                    if (!v?.valid) throw new Error(t('ota.rules.deviceList'))
                    // ref §8.2.3: a list with invalid names is fixed and uploaded again
                    if (v.invalid) throw new Error(t('ota.rules.deviceListInvalid'))
                  },
                },
              ]}
            >
              <DeviceListUpload productKey={firmware.productKey} />
            </Form.Item>
          ) : (
            <Form.Item
              name="deviceNames"
              label={t('ota.wizard.scope.devices')}
              required
              rules={[{ required: true, type: 'array', min: 1, message: t('ota.rules.devices') }]}
            >
              <DeviceMultiSelect productKey={firmware.productKey} />
            </Form.Item>
          )}
        </>
      ) : null}
      {scope === 'GRAY' ? (
        <Form.Item
          name="grayPercent"
          label={t('ota.wizard.scope.grayPercent')}
          tooltip={t('ota.help.gray')}
          rules={[{ required: true, type: 'integer', min: 1, max: 100, message: t('ota.rules.grayPercent') }]}
        >
          <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: 140 }} />
        </Form.Item>
      ) : null}
      {scope === 'GROUP' ? (
        <Form.Item
          name="groupId"
          label={t('ota.wizard.scope.group')}
          rules={[{ required: true, message: t('ota.rules.group') }]}
        >
          <GroupSelect style={{ width: 280 }} />
        </Form.Item>
      ) : null}
      {scope === 'REGION' ? (
        <Form.Item
          name="region"
          label={t('ota.wizard.scope.region')}
          tooltip={t('ota.help.region')}
          rules={[{ required: true, message: t('ota.rules.region') }]}
        >
          <RegionSelect productKey={firmware.productKey} />
        </Form.Item>
      ) : null}
      {scope !== 'SPECIFIC' ? (
        <Form.Item
          name="srcVersions"
          label={t('ota.fields.srcVersions')}
          tooltip={t('ota.help.srcVersions')}
          rules={
            mode === 'DYNAMIC' && scope === 'ALL' && !diff
              ? [{ required: true, type: 'array', min: 1, message: t('ota.rules.srcVersionsDynamic') }]
              : []
          }
        >
          <Select mode="tags" options={versions} disabled={diff} placeholder={t('ota.help.anyVersion')} />
        </Form.Item>
      ) : null}
      {mode === 'DYNAMIC' ? (
        <Form.Item
          name="onlyNewReporters"
          label={t('ota.fields.onlyNewReporters')}
          tooltip={t('ota.help.onlyNewReporters')}
          required
        >
          <YesNo />
        </Form.Item>
      ) : null}
    </>
  )
}

function PolicyFields() {
  const t = useT()
  const form = Form.useFormInstance<WizardValues>()
  const mode = Form.useWatch('mode', { form, preserve: true })
  const useWaves = Form.useWatch('useWaves', { form, preserve: true }) && mode !== 'DYNAMIC'
  const useAbort = Form.useWatch('useAbort', { form, preserve: true })
  const dayName = (d: number) => dayjs().day(d).format('dd')
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('ota.wizard.policy.title')}
      </Divider>
      {mode === 'DYNAMIC' ? null : (
        <Form.Item
          name="useWaves"
          label={t('ota.wizard.policy.waves')}
          tooltip={t('ota.help.waves')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
      )}
      {useWaves ? (
        <Form.List name="waves">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8} style={{ marginBottom: 16 }}>
              {fields.map((field, i) => (
                <Card key={field.key} size="small" title={t('ota.wizard.policy.wave', { n: i + 1 })}>
                  <Flex gap={8} wrap align="baseline">
                    <Form.Item
                      name={[field.name, 'percent']}
                      label={t('ota.wizard.policy.wavePercent')}
                      rules={[{ required: true, type: 'integer', min: 1, max: 100, message: t('ota.rules.percent') }]}
                    >
                      <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'successAtLeast']}
                      label={t('ota.wizard.policy.successAtLeast')}
                      rules={[{ type: 'integer', min: 0, max: 100, message: t('ota.rules.percent') }]}
                    >
                      <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'failureAtMost']}
                      label={t('ota.wizard.policy.failureAtMost')}
                      rules={[{ type: 'integer', min: 0, max: 100, message: t('ota.rules.percent') }]}
                    >
                      <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'onBreach']} label={t('ota.wizard.policy.onBreach')}>
                      <Select
                        style={{ width: 130 }}
                        options={[
                          { value: 'PAUSE', label: t('ota.wizard.policy.pause') },
                          { value: 'ABORT', label: t('ota.wizard.policy.abort') },
                        ]}
                      />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                  </Flex>
                </Card>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ percent: 100, successAtLeast: 95, onBreach: 'PAUSE' })}
              >
                {t('ota.wizard.policy.addWave')}
              </Button>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ota.wizard.policy.wavesHint')}
              </Typography.Text>
            </Flex>
          )}
        </Form.List>
      ) : null}
      <Form.Item
        name="useAbort"
        label={t('ota.wizard.policy.abortRule')}
        tooltip={t('ota.help.abort')}
        valuePropName="checked"
      >
        <Switch />
      </Form.Item>
      {useAbort ? (
        <Flex gap={8} wrap align="baseline">
          <Form.Item
            name="abortPercent"
            label={t('ota.wizard.policy.abortPercent')}
            rules={[{ required: true, type: 'integer', min: 1, max: 100, message: t('ota.rules.percent') }]}
          >
            <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: 110 }} />
          </Form.Item>
          <Form.Item
            name="abortMinExecuted"
            label={t('ota.wizard.policy.minExecuted')}
            rules={[{ required: true, type: 'integer', min: 1, message: t('ota.rules.minExecuted') }]}
          >
            <InputNumber min={1} precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="abortReasons" label={t('ota.wizard.policy.reasons')} style={{ minWidth: 260 }}>
            <Select
              mode="multiple"
              placeholder={t('ota.wizard.policy.anyReason')}
              options={FAIL_REASONS.filter((r) => r !== 'cancelled').map((r) => ({
                value: r,
                label: t(`ota.failReason.${r}`),
              }))}
            />
          </Form.Item>
        </Flex>
      ) : null}
      <Form.Item
        name="rollback"
        label={t('ota.wizard.policy.rollback')}
        tooltip={t('ota.help.rollback')}
        valuePropName="checked"
      >
        <Switch disabled={!useWaves && !useAbort} />
      </Form.Item>
      <Form.Item label={t('ota.wizard.policy.windows')} tooltip={t('ota.help.windows')}>
        <Form.List name="windows">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.map((field) => (
                <Flex key={field.key} gap={8} wrap align="baseline">
                  <Form.Item
                    name={[field.name, 'days']}
                    noStyle
                    rules={[{ required: true, type: 'array', min: 1, message: t('ota.rules.windowDays') }]}
                  >
                    <Checkbox.Group options={DAYS.map((d) => ({ value: d, label: dayName(d) }))} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'from']}
                    noStyle
                    rules={[{ required: true, message: t('ota.rules.window') }]}
                  >
                    <TimePicker format="HH:mm" aria-label={t('ota.wizard.policy.windowFrom')} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'to']}
                    noStyle
                    rules={[{ required: true, message: t('ota.rules.window') }]}
                  >
                    <TimePicker format="HH:mm" aria-label={t('ota.wizard.policy.windowTo')} />
                  </Form.Item>
                  <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                </Flex>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() =>
                  add({ days: [1, 2, 3, 4, 5], from: dayjs().hour(1).minute(0), to: dayjs().hour(5).minute(0) })
                }
              >
                {t('ota.wizard.policy.addWindow')}
              </Button>
            </Flex>
          )}
        </Form.List>
      </Form.Item>
    </>
  )
}

function StrategyStep() {
  const t = useT()
  const form = Form.useFormInstance<WizardValues>()
  const mode = Form.useWatch('mode', { form, preserve: true })
  const when = Form.useWatch('when', form)
  const push = Form.useWatch('push', form)
  const rateMode = Form.useWatch('rateMode', form)
  const retryInterval = Form.useWatch('retryInterval', form)
  const start = Form.useWatch('scheduleStart', form)
  const now = dayjs()
  return (
    <>
      {mode === 'STATIC' ? (
        <Form.Item name="when" label={t('ota.wizard.strategy.when')} required>
          <Radio.Group
            options={[
              { value: 'NOW', label: t('ota.wizard.strategy.now') },
              { value: 'SCHEDULED', label: t('ota.wizard.strategy.scheduled') },
            ]}
          />
        </Form.Item>
      ) : null}
      {mode === 'STATIC' && when === 'SCHEDULED' ? (
        <Flex gap={16} wrap>
          <Form.Item
            name="scheduleStart"
            label={t('ota.wizard.strategy.start')}
            tooltip={t('ota.help.scheduleStart')}
            rules={[
              {
                validator: async (_r, v?: Dayjs) => {
                  const n = dayjs()
                  if (!v || v.isBefore(n.add(5, 'minute')) || v.isAfter(n.add(7, 'day')))
                    throw new Error(t('ota.rules.scheduleStart'))
                },
              },
            ]}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              disabledDate={(d) => d.isBefore(now, 'day') || d.isAfter(now.add(7, 'day'), 'day')}
            />
          </Form.Item>
          <Form.Item
            name="scheduleEnd"
            label={t('ota.wizard.strategy.end')}
            tooltip={t('ota.help.scheduleEnd')}
            dependencies={['scheduleStart']}
            rules={[
              {
                validator: async (_r, v?: Dayjs) => {
                  if (!v) return
                  const s = form.getFieldValue('scheduleStart') as Dayjs | undefined
                  if (!s || v.isBefore(s.add(1, 'hour')) || v.isAfter(s.add(30, 'day')))
                    throw new Error(t('ota.rules.scheduleEnd'))
                },
              },
            ]}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              disabledDate={(d) => !!start && (d.isBefore(start, 'day') || d.isAfter(start.add(30, 'day'), 'day'))}
            />
          </Form.Item>
        </Flex>
      ) : null}
      <Form.Item name="push" label={t('ota.fields.push')} tooltip={t('ota.help.push')} required>
        <YesNo />
      </Form.Item>
      {push ? (
        <>
          <Form.Item name="rateMode" label={t('ota.wizard.rate.title')} tooltip={t('ota.help.rate')} required>
            <Radio.Group
              options={[
                { value: 'CONSTANT', label: t('ota.wizard.rate.constant') },
                { value: 'VARIABLE', label: t('ota.wizard.rate.variable') },
              ]}
            />
          </Form.Item>
          {rateMode === 'CONSTANT' ? (
            <Form.Item
              name="perMinute"
              label={t('ota.wizard.rate.perMinute')}
              rules={[
                {
                  required: true,
                  type: 'integer',
                  min: 10,
                  max: OTA_MAX_PUSH_PER_MINUTE,
                  message: t('ota.rules.perMinute'),
                },
              ]}
            >
              <InputNumber min={10} max={OTA_MAX_PUSH_PER_MINUTE} precision={0} style={{ width: 160 }} />
            </Form.Item>
          ) : (
            <Flex gap={8} wrap align="baseline">
              <Form.Item
                name="base"
                label={t('ota.wizard.rate.base')}
                dependencies={['max']}
                rules={[
                  {
                    required: true,
                    type: 'integer',
                    min: 1,
                    max: OTA_MAX_PUSH_PER_MINUTE,
                    message: t('ota.rules.base'),
                  },
                  {
                    validator: async (_r, v?: number) => {
                      const m = form.getFieldValue('max') as number | undefined
                      if (v && m && v > m) throw new Error(t('ota.rules.baseAboveMax'))
                    },
                  },
                ]}
              >
                <InputNumber min={1} max={OTA_MAX_PUSH_PER_MINUTE} precision={0} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item
                name="factor"
                label={t('ota.wizard.rate.factor')}
                rules={[{ required: true, type: 'number', min: 1.2, max: 5, message: t('ota.rules.factor') }]}
              >
                <InputNumber min={1.2} max={5} step={0.1} precision={2} style={{ width: 110 }} />
              </Form.Item>
              <Form.Item
                name="max"
                label={t('ota.wizard.rate.max')}
                rules={[
                  {
                    required: true,
                    type: 'integer',
                    min: 10,
                    max: OTA_MAX_PUSH_PER_MINUTE,
                    message: t('ota.rules.max'),
                  },
                ]}
              >
                <InputNumber min={10} max={OTA_MAX_PUSH_PER_MINUTE} precision={0} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item
                name="threshold"
                label={t('ota.wizard.rate.threshold')}
                rules={[{ required: true, type: 'integer', min: 1, max: 100_000, message: t('ota.rules.threshold') }]}
              >
                <InputNumber min={1} max={100_000} precision={0} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item name="by" label={t('ota.wizard.rate.by')}>
                <Select
                  style={{ width: 160 }}
                  options={[
                    { value: 'PUSHED', label: t('ota.wizard.rate.optPushed') },
                    { value: 'SUCCEEDED', label: t('ota.wizard.rate.optSucceeded') },
                  ]}
                />
              </Form.Item>
            </Flex>
          )}
          <RateExplanation />
        </>
      ) : null}
      <Flex gap={16} wrap>
        <Form.Item name="retryInterval" label={t('ota.wizard.strategy.retryInterval')} tooltip={t('ota.help.retry')}>
          <Select
            style={{ width: 200 }}
            options={[
              { value: 'NONE', label: t('ota.retry.none') },
              ...RETRY_INTERVALS.map((m) => ({ value: m, label: t(`ota.retry.m${m}`) })),
            ]}
          />
        </Form.Item>
        {retryInterval !== 'NONE' ? (
          <Form.Item
            name="maxRetries"
            label={t('ota.wizard.strategy.maxRetries')}
            rules={[{ required: true, message: t('ota.rules.maxRetries') }]}
          >
            <Select
              style={{ width: 120 }}
              options={[1, 2, 5].map((n) => ({ value: n, label: t('ota.retry.times', { n }) }))}
            />
          </Form.Item>
        ) : null}
      </Flex>
      <Form.Item
        name="timeoutMinutes"
        label={t('ota.fields.timeout')}
        tooltip={t('ota.help.timeout')}
        dependencies={['retryInterval']}
        rules={[
          { type: 'integer', min: 1, max: 1440, message: t('ota.rules.timeout') },
          {
            validator: async (_r, v?: number) => {
              const r = form.getFieldValue('retryInterval') as number | 'NONE'
              if (v && r !== 'NONE' && r >= v) throw new Error(t('ota.rules.retryBeforeTimeout'))
            },
          },
        ]}
      >
        <InputNumber min={1} max={1440} precision={0} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item
        name="multiModule"
        label={t('ota.fields.multiModule')}
        tooltip={t('ota.help.multiModule')}
        required
        dependencies={['overwrite']}
        rules={[
          {
            validator: async (_r, v: boolean) => {
              if (v && form.getFieldValue('overwrite')) throw new Error(t('ota.rules.multiModuleOverwrite'))
            },
          },
        ]}
      >
        <YesNo />
      </Form.Item>
      <Form.Item name="overwrite" label={t('ota.fields.overwrite')} tooltip={t('ota.help.overwrite')} required>
        <YesNo />
      </Form.Item>
      <DeliveryFields />
      <TagsField />
      <PolicyFields />
    </>
  )
}

function toInput(firmwareId: string, v: WizardValues) {
  const rate =
    v.rateMode === 'CONSTANT'
      ? { mode: 'CONSTANT' as const, perMinute: v.perMinute ?? 100 }
      : {
          mode: 'VARIABLE' as const,
          base: v.base ?? 1,
          factor: v.factor ?? 2,
          max: v.max ?? 10_000,
          threshold: v.threshold ?? 1000,
          by: v.by,
        }
  const policy = {
    ...(v.mode === 'STATIC' && v.useWaves && v.waves?.length
      ? {
          waves: v.waves.map((w) => ({
            percent: w.percent ?? 100,
            successAtLeast: w.successAtLeast ?? undefined,
            failureAtMost: w.failureAtMost ?? undefined,
            onBreach: w.onBreach ?? 'PAUSE',
          })),
        }
      : {}),
    ...(v.useAbort && v.abortPercent
      ? {
          abort: {
            percent: v.abortPercent,
            minExecuted: v.abortMinExecuted ?? 1,
            reasons: (v.abortReasons ?? []) as FailReason[],
          },
        }
      : {}),
    ...(v.rollback ? { rollback: true } : {}),
    ...(v.windows?.length
      ? {
          windows: v.windows.map((w) => ({
            days: w.days ?? [],
            from: (w.from ?? dayjs()).format('HH:mm'),
            to: (w.to ?? dayjs()).format('HH:mm'),
          })),
          // the windows are read in the operator's own time zone
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
        }
      : {}),
  }
  const list = v.scope === 'SPECIFIC' && v.pick === 'FILE' ? (v as { deviceList?: DeviceList }).deviceList : undefined
  return {
    firmwareId,
    scope: v.scope,
    deviceNames: v.scope === 'SPECIFIC' && v.pick === 'SELECT' ? v.deviceNames : undefined,
    deviceListUploadId: list?.uploadId,
    grayPercent: v.scope === 'GRAY' ? v.grayPercent : undefined,
    groupId: v.scope === 'GROUP' ? v.groupId : undefined,
    region: v.scope === 'REGION' ? v.region?.trim() : undefined,
    srcVersions: v.scope !== 'SPECIFIC' && v.srcVersions?.length ? v.srcVersions : undefined,
    scheduleStart: v.mode === 'STATIC' && v.when === 'SCHEDULED' ? v.scheduleStart?.toDate() : undefined,
    scheduleEnd: v.mode === 'STATIC' && v.when === 'SCHEDULED' ? v.scheduleEnd?.toDate() : undefined,
    push: v.push,
    needConfirm: v.needConfirm,
    downloadProtocol: v.downloadProtocol,
    timeoutMinutes: v.timeoutMinutes ?? undefined,
    retryInterval: v.retryInterval === 'NONE' ? undefined : v.retryInterval,
    maxRetries: v.retryInterval === 'NONE' ? undefined : v.maxRetries,
    rate,
    multiModule: v.multiModule,
    overwrite: v.overwrite,
    tags: cleanTags(v.tags),
    policy: Object.keys(policy).length ? policy : undefined,
  }
}

const INITIAL: Partial<WizardValues> = {
  mode: 'STATIC',
  scope: 'ALL',
  pick: 'SELECT',
  onlyNewReporters: false,
  when: 'NOW',
  push: true,
  rateMode: 'CONSTANT',
  perMinute: 100,
  base: 50,
  factor: 2,
  max: 10_000,
  threshold: 1000,
  by: 'PUSHED',
  retryInterval: 'NONE',
  multiModule: false,
  overwrite: false,
  needConfirm: false,
  downloadProtocol: 'HTTPS',
  useWaves: false,
  useAbort: false,
  rollback: false,
}

function WizardBody({ firmware, onClose }: { firmware: FirmwareRef; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [form] = Form.useForm<WizardValues>()
  const [step, setStep] = useState(0)
  const [jobId, setJobId] = useState<string>()
  const onSuccess = async (job: { id: string }) => {
    setJobId(job.id)
    setStep(2)
    await queryClient.invalidateQueries({ queryKey: trpc.otaJob.pathKey() })
    await queryClient.invalidateQueries({ queryKey: trpc.ota.pathKey() })
  }
  const createStatic = useMutation(trpc.otaJob.createStatic.mutationOptions({ onSuccess }))
  const createDynamic = useMutation(trpc.otaJob.createDynamic.mutationOptions({ onSuccess }))
  const pending = createStatic.isPending || createDynamic.isPending
  const error = createStatic.error ?? createDynamic.error

  const next = async () => {
    await form.validateFields()
    setStep(1)
  }
  const submit = async () => {
    await form.validateFields()
    const v = form.getFieldsValue(true) as WizardValues
    const input = toInput(firmware.id, v)
    createStatic.reset()
    createDynamic.reset()
    if (v.mode === 'STATIC') createStatic.mutate(input)
    else
      createDynamic.mutate({
        firmwareId: input.firmwareId,
        scope: input.scope as 'ALL' | 'GROUP',
        groupId: input.groupId,
        srcVersions: input.srcVersions,
        onlyNewReporters: v.onlyNewReporters,
        push: input.push,
        needConfirm: input.needConfirm,
        downloadProtocol: input.downloadProtocol,
        timeoutMinutes: input.timeoutMinutes,
        retryInterval: input.retryInterval,
        maxRetries: input.maxRetries,
        rate: input.rate,
        multiModule: input.multiModule,
        overwrite: input.overwrite,
        tags: input.tags,
        policy: input.policy,
      })
  }

  const footer =
    step === 0 ? (
      <Space>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="primary" onClick={() => next().catch(() => {})}>
          {t('ota.wizard.next')}
        </Button>
      </Space>
    ) : step === 1 ? (
      <Space>
        <Button onClick={() => setStep(0)}>{t('ota.wizard.previous')}</Button>
        <Button type="primary" loading={pending} onClick={() => submit().catch(() => {})}>
          {t('ota.wizard.finish')}
        </Button>
      </Space>
    ) : (
      <Button type="primary" onClick={onClose}>
        {t('common.close')}
      </Button>
    )

  return (
    <Modal
      open
      title={t('ota.wizard.title', { name: firmware.name })}
      width={760}
      onCancel={onClose}
      footer={footer}
      mask={{ closable: false }}
    >
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 24 }}
        items={[
          { title: t('ota.wizard.steps.scope') },
          { title: t('ota.wizard.steps.strategy') },
          { title: t('ota.wizard.steps.done') },
        ]}
      />
      {step < 2 ? (
        <Form<WizardValues> form={form} layout="vertical" initialValues={INITIAL} preserve>
          {step === 0 ? <ScopeStep firmware={firmware} /> : <StrategyStep />}
          <FormError error={error} />
        </Form>
      ) : (
        <Result
          status="success"
          title={t('ota.wizard.created')}
          subTitle={t('ota.wizard.createdHint')}
          extra={
            jobId ? (
              <Link href={`/ota/jobs/${jobId}`} onClick={onClose}>
                {t('ota.wizard.viewBatch')}
              </Link>
            ) : null
          }
        />
      )}
    </Modal>
  )
}

/** The batch upgrade wizard (ref §8.2.3): scope, strategy (with rollout policy), done. */
export function UpgradeWizard({ firmware, onClose }: { firmware: FirmwareRef | null; onClose: () => void }) {
  return firmware ? <WizardBody key={firmware.id} firmware={firmware} onClose={onClose} /> : null
}
