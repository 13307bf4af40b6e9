'use client'

import { DownOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Button, Divider, Dropdown, Empty, Flex, type MenuProps, Tag, Typography } from 'antd'
import { useState } from 'react'
import { TimeText } from '@/components/TimeText'
import { displayValue } from '@/features/devices/detail/PropertyGrid'
import { DataTypeSummary } from '@/features/products/thing-model/DataTypeSummary'
import type { TslDataType } from '@/features/products/thing-model/tsl'
import { ModuleSelect } from '@/features/thing-values/ModuleSelect'
import { ValueInput } from '@/features/thing-values/ValueInput'
import { buildPropertyItems, type Draft, isFilled, toDraft } from '@/features/thing-values/values'
import { useT } from '@/i18n/I18nProvider'
import { type DataType, qualifyIdentifier, type ThingModel, type TslProperty } from '@/lib/alink'
import { useTRPC } from '@/trpc/react'
import type { RouterOutputs } from '@/trpc/types'
import { errorOutcome, type Outcome, OutcomeText, useProblemOutcome } from './Outcome'

type Target = RouterOutputs['debug']['target']
type Reported = RouterOutputs['debug']['properties']['items'][number]
type Action = 'get' | 'set' | 'desired'

interface Row {
  identifier: string
  property: TslProperty
  dataType: DataType
  writable: boolean
}

const inputId = (identifier: string) => `debug-prop-${identifier.replace(/[^A-Za-z0-9_-]/g, '-')}`

/**
 * Property debugging (reference "属性调试"): per module, an input per property and its actions — Get (the latest
 * reported value fills the input), Set (sent to the device now; read-write only) and Set desired value (stored;
 * the device reads it when it comes back online) — and the same actions for every filled property at the bottom.
 */
export function PropertyDebug({
  target,
  sendBlock,
  desiredBlock,
}: {
  target: Target
  /** why Set cannot be sent now (device state, role), or null */
  sendBlock: string | null
  /** why desired values cannot be stored (role), or null */
  desiredBlock: string | null
}) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const problemOutcome = useProblemOutcome()
  const model = target.thingModel as ThingModel
  const ref = { productKey: target.productKey, deviceName: target.deviceName }
  const [moduleId, setModuleId] = useState(model.modules[0]?.identifier ?? 'default')
  const [drafts, setDrafts] = useState<Record<string, Draft>>({})
  const [reported, setReported] = useState<Record<string, Reported>>({})
  const [outcomes, setOutcomes] = useState<Record<string, Outcome | undefined>>({})
  const [batchOutcome, setBatchOutcome] = useState<Outcome | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const setProperty = useMutation(trpc.device.setProperty.mutationOptions())
  const setDesired = useMutation(trpc.device.setDesired.mutationOptions())

  const module = model.modules.find((m) => m.identifier === moduleId) ?? model.modules[0]
  const rows: Row[] = (module?.properties ?? []).map((property) => ({
    identifier: qualifyIdentifier(module!.identifier, property.identifier),
    property,
    dataType: property.dataType,
    writable: property.accessMode === 'rw',
  }))
  const fallback = t('common.networkError')
  const note = (ids: string[], outcome: Outcome | undefined) =>
    setOutcomes((prev) => ({ ...prev, ...Object.fromEntries(ids.map((id) => [id, outcome])) }))

  async function get(list: Row[], batch: boolean) {
    const ids = list.map((r) => r.identifier)
    const r = await queryClient
      .fetchQuery({ ...trpc.debug.properties.queryOptions({ ...ref, identifiers: ids }), staleTime: 0 })
      .catch((e: unknown) => {
        const o = errorOutcome(e, fallback)
        if (batch) setBatchOutcome(o)
        else note(ids, o)
        return null
      })
    if (!r) return
    const byId = new Map(r.items.map((i) => [i.identifier, i]))
    setReported((prev) => ({ ...prev, ...Object.fromEntries(r.items.map((i) => [i.identifier, i])) }))
    setDrafts((prev) => {
      const next = { ...prev }
      for (const row of list) next[row.identifier] = toDraft(row.dataType, byId.get(row.identifier)?.value)
      return next
    })
    note(ids, undefined)
    if (batch) setBatchOutcome({ kind: 'ok', text: t('debug.property.batchGot', { count: ids.length }) })
  }

  /** Set or Set desired for rows; in a batch, only filled read-write rows are sent. */
  async function send(action: 'set' | 'desired', list: Row[], batch: boolean) {
    const chosen = list.filter((r) => r.writable && isFilled(drafts[r.identifier]))
    if (!batch && !isFilled(drafts[list[0]!.identifier])) {
      note([list[0]!.identifier], { kind: 'error', detail: t('debug.property.empty') })
      return
    }
    if (chosen.length === 0) {
      setBatchOutcome({ kind: 'error', detail: t('debug.property.nothingWritable') })
      return
    }
    const built = buildPropertyItems(
      model,
      'set',
      chosen.map((r) => ({ identifier: r.identifier, dataType: r.dataType, draft: drafts[r.identifier] })),
    )
    const ids = chosen.map((r) => r.identifier)
    if (!built.ok) {
      note(ids, undefined)
      setOutcomes((prev) => ({
        ...prev,
        ...Object.fromEntries(Object.entries(built.problems).map(([id, p]) => [id, problemOutcome(p)])),
      }))
      if (batch) setBatchOutcome({ kind: 'error', detail: t('debug.property.invalid') })
      return
    }
    if (batch) setBatchOutcome(null)
    try {
      if (action === 'set') {
        const r = await setProperty.mutateAsync({ ...ref, items: built.items })
        const ok: Outcome = { kind: 'ok', text: t('debug.property.sent'), traceId: r.traceId }
        note(ids, batch ? undefined : ok)
        if (batch) setBatchOutcome({ ...ok, text: t('debug.property.batchSent', { count: ids.length }) })
      } else {
        const r = await setDesired.mutateAsync({ ...ref, items: built.items })
        const now = new Date()
        setReported((prev) => {
          const next = { ...prev }
          for (const id of ids) {
            const version = r.versions[id] ?? 0
            next[id] = {
              ...(prev[id] ?? { identifier: id, value: null, time: null }),
              desired: { value: built.items[id], version, time: now },
            }
          }
          return next
        })
        if (batch) {
          note(ids, undefined)
          setBatchOutcome({
            kind: 'ok',
            text: t('debug.property.batchDesired', { count: ids.length }),
            traceId: r.traceId,
          })
        } else {
          note(ids, {
            kind: 'ok',
            text: t('debug.property.desiredSaved', { version: r.versions[ids[0]!] ?? 0 }),
            traceId: r.traceId,
          })
        }
      }
    } catch (e) {
      const o = errorOutcome(e, fallback)
      if (batch) setBatchOutcome(o)
      else note(ids, o)
    }
  }

  async function run(key: string, fn: () => Promise<void>) {
    setBusy(key)
    try {
      await fn()
    } finally {
      setBusy(null)
    }
  }

  const act = (action: Action, row: Row) =>
    run(`${action}:${row.identifier}`, () => (action === 'get' ? get([row], false) : send(action, [row], false)))

  const reset = () => {
    const ids = new Set(rows.map((r) => r.identifier))
    setDrafts((prev) => Object.fromEntries(Object.entries(prev).filter(([id]) => !ids.has(id))))
    setOutcomes((prev) => Object.fromEntries(Object.entries(prev).filter(([id]) => !ids.has(id))))
    setBatchOutcome(null)
  }

  const reasonLabel = (text: string, reason: string | null) =>
    reason ? (
      <Flex vertical>
        <span>{text}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12, maxWidth: 260 }}>
          {reason}
        </Typography.Text>
      </Flex>
    ) : (
      text
    )

  const menu = (row: Row): MenuProps => {
    const readOnly = row.writable ? null : t('debug.property.readOnly')
    const setReason = readOnly ?? sendBlock
    const desiredReason = readOnly ?? desiredBlock
    return {
      items: [
        { key: 'get', label: t('debug.property.get') },
        { key: 'set', label: reasonLabel(t('debug.property.set'), setReason), disabled: !!setReason },
        {
          key: 'desired',
          label: reasonLabel(t('debug.property.setDesired'), desiredReason),
          disabled: !!desiredReason,
        },
      ],
      onClick: ({ key }) => void act(key as Action, row),
    }
  }

  if (!module) return <Empty description={t('device.thing.noProperties')} />

  return (
    <Flex vertical gap={8}>
      <Flex gap={8} align="center">
        <Typography.Text>{t('debug.module')}</Typography.Text>
        <ModuleSelect
          modules={model.modules}
          value={module.identifier}
          onChange={(id) => {
            setModuleId(id)
            setBatchOutcome(null)
          }}
        />
      </Flex>
      {rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('debug.property.noProperties')} />
      ) : (
        <div>
          {rows.map((row) => {
            const rep = reported[row.identifier]
            const outcome = outcomes[row.identifier]
            const dataType = row.dataType as unknown as TslDataType
            return (
              <fieldset
                key={row.identifier}
                aria-label={row.property.name}
                style={{
                  margin: 0,
                  minWidth: 0,
                  border: 0,
                  padding: '10px 0',
                  borderBottom: '1px solid rgba(5, 5, 5, 0.06)',
                }}
              >
                <Flex justify="space-between" align="baseline" gap={8} wrap>
                  <label htmlFor={inputId(row.identifier)}>
                    <Typography.Text strong>{row.property.name}</Typography.Text>{' '}
                    <Typography.Text type="secondary" className="mono">
                      ({row.identifier})
                    </Typography.Text>
                    {row.writable ? null : <Tag style={{ marginInlineStart: 8 }}>{t('tsl.accessModes.r')}</Tag>}
                  </label>
                  <DataTypeSummary dataType={dataType} />
                </Flex>
                <Flex gap={8} align="flex-start" style={{ marginTop: 6 }}>
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <ValueInput
                      id={inputId(row.identifier)}
                      dataType={row.dataType}
                      value={drafts[row.identifier]}
                      invalid={outcome?.kind === 'error'}
                      onChange={(d) => {
                        setDrafts((prev) => ({ ...prev, [row.identifier]: d }))
                        if (outcome?.kind === 'error') note([row.identifier], undefined)
                      }}
                    />
                  </div>
                  <Dropdown menu={menu(row)} trigger={['click']}>
                    <Button
                      aria-label={t('debug.property.debugOf', { name: row.property.name })}
                      loading={busy?.endsWith(`:${row.identifier}`)}
                    >
                      {t('debug.property.debug')} <DownOutlined />
                    </Button>
                  </Dropdown>
                </Flex>
                {rep ? (
                  <Flex gap={12} wrap style={{ marginTop: 4, fontSize: 12 }}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {rep.time ? (
                        <>
                          {t('debug.property.reportedAt')} <TimeText value={rep.time} />
                        </>
                      ) : (
                        t('debug.property.noReported')
                      )}
                    </Typography.Text>
                    {rep.desired ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('debug.property.desired', {
                          version: rep.desired.version,
                          value: displayValue(rep.desired.value, dataType),
                        })}
                      </Typography.Text>
                    ) : null}
                  </Flex>
                ) : null}
                {outcome ? (
                  <div style={{ marginTop: 4 }}>
                    <OutcomeText outcome={outcome} />
                  </div>
                ) : null}
              </fieldset>
            )
          })}
        </div>
      )}
      <Divider style={{ margin: '8px 0' }} />
      <Flex gap={8} wrap align="center">
        <Button
          loading={busy === 'batch:get'}
          disabled={rows.length === 0}
          onClick={() => void run('batch:get', () => get(rows, true))}
        >
          {t('debug.property.get')}
        </Button>
        <Button
          type="primary"
          loading={busy === 'batch:set'}
          disabled={rows.length === 0 || !!sendBlock}
          title={sendBlock ?? undefined}
          onClick={() => void run('batch:set', () => send('set', rows, true))}
        >
          {t('debug.property.set')}
        </Button>
        <Button
          loading={busy === 'batch:desired'}
          disabled={rows.length === 0 || !!desiredBlock}
          title={desiredBlock ?? undefined}
          onClick={() => void run('batch:desired', () => send('desired', rows, true))}
        >
          {t('debug.property.setDesired')}
        </Button>
        <Button onClick={reset} disabled={rows.length === 0}>
          {t('debug.property.reset')}
        </Button>
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('debug.property.batchHint')}
      </Typography.Text>
      {batchOutcome ? <OutcomeText outcome={batchOutcome} /> : null}
    </Flex>
  )
}
