'use client'

import { ApartmentOutlined, LockOutlined, MailOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Button, Card, Flex, Form, Input, Typography } from 'antd'
import { useRouter, useSearchParams } from 'next/navigation'
import { useEffect } from 'react'
import { FormError } from '@/components/FormError'
import { LocaleSwitcher } from '@/components/LocaleSwitcher'
import { useT } from '@/i18n/I18nProvider'
import { safeNextPath, useMe } from '@/lib/auth'
import { ZLoginInput } from '@/lib/schemas'
import { zodRule } from '@/lib/zodRule'
import { useTRPC } from '@/trpc/react'

interface LoginValues {
  email: string
  password: string
}

export function LoginForm() {
  const t = useT()
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const next = safeNextPath(useSearchParams().get('next'))
  const me = useMe()

  useEffect(() => {
    if (me.data) router.replace(next)
  }, [me.data, next, router])

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user)
        router.replace(next)
      },
    }),
  )

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', padding: 24 }}>
      <Flex justify="flex-end" style={{ width: 400, maxWidth: '100%' }}>
        <LocaleSwitcher />
      </Flex>
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
          <ApartmentOutlined style={{ fontSize: 36, color: '#1664ff' }} />
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </Flex>
        <Form<LoginValues>
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => login.mutate(values)}
          onValuesChange={() => login.error && login.reset()}
        >
          <Form.Item
            name="email"
            label={t('login.email')}
            rules={[zodRule(ZLoginInput.shape.email, t('login.emailInvalid'))]}
          >
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus inputMode="email" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[zodRule(ZLoginInput.shape.password, t('login.passwordRequired'))]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <FormError error={login.error} />
          <Button type="primary" htmlType="submit" block loading={login.isPending}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  )
}
