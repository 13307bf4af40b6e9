'use client'

import { Card, Descriptions, Tag, Typography } from 'antd'
import { TimeText } from '@/components/TimeText'
import { useT } from '@/i18n/I18nProvider'
import { formatSize } from './diff'

/** On the simulator page: the remote configuration the virtual device downloaded, verified and applied. */
export function ReceivedConfigCard({
  config,
}: {
  config: { configId: string; size: number; source: 'push' | 'get'; receivedAt: Date | string; text: string }
}) {
  const t = useT()
  return (
    <Card size="small" title={t('remoteConfig.simulator.title')} data-testid="sim-received-config">
      <Descriptions
        size="small"
        column={{ xs: 1, md: 4 }}
        items={[
          {
            key: 'id',
            label: t('remoteConfig.simulator.configId'),
            children: <Typography.Text className="mono">{config.configId}</Typography.Text>,
          },
          {
            key: 'source',
            label: t('remoteConfig.simulator.source'),
            children: <Tag>{t(`remoteConfig.simulator.sources.${config.source}`)}</Tag>,
          },
          { key: 'size', label: t('remoteConfig.simulator.size'), children: formatSize(config.size) },
          { key: 'at', label: t('remoteConfig.simulator.at'), children: <TimeText value={config.receivedAt} /> },
        ]}
      />
      <pre
        className="mono"
        style={{ maxHeight: 240, overflow: 'auto', margin: '8px 0 0', fontSize: 12, whiteSpace: 'pre-wrap' }}
      >
        {config.text}
      </pre>
    </Card>
  )
}
