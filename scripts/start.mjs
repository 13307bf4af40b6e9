// npm start: install if needed, build, then start one node (migrations run at start-up).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { ensureConsoleBuild, ensureDeps, ensurePnpm, ROOT } from './bootstrap.mjs'

try {
  ensurePnpm()
  ensureDeps()
  ensureConsoleBuild()
} catch (e) {
  console.error(e.message)
  process.exit(e.exitCode ?? 1)
}
const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['apps/bff/src/main.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  // its own process group: Ctrl-C reaches only this wrapper, which forwards it to the node, so the embedded
  // PostgreSQL is not stopped by the terminal's SIGINT while the node drains accepted messages into it
  detached: true,
  env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...process.env },
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
