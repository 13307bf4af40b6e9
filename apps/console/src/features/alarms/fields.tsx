'use client'

import { Form, Radio, Select, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { LEVELS, SILENCE_CHOICES, useDurationText } from './labels'

/** The silence period (5 min … 24 h), as a form field named `silenceSeconds`. */
export function SilenceField() {
  const t = useT()
  const duration = useDurationText()
  return (
    <Form.Item name="silenceSeconds" label={t('alarm.form.silence')} extra={t('alarm.form.silenceHint')}>
      <Select style={{ width: 200 }} options={SILENCE_CHOICES.map((s) => ({ value: s, label: duration(s) }))} />
    </Form.Item>
  )
}

/** The alarm level with what each level means, as a form field named `level`. */
export function LevelField() {
  const t = useT()
  return (
    <Form.Item name="level" label={t('alarm.level.label')} extra={t('alarm.level.hint')}>
      <Radio.Group
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        options={LEVELS.map((l) => ({
          value: l,
          label: (
            <span>
              <Typography.Text strong>{t(`notify.level.${l}`)}</Typography.Text>{' '}
              <Typography.Text type="secondary">{t(`alarm.level.${l}`)}</Typography.Text>
            </span>
          ),
        }))}
      />
    </Form.Item>
  )
}
