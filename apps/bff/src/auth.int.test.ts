import { auth } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let base: string
beforeAll(async () => {
  node = await startTestNode()
  base = `http://127.0.0.1:${node.httpPort}/api/trpc`
})
afterAll(() => node?.close())

/** A tRPC call over HTTP as the console makes it (superjson body, CSRF header unless told otherwise). */
async function trpc(proc: string, input: unknown, opts: { cookie?: string; csrf?: boolean; query?: boolean } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.csrf !== false) headers['x-iotops-csrf'] = '1'
  if (opts.cookie) headers.cookie = opts.cookie
  const res = opts.query
    ? await fetch(`${base}/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers })
    : await fetch(`${base}/${proc}`, { method: 'POST', headers, body: JSON.stringify({ json: input }) })
  const body = await res.json()
  return { status: res.status, body, setCookie: res.headers.get('set-cookie') }
}

const login = async (email: string, password: string) => {
  const r = await trpc('auth.login', { email, password })
  return { ...r, cookie: r.setCookie?.split(';')[0] }
}

describe('operators: sign-in, sessions, roles, CSRF', () => {
  it('signs in with an httpOnly session cookie and knows the user; a wrong password is refused', async () => {
    const r = await login('admin@example.com', 'admin-password-1')
    expect(r.status).toBe(200)
    expect(r.setCookie).toMatch(/iotops_session=.+; Path=\/; HttpOnly; SameSite=Lax/)
    const me = await trpc('auth.me', undefined, { cookie: r.cookie, query: true })
    expect(me.body.result.data.json).toMatchObject({ email: 'admin@example.com', role: 'ADMIN' })
    const bad = await login('admin@example.com', 'nope-nope-nope')
    expect(bad.status).toBe(401)
    expect(bad.body.error.json.message).toBe('the e-mail address or the password is wrong')
  })

  it('refuses mutations without the anti-CSRF header', async () => {
    const { cookie } = await login('admin@example.com', 'admin-password-1')
    const r = await trpc('product.create', { name: 'Csrf_Check' }, { cookie, csrf: false })
    expect(r.status).toBe(403)
    expect(r.body.error.json.message).toMatch(/anti-CSRF/)
  })

  it('enforces roles: a viewer reads but cannot create', async () => {
    await auth.createUser(node.db, TEST_ACTOR, {
      email: 'viewer@example.com',
      name: 'Viewer',
      password: 'viewer-password-1',
      role: 'VIEWER',
    })
    const { cookie } = await login('viewer@example.com', 'viewer-password-1')
    expect((await trpc('product.list', { page: 1, pageSize: 10 }, { cookie, query: true })).status).toBe(200)
    const w = await trpc('product.create', { name: 'Viewer_Made' }, { cookie })
    expect(w.status).toBe(403)
    expect(w.body.error.json.message).toMatch(/operator role/)
    expect((await trpc('product.list', { page: 1, pageSize: 10 }, { query: true })).status).toBe(401)
  })

  it('locks an account after 5 failed sign-ins', async () => {
    await auth.createUser(node.db, TEST_ACTOR, {
      email: 'lock@example.com',
      name: 'Lock',
      password: 'lock-password-1',
      role: 'OPERATOR',
    })
    for (let i = 0; i < 5; i++) expect((await login('lock@example.com', 'wrong-password')).status).toBe(401)
    const r = await login('lock@example.com', 'lock-password-1')
    expect(r.status).toBe(429)
    expect(r.body.error.json.message).toMatch(/too many failed sign-ins/)
  })

  it('changes the password: the old one stops working, other sessions end', async () => {
    await auth.createUser(node.db, TEST_ACTOR, {
      email: 'pw@example.com',
      name: 'Pw',
      password: 'first-password-1',
      role: 'OPERATOR',
    })
    const a = await login('pw@example.com', 'first-password-1')
    const b = await login('pw@example.com', 'first-password-1')
    const ch = await trpc(
      'auth.changePassword',
      { current: 'first-password-1', next: 'second-password-2' },
      { cookie: a.cookie },
    )
    expect(ch.status).toBe(200)
    expect((await trpc('auth.me', undefined, { cookie: a.cookie, query: true })).body.result.data.json).not.toBeNull()
    expect((await trpc('auth.me', undefined, { cookie: b.cookie, query: true })).body.result.data.json).toBeNull()
    expect((await login('pw@example.com', 'first-password-1')).status).toBe(401)
    expect((await login('pw@example.com', 'second-password-2')).status).toBe(200)
  })

  it('validates input before changing anything, with field messages', async () => {
    const { cookie } = await login('admin@example.com', 'admin-password-1')
    const r = await trpc('product.create', { name: 'ab' }, { cookie })
    expect(r.status).toBe(400)
    expect(r.body.error.json.data.zodError.fieldErrors.name[0]).toMatch(/4 to 30 characters/)
  })
})
