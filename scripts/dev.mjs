// pnpm dev: the node with the console in Next.js dev mode (hot reload); restarts the server on server-code changes.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { ensureDeps, ensurePnpm, ROOT } from './bootstrap.mjs'

try {
  ensurePnpm()
  ensureDeps()
} catch (e) {
  console.error(e.message)
  process.exit(e.exitCode ?? 1)
}
const child = spawn(
  path.join(ROOT, 'node_modules/.bin/tsx'),
  ['watch', '--clear-screen=false', '--exclude', 'apps/console/**', 'apps/bff/src/main.ts'],
  {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: { CONSOLE: 'dev', NEXT_TELEMETRY_DISABLED: '1', ...process.env },
  },
)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
