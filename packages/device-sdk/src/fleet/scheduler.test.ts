import { describe, expect, it } from 'vitest'
import { TimerWheel } from './scheduler'

const T0 = 1_000_000

function collect(w: TimerWheel, now: number) {
  const fired: [number, number][] = []
  w.advance(now, (id, due) => fired.push([id, due]))
  return fired
}

describe('TimerWheel', () => {
  it('fires each id once when its slot comes due, in time order', () => {
    const w = new TimerWheel({ capacity: 10, now: T0 })
    w.schedule(1, T0 + 250)
    w.schedule(2, T0 + 120)
    w.schedule(3, T0 + 900)
    expect(w.size).toBe(3)
    expect(collect(w, T0 + 99)).toEqual([])
    expect(collect(w, T0 + 260)).toEqual([
      [2, T0 + 120],
      [1, T0 + 250],
    ])
    expect(collect(w, T0 + 300)).toEqual([])
    expect(collect(w, T0 + 1000)).toEqual([[3, T0 + 900]])
    expect(w.size).toBe(0)
  })

  it('rescheduling replaces the earlier time; cancel removes it', () => {
    const w = new TimerWheel({ capacity: 4, now: T0 })
    w.schedule(0, T0 + 100)
    w.schedule(0, T0 + 500)
    w.schedule(1, T0 + 100)
    w.cancel(1)
    expect(w.size).toBe(1)
    expect(collect(w, T0 + 200)).toEqual([])
    expect(collect(w, T0 + 600)).toEqual([[0, T0 + 500]])
    expect(w.dueAt(0)).toBe(0)
  })

  it('keeps entries more than one round ahead until their round', () => {
    const w = new TimerWheel({ capacity: 2, now: T0, slots: 8, resolutionMs: 100 })
    w.schedule(0, T0 + 2_550) // 25 slots ahead on an 8-slot wheel
    for (let t = T0; t < T0 + 2_500; t += 100) expect(collect(w, t)).toEqual([])
    expect(collect(w, T0 + 2_600)).toEqual([[0, T0 + 2_550]])
  })

  it('fires everything that came due during a long stall', () => {
    const w = new TimerWheel({ capacity: 100, now: T0, slots: 16 })
    for (let i = 0; i < 100; i++) w.schedule(i, T0 + i * 37)
    const fired = collect(w, T0 + 60_000)
    expect(fired.map(([id]) => id).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(w.size).toBe(0)
  })

  it('a time in the past fires on the next advance; what a handler schedules for now fires on the next tick', () => {
    const w = new TimerWheel({ capacity: 3, now: T0 })
    collect(w, T0 + 1000)
    w.schedule(0, T0) // already past
    const order: number[] = []
    w.advance(T0 + 1100, (id) => {
      order.push(id)
      if (id === 0) {
        w.schedule(1, T0 + 1100) // same slot: the next one
        w.schedule(2, T0 + 50_000)
      }
    })
    expect(order).toEqual([0])
    expect(collect(w, T0 + 1200)).toEqual([[1, T0 + 1100]])
    expect(w.dueAt(2)).toBe(T0 + 50_000)
  })

  it('a periodic id rescheduled from its own handler runs at its period (10k ids, 1 s)', () => {
    const n = 10_000
    const w = new TimerWheel({ capacity: n, now: T0 })
    for (let i = 0; i < n; i++) w.schedule(i, T0 + (i % 1000))
    let count = 0
    for (let t = T0; t < T0 + 10_000; t += 100) {
      w.advance(t, (id, due) => {
        count++
        w.schedule(id, due + 1000)
      })
    }
    // every id fires once per second: 10 s ≈ 10 × n (the last partial slot aside)
    expect(count).toBeGreaterThanOrEqual(9.8 * n)
    expect(count).toBeLessThanOrEqual(10 * n)
  })

  it('rejects ids outside its capacity', () => {
    const w = new TimerWheel({ capacity: 2 })
    expect(() => w.schedule(2, Date.now())).toThrow(RangeError)
  })
})
