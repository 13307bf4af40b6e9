'use client'

// the entry point of @iotops/alink is not browser-safe yet (see lib/alink.ts): its limits module is
import { RATE_LIMIT_EVENTS } from '@iotops/alink/limits'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Checkbox, Form, Input, Typography } from 'antd'
import { FormModal } from '@/components/FormModal'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { ContactGroupSelect } from './ContactGroupSelect'
import { LevelField, SilenceField } from './fields'
import type { Level, RuleRow } from './labels'

type EventName = (typeof RATE_LIMIT_EVENTS)[number]
interface Values {
  name: string
  events: EventName[]
  level: Level
  silenceSeconds: number
  contactGroupIds: string[]
}
const NAME = /^[\p{L}\p{N}_-]{1,64}$/u

/** Creates (`rule === 'new'`) or edits a system-event rule: which rate-limit events alarm, and whom they notify. */
export function EventRuleModal({ rule, onClose }: { rule: RuleRow | 'new' | null; onClose: () => void }) {
  const t = useT()
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const editing = rule && rule !== 'new' ? rule : null
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alarm.pathKey() })
    onClose()
  }
  const create = useMutation(trpc.alarm.createRule.mutationOptions({ onSuccess: done }))
  const update = useMutation(trpc.alarm.updateRule.mutationOptions({ onSuccess: done }))
  const m = editing ? update : create
  const close = () => {
    create.reset()
    update.reset()
    onClose()
  }
  return (
    <FormModal<Values>
      open={rule !== null}
      width={680}
      title={editing ? t('alarm.form.editEventTitle', { name: editing.name }) : t('alarm.form.createEventTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      pending={m.isPending}
      error={m.error}
      initialValues={
        editing
          ? {
              name: editing.name,
              events: editing.events as EventName[],
              level: editing.level as Level,
              silenceSeconds: editing.silenceSeconds,
              contactGroupIds: editing.contactGroupIds,
            }
          : { events: [], level: 'WARNING', silenceSeconds: 300, contactGroupIds: [] }
      }
      onCancel={close}
      onFinish={(v) => {
        const input = {
          kind: 'event' as const,
          name: v.name.trim(),
          events: v.events ?? [],
          level: v.level,
          silenceSeconds: v.silenceSeconds,
          contactGroupIds: v.contactGroupIds,
          effectiveFrom: editing?.effectiveFrom ?? '00:00',
          effectiveTo: editing?.effectiveTo ?? '23:59',
        }
        if (editing) update.mutate({ id: editing.id, rule: input })
        else create.mutate(input)
      }}
    >
      <Form.Item
        name="name"
        label={t('alarm.form.name')}
        rules={[
          {
            required: true,
            validator: async (_, v: string | undefined) => {
              if (!NAME.test(v?.trim() ?? '')) throw new Error(t('alarm.form.nameRule'))
            },
          },
        ]}
      >
        <Input maxLength={64} placeholder="connect_storm" />
      </Form.Item>
      <Form.Item name="events" label={t('alarm.form.events')} extra={t('alarm.form.eventsHint')}>
        <Checkbox.Group
          style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
          options={RATE_LIMIT_EVENTS.map((e) => ({
            value: e,
            label: (
              <span>
                <Typography.Text code>{e}</Typography.Text>{' '}
                <Typography.Text type="secondary">{t(`alarm.events.${e}`)}</Typography.Text>
              </span>
            ),
          }))}
        />
      </Form.Item>
      <LevelField />
      <SilenceField />
      <Form.Item
        name="contactGroupIds"
        label={t('alarm.form.groups')}
        extra={t('alarm.form.groupsHint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('alarm.form.groupsRequired') }]}
      >
        <ContactGroupSelect />
      </Form.Item>
    </FormModal>
  )
}
