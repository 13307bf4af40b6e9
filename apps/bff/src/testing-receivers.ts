import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// Local stand-ins for what alarm notifications reach: a webhook receiver / DingTalk robot and an SMTP server.

export interface Received {
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
  at: number
  /** what the receiver answered (500 while a failure was set for the path) */
  status: number
}

/** A local HTTP server standing in for webhook receivers and DingTalk robots. */
export function startReceiver() {
  const got: Received[] = []
  /** answers per path: a status to return a number of times before succeeding */
  const failures = new Map<string, number>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const left = failures.get(url.pathname) ?? 0
      got.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
        at: Date.now(),
        status: left > 0 ? 500 : 200,
      })
      if (left > 0) {
        failures.set(url.pathname, left - 1)
        res.writeHead(500).end('boom')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      // DingTalk robots answer 200 with an errcode
      res.end(url.pathname.startsWith('/robot') ? JSON.stringify({ errcode: 0, errmsg: 'ok' }) : '{}')
    })
  })
  return new Promise<{ url: string; got: Received[]; failures: Map<string, number>; close: () => Promise<void> }>(
    (resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          got,
          failures,
          close: () => new Promise((r) => server.close(() => r())),
        }),
      ),
  )
}

/** A real SMTP server on a loopback port, with authentication, collecting parsed mails. */
export function startSmtp() {
  const mails: ParsedMail[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 'smtp-pass-9') return cb(null, { user: 'mailer' })
      cb(new Error('invalid credentials'))
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m)
          cb()
        })
        .catch(cb)
    },
  })
  return new Promise<{ port: number; mails: ParsedMail[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.server.address() as AddressInfo).port,
        mails,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  )
}
