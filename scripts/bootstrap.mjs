// Shared set-up for `npm start` and `npm test` on a machine with only Node 20 and npm:
// pnpm (installed through npm when missing), dependencies, the generated Prisma client.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const PNPM_VERSION = '12.21.0'

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts, env: { ...process.env, ...opts.env } })
  if (r.status !== 0) {
    const e = new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`)
    e.exitCode = r.status ?? 1
    throw e
  }
}

function hasPnpm() {
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim().length > 0
  } catch {
    return false
  }
}

export function ensurePnpm() {
  if (hasPnpm()) return
  console.log(`› installing pnpm ${PNPM_VERSION} with npm`)
  run('npm', ['install', '-g', `pnpm@${PNPM_VERSION}`])
}

const newer = (a, b) => fs.existsSync(a) && (!fs.existsSync(b) || fs.statSync(a).mtimeMs > fs.statSync(b).mtimeMs)

export function ensureDeps() {
  const marker = path.join(ROOT, 'node_modules/.pnpm/lock.yaml')
  if (!fs.existsSync(marker) || newer(path.join(ROOT, 'pnpm-lock.yaml'), marker)) {
    console.log('› installing dependencies')
    run('pnpm', ['install', '--frozen-lockfile'], {
      env: { npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' },
    })
  }
  const client = path.join(ROOT, 'packages/db/src/generated/prisma/client.ts')
  if (!fs.existsSync(client) || newer(path.join(ROOT, 'prisma/schema.prisma'), client)) {
    console.log('› generating the Prisma client')
    run('pnpm', ['--filter', '@iotops/db', 'generate'])
  }
}

/** Newest modification time of the files under the given folders (skipping build output and dependencies). */
export function newestMtime(dirs) {
  let newest = 0
  const walk = (d) => {
    if (!fs.existsSync(d)) return
    if (!fs.statSync(d).isDirectory()) {
      newest = Math.max(newest, fs.statSync(d).mtimeMs)
      return
    }
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.next' || e.name === 'generated') continue
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else newest = Math.max(newest, fs.statSync(p).mtimeMs)
    }
  }
  for (const d of dirs) walk(path.join(ROOT, d))
  return newest
}

/** Builds the console unless its build is newer than every source it depends on. */
export function ensureConsoleBuild({ force = false } = {}) {
  const buildId = path.join(ROOT, 'apps/console/.next/BUILD_ID')
  const src = newestMtime([
    'apps/console/src',
    'apps/console/next.config.ts',
    'packages/api/src',
    'packages/alink/src',
    'packages/services/src',
  ])
  if (!force && fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs > src) return
  console.log('› building the console')
  run('pnpm', ['--filter', '@iotops/console', 'build'], { env: { NEXT_TELEMETRY_DISABLED: '1' } })
}
