'use client'

import { Alert, App, Button, Descriptions, Modal, Typography } from 'antd'
import { CopyText } from '@/components/CopyText'
import { useT } from '@/i18n/I18nProvider'
import type { CreatedTunnel } from './CreateTunnelModal'

/** The access token and URL, shown once after creation (ref §11.1.2 step 6) with copy buttons. */
export function CreatedCredentials({ created, onClose }: { created: CreatedTunnel | null; onClose: () => void }) {
  const t = useT()
  const { message } = App.useApp()
  const copyAll = async () => {
    if (!created) return
    const text = `token: ${created.accessToken}\nurl: ${created.accessUrl}`
    if (navigator.clipboard) await navigator.clipboard.writeText(text)
    else {
      // plain-HTTP consoles (not localhost) have no Clipboard API: the old way still works there
      const area = document.createElement('textarea')
      area.value = text
      document.body.appendChild(area)
      area.select()
      document.execCommand('copy')
      area.remove()
    }
    message.success(t('tunnel.created.copiedAll'))
  }
  return (
    <Modal
      open={created !== null}
      title={t('tunnel.created.title')}
      width={720}
      maskClosable={false}
      onCancel={onClose}
      footer={[
        <Button key="copy" onClick={() => void copyAll()}>
          {t('tunnel.created.copyAll')}
        </Button>,
        <Button key="close" type="primary" onClick={onClose}>
          {t('common.close')}
        </Button>,
      ]}
    >
      {created ? (
        <>
          <Alert type="warning" showIcon title={t('tunnel.created.warning')} style={{ marginBottom: 16 }} />
          <Descriptions column={1} bordered size="small" styles={{ label: { width: 140 } }}>
            <Descriptions.Item label={t('tunnel.created.tunnelId')}>
              <CopyText text={created.tunnelId} />
            </Descriptions.Item>
            <Descriptions.Item label={t('tunnel.created.token')}>
              <CopyText text={created.accessToken} />
            </Descriptions.Item>
            <Descriptions.Item label={t('tunnel.created.url')}>
              <CopyText text={created.accessUrl} />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('tunnel.created.howTo', { subprotocol: created.subprotocol, header: created.tokenHeader })}
          </Typography.Paragraph>
        </>
      ) : null}
    </Modal>
  )
}
