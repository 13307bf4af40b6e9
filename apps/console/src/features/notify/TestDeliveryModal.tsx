'use client'

import { useQuery } from '@tanstack/react-query'
import { Flex, List, Modal, Spin, Tag, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { useTRPC } from '@/trpc/react'
import { type Channel, ChannelTag } from './ChannelTags'

const STATUS_COLOR: Record<string, string> = {
  PENDING: 'processing',
  RETRYING: 'warning',
  SENT: 'success',
  FAILED: 'error',
  COALESCED: 'default',
}

/** A pending row that has failed before is waiting for its retry. */
const shown = (d: { status: 'PENDING' | 'SENT' | 'FAILED' | 'COALESCED'; attempts: number }) =>
  d.status === 'PENDING' && d.attempts > 0 ? 'RETRYING' : d.status

/** The delivery of a test notification, channel by channel, refreshed until every channel is settled. */
export function TestDeliveryModal({
  test,
  onClose,
}: {
  test: { name: string; ids: string[] } | null
  onClose: () => void
}) {
  const t = useT()
  const trpc = useTRPC()
  const q = useQuery({
    ...trpc.notify.groups.deliveries.queryOptions({ ids: test?.ids ?? [] }),
    enabled: !!test && test.ids.length > 0,
    // fast while the first attempt is on its way, slower while a failed channel waits for its retry
    refetchInterval: (query) => {
      const pending = query.state.data?.filter((d) => d.status === 'PENDING') ?? []
      if (pending.length === 0) return false
      return pending.some((d) => d.attempts === 0) ? 1000 : 5000
    },
  })
  return (
    <Modal
      open={test !== null}
      title={test ? t('notify.group.testTitle', { name: test.name }) : ''}
      onCancel={onClose}
      onOk={onClose}
      okText={t('common.close')}
      cancelButtonProps={{ style: { display: 'none' } }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('notify.group.testHint')}</Typography.Paragraph>
      {q.isPending ? (
        <Spin />
      ) : (
        <List
          size="small"
          dataSource={q.data ?? []}
          renderItem={(d) => (
            <List.Item data-testid={`delivery-${d.channel}`}>
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Flex justify="space-between" align="center">
                  <ChannelTag channel={d.channel as Channel} />
                  <Flex gap={8} align="center">
                    {d.attempts > 1 ? (
                      <Typography.Text type="secondary">
                        {t('notify.group.attempts', { count: d.attempts })}
                      </Typography.Text>
                    ) : null}
                    <Tag color={STATUS_COLOR[shown(d)]}>{t(`notify.delivery.${shown(d)}`)}</Tag>
                  </Flex>
                </Flex>
                {d.error ? <Typography.Text type="danger">{d.error}</Typography.Text> : null}
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Modal>
  )
}
