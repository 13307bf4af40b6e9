import { describe, expect, it } from 'vitest'
import { PROGRESS_SQL, type ProgressQuery, ProgressWriter } from './progress'

type Call = { params: unknown[]; release: () => void }

/** A fake statement runner: each call waits until the test releases it; tasks run for devices in `running`. */
function fake(running: Set<string>) {
  const calls: Call[] = []
  const query: ProgressQuery = (sql, params) => {
    expect(sql).toBe(PROGRESS_SQL)
    return new Promise((resolve) => {
      calls.push({
        params,
        release: () => {
          const [devices, modules] = params as [string[], string[]]
          resolve({
            rows: devices
              .map((d, i) => ({ id: `task-${d}`, device_id: d, module: modules[i]! }))
              .filter((r) => running.has(r.device_id)),
          })
        },
      })
    })
  }
  return { calls, query }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('ProgressWriter', () => {
  it('writes a lone report at once, and gathers the reports that arrive meanwhile into one statement', async () => {
    const f = fake(new Set(['a', 'b', 'c']))
    const w = new ProgressWriter(f.query)
    const first = w.report('a', 'default', 10, null)
    await tick()
    expect(f.calls).toHaveLength(1)
    const more = [
      w.report('b', 'default', 5, null),
      w.report('c', 'default', 7, 'x'),
      w.report('b', 'default', 6, null),
    ]
    await tick()
    expect(f.calls).toHaveLength(1) // waiting for the first write
    f.calls[0]!.release()
    expect(await first).toBe('task-a')
    await tick()
    expect(f.calls).toHaveLength(2)
    // b's two steps become one row with the latest step
    expect(f.calls[1]!.params).toEqual([
      ['b', 'c'],
      ['default', 'default'],
      [6, 7],
      [null, 'x'],
    ])
    f.calls[1]!.release()
    expect(await Promise.all(more)).toEqual(['task-b', 'task-c', 'task-b'])
    expect(w.stats).toEqual({ writes: 2, reports: 4, tasks: 3 })
  })

  it('answers null for a device with no running task, and drain waits for pending steps', async () => {
    const f = fake(new Set(['a']))
    const w = new ProgressWriter(f.query)
    const a = w.report('a', 'm1', 1, null)
    const z = w.report('z', 'm1', 1, null)
    let drained = false
    void w.drain().then(() => {
      drained = true
    })
    await tick()
    expect(drained).toBe(false)
    f.calls[0]!.release()
    await tick()
    f.calls[1]?.release()
    expect(await a).toBe('task-a')
    expect(await z).toBeNull()
    await w.drain()
    expect(drained).toBe(true)
  })

  it('drain does not wait for steps reported after it (a steady stream cannot hold it back)', async () => {
    const f = fake(new Set(['a', 'b']))
    const w = new ProgressWriter(f.query)
    void w.report('a', 'm1', 1, null)
    await tick()
    let drained = false
    void w.drain().then(() => {
      drained = true
    })
    // a new report arrives while the first write runs: it waits for the next statement
    void w.report('b', 'm1', 1, null)
    f.calls[0]!.release()
    await tick()
    await tick()
    expect(f.calls).toHaveLength(2) // b's write is under way, not released
    expect(drained).toBe(true)
    f.calls[1]!.release()
  })

  it('splits a backlog into statements of at most `max` tasks', async () => {
    const f = fake(new Set(['d0', 'd1', 'd2', 'd3', 'd4']))
    const w = new ProgressWriter(f.query, 2)
    const first = w.report('x', 'default', 1, null)
    const rest = ['d0', 'd1', 'd2', 'd3', 'd4'].map((d) => w.report(d, 'default', 3, null))
    for (let i = 0; i < 4; i++) {
      await tick()
      f.calls[i]!.release()
    }
    expect(await first).toBeNull()
    expect(await Promise.all(rest)).toEqual(['task-d0', 'task-d1', 'task-d2', 'task-d3', 'task-d4'])
    expect(f.calls.map((c) => (c.params[0] as string[]).length)).toEqual([1, 2, 2, 1])
  })

  it('tries a deadlocked statement again and rejects the waiters of a statement that fails', async () => {
    let n = 0
    const w = new ProgressWriter(async (_sql, params) => {
      n++
      if (n === 1) throw Object.assign(new Error('deadlock'), { code: '40P01' })
      if (n === 2) return { rows: [{ id: 't', device_id: (params[0] as string[])[0]!, module: 'default' }] }
      throw Object.assign(new Error('boom'), { code: '23505' })
    })
    expect(await w.report('a', 'default', 1, null)).toBe('t')
    await expect(w.report('b', 'default', 1, null)).rejects.toThrow('boom')
    expect(n).toBe(3)
  })
})
