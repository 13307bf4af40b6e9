// The systems under test: a whole IoT Ops node (child process, embedded PostgreSQL in a scratch DATA_DIR) and a
// bare mosquitto. Each start function returns the MQTT URL, the devices to simulate and a stop() that cleans up.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { SENSOR_TSL } from '@iotops/alink/fixtures'
import type { BenchDevice } from './loadgen'
import { freePort, isAlive, sleep, stopChild, waitFor } from './proc'

const execFileP = promisify(execFile)

export interface Target {
  name: 'iotops' | 'mosquitto'
  url: string
  devices: BenchDevice[]
  /** the pid whose process tree is the system under test (CPU accounting) */
  pid: number
  version: string
  /** why the system under test is gone, when it exited on its own (null while it runs) */
  exited(): string | null
  /** PostgreSQL counters of the node's database (iotops only) */
  dbStats?: () => Promise<DbStats | null>
  /** rows stored for the bench product (iotops only) */
  storedRows?: () => Promise<StoredRows | null>
  stop(): Promise<void>
}

export interface DbStats {
  xactCommit: number
  tupInserted: number
}

export interface StoredRows {
  propertyHistory: number
  runLog: number
  runLogByBizType: Record<string, number>
}

/** The product the bench posts to: the shared sensor thing model (temperature, humidity, …). */
export const BENCH_TSL = SENSOR_TSL

export interface IotopsOptions {
  /** the monorepo root (cwd of the server) */
  root: string
  devices: number
  /** extra node flags for the server process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof */
  serverNodeFlags: string[]
  keepData: boolean
  log: (line: string) => void
}

/**
 * Starts `node --import tsx apps/bff/src/main.ts` (one node: embedded PostgreSQL, broker, HTTP API; no console)
 * with the rate limits raised, then seeds a product and `devices` devices through the OpenAPI, authenticated
 * with an API key that the first-start admin creates through the console's API.
 */
export async function startIotops(o: IotopsOptions): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iotops-bench-'))
  // as root the embedded PostgreSQL runs as the `postgres` user, which must be able to traverse the data dir
  fs.chmodSync(dataDir, 0o755)
  const httpPort = await freePort()
  const mqttPort = await freePort()
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'NODE_OPTIONS', 'PUBLIC_URL']) delete env[k]
  Object.assign(env, {
    PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'bench@example.com',
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    CONSOLE: 'off',
    LOG_LEVEL: 'warn',
    NODE_ID: 'bench',
    // raised for the bench (defaults: 30 msg/s per device, 100k/s per account, 5 connects/min per device)
    DEVICE_UPLINK_QPS: '1000000',
    ACCOUNT_UPLINK_QPS: '100000000',
    DEVICE_CONNECT_QPM: '100000',
  })
  const logFile = path.join(dataDir, 'server.log')
  let server: ChildProcess | null = null
  let tail = ''

  const stop = async () => {
    if (server) {
      const code = await stopChild(server, 30_000)
      if (code !== 0) o.log(`iotops: server exited with ${code}; last output:\n${tail}`)
      server = null
    }
    // a server killed hard leaves its embedded PostgreSQL behind: stop that by its pid file
    const pid = pgPid(dataDir)
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGINT')
      await waitFor(async () => !isAlive(pid), 10_000, 'embedded PostgreSQL stop').catch(() =>
        process.kill(pid, 'SIGKILL'),
      )
    }
    if (o.keepData) o.log(`iotops: kept ${dataDir} (server log: ${logFile})`)
    else fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    // 1. the node, on a fresh DATA_DIR (it initialises the embedded PostgreSQL)
    o.log(`iotops: DATA_DIR ${dataDir}; starting the node (initialises PostgreSQL)…`)
    const out = fs.openSync(logFile, 'a')
    server = spawn(process.execPath, [...o.serverNodeFlags, '--import', 'tsx', 'apps/bff/src/main.ts'], {
      cwd: o.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (b: Buffer) => {
      fs.writeSync(out, b)
      tail = (tail + b.toString('utf8')).slice(-4000)
    }
    server.stdout!.on('data', keep)
    server.stderr!.on('data', keep)
    server.once('exit', () => fs.closeSync(out))
    const s = server
    await waitFor(
      async () => {
        if (s.exitCode !== null) throw new Error(`the server exited (${s.exitCode}):\n${tail}`)
        const r = await fetch(`http://127.0.0.1:${httpPort}/api/health`).catch(() => null)
        return r?.ok ?? false
      },
      60_000,
      'iotops /api/health',
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${tail}`)
    })

    // 2. an API key, made by the first-start admin through the console's API (tRPC: auth.login, apiKey.create);
    // unlike `pnpm iotops apikey create` this needs no second PostgreSQL start on the DATA_DIR
    const apiKey = await createApiKey(`http://127.0.0.1:${httpPort}`, env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!)

    // 3. product, thing model, devices — through the automation API
    const api = async <T>(action: string, params: Record<string, unknown>): Promise<T> => {
      const r = await fetch(`http://127.0.0.1:${httpPort}/api/v1/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(params),
      })
      const body = (await r.json()) as { Success: boolean; Code?: string; ErrorMessage?: string; Data?: T }
      if (!body.Success) throw new Error(`${action}: ${body.Code} ${body.ErrorMessage}`)
      return body.Data as T
    }
    const product = await api<{ ProductKey: string }>('CreateProduct', {
      ProductName: `Bench_${randomBytes(3).toString('hex')}`,
      NodeType: 0,
      DataFormat: 1,
      Description: 'ingest benchmark',
    })
    await api('ImportThingModelTsl', {
      ProductKey: product.ProductKey,
      TslStr: JSON.stringify({ ...BENCH_TSL, profile: { productKey: product.ProductKey } }),
    })
    const devices: BenchDevice[] = []
    for (let left = o.devices; left > 0; ) {
      const count = Math.min(left, 10_000)
      const r = await api<{ DeviceList: { DeviceName: string; DeviceSecret: string; ProductKey: string }[] }>(
        'BatchRegisterDevice',
        {
          ProductKey: product.ProductKey,
          Count: count,
        },
      )
      for (const d of r.DeviceList)
        devices.push({ productKey: d.ProductKey, deviceName: d.DeviceName, deviceSecret: d.DeviceSecret })
      left -= count
    }
    o.log(
      `iotops: node up (HTTP ${httpPort}, MQTT ${mqttPort}); product ${product.ProductKey} with ${devices.length} devices`,
    )

    const psql = (sql: string) => runPsql(dataDir, sql)
    return {
      name: 'iotops',
      url: `mqtt://127.0.0.1:${mqttPort}`,
      devices,
      pid: server.pid!,
      version: readVersion(o.root),
      exited: () =>
        s.exitCode !== null || s.signalCode !== null
          ? `server exited (${s.exitCode ?? s.signalCode}); last output:\n${tail}`
          : null,
      async dbStats() {
        const r = await psql(
          `SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = current_database()`,
        )
        if (!r) return null
        const [x, t] = r.split('|').map(Number)
        return { xactCommit: x!, tupInserted: t! }
      },
      async storedRows() {
        const pk = product.ProductKey
        const ph = await psql(
          `SELECT count(*) FROM property_history h JOIN device d ON d.id = h.device_id WHERE d.product_key = '${pk}'`,
        )
        const rl = await psql(
          `SELECT biz_type, count(*) FROM run_log WHERE product_key = '${pk}' GROUP BY biz_type ORDER BY 1`,
        )
        if (ph === null || rl === null) return null
        const runLogByBizType: Record<string, number> = {}
        for (const line of rl.split('\n').filter(Boolean)) {
          const [k, v] = line.split('|')
          runLogByBizType[k!] = Number(v)
        }
        return {
          propertyHistory: Number(ph),
          runLog: Object.values(runLogByBizType).reduce((a, b) => a + b, 0),
          runLogByBizType,
        }
      },
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

/** tRPC over HTTP (superjson bodies): sign in as the admin, create an OPERATOR API key. */
async function createApiKey(base: string, email: string, password: string): Promise<string> {
  const headers = { 'content-type': 'application/json', 'x-iotops-csrf': '1' }
  const login = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ json: { email, password } }),
  })
  if (!login.ok) throw new Error(`auth.login: HTTP ${login.status} ${await login.text()}`)
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const r = await fetch(`${base}/api/trpc/apiKey.create`, {
    method: 'POST',
    headers: { ...headers, cookie },
    body: JSON.stringify({ json: { name: 'bench', role: 'OPERATOR' } }),
  })
  const body = (await r.json()) as { result?: { data?: { json?: { key?: string } } } }
  const key = body.result?.data?.json?.key
  if (!r.ok || !key) throw new Error(`apiKey.create: HTTP ${r.status} ${JSON.stringify(body)}`)
  return key
}

function pgPid(dataDir: string): number | null {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]) || null
  } catch {
    return null
  }
}

/** One query through `psql` (Debian's postgresql-client) against the node's embedded database; null without psql. */
async function runPsql(dataDir: string, sql: string): Promise<string | null> {
  try {
    const port = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]
    const password = fs.readFileSync(path.join(dataDir, '.pg-password'), 'utf8').trim()
    const r = await execFileP(
      'psql',
      ['-X', '-q', '-A', '-t', '-h', '127.0.0.1', '-p', port!, '-U', 'iotops', '-d', 'iotops', '-c', sql],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
      },
    )
    return r.stdout.trim()
  } catch {
    return null
  }
}

function readVersion(root: string): string {
  try {
    const sha = fs.readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim()
    if (!sha.startsWith('ref:')) return sha.slice(0, 12)
    return fs
      .readFileSync(path.join(root, '.git', sha.slice(5)), 'utf8')
      .trim()
      .slice(0, 12)
  } catch {
    return 'unknown'
  }
}

export interface MosquittoOptions {
  bin: string
  devices: number
  /** the IoT Ops product key is reused for topic shape only; mosquitto does no auth */
  log: (line: string) => void
}

/**
 * Starts a bare mosquitto on a loopback port: anonymous, no persistence, no limit on in-flight or queued
 * QoS 1 messages per client (so the one `/sys/#` subscriber never drops under load).
 */
export async function startMosquitto(o: MosquittoOptions): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-bench-'))
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  const conf = path.join(dir, 'mosquitto.conf')
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // 0 = no maximum: the bench's subscriber must receive every message (default 20 in flight, 1000 queued)
      'max_inflight_messages 0',
      'max_queued_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  )
  fs.chmodSync(conf, 0o644)
  let tail = ''
  const child = spawn(o.bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-2000)))
  child.stderr!.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-2000)))
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject))
  const stop = async () => {
    await stopChild(child, 10_000)
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    await Promise.race([
      spawnError,
      waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${tail}`)
          return await canConnect(port)
        },
        10_000,
        'mosquitto',
      ),
    ])
  } catch (e) {
    await stop()
    throw e
  }
  const version = await execFileP(o.bin, ['-h'])
    .then((r) => r.stdout)
    .catch((e: { stdout?: string }) => e.stdout ?? '')
  const devices: BenchDevice[] = Array.from({ length: o.devices }, (_, i) => ({
    productKey: 'a1BenchMosq',
    deviceName: `device_${String(i).padStart(5, '0')}`,
  }))
  o.log(`mosquitto: listening on ${port}`)
  await sleep(100)
  return {
    name: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    devices,
    pid: child.pid!,
    exited: () =>
      child.exitCode !== null || child.signalCode !== null
        ? `mosquitto exited (${child.exitCode ?? child.signalCode}): ${tail}`
        : null,
    version: /mosquitto version (\S+)/.exec(version)?.[1] ?? 'unknown',
    stop,
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}
