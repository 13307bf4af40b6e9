// Secure-tunnel throughput (issue 8): one session through the relay on loopback. A node runs in its own process;
// this process runs the device (MQTT + the tunnel agent), the local TCP services behind it and the access-side
// client — so the bytes take every hop a real deployment has: access WS → relay → device WS → agent → TCP.
// Prints MB/s upstream (access → device service), downstream (device service → access) and echoed (both at once).
//
//   pnpm --filter @iotops/bench tunnel                 (64 MB each way)
//   pnpm --filter @iotops/bench tunnel -- --mb 256 --rate-kbps 1024
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
import { freePort, stopChild, waitFor } from './lib/proc'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values: argv } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { mb: { type: 'string' }, 'rate-kbps': { type: 'string' }, out: { type: 'string' } },
})
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
  try {
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
      },
    })
    await agent.start()
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
