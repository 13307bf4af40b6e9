// npm test: everything CI runs — lint, typecheck, unit, integration (real broker + PostgreSQL), e2e (Chromium).
// `npm test -- unit integration` runs only the named stages.
import { ensureConsoleBuild, ensureDeps, ensurePnpm, run } from './bootstrap.mjs'

const STAGES = {
  lint: () => run('pnpm', ['exec', 'biome', 'check', '.']),
  typecheck: () => run('pnpm', ['-r', '--workspace-concurrency=2', 'typecheck']),
  unit: () => run('pnpm', ['exec', 'vitest', 'run', '--project', 'unit']),
  integration: () => run('pnpm', ['exec', 'vitest', 'run', '--project', 'integration']),
  e2e: () => {
    ensureConsoleBuild()
    run('pnpm', ['--filter', '@iotops/e2e', 'test'])
  },
}

const wanted = process.argv.slice(2).filter((a) => a in STAGES)
const stages = wanted.length ? wanted : Object.keys(STAGES)
const results = []
let failed = 0
try {
  ensurePnpm()
  ensureDeps()
} catch (e) {
  console.error(e.message)
  process.exit(e.exitCode ?? 1)
}
for (const name of stages) {
  const t0 = Date.now()
  console.log(`\n━━━ ${name} ━━━`)
  try {
    STAGES[name]()
    results.push(`${name}: passed (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
  } catch (e) {
    failed++
    results.push(`${name}: FAILED (${e.message})`)
  }
}
console.log(`\n━━━ summary ━━━\n${results.join('\n')}`)
console.log(`\n${stages.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
