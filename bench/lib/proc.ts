// Process helpers for benchmarks: CPU time of a process tree from /proc (Linux), free ports, stopping children.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

/** clock ticks per second for /proc/<pid>/stat utime/stime (USER_HZ; 100 on every mainstream Linux) */
const TICKS = 100

interface ProcStat {
  pid: number
  ppid: number
  comm: string
  /** user + system CPU seconds */
  cpu: number
}

function readStat(pid: number): ProcStat | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = s.lastIndexOf(')')
    const comm = s.slice(s.indexOf('(') + 1, close)
    const f = s.slice(close + 2).split(' ')
    // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    return { pid, ppid: Number(f[1]), comm, cpu: (Number(f[11]) + Number(f[12])) / TICKS }
  } catch {
    return null
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = []
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    const s = readStat(Number(e))
    if (s) out.push(s)
  }
  return out
}

/** CPU seconds used so far by `root` and all its descendants, grouped by command name (e.g. node, postgres). */
export function treeCpu(root: number): Record<string, number> {
  const stats = allStats()
  const children = new Map<number, ProcStat[]>()
  for (const s of stats) {
    const l = children.get(s.ppid) ?? []
    l.push(s)
    children.set(s.ppid, l)
  }
  const byComm: Record<string, number> = {}
  const rootStat = stats.find((s) => s.pid === root)
  const stack = rootStat ? [rootStat] : []
  while (stack.length) {
    const s = stack.pop()!
    const name = s.comm.startsWith('postgres') ? 'postgres' : s.comm
    byComm[name] = (byComm[name] ?? 0) + s.cpu
    stack.push(...(children.get(s.pid) ?? []))
  }
  return byComm
}

/** Difference of two treeCpu() samples, as a share of one core over `seconds` (100 = one full core). */
export function cpuPercent(
  before: Record<string, number>,
  after: Record<string, number>,
  seconds: number,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    out[k] = Math.round((((after[k] ?? 0) - (before[k] ?? 0)) / seconds) * 1000) / 10
  }
  return out
}

export function sumCpu(p: Record<string, number>): number {
  return Math.round(Object.values(p).reduce((a, b) => a + b, 0) * 10) / 10
}

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

/** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILL. Resolves with the exit code (or null). */
export async function stopChild(
  child: ChildProcess,
  graceMs = 15_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill(signal)
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref())
  const r = await Promise.race([exited, timer])
  if (r !== 'timeout') return r
  child.kill('SIGKILL')
  return await exited
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${what}: not ready within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}`)
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
