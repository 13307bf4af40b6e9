// Secure-tunnel throughput (issue 8): one session through the relay on loopback. A node runs in its own process;
// this process runs the device (MQTT + the tunnel agent), the local TCP services behind it and the access-side
// client — so the bytes take every hop a real deployment has: access WS → relay → device WS → agent → TCP.
// Prints MB/s upstream (access → device service), downstream (device service → access) and echoed (both at once).
//
// --echo: keystroke echo latency of remote login instead. A real OpenSSH server (apps/bff/src/testing-sshd.ts, root
// needed) sits behind the agent as `_SSH`; the bench plays the browser on /api/ws/terminal (signed in), so each key
// takes the path a user's does: terminal WebSocket → node's SSH client → relay → device WebSocket → agent → sshd →
// bash, and its echo the way back. Single characters typed at the shell prompt, one at a time, each timed from send
// to its echo; p50/p95/max over --keys (default 500, after 20 warm-up keys). The same typing straight into sshd
// with an SSH client in this process (no node, no tunnel) is the baseline.
//
//   pnpm --filter @iotops/bench tunnel                 (64 MB each way)
//   pnpm --filter @iotops/bench tunnel -- --mb 256 --rate-kbps 1024
//   pnpm --filter @iotops/bench tunnel -- --echo [--keys 1000] [--sshd-port 2230]
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Device } from '@iotops/device-sdk'
import { TunnelAccess, TunnelAgent } from '@iotops/device-sdk/tunnel'
import { Client as SshClient } from 'ssh2'
import WebSocket from 'ws'
import { freePort, stopChild, waitFor } from './lib/proc'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    mb: { type: 'string' },
    'rate-kbps': { type: 'string' },
    out: { type: 'string' },
    echo: { type: 'boolean' },
    keys: { type: 'string' },
    'sshd-port': { type: 'string' },
  },
})
const ECHO = argv.echo === true
const KEYS = Number(argv.keys ?? 500)
const WARMUP_KEYS = 20
const MB = Number(argv.mb ?? 64)
const total = MB * 1024 * 1024
const rateKBps = argv['rate-kbps'] ? Number(argv['rate-kbps']) : undefined
const log = (s: string) => console.log(`[tunnel-bench] ${s}`)

/** SINK counts what arrives and answers "k" once `total` bytes are in; SOURCE sends `total` bytes; ECHO echoes. */
async function services() {
  const listen = async (onConn: (s: net.Socket) => void) => {
    const srv = net.createServer((s) => {
      s.setNoDelay(true)
      s.on('error', () => {})
      onConn(s)
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    return { srv, port: (srv.address() as net.AddressInfo).port }
  }
  const sink = await listen((s) => {
    let got = 0
    s.on('data', (c: Buffer) => {
      got += c.length
      if (got >= total) s.end('k')
    })
  })
  const chunk = randomBytes(64 * 1024)
  const source = await listen((s) => {
    let sent = 0
    const pump = () => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent)
        sent += n
        if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void s.once('drain', pump)
      }
    }
    pump()
  })
  const echo = await listen((s) => s.pipe(s))
  return {
    sink,
    source,
    echo,
    close: () => {
      for (const x of [sink, source, echo]) x.srv.close()
    },
  }
}

interface TestSshd {
  port: number
  user: string
  password: string
  stop(): Promise<void>
}

/** The test sshd of the integration tests (a throwaway user, its own host key and config, on a loopback port). */
async function startSshd(port?: number): Promise<TestSshd> {
  const m = (await import(path.join(root, 'apps/bff/src/testing-sshd.ts'))) as {
    sshdUnavailable(): string | null
    startTestSshd(port?: number): Promise<TestSshd>
  }
  const why = m.sshdUnavailable()
  if (why) throw new Error(`--echo needs a real sshd: ${why}`)
  return m.startTestSshd(port)
}

/** A shell to type into: what it printed since `reset`, waited on as it arrives. */
interface Term {
  send(keys: string): void
  reset(): void
  /** what was printed since `reset` */
  output(): string
  until(pred: (out: string) => boolean, ms: number): Promise<void>
  /** resolves once nothing has been printed for `ms` */
  quiet(ms: number): Promise<void>
  close(): void
}

function makeTerm(send: (keys: string) => void, onData: (fn: (c: Buffer) => void) => void, close: () => void): Term {
  let buf = ''
  let last = Date.now()
  let waiter: (() => void) | null = null
  const decoder = new TextDecoder()
  onData((c) => {
    buf += decoder.decode(c, { stream: true })
    last = Date.now()
    waiter?.()
  })
  return {
    send,
    close,
    reset: () => {
      buf = ''
    },
    output: () => buf,
    until: (pred, ms) =>
      new Promise<void>((resolve, reject) => {
        if (pred(buf)) return resolve()
        const timer = setTimeout(() => {
          waiter = null
          reject(new Error(`no echo within ${ms} ms (output so far ${JSON.stringify(buf.slice(-80))})`))
        }, ms)
        waiter = () => {
          if (!pred(buf)) return
          clearTimeout(timer)
          waiter = null
          resolve()
        }
      }),
    quiet: async (ms) => {
      while (Date.now() - last < ms) await new Promise((r) => setTimeout(r, ms / 4))
    },
  }
}

/** The browser's side of remote login: /api/ws/terminal with the console session cookie. */
async function terminalTerm(
  httpPort: number,
  cookie: string,
  ref: { productKey: string; deviceName: string },
  sshd: TestSshd,
): Promise<Term> {
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/ws/terminal`, { headers: { cookie } })
  ws.on('error', () => {})
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const sinks: ((c: Buffer) => void)[] = []
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('remote login did not get ready within 30 s')), 30_000)
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        for (const f of sinks) f(data as Buffer)
        return
      }
      const m = JSON.parse(data.toString()) as { type: string; state?: string; message?: string }
      if (m.type === 'status' && m.state === 'ready') {
        clearTimeout(timer)
        resolve()
      } else if (m.type === 'error' || m.type === 'closed') {
        clearTimeout(timer)
        reject(new Error(`remote login: ${m.message}`))
      }
    })
  })
  ws.send(
    JSON.stringify({
      type: 'open',
      ...ref,
      credentials: { username: sshd.user, password: sshd.password },
      cols: 200,
      rows: 50,
    }),
  )
  const term = makeTerm(
    (keys) => ws.send(Buffer.from(keys, 'utf8'), { binary: true }),
    (fn) => sinks.push(fn),
    () => ws.close(),
  )
  await ready
  return term
}

/** The baseline: an SSH client in this process straight to sshd (no node, no tunnel). */
async function directTerm(sshd: TestSshd): Promise<Term> {
  const c = new SshClient()
  // Nagle off, as on every hop of the tunnel path (ssh2 leaves its own socket's default)
  const sock = net.connect(sshd.port, '127.0.0.1')
  sock.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    c.once('ready', () => resolve())
    c.once('error', reject)
    c.connect({ sock, username: sshd.user, password: sshd.password, tryKeyboard: false })
  })
  const ch = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
    c.shell({ term: 'xterm-256color', cols: 200, rows: 50 }, (e, channel) => (e ? reject(e) : resolve(channel))),
  )
  return makeTerm(
    (keys) => ch.write(keys),
    (fn) => ch.on('data', fn),
    () => c.end(),
  )
}

/** Types single letters at the prompt, each after the previous one's echo; the echo times in ms (warm-up dropped). */
async function typeKeys(t: Term, n: number): Promise<number[]> {
  await t.quiet(500)
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const times: number[] = []
  const odd: string[] = []
  for (let i = 0; i < n + WARMUP_KEYS; i++) {
    // ^U now and then: the line stays short, so readline never redraws it
    if (i > 0 && i % 50 === 0) {
      t.send('\x15')
      await t.quiet(100)
    }
    const ch = letters[i % letters.length] as string
    t.reset()
    const t0 = process.hrtime.bigint()
    t.send(ch)
    await t.until((out) => out.includes(ch), 5000)
    if (i >= WARMUP_KEYS) times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    // the echo is the key itself and nothing else (no stale output was taken for it)
    if (t.output() !== ch) odd.push(JSON.stringify(t.output()))
  }
  t.send('\x15')
  if (odd.length) log(`${odd.length} echoes were not exactly the key: ${odd.slice(0, 5).join(' ')}`)
  return times
}

function latency(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b)
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
  const r = (x: number) => Number(x.toFixed(2))
  return {
    keys: sorted.length,
    p50Ms: r(q(0.5)),
    p95Ms: r(q(0.95)),
    p99Ms: r(q(0.99)),
    maxMs: r(sorted.at(-1) as number),
    meanMs: r(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  }
}

async function trpc<T>(base: string, cookie: string, proc: string, input: unknown): Promise<T> {
  const r = await fetch(`${base}/api/trpc/${proc}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-iotops-csrf': '1', cookie },
    body: JSON.stringify({ json: input }),
  })
  const body = (await r.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } }
  if (body.error) throw new Error(`${proc}: ${body.error.json.message}`)
  return body.result!.data.json
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-tunnel-bench-'))
  fs.chmodSync(dataDir, 0o755)
  const httpPort = await freePort()
  const mqttPort = await freePort()
  const password = randomBytes(12).toString('base64url')
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'NODE_OPTIONS', 'PUBLIC_URL']) delete env[k]
  Object.assign(env, {
    PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'bench@example.com',
    ADMIN_PASSWORD: password,
    CONSOLE: 'off',
    LOG_LEVEL: 'warn',
  })
  let server: ChildProcess | null = null
  const svc = await services()
  let sshd: TestSshd | null = null
  try {
    if (ECHO) sshd = await startSshd(argv['sshd-port'] ? Number(argv['sshd-port']) : undefined)
    log(`starting a node (DATA_DIR ${dataDir})…`)
    server = spawn(process.execPath, ['--import', 'tsx', 'apps/bff/src/main.ts'], { cwd: root, env, stdio: 'ignore' })
    const base = `http://127.0.0.1:${httpPort}`
    await waitFor(async () => (await fetch(`${base}/api/health`).catch(() => null))?.ok ?? false, 90_000, 'health')
    const login = await fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-iotops-csrf': '1' },
      body: JSON.stringify({ json: { email: 'bench@example.com', password } }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
    const product = await trpc<{ productKey: string }>(base, cookie, 'product.create', {
      name: 'TunnelBench',
      nodeType: 'DIRECT',
      dataFormat: 'ALINK_JSON',
    })
    const dev = await trpc<{ deviceName: string; deviceSecret: string }>(base, cookie, 'device.create', {
      productKey: product.productKey,
    })
    const device = await Device.connect({
      url: `mqtt://127.0.0.1:${mqttPort}`,
      productKey: product.productKey,
      deviceName: dev.deviceName,
      deviceSecret: dev.deviceSecret,
    })
    const agent = new TunnelAgent(device, {
      services: {
        SINK: { host: '127.0.0.1', port: svc.sink.port },
        SOURCE: { host: '127.0.0.1', port: svc.source.port },
        ECHO: { host: '127.0.0.1', port: svc.echo.port },
        ...(sshd ? { _SSH: { host: '127.0.0.1', port: sshd.port } } : {}),
      },
    })
    await agent.start()
    if (sshd) {
      const ref = { productKey: product.productKey, deviceName: dev.deviceName }
      // remote login needs the device online: retry until the node has processed its CONNECT
      const remote = await waitFor(
        () => terminalTerm(httpPort, cookie, ref, sshd!).catch(() => null),
        30_000,
        'remote login',
      )
      log(`typing ${KEYS} keys through remote login…`)
      const viaTunnel = latency(await typeKeys(remote, KEYS))
      remote.close()
      const direct = await directTerm(sshd)
      log(`typing ${KEYS} keys straight into sshd (baseline)…`)
      const baseline = latency(await typeKeys(direct, KEYS))
      direct.close()
      const result = {
        date: new Date().toISOString(),
        mode: 'echo',
        remoteLogin: viaTunnel,
        directSsh: baseline,
        loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
        cpus: os.cpus().length,
        node: process.version,
      }
      console.log(JSON.stringify(result, null, 2))
      if (argv.out !== '-') {
        const stamp = result.date.replace(/[:.]/g, '-').slice(0, 19)
        const out = argv.out ?? path.join(root, 'bench', 'results', `tunnel-echo-${stamp}.json`)
        fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
        log(`wrote ${path.relative(root, out)}`)
      }
      await agent.stop()
      await device.client.endAsync()
      return
    }
    // the device is online once the node has processed its CONNECT: retry creating until it has
    const t = await waitFor(
      () =>
        trpc<{ tunnelId: string; accessUrl: string; accessToken: string }>(base, cookie, 'tunnel.create', {
          productKey: product.productKey,
          deviceName: dev.deviceName,
          ...(rateKBps ? { rateLimitKBps: rateKBps } : {}),
        }).catch(() => null),
      10_000,
      'tunnel created',
    )
    await waitFor(async () => agent.connectedTunnels().includes(t.tunnelId), 10_000, 'device side connected')
    const access = await TunnelAccess.connect(t.accessUrl, t.accessToken)
    const chunk = randomBytes(64 * 1024)
    const mbps = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000)

    // upstream: access → SINK
    const up = await access.openSession('SINK')
    let start = Date.now()
    const ack = new Promise<void>((r) => up.once('data', () => r()))
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!up.write(chunk.subarray(0, Math.min(chunk.length, total - sent))))
        await new Promise((r) => up.once('drain', r))
    }
    await ack
    const upMs = Date.now() - start
    up.release()

    // downstream: SOURCE → access
    start = Date.now()
    const down = await access.openSession('SOURCE')
    await new Promise<void>((resolve) => {
      let got = 0
      down.on('data', (c: Buffer) => {
        got += c.length
        if (got >= total) resolve()
      })
    })
    const downMs = Date.now() - start
    down.release()

    // echo: both directions at once, half the volume each way
    const echo = await access.openSession('ECHO')
    const half = Math.floor(total / 2)
    start = Date.now()
    const back = new Promise<void>((resolve) => {
      let got = 0
      echo.on('data', (c: Buffer) => {
        got += c.length
        if (got >= half) resolve()
      })
    })
    for (let sent = 0; sent < half; sent += chunk.length) {
      if (!echo.write(chunk.subarray(0, Math.min(chunk.length, half - sent))))
        await new Promise((r) => echo.once('drain', r))
    }
    await back
    const echoMs = Date.now() - start
    echo.release()

    const result = {
      date: new Date().toISOString(),
      mb: MB,
      rateLimitKBps: rateKBps ?? null,
      upstreamMBps: Number(mbps(total, upMs).toFixed(1)),
      downstreamMBps: Number(mbps(total, downMs).toFixed(1)),
      echoMBpsEachWay: Number(mbps(half, echoMs).toFixed(1)),
      cpus: os.cpus().length,
      node: process.version,
    }
    console.log(JSON.stringify(result, null, 2))
    if (argv.out !== '-') {
      const out =
        argv.out ?? path.join(root, 'bench', 'results', `tunnel-${result.date.replace(/[:.]/g, '-').slice(0, 19)}.json`)
      fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
      log(`wrote ${path.relative(root, out)}`)
    }
    await access.close()
    await agent.stop()
    await device.client.endAsync()
  } finally {
    svc.close()
    await sshd?.stop()
    if (server) await stopChild(server, 30_000)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
