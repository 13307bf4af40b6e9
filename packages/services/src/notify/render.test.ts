import { describe, expect, it } from 'vitest'
import { scrub } from './notifier'
import {
  backoffMs,
  dingtalkSign,
  dingtalkUrl,
  type OutboxMessage,
  planDestination,
  renderDigest,
  renderDingtalk,
  renderEmail,
  renderWebhook,
} from './render'

const SECRET = 'SECtest-secret-0123456789'

describe('DingTalk robot signature', () => {
  // vectors computed outside the code under test:
  //   printf '1700000000005\nSECtest-secret-0123456789' | openssl dgst -sha256 -hmac 'SECtest-secret-0123456789' -binary | base64
  it('is the url-encoded base64 HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret', () => {
    expect(dingtalkSign(SECRET, 1700000000000)).toBe('loAs986iXlZUJyoAu2REiC16DMGrtdERSegy7jQ3Qtg%3D')
    // + / = must be escaped, or DingTalk reads a different signature
    expect(dingtalkSign(SECRET, 1700000000005)).toBe('%2BPDOG0kze7g6Yz%2FpU6zHLFVqToQHVeP6TDctiLwQxa4%3D')
  })

  it('appends timestamp and sign to the robot URL only when a secret is set', () => {
    const base = 'https://oapi.dingtalk.com/robot/send?access_token=abc'
    expect(dingtalkUrl(base, null, 1700000000005)).toBe(base)
    expect(dingtalkUrl(base, SECRET, 1700000000005)).toBe(
      `${base}&timestamp=1700000000005&sign=%2BPDOG0kze7g6Yz%2FpU6zHLFVqToQHVeP6TDctiLwQxa4%3D`,
    )
    expect(dingtalkUrl('http://robot.local/send', SECRET, 1700000000000)).toBe(
      'http://robot.local/send?timestamp=1700000000000&sign=loAs986iXlZUJyoAu2REiC16DMGrtdERSegy7jQ3Qtg%3D',
    )
  })
})

describe('coalescing decision', () => {
  it('sends everything while the window has room', () => {
    expect(planDestination(5, 20)).toEqual({ kind: 'send', send: 5, fold: 0 })
    expect(planDestination(20, 20)).toEqual({ kind: 'send', send: 20, fold: 0 })
  })
  it('waits when the window is full, never drops', () => {
    expect(planDestination(3, 0)).toEqual({ kind: 'wait' })
    expect(planDestination(3, -2)).toEqual({ kind: 'wait' })
  })
  it('folds the backlog past the allowance into one digest, keeping the window at the limit', () => {
    // 30 notices, 20 a minute: 19 on their own + 1 digest of 11 = 20 messages
    expect(planDestination(30, 20)).toEqual({ kind: 'send', send: 19, fold: 11 })
    // one slot left: everything goes into the digest
    expect(planDestination(7, 1)).toEqual({ kind: 'send', send: 0, fold: 7 })
    for (const [n, k] of [
      [21, 20],
      [100, 3],
      [2, 1],
    ] as const) {
      const p = planDestination(n, k)
      if (p.kind !== 'send') throw new Error('expected send')
      expect(p.send + p.fold).toBe(n)
      expect(p.send + (p.fold > 0 ? 1 : 0)).toBeLessThanOrEqual(k)
      expect(p.fold === 0 || p.fold >= 2).toBe(true)
    }
  })
})

describe('digest', () => {
  it('lists every folded alarm by subject with counts, most severe first', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s))
    const m = (subject: string, level: OutboxMessage['level'], s: number) => ({
      subject,
      body: 'x',
      level,
      status: 'ALARM' as const,
      data: {},
      createdAt: at(s),
    })
    const d = renderDigest([
      m('CPU high on pk/dev1', 'WARNING', 1),
      m('Device offline pk/dev2', 'CRITICAL', 2),
      m('CPU high on pk/dev1', 'WARNING', 3),
      m('CPU high on pk/dev1', 'WARNING', 4),
    ])
    expect(d.level).toBe('CRITICAL')
    expect(d.subject).toContain('4 notifications')
    const lines = d.body.split('\n').filter((l) => l.startsWith('- '))
    expect(lines).toEqual(['- [CRITICAL] Device offline pk/dev2 ×1', '- [WARNING] CPU high on pk/dev1 ×3'])
    expect(d.body).toContain('2026-01-01T00:00:01.000Z')
    expect(d.body).toContain('2026-01-01T00:00:04.000Z')
    expect(d.data).toMatchObject({ digest: true, count: 4 })
  })
})

describe('message rendering per channel', () => {
  const msg: OutboxMessage = {
    subject: 'Temperature > 80 on pk/dev_1',
    body: 'Rule: hot\nValue: 85 <°C>\nAt: 2026-01-01 00:00',
    level: 'CRITICAL',
    status: 'ALARM',
    data: { ruleId: 'r1', value: 85 },
  }
  it('webhook: subject, text, level, status and the engine data as one JSON object', () => {
    expect(renderWebhook(msg)).toEqual({
      subject: msg.subject,
      text: msg.body,
      level: 'CRITICAL',
      status: 'ALARM',
      ruleId: 'r1',
      value: 85,
    })
  })
  it('DingTalk: a markdown message titled with the subject, one line per body line', () => {
    const d = renderDingtalk(msg)
    expect(d.msgtype).toBe('markdown')
    expect(d.markdown.title).toBe(msg.subject)
    expect(d.markdown.text).toContain('Temperature > 80 on pk/dev\\_1')
    expect(d.markdown.text).toContain('**CRITICAL** · ALARM')
    expect(d.markdown.text).toContain('Rule: hot  \nValue: 85 <°C>  \nAt: 2026-01-01 00:00')
  })
  it('e-mail: the plain text as given plus an escaped HTML version', () => {
    const e = renderEmail({ ...msg, subject: 'two\nlines' })
    expect(e.subject).toBe('two lines')
    expect(e.text).toBe(msg.body)
    expect(e.html).toContain('Value: 85 &lt;°C&gt;')
    expect(e.html).toContain('CRITICAL')
    expect(e.html).not.toContain('<°C>')
  })
})

describe('retries and secrets', () => {
  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000))).toEqual([1000, 2000, 4000, 8000])
    expect(backoffMs(30, 60_000)).toBe(30 * 60_000)
  })
  it('scrubs secrets and URL query strings from errors', () => {
    const e = scrub('connect to https://oapi.dingtalk.com/robot/send?access_token=tok123 failed: pw s3cr3t!', [
      's3cr3t!',
    ])
    expect(e).not.toContain('tok123')
    expect(e).not.toContain('s3cr3t!')
    expect(e).toContain('https://oapi.dingtalk.com/robot/send?***')
  })
})
