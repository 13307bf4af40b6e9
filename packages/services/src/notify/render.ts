import { createHmac } from 'node:crypto'
import type { AlarmLevel, AlarmState } from './schema'

// Pure: message layouts per channel, the DingTalk robot signature, the coalescing decision. No I/O.

/** What the worker needs of one outbox row to render it. */
export interface OutboxMessage {
  subject: string
  body: string
  level: AlarmLevel
  status: AlarmState
  data: Record<string, unknown>
}

// ── DingTalk robot ──

/**
 * The robot's "additional signature" (加签): sign = urlencode(base64(HmacSHA256(key = secret,
 * msg = `${timestamp}\n${secret}`))), timestamp in ms; both go on the webhook URL as query parameters.
 */
export function dingtalkSign(secret: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64')
  return encodeURIComponent(mac)
}

/** The robot URL to POST to: with `timestamp` and `sign` appended when the robot has a secret. */
export function dingtalkUrl(url: string, secret: string | null | undefined, now = Date.now()): string {
  if (!secret) return url
  const sep = url.includes('?') ? '&' : '?'
  return `${url}${sep}timestamp=${now}&sign=${dingtalkSign(secret, now)}`
}

/** DingTalk answers 130101 when a robot sends more than 20 messages a minute. */
export const DINGTALK_TOO_FAST = 130101

const LEVEL_MARK: Record<AlarmLevel, string> = { CRITICAL: '🔴', WARNING: '🟠', INFO: '🔵' }

/** A markdown message for a DingTalk robot: the subject as a heading, the body line by line. */
export function renderDingtalk(m: OutboxMessage) {
  const lines = m.body
    .split('\n')
    .map((l) => escapeMarkdown(l))
    .join('  \n')
  return {
    msgtype: 'markdown' as const,
    markdown: {
      title: m.subject,
      text: `### ${LEVEL_MARK[m.level] ?? ''} ${escapeMarkdown(m.subject)}\n\n**${m.level}** · ${m.status}\n\n${lines}`,
    },
  }
}

function escapeMarkdown(s: string) {
  // DingTalk renders a subset of markdown; keep user text from turning into headings or links by accident
  return s.replace(/([\\`*_[\]#])/g, '\\$1')
}

// ── generic webhook ──

/** The JSON a webhook receiver gets: subject, text, level, status, then the alarm engine's own fields. */
export function renderWebhook(m: OutboxMessage): Record<string, unknown> {
  return { subject: m.subject, text: m.body, level: m.level, status: m.status, ...m.data }
}

// ── e-mail ──

const LEVEL_COLOUR: Record<AlarmLevel, string> = { CRITICAL: '#cf1322', WARNING: '#d46b08', INFO: '#0958d9' }

export function renderEmail(m: OutboxMessage) {
  // a ready-made HTML body (report subscription mails) replaces the alarm layout
  if (typeof m.data.html === 'string') return { subject: oneLine(m.subject), text: m.body, html: m.data.html }
  const colour = LEVEL_COLOUR[m.level] ?? '#595959'
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#262626">',
    `<p style="margin:0 0 8px"><span style="background:${colour};color:#fff;padding:2px 8px;border-radius:4px">`,
    `${escapeHtml(m.level)}</span> <span style="color:#8c8c8c">${escapeHtml(m.status)}</span></p>`,
    `<h2 style="margin:0 0 12px;font-size:18px">${escapeHtml(m.subject)}</h2>`,
    `<pre style="font-family:inherit;white-space:pre-wrap;margin:0">${escapeHtml(m.body)}</pre>`,
    '<p style="margin-top:16px;color:#8c8c8c;font-size:12px">IoT Ops</p>',
    '</body></html>',
  ].join('')
  return { subject: oneLine(m.subject), text: m.body, html }
}

export function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

export const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim()

// ── coalescing ──

/**
 * What to do with the due messages of one destination given how many more it may take in the current window:
 * send them all; wait when the window is full; or, when the backlog exceeds the allowance, send the oldest
 * `allowance - 1` and fold the rest into one digest (so the window still carries at most `allowance` messages).
 */
export type Plan = { kind: 'wait' } | { kind: 'send'; send: number; fold: number }

export function planDestination(pending: number, allowance: number): Plan {
  if (pending <= 0) return { kind: 'send', send: 0, fold: 0 }
  if (allowance <= 0) return { kind: 'wait' }
  if (pending <= allowance) return { kind: 'send', send: pending, fold: 0 }
  return { kind: 'send', send: allowance - 1, fold: pending - (allowance - 1) }
}

const LEVEL_RANK: Record<AlarmLevel, number> = { CRITICAL: 3, WARNING: 2, INFO: 1 }

/** One message listing every folded alarm: each distinct subject with how often it came, most severe first. */
export function renderDigest(folded: Array<OutboxMessage & { createdAt: Date }>): OutboxMessage {
  const bySubject = new Map<string, { level: AlarmLevel; count: number; last: Date }>()
  let level: AlarmLevel = 'INFO'
  for (const m of folded) {
    if ((LEVEL_RANK[m.level] ?? 0) > LEVEL_RANK[level]) level = m.level
    const s = bySubject.get(m.subject)
    if (s) {
      s.count++
      if (m.createdAt > s.last) s.last = m.createdAt
      if ((LEVEL_RANK[m.level] ?? 0) > LEVEL_RANK[s.level]) s.level = m.level
    } else bySubject.set(m.subject, { level: m.level, count: 1, last: m.createdAt })
  }
  const entries = [...bySubject.entries()].sort(
    (a, b) => LEVEL_RANK[b[1].level] - LEVEL_RANK[a[1].level] || b[1].count - a[1].count || a[0].localeCompare(b[0]),
  )
  const times = folded.map((m) => m.createdAt.getTime())
  const first = new Date(Math.min(...times))
  const last = new Date(Math.max(...times))
  const body = [
    `${folded.length} notifications were held back by the channel's rate limit and are summarised here.`,
    `From ${first.toISOString()} to ${last.toISOString()}.`,
    '',
    ...entries.map(([subject, s]) => `- [${s.level}] ${subject} ×${s.count}`),
  ].join('\n')
  return {
    subject: `[IoT Ops] Digest: ${folded.length} notifications (${entries.length} distinct)`,
    body,
    level,
    status: 'ALARM',
    data: {
      digest: true,
      count: folded.length,
      items: entries.map(([subject, s]) => ({ subject, level: s.level, count: s.count })),
    },
  }
}

/** Retry delay after the n-th failed attempt: base, 2×, 4×… capped at 30 minutes. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 30 * 60_000)
}
