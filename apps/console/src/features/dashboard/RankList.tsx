'use client'

import { Empty, Flex, Progress, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'

export interface RankItem {
  key: string
  label: string
  /** small text beside the label (a city's province) */
  sub?: string
  /** the label's tooltip (full text, product key…) */
  hint?: string
  value: number
  /** shown instead of the bare value */
  text?: string
}

const MEDAL = ['#f5222d', '#fa8c16', '#faad14']

/** A ranked list with bars proportional to the first value. */
export function RankList({ items, testId }: { items: RankItem[]; testId?: string }) {
  const t = useT()
  if (!items.length)
    return (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} style={{ margin: '12px 0' }} />
    )
  const max = Math.max(...items.map((i) => i.value), 1)
  return (
    <Flex vertical gap={10} data-testid={testId}>
      {items.map((item, i) => (
        <div key={item.key}>
          <Flex justify="space-between" align="baseline" gap={8}>
            <Flex gap={8} align="baseline" style={{ minWidth: 0 }}>
              <span
                style={{
                  display: 'inline-block',
                  minWidth: 20,
                  textAlign: 'center',
                  borderRadius: 4,
                  fontSize: 12,
                  color: i < 3 ? '#fff' : undefined,
                  background: i < 3 ? MEDAL[i] : '#f0f0f0',
                }}
              >
                {i + 1}
              </span>
              <Typography.Text ellipsis={{ tooltip: item.hint ?? item.label }} style={{ minWidth: 0 }}>
                {item.label}
              </Typography.Text>
              {item.sub ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                  {item.sub}
                </Typography.Text>
              ) : null}
            </Flex>
            <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
              {item.text ?? item.value}
            </Typography.Text>
          </Flex>
          <Progress percent={(item.value / max) * 100} showInfo={false} size="small" strokeColor="#1664ff" />
        </div>
      ))}
    </Flex>
  )
}
