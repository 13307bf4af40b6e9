'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Checkbox, Col, Flex, Modal, Row, Tag, Tooltip, Typography } from 'antd'
import { useState } from 'react'
import { FormError } from '@/components/FormError'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { type CardView, type MetricInfo, useMetricText } from './labels'

export const MAX_CARDS = 50
const CATEGORIES: MetricInfo['category'][] = ['device', 'message', 'thing', 'rule', 'ota', 'instance']

/** Adds basic metrics to the board: the catalogue by category, several at once, those already shown marked. */
export function AddBasicModal({
  open,
  catalogue,
  cards,
  onClose,
}: {
  open: boolean
  catalogue: readonly MetricInfo[]
  cards: readonly CardView[]
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const text = useMetricText()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [chosen, setChosen] = useState<string[]>([])
  const onBoard = new Set(cards.filter((c) => c.kind === 'basic').map((c) => c.metric))
  const room = MAX_CARDS - cards.length
  const add = useMutation(
    trpc.monitor.addBasic.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.monitor.cards.queryKey(), next)
        message.success(t('monitoring.addBasic.added', { count: chosen.length }))
        setChosen([])
        onClose()
      },
    }),
  )
  const tooMany = chosen.length > room

  return (
    <Modal
      open={open}
      title={t('monitoring.addBasic.title')}
      width={820}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: chosen.length === 0 || tooMany }}
      confirmLoading={add.isPending}
      onOk={() => add.mutate({ metrics: chosen })}
      onCancel={() => {
        setChosen([])
        add.reset()
        onClose()
      }}
      destroyOnHidden
      styles={{ body: { maxHeight: '62vh', overflowY: 'auto', paddingRight: 8 } }}
    >
      <Typography.Paragraph type="secondary">{t('monitoring.addBasic.hint')}</Typography.Paragraph>
      <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as string[])} style={{ display: 'block' }}>
        {CATEGORIES.map((cat) => {
          const metrics = catalogue.filter((m) => m.category === cat)
          if (!metrics.length) return null
          return (
            <section key={cat} aria-label={t(`monitoring.category.${cat}`)} style={{ marginBottom: 16 }}>
              <Typography.Title level={5} style={{ marginTop: 0 }}>
                {t(`monitoring.category.${cat}`)}
              </Typography.Title>
              <Row gutter={[12, 8]}>
                {metrics.map((m) => (
                  <Col key={m.code} xs={24} sm={12}>
                    <Checkbox value={m.code} style={{ width: '100%' }}>
                      <Tooltip title={text.desc(m.code)} placement="topLeft">
                        <Flex gap={4} wrap align="center">
                          <span>{text.name(m.code)}</span>
                          {m.chart === 'rank' ? <Tag>{t('monitoring.chartKind.rank')}</Tag> : null}
                          {onBoard.has(m.code) ? <Tag color="blue">{t('monitoring.addBasic.onBoard')}</Tag> : null}
                        </Flex>
                      </Tooltip>
                    </Checkbox>
                  </Col>
                ))}
              </Row>
            </section>
          )
        })}
      </Checkbox.Group>
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Typography.Text>{t('monitoring.addBasic.selected', { count: chosen.length })}</Typography.Text>
        <Typography.Text type="secondary">
          {t('monitoring.addBasic.room', { count: Math.max(0, room) })}
        </Typography.Text>
      </Flex>
      {tooMany ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          title={t('monitoring.addBasic.tooMany', { count: Math.max(0, room) })}
        />
      ) : null}
      <FormError error={add.error} />
    </Modal>
  )
}
