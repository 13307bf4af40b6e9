import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { appRouter, type Context, handleOpenApi, SESSION_COOKIE } from '@iotops/api'
import { createDb, type Db, dropExpiredPartitions, ensurePartitions, migrate, startEmbeddedPostgres } from '@iotops/db'
import {
  alarms,
  alerts,
  auth,
  DeviceHub,
  FleetRuns,
  forward,
  geo,
  LevelSampler,
  logStore,
  monitoring,
  notify,
  OtaEngine,
  otaDownload,
  otaStore,
  otaUpload,
  otlp,
  ProductCache,
  remoteConfig,
  remoteLogin,
  reportSubscriptions,
  SimulatorManager,
  subscription,
  TunnelRelay,
  tunnels,
} from '@iotops/services'
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http'
import pino, { type Logger } from 'pino'
import { createWebSocketStream, WebSocketServer } from 'ws'
import { type Config, remoteLoginLimitsOf } from './env'
import { linkBase, otaRoutes } from './ota-http'
import { subscriptionRoutes } from './subscription-http'

export interface RunningNode {
  config: Config
  db: Db
  hub: DeviceHub
  fleet: FleetRuns
  simulator: SimulatorManager
  /** the notification outbox worker (alarm e-mails, webhooks, DingTalk) */
  notifier: notify.Notifier
  /** threshold rules evaluated as their periods close; system events turned into event alarms */
  alarmEngine: alarms.AlarmEngine
  /** scene-linkage rules of the alert center, evaluated from the hub's events and a minute clock */
  sceneEngine: alerts.SceneEngine
  /** data forwarding: rules' SQL over accepted messages, rows to republish / webhook / PostgreSQL / Redis stream */
  forwardEngine: forward.ForwardEngine
  /** server-side subscription: accepted messages queued per consumer group, consumed over HTTP with acks */
  subscriptionEngine: subscription.SubscriptionEngine
  /** mails report subscriptions when they are due */
  reports: reportSubscriptions.ReportScheduler
  /** the OTLP/HTTP run-log exporter, when OTLP_LOGS_URL is set */
  otlpExporter: otlp.OtlpLogExporter | null
  log: Logger
  httpPort: number
  mqttPort: number
  /** first-start admin credentials when the password was generated (print once) */
  bootstrap: { email: string; password: string; generated: boolean } | null
  close(): Promise<void>
}

const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console')

/**
 * Starts one IoT Ops node: database (embedded unless DATABASE_URL), migrations, device hub (MQTT over TCP
 * and WebSocket), HTTP (console, tRPC, OpenAPI, health) and the schedulers.
 */
export async function startNode(config: Config, opts: { log?: Logger } = {}): Promise<RunningNode> {
  const log =
    opts.log ??
    pino({
      level: config.LOG_LEVEL,
      // never log credentials, even by accident
      redact: ['*.password', '*.deviceSecret', '*.token', '*.authorization', '*.cookie'],
    })
  const nodeId = config.NODE_ID ?? `node-${randomBytes(3).toString('hex')}`
  // remote login's limits are process-wide: the environment's (REMOTE_LOGIN_*) over the built-in defaults
  remoteLogin.configureRemoteLogin(remoteLoginLimitsOf(config))
  const stops: (() => Promise<void>)[] = []
  const cleanup = async () => {
    for (const s of stops.reverse()) await s().catch((e) => log.error({ err: e }, 'shutdown step failed'))
  }
  try {
    // ── storage ──
    let url = config.DATABASE_URL
    if (!url) {
      const pg = await startEmbeddedPostgres(config.dataDir, { log: (l) => log.debug({ pg: l.trim() }) })
      stops.push(pg.stop)
      url = pg.url
      log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started')
    }
    const db = createDb(url)
    stops.push(() => db.close())
    const m = await migrate(db.pool, { log: (msg) => log.info(msg) })
    log.info({ applied: m.applied.length, total: m.total }, 'database schema up to date')
    await ensurePartitions(db.pool)
    const bootstrap = await auth.bootstrapAdmin(db, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD })
    // OTA packages: files under DATA_DIR/ota (or in OTA_S3_URL's bucket), uploads staged locally; download links signed with a shared secret
    // (the base is set again once the HTTP port is known)
    otaStore.configureOtaStorage(await otaStore.createOtaStorage(config.dataDir, config.OTA_S3_URL))
    const otaUrlSecret = await otaDownload.ensureOtaUrlSecret(db)
    otaDownload.configureOtaDownloads({
      secret: otaUrlSecret,
      baseUrl: linkBase(config.PUBLIC_URL, config.HOST, config.PORT),
    })
    // remote configuration: files served from the database by signed links (valid 30 min, bound to one device)
    const configUrlSecret = await remoteConfig.ensureConfigUrlSecret(db)
    remoteConfig.configureConfigDownloads({
      secret: configUrlSecret,
      baseUrl: linkBase(config.PUBLIC_URL, config.HOST, config.PORT),
    })

    // ── notifications: the outbox worker (stops late, after everything that may enqueue, before the db) ──
    const notifier = new notify.Notifier({
      db,
      log: log.child({ mod: 'notify' }),
      smtp: config.SMTP_URL ? { url: config.SMTP_URL, from: config.SMTP_FROM } : null,
    })
    notifier.start()
    stops.push(() => notifier.stop())

    // ── device hub ──
    const products = new ProductCache(db)
    const cluster = config.REDIS_URL ? await clusterBackends(config.REDIS_URL) : null
    if (cluster) stops.push(cluster.close)
    const hub = await DeviceHub.create({
      db,
      log: log.child({ mod: 'hub' }),
      products,
      nodeId,
      mq: cluster?.mq,
      persistence: cluster?.persistence,
      limits: {
        accountUplinkPerSecond: config.ACCOUNT_UPLINK_QPS,
        deviceUplinkPerSecond: config.DEVICE_UPLINK_QPS,
        deviceConnectPerMinute: config.DEVICE_CONNECT_QPM,
      },
    })

    // level metrics (online devices per product and protocol, instance watermarks), sampled into the minute points
    const sampler = new LevelSampler(db, hub.metrics)
    sampler.start()
    stops.push(async () => sampler.stop())

    // device location (ops dashboard): connection IP → region, overridden by a reported GeoLocation
    const regions = new geo.RegionTracker({ db, hub, log: log.child({ mod: 'geo' }) })
    regions.start()
    stops.push(() => regions.stop())

    // alarms: threshold rules on the minute points, event alarms from the hub's limit events
    const alarmEngine = new alarms.AlarmEngine({
      db,
      log: log.child({ mod: 'alarms' }),
      kick: () => notifier.kick(),
      instanceId: config.INSTANCE_ID,
      regionId: config.REGION_ID,
    })
    const onLimit = (e: alarms.LimitEvent) =>
      void alarmEngine.onLimit(e).catch((err) => log.error({ err }, 'event alarm failed'))
    hub.on('limit', onLimit)
    alarmEngine.start()
    stops.push(async () => {
      hub.off('limit', onLimit)
      await alarmEngine.stop()
    })

    // alert center: scene-linkage rules run off the hub's events (queued, never in the pipeline's way)
    const sceneEngine = new alerts.SceneEngine({
      db,
      hub,
      log: log.child({ mod: 'scenes' }),
      kick: () => notifier.kick(),
    })
    await sceneEngine.start()
    stops.push(() => sceneEngine.stop())

    // data forwarding: accepted messages handed over by the pipeline (bounded queues, never in its way);
    // stops after the broker has drained (stops run in reverse), so the last messages are still forwarded
    const forwardEngine = new forward.ForwardEngine({ db, hub, log: log.child({ mod: 'forward' }) })
    await forwardEngine.start()
    stops.push(() => forwardEngine.stop())
    // server-side subscription: matched messages batched into subscription_message (never in the pipeline's way)
    const subscriptionEngine = new subscription.SubscriptionEngine({ db, hub, log: log.child({ mod: 'subscription' }) })
    await subscriptionEngine.start()
    stops.push(() => subscriptionEngine.stop())

    // OTA batches: scheduled starts/ends, pushes within each batch's rate, timeouts, retries, waves, aborts
    const otaEngine = new OtaEngine({ db, hub, log: log.child({ mod: 'ota' }) })
    otaEngine.start()
    stops.push(() => otaEngine.stop())

    // report subscriptions: due reports mailed through the outbox (missed runs once, at start)
    const reports = new reportSubscriptions.ReportScheduler({
      db,
      log: log.child({ mod: 'reports' }),
      kick: () => notifier.kick(),
    })
    reports.start()
    stops.push(() => reports.stop())

    // optional: run logs exported to an OpenTelemetry collector (never in the way of the pipeline's own writes)
    const otlpUrl = config.OTLP_LOGS_URL
    const otlpExporter = otlpUrl
      ? new otlp.OtlpLogExporter({
          url: otlpUrl,
          headers: config.OTLP_HEADERS,
          log: log.child({ mod: 'otlp' }),
          instanceId: nodeId,
        })
      : null
    if (otlpUrl && otlpExporter) {
      hub.runLogTap = (r) => otlpExporter.offer(r)
      log.info({ url: new URL(otlpUrl).origin }, 'exporting run logs over OTLP/HTTP')
      stops.push(async () => {
        hub.runLogTap = null
        await otlpExporter.stop()
      })
    }

    // ── MQTT over TCP ──
    const mqttServer = net.createServer((socket) =>
      hub.handle(socket, { protocol: 'MQTT', ip: clean(socket.remoteAddress) }),
    )
    await listen(mqttServer, config.MQTT_PORT, config.HOST)
    // stop order (reverse): HTTP first, then the broker drains and the DB closes
    stops.push(async () => {
      mqttServer.close()
      await hub.close()
    })
    const mqttPort = (mqttServer.address() as AddressInfo).port
    // virtual devices (fleets, the simulator) connect to this node's own listener, like any device
    const localMqttUrl = `mqtt://${loopbackFor(config.HOST)}:${mqttPort}`
    const fleet = new FleetRuns({ db, log: log.child({ mod: 'fleet' }), mqttUrl: () => localMqttUrl })
    stops.push(() => fleet.stopAll())
    // the device simulator (its virtual devices disconnect in shutdown before the broker closes: stops run in reverse)
    const simulator = new SimulatorManager({
      db,
      hub,
      log: log.child({ mod: 'simulator' }),
      nodeId,
      mqttUrl: () => localMqttUrl,
    })
    stops.push(() => simulator.stopAll())
    // secure tunnels: the relay between device-side and access-side WebSockets (stopped before the HTTP server, below)
    const tunnelRelay = new TunnelRelay({ db, hub, log: log.child({ mod: 'tunnel' }) })
    // remote login (browser SSH over a tunnel session): the terminal WebSocket, recordings under DATA_DIR
    const terminal = new remoteLogin.RemoteLoginTerminal({
      db,
      hub,
      log: log.child({ mod: 'remote-login' }),
      dataDir: config.dataDir,
      sessionActor: (req) => otaDeps.sessionActor(req),
    })

    // ── HTTP: console, tRPC, OpenAPI, MQTT over WebSocket ──
    let nextHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null
    let nextUpgrade:
      | ((req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => Promise<void>)
      | null = null
    if (config.CONSOLE !== 'off') {
      const { default: next } = await import('next')
      const app = next({ dev: config.CONSOLE === 'dev', dir: CONSOLE_DIR, quiet: true })
      await app.prepare()
      nextHandler = app.getRequestHandler()
      nextUpgrade = app.getUpgradeHandler?.() ?? null
      stops.push(() => app.close())
    }
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('mqtt') ? 'mqtt' : false) })
    const deps = { db, hub, products, fleet }
    const server = http.createServer((req, res) => {
      route(req, res).catch((e) => {
        log.error({ err: e, url: req.url }, 'request failed')
        if (!res.headersSent) send(res, 500, { error: 'internal error' })
      })
    })
    async function route(req: http.IncomingMessage, res: http.ServerResponse) {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname === '/api/health') {
        const dbOk = await db.pool.query('SELECT 1').then(
          () => true,
          () => false,
        )
        return send(res, dbOk ? 200 : 503, {
          status: dbOk ? 'ok' : 'degraded',
          node: nodeId,
          db: dbOk,
          mqtt: true,
          ...(otlpExporter ? { otlp: otlpExporter.stats() } : {}),
        })
      }
      if (url.pathname.startsWith('/api/trpc/') || url.pathname === '/api/trpc') {
        return nodeHTTPRequestHandler({
          req,
          res,
          path: url.pathname.replace(/^\/api\/trpc\/?/, ''),
          router: appRouter,
          createContext: () => createContext(req, res),
          onError: ({ error, path }) => {
            if (error.code === 'INTERNAL_SERVER_ERROR')
              log.error({ err: error.cause ?? error, path }, 'tRPC procedure failed')
          },
        })
      }
      const v1 = /^\/api\/v1\/([A-Za-z]+)$/.exec(url.pathname)
      if (v1) {
        if (req.method !== 'POST')
          return send(res, 405, { Success: false, Code: 'MethodNotAllowed', ErrorMessage: 'use POST with a JSON body' })
        const body = await readJson(req)
        if (body === undefined)
          return send(res, 400, {
            Success: false,
            Code: 'InvalidParameter',
            ErrorMessage: 'the body must be a JSON object',
          })
        const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
        const r = await handleOpenApi(deps, {
          action: v1[1]!,
          bearer,
          params: body,
          ip: clean(req.socket.remoteAddress) ?? undefined,
        })
        return send(res, r.status, r.body)
      }
      if (url.pathname.startsWith('/config/files/')) return remoteConfig.serveConfigFile(db, hub, req, res)
      if (await otaRoutes(otaDeps, req, res, url)) return
      if (await subscriptionRoutes(subscriptionDeps, req, res, url)) return
      if (url.pathname.startsWith('/api/')) return send(res, 404, { error: `no API at ${url.pathname}` })
      if (nextHandler) return nextHandler(req, res)
      return send(res, 404, { error: 'the console is not served by this node (CONSOLE=off)' })
    }
    const otaDeps = {
      db,
      sessionActor: async (req: http.IncomingMessage) => {
        const user = await auth.sessionUser(db, readCookie(req.headers.cookie, SESSION_COOKIE))
        return user
          ? {
              type: 'user' as const,
              id: user.id,
              name: user.email,
              role: user.role,
              ip: clean(req.socket.remoteAddress) ?? undefined,
            }
          : null
      },
      csrfOk,
      send,
      readJson: (req: http.IncomingMessage) => readJson(req),
      ip: (req: http.IncomingMessage) => clean(req.socket.remoteAddress) ?? undefined,
    }
    const subscriptionDeps = { db, engine: subscriptionEngine, send, readJson: otaDeps.readJson, ip: otaDeps.ip }
    async function createContext(req: http.IncomingMessage, res: http.ServerResponse): Promise<Context> {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE)
      const user = await auth.sessionUser(db, token)
      return {
        db,
        hub,
        products,
        fleet,
        simulator,
        notifier,
        session: { user, token },
        ip: clean(req.socket.remoteAddress) ?? undefined,
        userAgent: req.headers['user-agent'],
        csrfOk: csrfOk(req),
        setCookie: (v) => res.appendHeader('set-cookie', v),
      }
    }
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname === '/mqtt') {
        wss.handleUpgrade(req, socket, head, (ws) => {
          const stream = createWebSocketStream(ws)
          stream.on('error', () => stream.destroy())
          hub.handle(stream, { protocol: 'MQTT_WS', ip: clean(req.socket.remoteAddress) })
        })
      } else if (terminal.handleUpgrade(req, socket, head)) {
        // /api/ws/terminal (remote login)
      } else if (tunnelRelay.handleUpgrade(req, socket, head)) {
        // /api/ws/tunnel/{device|access}/<tunnelId>
      } else if (nextUpgrade) {
        void nextUpgrade(req, socket, head)
      } else socket.destroy()
    })
    await listen(server, config.PORT, config.HOST)
    tunnels.configureTunnelUrls(linkBase(config.PUBLIC_URL, config.HOST, (server.address() as AddressInfo).port))
    otaDownload.configureOtaDownloads({
      secret: otaUrlSecret,
      baseUrl: linkBase(config.PUBLIC_URL, config.HOST, (server.address() as AddressInfo).port),
    })
    remoteConfig.configureConfigDownloads({
      secret: configUrlSecret,
      baseUrl: linkBase(config.PUBLIC_URL, config.HOST, (server.address() as AddressInfo).port),
    })
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          for (const c of wss.clients) c.terminate()
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    // consumer streams end with a 9602 close line before the HTTP server drops its connections
    stops.push(async () => subscriptionEngine.closeConsumers('the server is shutting down; reconnect later'))
    // tunnel sessions are released (code 4) and their sockets closed first: the HTTP server waits for upgraded sockets
    stops.push(() => tunnelRelay.close())
    // SSH sessions end (recordings flushed) before the tunnels they run over
    stops.push(() => terminal.close())

    // ── schedulers: partitions ahead, retention behind ──
    const maintain = async () => {
      await ensurePartitions(db.pool)
      const dropped = await dropExpiredPartitions(db.pool)
      if (dropped.length) log.info({ dropped }, 'retention: dropped expired partitions')
      const sweptUploads = await otaUpload.sweepExpiredUploads(db)
      if (sweptUploads) log.info({ swept: sweptUploads }, 'retention: dropped expired OTA uploads')
      const droppedDumps = await logStore.maintainLogDumps(db)
      if (droppedDumps.length) log.info({ dropped: droppedDumps }, 'retention: dropped long-term log months')
      const pruned = await monitoring.pruneMonitoring(db)
      if (Object.values(pruned).some((n) => n > 0)) log.info({ pruned }, 'retention: pruned monitoring rows')
    }
    await maintain()
    const timer = setInterval(
      () => void maintain().catch((e) => log.error({ err: e }, 'partition maintenance failed')),
      3_600_000,
    )
    stops.push(async () => clearInterval(timer))

    const httpPort = (server.address() as AddressInfo).port
    log.info({ http: httpPort, mqtt: mqttPort, node: nodeId, cluster: !!cluster }, 'IoT Ops node started')
    // the order stops run in: reverse of pushes → scheduler, HTTP, broker drain, cluster, db, pg
    return {
      config,
      db,
      hub,
      fleet,
      simulator,
      notifier,
      alarmEngine,
      sceneEngine,
      forwardEngine,
      subscriptionEngine,
      reports,
      otlpExporter,
      log,
      httpPort,
      mqttPort,
      bootstrap,
      close: cleanup,
    }
  } catch (e) {
    await cleanup()
    throw e
  }
}

async function clusterBackends(redisUrl: string) {
  const { default: mqemitterRedis } = await import('mqemitter-redis')
  // @ts-expect-error aedes-persistence-redis ships no type declarations
  const { default: persistenceRedis } = await import('aedes-persistence-redis')
  const { Redis } = await import('ioredis')
  const mq = mqemitterRedis({ connectionString: redisUrl })
  const conn = new Redis(redisUrl)
  const persistence = persistenceRedis({ conn })
  return {
    mq,
    persistence,
    // aedes closes the emitter itself when the broker closes; the persistence connection is ours
    close: async () => {
      await conn.quit().catch(() => conn.disconnect())
    },
  }
}

function listen(server: net.Server, port: number, host: string) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use; set another with PORT / MQTT_PORT`) : e,
      ),
    )
    server.listen(port, host, () => resolve())
  })
}

/** The address this node's own clients dial: loopback when the listener takes every interface. */
const loopbackFor = (host: string) => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host)

const clean = (ip: string | undefined) => (ip ? ip.replace(/^::ffff:/, '') : null)

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

function readCookie(header: string | undefined, name: string) {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

/** Mutations need our custom header (a cross-site form cannot send it) and, when present, a same-host Origin. */
function csrfOk(req: http.IncomingMessage) {
  if (req.headers['x-iotops-csrf'] !== '1') return false
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

async function readJson(req: http.IncomingMessage, limit = 1024 * 1024): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > limit) return undefined
    chunks.push(c as Buffer)
  }
  if (size === 0) return {}
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined
  } catch {
    return undefined
  }
}
