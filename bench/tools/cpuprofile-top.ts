// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package, top N.
//   npx tsx bench/tools/cpuprofile-top.ts /tmp/prof/CPU…cpuprofile [N]
import fs from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const [file, nArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: cpuprofile-top.ts <file.cpuprofile> [N]')
  process.exit(2)
}
const n = Number(nArg ?? 30)
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((x) => [x.id, x]))
const self = new Map<number, number>()
for (let i = 0; i < p.samples.length; i++)
  self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0))
const total = [...self.values()].reduce((a, b) => a + b, 0)

const where = (url: string) => {
  if (!url) return '(native)'
  const m = /node_modules\/\.pnpm\/([^/]+)\//.exec(url) ?? /\/(packages|apps)\/([^/]+)\//.exec(url)
  if (m) return m[2] ? `${m[1]}/${m[2]}` : m[1]!
  if (url.startsWith('node:')) return 'node:internal'
  return url.replace(/^file:\/\//, '')
}
const fn = new Map<string, number>()
const pkg = new Map<string, number>()
for (const [id, us] of self) {
  const cf = byId.get(id)!.callFrame
  const k = `${cf.functionName || '(anonymous)'}  ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`
  fn.set(k, (fn.get(k) ?? 0) + us)
  const w = where(cf.url)
  pkg.set(w, (pkg.get(w) ?? 0) + us)
}
// inclusive time: every function on a sample's stack, counted once per sample
const parent = new Map<number, number>()
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id)
const incl = new Map<string, number>()
for (const [id, us] of self) {
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame
    if (!cf.url) continue
    const k = `${cf.functionName || '(anonymous)'}  ${where(cf.url)}:${cf.lineNumber + 1}`
    if (seen.has(k)) continue
    seen.add(k)
    incl.set(k, (incl.get(k) ?? 0) + us)
  }
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`
const wall = (p.endTime - p.startTime) / 1e6
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled over ${wall.toFixed(1)} s`)
console.log('\nby package / file (self time):')
for (const [k, v] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(v)}  ${k}`)
console.log('\nby function (self time):')
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(v)}  ${k}`)
console.log('\nby function (inclusive time, JS frames):')
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(v)}  ${k}`)
