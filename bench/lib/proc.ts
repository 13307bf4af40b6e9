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

export type TreeCpu = Map<number, { name: string; cpu: number }>

/** CPU seconds used so far by `root` and each of its descendants, by pid (name: the command, e.g. node, postgres). */
export function treeCpu(root: number): TreeCpu {
  const stats = allStats()
  const children = new Map<number, ProcStat[]>()
  for (const s of stats) {
    const l = children.get(s.ppid) ?? []
    l.push(s)
    children.set(s.ppid, l)
  }
  const out: TreeCpu = new Map()
  const rootStat = stats.find((s) => s.pid === root)
  const stack = rootStat ? [rootStat] : []
  while (stack.length) {
    const s = stack.pop()!
    out.set(s.pid, { name: s.comm.startsWith('postgres') ? 'postgres' : s.comm, cpu: s.cpu })
    stack.push(...(children.get(s.pid) ?? []))
  }
  return out
}

/**
 * CPU used between two treeCpu() samples, by command name, as % of one core over `seconds` (100 = one core).
 * A process that ended in between is not counted (its time is gone from /proc); one that started is, in full.
 */
export function cpuPercent(before: TreeCpu, after: TreeCpu, seconds: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [pid, a] of after) {
    const d = a.cpu - (before.get(pid)?.cpu ?? 0)
    out[a.name] = (out[a.name] ?? 0) + Math.max(0, d)
  }
  for (const k of Object.keys(out)) out[k] = Math.round((out[k]! / seconds) * 1000) / 10
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

/** Whole-machine CPU seconds from /proc/stat: busy (everything but idle and iowait) and the number of CPUs. */
export function machineCpu(): { busy: number; cpus: number } {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n')
  const f = lines[0]!.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal
  const busy = (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / TICKS
  return { busy, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length }
}
