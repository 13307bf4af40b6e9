'use client'

import { DeleteOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons'
import { REMOTE_CONFIG_MAX_BYTES } from '@iotops/alink/limits'
import { configBytes, parseDeviceQuery, type TConfigTarget } from '@iotops/services/schemas'
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd'
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useEffect, useMemo, useState } from 'react'
import { FormModal } from '@/components/FormModal'
import { PageHeader } from '@/components/PageHeader'
import { TimeText } from '@/components/TimeText'
import { GroupSelect } from '@/features/groups/GroupSelect'
import { ProductSelect } from '@/features/products/ProductSelect'
import { useT } from '@/i18n/I18nProvider'
import type { MessageKey } from '@/i18n/translate'
import { useCanWrite } from '@/lib/auth'
import { errorMessage } from '@/lib/errors'
import { formatTime } from '@/lib/format'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { type DiffLine, formatSize, lineDiff } from './diff'
import { type JsonErrorAt, jsonErrorAt } from './json-error'

type TargetState = RouterOutputs['remoteConfig']['target']
type Version = TargetState['versions'][number]

const PRODUCT: TConfigTarget = { scope: 'PRODUCT' }
const keyOf = (t: TConfigTarget) => (t.scope === 'PRODUCT' ? 'PRODUCT' : `${t.scope}:${t.target}`)
const EMPTY_TEMPLATE = '{\n  \n}'

/** /remote-config: a product's switch, configuration editor, versions and batch update (ref §9), plus targets. */
export function RemoteConfigPage() {
  const t = useT()
  const router = useRouter()
  const pathname = usePathname()
  const params = useSearchParams()
  const productKey = params.get('product') ?? undefined
  const setProduct = (pk: string | undefined) =>
    router.replace(pk ? `${pathname}?product=${encodeURIComponent(pk)}` : pathname, { scroll: false })

  return (
    <>
      <PageHeader title={t('remoteConfig.title')} subtitle={t('remoteConfig.subtitle')} />
      <Flex vertical gap={16}>
        <Flex gap={8} align="center" wrap>
          <Typography.Text>{t('remoteConfig.product')}</Typography.Text>
          <ProductSelect
            value={productKey}
            onChange={setProduct}
            placeholder={t('remoteConfig.pickProduct')}
            style={{ minWidth: 260 }}
          />
        </Flex>
        {productKey ? (
          <ProductConfig key={productKey} productKey={productKey} />
        ) : (
          <Card>
            <Empty description={t('remoteConfig.pickProduct')} />
          </Card>
        )}
      </Flex>
    </>
  )
}

function ProductConfig({ productKey }: { productKey: string }) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message, modal } = App.useApp()
  const canWrite = useCanWrite()
  const overview = useQuery(trpc.remoteConfig.overview.queryOptions({ productKey }))
  const [selected, setSelected] = useState<TConfigTarget>(PRODUCT)
  const [added, setAdded] = useState<TConfigTarget | null>(null)
  const [addOpen, setAddOpen] = useState(false)

  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.remoteConfig.pathKey() })
  const setEnabled = useMutation(
    trpc.remoteConfig.setEnabled.mutationOptions({
      onSuccess: (r) => {
        message.success(t(r.enabled ? 'remoteConfig.switch.turnedOn' : 'remoteConfig.switch.turnedOff'))
        void invalidate()
      },
      onError: (e) => message.error(errorMessage(e, t('remoteConfig.failed'))),
    }),
  )
  const toggle = (on: boolean) => {
    if (on) return setEnabled.mutate({ productKey, enabled: true })
    modal.confirm({
      title: t('remoteConfig.switch.offConfirm'),
      content: t('remoteConfig.switch.offHint'),
      okButtonProps: { danger: true },
      onOk: () => setEnabled.mutateAsync({ productKey, enabled: false }),
    })
  }

  const targets = useMemo(() => {
    const list: { target: TConfigTarget; label: string }[] = [
      { target: PRODUCT, label: t('remoteConfig.target.product') },
    ]
    for (const x of overview.data?.targets ?? []) {
      if (x.scope === 'PRODUCT') continue
      const target = { scope: x.scope, target: x.target ?? '' } as TConfigTarget
      list.push({
        target,
        label:
          x.scope === 'GROUP'
            ? t('remoteConfig.target.groupTarget', { name: x.label ?? '' })
            : t('remoteConfig.target.queryTarget', { query: x.target ?? '' }),
      })
    }
    if (added && !list.some((l) => keyOf(l.target) === keyOf(added)))
      list.push({
        target: added,
        label:
          added.scope === 'QUERY'
            ? t('remoteConfig.target.queryTarget', { query: added.target })
            : t('remoteConfig.target.groupTarget', { name: added.scope === 'GROUP' ? added.target : '' }),
      })
    return list
  }, [overview.data, added, t])
  const current = targets.find((x) => keyOf(x.target) === keyOf(selected)) ? selected : PRODUCT

  const enabled = overview.data?.enabled ?? false
  return (
    <Flex vertical gap={16}>
      <Alert type="info" showIcon title={t('remoteConfig.intro')} />
      <Card size="small">
        <Flex gap={16} align="center" wrap justify="space-between">
          <Flex gap={8} align="center">
            <Typography.Text strong id="remote-config-switch">
              {t('remoteConfig.switch.label')}
            </Typography.Text>
            <Switch
              aria-labelledby="remote-config-switch"
              checked={enabled}
              loading={overview.isPending || setEnabled.isPending}
              disabled={!canWrite}
              onChange={toggle}
            />
            {overview.data ? (
              <Tag color={enabled ? 'green' : 'default'}>
                {t(enabled ? 'remoteConfig.switch.on' : 'remoteConfig.switch.off')}
              </Tag>
            ) : null}
          </Flex>
          <Flex gap={8} align="center" wrap>
            <Typography.Text>{t('remoteConfig.target.label')}</Typography.Text>
            <Select<string>
              aria-label={t('remoteConfig.target.label')}
              value={keyOf(current)}
              onChange={(k) => setSelected(targets.find((x) => keyOf(x.target) === k)?.target ?? PRODUCT)}
              options={targets.map((x) => ({ value: keyOf(x.target), label: x.label }))}
              popupMatchSelectWidth={false}
              style={{ minWidth: 240 }}
            />
            {canWrite ? (
              <Button icon={<PlusOutlined />} onClick={() => setAddOpen(true)} disabled={!enabled}>
                {t('remoteConfig.target.add')}
              </Button>
            ) : null}
          </Flex>
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
          {t('remoteConfig.target.precedence')}
        </Typography.Paragraph>
      </Card>
      {overview.data && !enabled ? <Alert type="warning" showIcon title={t('remoteConfig.switch.offAlert')} /> : null}
      <TargetEditor
        key={keyOf(current)}
        productKey={productKey}
        target={current}
        enabled={enabled}
        onRemoved={() => {
          setAdded(null)
          setSelected(PRODUCT)
        }}
      />
      <AddTargetModal
        open={addOpen}
        onClose={() => setAddOpen(false)}
        onAdd={(target) => {
          setAdded(target)
          setSelected(target)
          setAddOpen(false)
        }}
      />
    </Flex>
  )
}

function AddTargetModal({
  open,
  onClose,
  onAdd,
}: {
  open: boolean
  onClose: () => void
  onAdd: (t: TConfigTarget) => void
}) {
  const t = useT()
  return (
    <FormModal<TargetForm>
      open={open}
      title={t('remoteConfig.target.addTitle')}
      onCancel={onClose}
      initialValues={{ kind: 'GROUP' }}
      onFinish={(v) => {
        if (v.kind === 'GROUP') onAdd({ scope: 'GROUP', target: v.group ?? '' })
        else {
          const q = parseDeviceQuery(v.query ?? '')
          if (q.ok) onAdd({ scope: 'QUERY', target: q.normalized })
        }
      }}
    >
      <TargetFields />
    </FormModal>
  )
}

interface TargetForm {
  kind: 'GROUP' | 'QUERY'
  group?: string
  query?: string
}

function TargetFields() {
  const t = useT()
  const kind = (Form.useWatch('kind') as TargetForm['kind'] | undefined) ?? 'GROUP'
  return (
    <>
      <Form.Item name="kind" label={t('remoteConfig.target.kind')}>
        <Radio.Group
          options={[
            { value: 'GROUP', label: t('remoteConfig.target.kindGroup') },
            { value: 'QUERY', label: t('remoteConfig.target.kindQuery') },
          ]}
        />
      </Form.Item>
      {kind === 'GROUP' ? (
        <Form.Item
          name="group"
          label={t('remoteConfig.target.group')}
          rules={[{ required: true, message: t('remoteConfig.target.groupRequired') }]}
        >
          <GroupSelect style={{ width: '100%' }} />
        </Form.Item>
      ) : (
        <Form.Item
          name="query"
          label={t('remoteConfig.target.query')}
          extra={t('remoteConfig.target.queryHelp')}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                const q = parseDeviceQuery(value ?? '')
                if (!q.ok) throw new Error(t('remoteConfig.target.queryInvalid'))
              },
            },
          ]}
        >
          <Input className="mono" placeholder="deviceName=sensor-*&tag.floor=3" />
        </Form.Item>
      )}
    </>
  )
}

/** Where the JSON stops being valid (null: valid; '': nothing written yet). */
function jsonProblem(text: string): JsonErrorAt | '' | null {
  if (!text.trim()) return ''
  return jsonErrorAt(text)
}

function TargetEditor({
  productKey,
  target,
  enabled,
  onRemoved,
}: {
  productKey: string
  target: TConfigTarget
  enabled: boolean
  onRemoved: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const qc = useQueryClient()
  const { message, modal } = App.useApp()
  const canWrite = useCanWrite()
  const state = useQuery({
    ...trpc.remoteConfig.target.queryOptions({ productKey, target }),
    refetchInterval: (q) => (q.state.data?.lastPush?.status === 'RUNNING' ? 3000 : false),
  })
  const saved = state.data?.current ?? null
  const [text, setText] = useState<string>(EMPTY_TEMPLATE)
  const [loadedId, setLoadedId] = useState<string | null | undefined>(undefined)
  // the editor follows the saved configuration when it changes (first load, after a save)
  useEffect(() => {
    if (!state.data) return
    const id = state.data.current?.configId ?? null
    if (id !== loadedId) {
      setText(state.data.current?.content ?? EMPTY_TEMPLATE)
      setLoadedId(id)
    }
  }, [state.data, loadedId])

  const size = configBytes(text)
  const problem = jsonProblem(text)
  const tooLarge = size > REMOTE_CONFIG_MAX_BYTES
  const dirty = text !== (saved?.content ?? EMPTY_TEMPLATE)
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.remoteConfig.pathKey() })

  const save = useMutation(
    trpc.remoteConfig.save.mutationOptions({
      onSuccess: () => {
        message.success(t('remoteConfig.editor.saved'))
        void invalidate()
      },
      onError: (e) => message.error(errorMessage(e, t('remoteConfig.failed'))),
    }),
  )
  const push = useMutation(
    trpc.remoteConfig.push.mutationOptions({
      onSuccess: (r) => {
        message.success(t('remoteConfig.push.done', { pushed: r.pushed, total: r.total }))
        void invalidate()
      },
      onError: (e) => {
        message.error(errorMessage(e, t('remoteConfig.failed')))
        void invalidate()
      },
    }),
  )
  const remove = useMutation(
    trpc.remoteConfig.removeTarget.mutationOptions({
      onSuccess: () => {
        message.success(t('remoteConfig.target.removed'))
        onRemoved()
        void invalidate()
      },
      onError: (e) => message.error(errorMessage(e, t('remoteConfig.failed'))),
    }),
  )

  const confirmSave = () =>
    modal.confirm({
      title: t('remoteConfig.editor.saveConfirm'),
      content: t('remoteConfig.editor.saveHint'),
      onOk: () => save.mutateAsync({ productKey, target, content: text }).catch(() => {}),
    })
  const confirmPush = () =>
    modal.confirm({
      title: t('remoteConfig.push.confirmTitle'),
      content: t('remoteConfig.push.confirmBody'),
      okText: t('remoteConfig.push.confirmOk'),
      onOk: () => push.mutateAsync({ productKey, target, confirm: true }).catch(() => {}),
    })

  const [viewing, setViewing] = useState<Version | null>(null)
  const canEdit = canWrite && enabled
  const statusLine =
    problem === null ? (
      <Typography.Text type="success">{t('remoteConfig.editor.valid')}</Typography.Text>
    ) : problem === '' ? (
      <Typography.Text type="secondary">{t('remoteConfig.editor.empty')}</Typography.Text>
    ) : (
      <Typography.Text type="danger">
        {t('remoteConfig.editor.invalid', { line: problem.line, column: problem.column })}
      </Typography.Text>
    )

  const d = state.data
  const pushBlock = !saved
    ? t('remoteConfig.push.nothing')
    : d?.currentPushedAt
      ? t('remoteConfig.push.alreadyPushed', { time: formatTime(d.currentPushedAt) })
      : d?.nextPushAt
        ? t('remoteConfig.push.nextAt', { time: formatTime(d.nextPushAt) })
        : null

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={15}>
        <Card
          size="small"
          title={t('remoteConfig.editor.title')}
          extra={
            <Typography.Text data-testid="config-size" type={tooLarge ? 'danger' : 'secondary'} aria-live="polite">
              {t('remoteConfig.editor.size', { size: formatSize(size) })}
            </Typography.Text>
          }
        >
          <Flex vertical gap={8}>
            {target.scope !== 'PRODUCT' && !saved && state.data ? (
              <Alert type="info" showIcon title={t('remoteConfig.target.unsaved')} />
            ) : null}
            <Typography.Text type="secondary">
              {saved
                ? t('remoteConfig.editor.submittedAt', { time: formatTime(saved.createdAt), who: saved.createdBy })
                : state.data
                  ? t('remoteConfig.editor.notSaved')
                  : '\u00a0'}
            </Typography.Text>
            <Input.TextArea
              aria-label={t('remoteConfig.editor.label')}
              value={text}
              onChange={(e) => setText(e.target.value)}
              readOnly={!canEdit}
              status={problem || tooLarge ? 'error' : undefined}
              autoSize={{ minRows: 12, maxRows: 28 }}
              spellCheck={false}
              className="mono"
              style={{ fontFamily: 'var(--font-mono, ui-monospace, SFMono-Regular, Menlo, monospace)', fontSize: 13 }}
            />
            <Flex justify="space-between" align="center" gap={8} wrap>
              <span data-testid="config-json-status">
                {tooLarge ? (
                  <Typography.Text type="danger">{t('remoteConfig.editor.tooLarge')}</Typography.Text>
                ) : (
                  statusLine
                )}
              </span>
              {dirty ? <Tag color="orange">{t('remoteConfig.editor.changed')}</Tag> : null}
            </Flex>
            {canWrite ? (
              <Flex gap={8} wrap>
                <Button
                  type="primary"
                  disabled={!canEdit || problem !== null || tooLarge || !dirty}
                  loading={save.isPending}
                  onClick={confirmSave}
                >
                  {t('remoteConfig.editor.save')}
                </Button>
                <Button
                  disabled={!canEdit || problem !== null}
                  onClick={() => setText(JSON.stringify(JSON.parse(text), null, 2))}
                >
                  {t('remoteConfig.editor.format')}
                </Button>
                <Button disabled={!dirty} onClick={() => setText(saved?.content ?? EMPTY_TEMPLATE)}>
                  {t('remoteConfig.editor.revert')}
                </Button>
                {target.scope !== 'PRODUCT' && saved ? (
                  <Popconfirm
                    title={t('remoteConfig.target.removeConfirm')}
                    description={t('remoteConfig.target.removeHint')}
                    onConfirm={() => remove.mutateAsync({ productKey, target }).catch(() => {})}
                  >
                    <Button danger icon={<DeleteOutlined />} loading={remove.isPending}>
                      {t('remoteConfig.target.remove')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Flex>
            ) : null}
          </Flex>
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Flex vertical gap={16}>
          <Card size="small" title={t('remoteConfig.push.title')}>
            <Flex vertical gap={12}>
              {canWrite ? (
                <Flex gap={8} align="center" wrap>
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    disabled={!enabled || !!pushBlock}
                    loading={push.isPending}
                    onClick={confirmPush}
                  >
                    {t('remoteConfig.push.button')}
                  </Button>
                </Flex>
              ) : null}
              <Typography.Text type="secondary" data-testid="config-push-hint">
                {pushBlock ?? t('remoteConfig.push.allowedNow')}
              </Typography.Text>
              {dirty && saved ? (
                <Typography.Text type="warning">{t('remoteConfig.push.unsavedChanges')}</Typography.Text>
              ) : null}
              <PushProgress push={d?.lastPush ?? null} />
            </Flex>
          </Card>
          <Card size="small" title={t('remoteConfig.versions.title')}>
            <Table<Version>
              size="small"
              rowKey="configId"
              pagination={false}
              loading={state.isPending}
              dataSource={d?.versions ?? []}
              locale={{ emptyText: t('remoteConfig.versions.empty') }}
              columns={[
                {
                  title: t('remoteConfig.versions.serial'),
                  key: 'serial',
                  width: 56,
                  render: (_, __, i) => String(i + 1).padStart(2, '0'),
                },
                {
                  title: t('remoteConfig.versions.time'),
                  dataIndex: 'createdAt',
                  render: (v: Date, r) => (
                    <Space size={4}>
                      <TimeText value={v} />
                      {r.configId === saved?.configId ? (
                        <Tag color="blue">{t('remoteConfig.versions.current')}</Tag>
                      ) : null}
                    </Space>
                  ),
                },
                { title: t('remoteConfig.versions.size'), dataIndex: 'size', render: (v: number) => formatSize(v) },
                {
                  title: t('remoteConfig.versions.actions'),
                  key: 'actions',
                  render: (_, r) => (
                    <Button type="link" size="small" onClick={() => setViewing(r)}>
                      {t('remoteConfig.versions.view')}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Flex>
      </Col>
      <VersionModal
        version={viewing}
        editor={text}
        canRestore={canEdit}
        onClose={() => setViewing(null)}
        onRestore={(content) => {
          setText(content)
          setViewing(null)
          message.success(t('remoteConfig.versions.restored'))
        }}
      />
    </Row>
  )
}

function PushProgress({ push }: { push: TargetState['lastPush'] }) {
  const t = useT()
  if (!push) return <Typography.Text type="secondary">{t('remoteConfig.push.none')}</Typography.Text>
  const pct = (n: number) => (push.total ? Math.round((n / push.total) * 100) : 100)
  return (
    <Flex vertical gap={8} data-testid="config-push-progress">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text strong>{t('remoteConfig.push.last')}</Typography.Text>
        <Tag color={push.status === 'DONE' ? 'green' : push.status === 'RUNNING' ? 'blue' : 'default'}>
          {t(`remoteConfig.push.status.${push.status}` as MessageKey)}
        </Tag>
      </Flex>
      <Typography.Text type="secondary">
        {t('remoteConfig.push.at', { time: formatTime(push.createdAt), who: push.createdBy })}
      </Typography.Text>
      <Row gutter={[8, 8]}>
        <Col span={12}>
          <Statistic title={t('remoteConfig.push.total')} value={push.total} />
        </Col>
        <Col span={12}>
          <Statistic title={t('remoteConfig.push.received')} value={push.pushed} />
        </Col>
        <Col span={12}>
          <Statistic title={t('remoteConfig.push.fetched')} value={push.fetched} />
        </Col>
        <Col span={12}>
          <Statistic title={t('remoteConfig.push.pending')} value={push.pending} />
        </Col>
      </Row>
      <Progress percent={pct(push.pushed)} success={{ percent: pct(push.fetched) }} showInfo={false} />
    </Flex>
  )
}

function VersionModal({
  version,
  editor,
  canRestore,
  onClose,
  onRestore,
}: {
  version: Version | null
  editor: string
  canRestore: boolean
  onClose: () => void
  onRestore: (content: string) => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const full = useQuery(trpc.remoteConfig.version.queryOptions(version ? { configId: version.configId } : skipToken))
  const [diff, setDiff] = useState(false)
  useEffect(() => {
    if (!version) setDiff(false)
  }, [version])
  const content = full.data?.content
  const lines: DiffLine[] | null = diff && content !== undefined ? lineDiff(content, editor) : null
  return (
    <Modal
      open={!!version}
      title={version ? t('remoteConfig.versions.viewTitle', { time: formatTime(version.createdAt) }) : ''}
      onCancel={onClose}
      destroyOnHidden
      width={760}
      footer={
        <Flex gap={8} justify="flex-end">
          <Button onClick={() => setDiff(!diff)} disabled={content === undefined}>
            {t(diff ? 'remoteConfig.versions.view' : 'remoteConfig.versions.diff')}
          </Button>
          {canRestore ? (
            <Button type="primary" disabled={content === undefined} onClick={() => onRestore(content ?? '')}>
              {t('remoteConfig.versions.restore')}
            </Button>
          ) : null}
        </Flex>
      }
    >
      {full.error ? <Alert type="error" showIcon title={errorMessage(full.error, t('remoteConfig.failed'))} /> : null}
      {lines ? (
        <div>
          <Typography.Text type="secondary">{t('remoteConfig.versions.diffTitle')}</Typography.Text>
          {lines.every((l) => l.op === ' ') ? (
            <Alert type="success" showIcon title={t('remoteConfig.versions.same')} style={{ marginTop: 8 }} />
          ) : (
            <pre className="mono" data-testid="config-diff" style={preStyle}>
              {lines.map((l, i) => (
                <div
                  key={i}
                  style={{
                    background:
                      l.op === '+' ? 'rgba(82,196,26,0.15)' : l.op === '-' ? 'rgba(255,77,79,0.15)' : undefined,
                  }}
                >
                  {l.op} {l.text}
                </div>
              ))}
            </pre>
          )}
        </div>
      ) : (
        <pre className="mono" data-testid="config-version-content" style={preStyle}>
          {content ?? ''}
        </pre>
      )}
    </Modal>
  )
}

const preStyle: React.CSSProperties = {
  maxHeight: 420,
  overflow: 'auto',
  margin: 0,
  marginTop: 8,
  padding: 8,
  fontSize: 12,
  background: 'rgba(0,0,0,0.03)',
  borderRadius: 6,
}
