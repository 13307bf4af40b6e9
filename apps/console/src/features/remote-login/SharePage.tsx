'use client'

import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Typography } from 'antd'
import { useState } from 'react'
import { LocaleSwitcher } from '@/components/LocaleSwitcher'
import { useT } from '@/i18n/I18nProvider'
import { errorMessage } from '@/lib/errors'
import { useTRPC } from '@/trpc/react'
import { SshLogin } from './SshTerminal'

/**
 * The share link's page, outside the console (no account): the share password first, then the device's SSH user
 * and password, then the terminal. The token stays in this page's URL; the server knows only its hash.
 */
export function SharePage({ token }: { token: string }) {
  const t = useT()
  const trpc = useTRPC()
  const [access, setAccess] = useState<{ ticket: string; productKey: string; deviceName: string } | null>(null)
  const login = useMutation(trpc.remoteLogin.shareLogin.mutationOptions({ onSuccess: (r) => setAccess(r) }))
  return (
    <Flex justify="center" style={{ minHeight: '100vh', padding: 24, background: '#f5f5f5' }}>
      <Card
        style={{ width: '100%', maxWidth: access ? 1100 : 480, alignSelf: access ? 'flex-start' : 'center' }}
        title={t('remoteLogin.recipient.title')}
        extra={<LocaleSwitcher />}
      >
        {!access ? (
          <Form
            layout="vertical"
            requiredMark={false}
            onFinish={(v: { password: string }) => login.mutate({ token, password: v.password })}
          >
            <Typography.Paragraph type="secondary">{t('remoteLogin.recipient.intro')}</Typography.Paragraph>
            {login.isError ? (
              <Alert
                type="error"
                showIcon
                data-testid="share-error"
                title={errorMessage(login.error, t('common.networkError'))}
                style={{ marginBottom: 16 }}
              />
            ) : null}
            <Form.Item
              name="password"
              label={t('remoteLogin.recipient.sharePassword')}
              rules={[{ required: true, message: t('remoteLogin.required') }]}
            >
              <Input.Password autoComplete="off" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={login.isPending} block>
              {t('remoteLogin.recipient.continue')}
            </Button>
          </Form>
        ) : (
          <Flex vertical gap={12}>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('remoteLogin.recipient.device')}>
                {access.productKey}/{access.deviceName}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Text type="secondary">{t('remoteLogin.recipient.sshIntro')}</Typography.Text>
            <SshLogin target={{ shareTicket: access.ticket }} />
          </Flex>
        )}
      </Card>
    </Flex>
  )
}
