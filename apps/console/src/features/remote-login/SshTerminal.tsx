'use client'

import type { TSshCredentials } from '@iotops/services/schemas'
import { Alert, Button, Flex, Form, Input, Radio, Space, Tag, Typography } from 'antd'
import { useRef, useState } from 'react'
import { CodeTag } from '@/components/CodeTag'
import { useT } from '@/i18n/I18nProvider'
import { XTerm, type XTermHandle } from './XTerm'

/** Who opens the session: a console user by device, or a share recipient by ticket. */
export type TerminalTarget = { productKey: string; deviceName: string } | { shareTicket: string }

type Phase =
  | { kind: 'form' }
  | { kind: 'session'; credentials: TSshCredentials }
  | { kind: 'failed'; code: number | null; message: string }
  | { kind: 'ended'; reason: string; message: string }

type ServerMsg =
  | { type: 'status'; state: 'connecting' | 'authenticating' | 'ready'; sessionId?: string }
  | { type: 'error'; code: number | null; message: string }
  | { type: 'closed'; reason: string; message: string }

export const terminalUrl = () =>
  `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/ws/terminal`

/** The SSH login form, then the terminal; failures (78116 wrong credentials) and session ends are shown in place. */
export function SshLogin({ target, onSession }: { target: TerminalTarget; onSession?: () => void }) {
  const t = useT()
  const [phase, setPhase] = useState<Phase>({ kind: 'form' })
  const [form] = Form.useForm()
  const [method, setMethod] = useState<'password' | 'key'>('password')
  if (phase.kind === 'session')
    return (
      <TerminalSession
        target={target}
        credentials={phase.credentials}
        onReady={onSession}
        onFailed={(code, message) => setPhase({ kind: 'failed', code, message })}
        onEnded={(reason, message) => setPhase({ kind: 'ended', reason, message })}
      />
    )
  return (
    <Flex vertical gap={12}>
      {phase.kind === 'failed' ? (
        <Alert
          type="error"
          showIcon
          data-testid="ssh-error"
          title={
            <Space>
              {phase.code ? <CodeTag code={phase.code} /> : null}
              <span>{t('remoteLogin.failed')}</span>
            </Space>
          }
          description={phase.message}
        />
      ) : null}
      {phase.kind === 'ended' ? (
        <Alert
          type="info"
          showIcon
          data-testid="ssh-ended"
          title={`${t('remoteLogin.ended')}: ${t(`remoteLogin.reason.${phase.reason as 'closed'}`)}`}
          description={phase.message}
        />
      ) : null}
      <Form
        form={form}
        name="ssh-login"
        layout="vertical"
        style={{ maxWidth: 440 }}
        requiredMark={false}
        onFinish={(v: { username: string; password?: string; privateKey?: string; passphrase?: string }) => {
          const credentials: TSshCredentials =
            method === 'password'
              ? { username: v.username.trim(), password: v.password ?? '' }
              : { username: v.username.trim(), privateKey: v.privateKey ?? '', passphrase: v.passphrase || undefined }
          form.setFieldsValue({ password: '', passphrase: '' })
          setPhase({ kind: 'session', credentials })
        }}
      >
        <Form.Item
          name="username"
          label={t('remoteLogin.user')}
          rules={[{ required: true, message: t('remoteLogin.required') }]}
        >
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item>
          <Radio.Group
            value={method}
            onChange={(e) => setMethod(e.target.value)}
            options={[
              { value: 'password', label: t('remoteLogin.method.password') },
              { value: 'key', label: t('remoteLogin.method.key') },
            ]}
          />
        </Form.Item>
        {method === 'password' ? (
          <Form.Item
            name="password"
            label={t('remoteLogin.password')}
            rules={[{ required: true, message: t('remoteLogin.required') }]}
          >
            <Input.Password autoComplete="off" />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="privateKey"
              label={t('remoteLogin.privateKey')}
              rules={[{ required: true, message: t('remoteLogin.required') }]}
            >
              <Input.TextArea
                rows={5}
                className="mono"
                placeholder={t('remoteLogin.keyPlaceholder')}
                spellCheck={false}
              />
            </Form.Item>
            <Form.Item name="passphrase" label={t('remoteLogin.passphrase')}>
              <Input.Password autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Button type="primary" htmlType="submit">
          {phase.kind === 'form' ? t('remoteLogin.connect') : t('remoteLogin.reconnect')}
        </Button>
      </Form>
    </Flex>
  )
}

function TerminalSession({
  target,
  credentials,
  onReady,
  onFailed,
  onEnded,
}: {
  target: TerminalTarget
  credentials: TSshCredentials
  onReady?: () => void
  onFailed: (code: number | null, message: string) => void
  onEnded: (reason: string, message: string) => void
}) {
  const t = useT()
  const [state, setState] = useState<'connecting' | 'authenticating' | 'ready'>('connecting')
  const ws = useRef<WebSocket | null>(null)
  const start = (h: XTermHandle) => {
    const { term } = h
    const socket = new WebSocket(terminalUrl())
    socket.binaryType = 'arraybuffer'
    ws.current = socket
    let settled = false
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'open', ...target, credentials, cols: term.cols, rows: term.rows }))
    }
    socket.onmessage = (e) => {
      if (typeof e.data !== 'string') {
        term.write(new Uint8Array(e.data as ArrayBuffer))
        return
      }
      const m = JSON.parse(e.data) as ServerMsg
      if (m.type === 'status') {
        setState(m.state)
        if (m.state === 'ready') {
          onReady?.()
          term.focus()
        }
      } else if (m.type === 'error') {
        settled = true
        onFailed(m.code, m.message)
      } else if (m.type === 'closed') {
        settled = true
        onEnded(m.reason, m.message)
      }
    }
    socket.onclose = () => {
      if (!settled) onEnded('error', t('common.networkError'))
    }
    const input = term.onData((d) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(new TextEncoder().encode(d))
    })
    return () => {
      settled = true
      input.dispose()
      socket.close()
    }
  }
  return (
    <Flex vertical gap={8}>
      <Flex justify="space-between" align="center">
        <Space>
          <Tag color={state === 'ready' ? 'green' : 'processing'} data-testid="ssh-state">
            {t(`remoteLogin.state.${state}`)}
          </Tag>
          <Typography.Text type="secondary">
            {credentials.username}@{'deviceName' in target ? target.deviceName : ''}
          </Typography.Text>
        </Space>
        <Button
          size="small"
          onClick={() => {
            if (state === 'ready') ws.current?.send(JSON.stringify({ type: 'close' }))
            else {
              ws.current?.close()
              onEnded('closed', '')
            }
          }}
        >
          {t('remoteLogin.disconnect')}
        </Button>
      </Flex>
      <XTerm
        onReady={start}
        onResize={(cols, rows) => {
          if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(JSON.stringify({ type: 'resize', cols, rows }))
        }}
      />
    </Flex>
  )
}
