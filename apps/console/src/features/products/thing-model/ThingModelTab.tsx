'use client'

import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Empty,
  Flex,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd'
import { useMemo, useState } from 'react'
import { useT } from '@/i18n/I18nProvider'
import { useCanWrite } from '@/lib/auth'
import { downloadText } from '@/lib/csv'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { DataTypeSummary } from './DataTypeSummary'
import { EventModal } from './EventModal'
import { ImportTslModal } from './ImportTslModal'
import { PropertyModal } from './PropertyModal'
import { ServiceModal } from './ServiceModal'
import { isAccessMode, isCallType, isDataTypeName, isEventType, type TslDataType, type TslParam } from './tsl'
import { useDeleteFeature } from './useFeatureMutations'

type Kind = 'property' | 'event' | 'service'
const KIND_COLOR: Record<Kind, string> = { property: 'blue', event: 'orange', service: 'purple' }
export const DEFAULT_MODULE = 'default'

interface TslModule {
  identifier: string
  name: string
  properties: { identifier: string; name: string; accessMode: string; dataType: TslDataType }[]
  events: { identifier: string; name: string; type: string; outputData?: TslParam[] }[]
  services: { identifier: string; name: string; callType: string; inputData?: TslParam[]; outputData?: TslParam[] }[]
}

interface FeatureRow {
  key: string
  kind: Kind
  module: string
  identifier: string
  name: string
  dataType?: TslDataType
  accessMode?: string
  eventType?: string
  callType?: string
  inputData?: TslParam[]
  outputData?: TslParam[]
  raw: unknown
}

function rowsOf(mod: TslModule): FeatureRow[] {
  const base = (kind: Kind, f: { identifier: string; name: string }) => ({
    key: `${kind}:${mod.identifier}:${f.identifier}`,
    kind,
    module: mod.identifier,
    identifier: f.identifier,
    name: f.name,
    raw: f,
  })
  return [
    ...mod.properties.map((p) => ({ ...base('property', p), dataType: p.dataType, accessMode: p.accessMode })),
    ...mod.events.map((e) => ({ ...base('event', e), eventType: e.type, outputData: e.outputData })),
    ...mod.services.map((s) => ({
      ...base('service', s),
      callType: s.callType,
      inputData: s.inputData,
      outputData: s.outputData,
    })),
  ]
}

const paramNames = (params: TslParam[] | undefined) =>
  params?.length ? params.map((p) => p.identifier).join(', ') : '-'

export function ThingModelTab({ productKey, modules }: { productKey: string; modules: TslModule[] }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const writable = useCanWrite()
  const [moduleId, setModuleId] = useState(modules[0]?.identifier ?? DEFAULT_MODULE)
  const [kind, setKind] = useState<Kind | 'all'>('all')
  const [adding, setAdding] = useState<Kind | 'import' | null>(null)
  const [viewing, setViewing] = useState<FeatureRow | null>(null)
  const [exporting, setExporting] = useState(false)
  const remove = useDeleteFeature(productKey)

  const mod = modules.find((m) => m.identifier === moduleId) ?? modules[0]
  const rows = useMemo(() => (mod ? rowsOf(mod) : []).filter((r) => kind === 'all' || r.kind === kind), [mod, kind])
  // features are added to the default module; other modules come from an imported TSL
  const editable = writable && (mod?.identifier ?? DEFAULT_MODULE) === DEFAULT_MODULE

  const exportTsl = async () => {
    setExporting(true)
    try {
      const { tsl } = await queryClient.fetchQuery(trpc.product.exportTsl.queryOptions({ productKey }))
      downloadText(`${productKey}_tsl.json`, tsl, 'application/json')
    } catch (error) {
      message.error(errorMessage(error, t('common.networkError')))
    } finally {
      setExporting(false)
    }
  }

  const columns: TableColumnsType<FeatureRow> = [
    {
      title: t('tsl.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (k: Kind) => <Tag color={KIND_COLOR[k]}>{t(`tsl.kinds.${k}`)}</Tag>,
    },
    { title: t('tsl.name'), dataIndex: 'name' },
    {
      title: t('tsl.identifier'),
      dataIndex: 'identifier',
      render: (id: string) => (
        <Typography.Text className="mono" style={{ wordBreak: 'break-all' }}>
          {id}
        </Typography.Text>
      ),
    },
    {
      title: t('tsl.dataType'),
      key: 'type',
      render: (_, r) => {
        if (r.kind === 'property')
          return isDataTypeName(r.dataType?.type) ? t(`tsl.dataTypes.${r.dataType.type}`) : (r.dataType?.type ?? '-')
        if (r.kind === 'event')
          return isEventType(r.eventType) ? t(`tsl.eventTypes.${r.eventType}`) : (r.eventType ?? '-')
        return isCallType(r.callType) ? t(`tsl.callTypes.${r.callType}`) : (r.callType ?? '-')
      },
    },
    {
      title: t('tsl.definition'),
      key: 'definition',
      render: (_, r) =>
        r.kind === 'property' ? (
          <DataTypeSummary dataType={r.dataType} />
        ) : r.kind === 'event' ? (
          <Typography.Text type="secondary">{t('tsl.outputs', { params: paramNames(r.outputData) })}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">
            {t('tsl.inputs', { params: paramNames(r.inputData) })}
            {t('tsl.summary.separator')}
            {t('tsl.outputs', { params: paramNames(r.outputData) })}
          </Typography.Text>
        ),
    },
    {
      title: t('tsl.accessMode'),
      dataIndex: 'accessMode',
      render: (m: string | undefined) => (isAccessMode(m) ? t(`tsl.accessModes.${m}`) : (m ?? '-')),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_, r) => (
        <Space style={{ whiteSpace: 'nowrap' }}>
          <Typography.Link onClick={() => setViewing(r)}>{t('tsl.viewJson')}</Typography.Link>
          {editable ? (
            <Popconfirm
              title={t('tsl.deleteConfirm', { name: r.name })}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() =>
                remove.mutateAsync({
                  productKey,
                  kind: r.kind,
                  identifier: r.module === DEFAULT_MODULE ? r.identifier : `${r.module}:${r.identifier}`,
                })
              }
            >
              <Typography.Link type="danger">{t('common.delete')}</Typography.Link>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ]

  return (
    <>
      <Flex justify="space-between" wrap gap={12} style={{ marginBottom: 16 }}>
        <Space wrap>
          {modules.length > 1 ? (
            <Select
              value={mod?.identifier}
              onChange={setModuleId}
              style={{ minWidth: 200 }}
              options={modules.map((m) => ({
                value: m.identifier,
                label: m.identifier === DEFAULT_MODULE ? t('tsl.defaultModule') : `${m.name} (${m.identifier})`,
              }))}
            />
          ) : null}
          <Segmented<Kind | 'all'>
            value={kind}
            onChange={setKind}
            options={[
              { value: 'all', label: t('tsl.kinds.all') },
              { value: 'property', label: t('tsl.properties') },
              { value: 'event', label: t('tsl.events') },
              { value: 'service', label: t('tsl.services') },
            ]}
          />
        </Space>
        <Space wrap>
          {editable ? (
            <>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding('property')}>
                {t('tsl.addProperty')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => setAdding('event')}>
                {t('tsl.addEvent')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => setAdding('service')}>
                {t('tsl.addService')}
              </Button>
            </>
          ) : null}
          {writable ? (
            <Button icon={<UploadOutlined />} onClick={() => setAdding('import')}>
              {t('tsl.import')}
            </Button>
          ) : null}
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportTsl()}>
            {t('tsl.export')}
          </Button>
        </Space>
      </Flex>
      <Table<FeatureRow>
        rowKey="key"
        columns={columns}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('tsl.empty')} /> }}
      />
      <PropertyModal productKey={productKey} open={adding === 'property'} onClose={() => setAdding(null)} />
      <EventModal productKey={productKey} open={adding === 'event'} onClose={() => setAdding(null)} />
      <ServiceModal productKey={productKey} open={adding === 'service'} onClose={() => setAdding(null)} />
      <ImportTslModal productKey={productKey} open={adding === 'import'} onClose={() => setAdding(null)} />
      <Modal
        open={viewing !== null}
        title={viewing ? `${viewing.name} (${viewing.identifier})` : ''}
        footer={null}
        width={640}
        onCancel={() => setViewing(null)}
      >
        <Typography.Paragraph
          copyable={{ text: JSON.stringify(viewing?.raw, null, 2), tooltips: [t('common.copy'), t('common.copied')] }}
        >
          <pre className="mono" style={{ maxHeight: 480, overflow: 'auto', margin: 0 }}>
            {JSON.stringify(viewing?.raw, null, 2)}
          </pre>
        </Typography.Paragraph>
      </Modal>
    </>
  )
}
