import { createHmac } from 'node:crypto'
import { Writable } from 'node:stream'
import { notify } from '@iotops/services'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { eventually, type HttpSession, signInHttp, startTestNode, TEST_ACTOR } from './testing'
import { startReceiver, startSmtp } from './testing-receivers'

const SECRET = 'SECint-test-secret-abcdef0123456789'
const TOKEN = 'tok-int-0123456789abcdef'

/** A pino logger whose lines are kept, to prove no secret is ever logged. */
function capturingLog() {
  const lines: string[] = []
  const log = pino(
    { level: 'trace' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk))
        cb()
      },
    }),
  )
  return { log, lines }
}

const expectedSign = (timestamp: string) =>
  createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64')

describe('alarm notifications', () => {
  let node: RunningNode
  let recv: Awaited<ReturnType<typeof startReceiver>>
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let s: HttpSession

  beforeAll(async () => {
    recv = await startReceiver()
    smtp = await startSmtp()
    node = await startTestNode({
      SMTP_URL: `smtp://mailer:smtp-pass-9@127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'alarms@example.com',
    })
    s = await signInHttp(node)
  })
  afterAll(async () => {
    await node?.close()
    await recv?.close()
    await smtp?.close()
  })

  it('validates contacts and groups and never returns the DingTalk secret', async () => {
    const bad = await s.call('notify.contacts.create', { name: 'x', email: 'not-an-email' }, 'mutation')
    expect(bad.error?.data.code).toBe('BAD_REQUEST')
    const c = await s.call<{ id: string }>(
      'notify.contacts.create',
      { name: 'Val Ops', email: 'v@example.com' },
      'mutation',
    )
    expect(c.data?.id).toBeTruthy()
    const dup = await s.call('notify.contacts.create', { name: 'Val Ops' }, 'mutation')
    expect(dup.error?.data.code).toBe('CONFLICT')
    expect(dup.error?.message).toContain('Val Ops')

    const ftp = await s.call('notify.groups.create', { name: 'g-ftp', webhookUrl: 'ftp://example.com/x' }, 'mutation')
    expect(ftp.error?.data.code).toBe('BAD_REQUEST')
    const mute = await s.call('notify.groups.create', { name: 'g-mute', console: false }, 'mutation')
    expect(mute.error?.data.code).toBe('BAD_REQUEST')
    expect(mute.error?.message).toMatch(/at least one channel/)
    const long = await s.call('notify.groups.create', { name: 'x'.repeat(65) }, 'mutation')
    expect(long.error?.data.code).toBe('BAD_REQUEST')

    const g = await s.call<Record<string, unknown>>(
      'notify.groups.create',
      {
        name: 'g-secret',
        contactIds: [c.data!.id],
        dingtalkUrl: `${recv.url}/robot/val?access_token=${TOKEN}`,
        dingtalkSecret: SECRET,
        console: false,
      },
      'mutation',
    )
    expect(g.data?.hasDingtalkSecret).toBe(true)
    expect(g.data?.channels).toEqual(['email', 'dingtalk'])
    expect(JSON.stringify(g)).not.toContain(SECRET)
    const id = g.data!.id as string

    // an edit that leaves the secret blank keeps it
    const edited = await s.call<Record<string, unknown>>(
      'notify.groups.update',
      { id, description: 'on call', dingtalkSecret: '' },
      'mutation',
    )
    expect(edited.data?.hasDingtalkSecret).toBe(true)
    const stored = await node.db.prisma.contactGroup.findUnique({ where: { id } })
    expect(stored?.dingtalkSecret).toBe(SECRET)
    const list = await s.call<{ items: Record<string, unknown>[] }>('notify.groups.list', { keyword: 'g-secret' })
    expect(list.data?.items).toHaveLength(1)
    expect(JSON.stringify(list)).not.toContain(SECRET)
    const byId = await s.call('notify.groups.byId', { id })
    expect(JSON.stringify(byId)).not.toContain(SECRET)
    // the audit log holds neither the secret nor the robot's token
    const audits = await node.db.prisma.auditLog.findMany({ where: { targetId: id } })
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['CreateContactGroup', 'UpdateContactGroup']))
    const auditText = JSON.stringify(audits.map((a) => a.detail))
    expect(auditText).not.toContain(SECRET)
    expect(auditText).not.toContain(TOKEN)

    // a group whose only channel is e-mail cannot lose its last recipient
    const only = await s.call<{ id: string }>(
      'notify.groups.create',
      { name: 'g-mail-only', contactIds: [c.data!.id], console: false },
      'mutation',
    )
    const refused = await s.call('notify.contacts.delete', { id: c.data!.id }, 'mutation')
    expect(refused.error?.data.code).toBe('PRECONDITION_FAILED')
    expect(refused.error?.message).toContain('g-mail-only')
    expect(await node.db.prisma.contact.findUnique({ where: { id: c.data!.id } })).not.toBeNull()
    expect((await s.call('notify.groups.delete', { id: only.data!.id }, 'mutation')).error).toBeUndefined()
    expect((await s.call('notify.contacts.delete', { id: c.data!.id }, 'mutation')).error).toBeUndefined()
    expect((await s.call('notify.groups.delete', { id }, 'mutation')).error).toBeUndefined()
  })

  it('delivers one notice by e-mail, webhook, DingTalk (signed) and the console inbox', async () => {
    const a = await notify.createContact(node.db, TEST_ACTOR, { name: 'Alice', email: 'alice@example.com' })
    const b = await notify.createContact(node.db, TEST_ACTOR, { name: 'Bob', email: 'bob@example.com' })
    const nomail = await notify.createContact(node.db, TEST_ACTOR, { name: 'Carol', phone: '+86 138 0000 0000' })
    const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
      name: 'all-channels',
      contactIds: [a.id, b.id, nomail.id],
      webhookUrl: `${recv.url}/hook/all?token=${TOKEN}`,
      dingtalkUrl: `${recv.url}/robot/all?access_token=${TOKEN}`,
      dingtalkSecret: SECRET,
      console: true,
    })
    const unreadBefore = (await s.call<number>('notify.inbox.unreadCount', undefined)).data!
    const rows = await notify.enqueue(
      node.db,
      {
        alarmId: null,
        level: 'CRITICAL',
        status: 'ALARM',
        subject: 'Temperature above 80 on pk1/dev1',
        text: 'Rule: hot\nValue: 85\nThreshold: 80',
        data: { rule: 'hot', value: 85 },
      },
      [g.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid'],
    )
    expect(rows).toBe(4)
    node.notifier.kick()

    const mail = await eventually(async () => smtp.mails.find((m) => m.subject === 'Temperature above 80 on pk1/dev1'))
    expect(mail.text).toContain('Value: 85')
    expect(mail.html).toContain('Threshold: 80')
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((t) => t?.value.map((v) => v.address))
    expect(to.sort()).toEqual(['alice@example.com', 'bob@example.com'])
    expect(mail.from?.value[0]?.address).toBe('alarms@example.com')

    const hook = await eventually(async () => recv.got.find((r) => r.path === '/hook/all'))
    expect(hook.headers['content-type']).toBe('application/json')
    expect(hook.query.get('token')).toBe(TOKEN)
    expect(hook.body).toEqual({
      subject: 'Temperature above 80 on pk1/dev1',
      text: 'Rule: hot\nValue: 85\nThreshold: 80',
      level: 'CRITICAL',
      status: 'ALARM',
      rule: 'hot',
      value: 85,
    })

    const ding = await eventually(async () => recv.got.find((r) => r.path === '/robot/all'))
    expect(ding.body.msgtype).toBe('markdown')
    const md = ding.body.markdown as { title: string; text: string }
    expect(md.title).toBe('Temperature above 80 on pk1/dev1')
    expect(md.text).toContain('Value: 85')
    const ts = ding.query.get('timestamp')!
    expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(60_000)
    // URLSearchParams decodes the url-encoded signature back to base64
    expect(ding.query.get('sign')).toBe(expectedSign(ts))
    expect(ding.query.get('access_token')).toBe(TOKEN)

    const inbox = await s.call<{ items: { subject: string; level: string; text: string; groupName: string }[] }>(
      'notify.inbox.list',
      { unreadOnly: true },
    )
    expect(inbox.data?.items[0]).toMatchObject({
      subject: 'Temperature above 80 on pk1/dev1',
      level: 'CRITICAL',
      groupName: 'all-channels',
    })
    expect((await s.call<number>('notify.inbox.unreadCount', undefined)).data).toBe(unreadBefore + 1)
    const marked = await s.call<number>('notify.inbox.markAllRead', undefined, 'mutation')
    expect(marked.data).toBeGreaterThanOrEqual(1)
    expect((await s.call<number>('notify.inbox.unreadCount', undefined)).data).toBe(0)

    await eventually(async () => {
      const st = await node.db.prisma.notification.findMany({ where: { groupId: g.id } })
      return st.length === 4 && st.every((r) => r.status === 'SENT')
    })
  })

  it('sends a test notification to a group and reports its delivery', async () => {
    const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
      name: 'test-target',
      webhookUrl: `${recv.url}/hook/test`,
      console: true,
    })
    const r = await s.call<{ ids: string[]; channels: string[] }>('notify.groups.test', { id: g.id }, 'mutation')
    expect(r.data?.channels.sort()).toEqual(['console', 'webhook'])
    const done = await eventually(async () => {
      const d = await s.call<{ channel: string; status: string }[]>('notify.groups.deliveries', { ids: r.data!.ids })
      return d.data?.every((x) => x.status === 'SENT') ? d.data : null
    })
    expect(done).toHaveLength(2)
    const got = recv.got.find((x) => x.path === '/hook/test')!
    expect(got.body).toMatchObject({ level: 'INFO', test: true, group: 'test-target' })
  })

  describe('with a worker of its own (short retries, small windows)', () => {
    beforeAll(async () => {
      // the node's worker must not compete for the rows these tests watch
      await node.notifier.stop()
    })

    it('retries a failing webhook with backoff until it succeeds, without leaking its token', async () => {
      const { log, lines } = capturingLog()
      const worker = new notify.Notifier({ db: node.db, log, retryBaseMs: 150 })
      const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
        name: 'flaky-hook',
        webhookUrl: `${recv.url}/hook/flaky?token=${TOKEN}`,
        console: false,
      })
      recv.failures.set('/hook/flaky', 2)
      await notify.enqueue(
        node.db,
        { alarmId: null, level: 'WARNING', status: 'ALARM', subject: 'flaky one', text: 't', data: {} },
        [g.id],
      )
      await worker.drain()
      let row = await node.db.prisma.notification.findFirstOrThrow({ where: { groupId: g.id } })
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, error: 'the webhook answered HTTP 500' })
      expect(row.nextAt.getTime()).toBeGreaterThan(Date.now() - 50)
      row = await eventually(async () => {
        await worker.drain()
        const r = await node.db.prisma.notification.findFirstOrThrow({ where: { groupId: g.id } })
        return r.status === 'SENT' ? r : null
      }, 10_000)
      expect(row.attempts).toBe(3)
      expect(row.error).toBeNull()
      expect(recv.got.filter((x) => x.path === '/hook/flaky')).toHaveLength(3)
      expect(lines.join('')).toContain('will retry')
      expect(lines.join('')).not.toContain(TOKEN)
      await worker.stop()
    })

    it('gives up after 5 attempts and marks the row FAILED', async () => {
      const worker = new notify.Notifier({ db: node.db, log: pino({ level: 'silent' }), retryBaseMs: 20 })
      const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
        name: 'dead-hook',
        webhookUrl: `${recv.url}/hook/dead`,
        console: false,
      })
      recv.failures.set('/hook/dead', 100)
      await notify.enqueue(
        node.db,
        { alarmId: null, level: 'INFO', status: 'ALARM', subject: 'dead', text: 't', data: {} },
        [g.id],
      )
      const row = await eventually(async () => {
        await worker.drain()
        const r = await node.db.prisma.notification.findFirstOrThrow({ where: { groupId: g.id } })
        return r.status === 'FAILED' ? r : null
      }, 10_000)
      expect(row.attempts).toBe(notify.MAX_ATTEMPTS)
      expect(recv.got.filter((x) => x.path === '/hook/dead')).toHaveLength(notify.MAX_ATTEMPTS)
      await worker.stop()
    })

    it('limits a DingTalk robot to 20 messages per window and coalesces the backlog into a digest, losing none', async () => {
      const { log, lines } = capturingLog()
      const windowMs = 3000
      const worker = new notify.Notifier({ db: node.db, log, rates: { dingtalk: 20 }, windowMs })
      const g = await notify.createContactGroup(node.db, TEST_ACTOR, {
        name: 'busy-robot',
        dingtalkUrl: `${recv.url}/robot/busy?access_token=${TOKEN}`,
        dingtalkSecret: SECRET,
        console: false,
      })
      const subjects = Array.from({ length: 30 }, (_, i) => `Alarm ${i % 7 === 0 ? 'A' : `n${i}`}`)
      for (const subject of subjects) {
        await notify.enqueue(
          node.db,
          { alarmId: null, level: 'WARNING', status: 'ALARM', subject, text: subject, data: {} },
          [g.id],
        )
      }
      const start = Date.now()
      await worker.drain()
      const busy = () => recv.got.filter((x) => x.path === '/robot/busy')
      expect(busy()).toHaveLength(20)
      for (const m of busy()) expect(m.query.get('sign')).toBe(expectedSign(m.query.get('timestamp')!))
      const digest = busy().find((m) => (m.body.markdown as { title: string }).title.includes('Digest'))!
      expect(digest).toBeTruthy()
      const individual = busy()
        .filter((m) => m !== digest)
        .map((m) => (m.body.markdown as { title: string }).title)
      expect(individual).toHaveLength(19)
      // every accepted notice is either sent on its own or listed in the digest with its count
      const digestText = (digest.body.markdown as { text: string }).text
      const folded = subjects.slice(19)
      for (const subj of new Set(folded)) {
        const n = folded.filter((x) => x === subj).length
        expect(digestText).toContain(`${subj} ×${n}`)
      }
      const rows = await node.db.prisma.notification.findMany({ where: { groupId: g.id } })
      const digestRow = rows.find((r) => (r.payload as { digestOf?: string[] }).digestOf)!
      expect(digestRow.status).toBe('SENT')
      const coalesced = rows.filter((r) => r.status === 'COALESCED')
      expect(coalesced).toHaveLength(11)
      for (const r of coalesced) {
        expect(r.error).toBe(`coalesced into digest ${digestRow.id}`)
        expect((r.payload as { coalescedInto?: string }).coalescedInto).toBe(digestRow.id)
      }
      expect(rows.filter((r) => r.status === 'SENT')).toHaveLength(20)

      // the window is full: more notices wait (still pending), then go out once it has room
      for (const i of [1, 2, 3]) {
        await notify.enqueue(
          node.db,
          { alarmId: null, level: 'CRITICAL', status: 'ALARM', subject: `late ${i}`, text: 'x', data: {} },
          [g.id],
        )
      }
      await worker.drain()
      if (Date.now() - start < windowMs) {
        expect(busy()).toHaveLength(20)
        const waiting = await node.db.prisma.notification.count({ where: { groupId: g.id, status: 'PENDING' } })
        expect(waiting).toBe(3)
      }
      await eventually(async () => {
        await worker.drain()
        return busy().length === 23
      }, 3 * windowMs)
      expect(
        busy()
          .slice(20)
          .map((m) => (m.body.markdown as { title: string }).title)
          .sort(),
      ).toEqual(['late 1', 'late 2', 'late 3'])
      const all = lines.join('')
      expect(all).not.toContain(SECRET)
      expect(all).not.toContain(TOKEN)
      await worker.stop()
    })
  })
})
