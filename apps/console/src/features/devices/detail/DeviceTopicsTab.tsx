'use client'

import { Table, Typography } from 'antd'
import { useT } from '@/i18n/I18nProvider'
import { OperationText, TopicDescription } from '../../products/TopicClassesTab'
import type { Device } from './types'

type TopicRow = Device['topics'][number]

/** The device's concrete topics: system topics, then the product's custom topic classes. */
export function DeviceTopicsTab({ topics }: { topics: TopicRow[] }) {
  const t = useT()
  return (
    <Table<TopicRow>
      rowKey="topic"
      size="small"
      dataSource={topics}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      columns={[
        {
          title: t('topic.topic'),
          dataIndex: 'topic',
          render: (s: string) => (
            <Typography.Text className="mono" copyable={{ text: s, tooltips: [t('common.copy'), t('common.copied')] }}>
              {s}
            </Typography.Text>
          ),
        },
        {
          title: t('topic.operation'),
          dataIndex: 'operation',
          width: 180,
          render: (o: string) => <OperationText operation={o} />,
        },
        {
          title: t('common.description'),
          dataIndex: 'description',
          render: (_: unknown, row: { key?: string; description?: string | null }) => <TopicDescription topic={row} />,
        },
      ]}
    />
  )
}
