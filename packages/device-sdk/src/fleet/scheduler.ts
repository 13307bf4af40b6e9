/**
 * A hashed timer wheel: one periodic tick serves every pending action of a fleet instead of a Node timer per
 * device. Ids are small integers (0 … capacity-1); each id has at most one pending time, and scheduling it
 * again replaces the earlier time. O(1) schedule and cancel; a tick visits only the slots that came due.
 *
 * Entries are stored as (id, due) pairs; an entry whose due time no longer matches the id's current one is
 * stale (rescheduled or cancelled) and is dropped when its slot comes round.
 */
export interface TimerWheelOptions {
  /** ids are 0 … capacity-1 */
  capacity: number
  /** width of a slot in ms (default 100) */
  resolutionMs?: number
  /** slots in the wheel (default 1024: one round ≈ 102 s at 100 ms) */
  slots?: number
  /** the wheel's start time (default Date.now()) */
  now?: number
}

export class TimerWheel {
  readonly resolutionMs: number
  private readonly slots: number
  private buckets: number[][]
  /** current due time per id; 0 = none */
  private readonly due: Float64Array
  /** the last absolute slot whose entries were fired */
  private processed: number
  private pendingCount = 0

  constructor(o: TimerWheelOptions) {
    this.resolutionMs = o.resolutionMs ?? 100
    this.slots = o.slots ?? 1024
    this.buckets = Array.from({ length: this.slots }, () => [])
    this.due = new Float64Array(o.capacity)
    this.processed = Math.floor((o.now ?? Date.now()) / this.resolutionMs) - 1
  }

  /** Ids with a pending time. */
  get size(): number {
    return this.pendingCount
  }

  /** When `id` is due (epoch ms), or 0. */
  dueAt(id: number): number {
    return this.due[id]!
  }

  /** Fires `id` at `at` (epoch ms), replacing any earlier schedule; a time already past fires on the next tick. */
  schedule(id: number, at: number): void {
    if (id < 0 || id >= this.due.length) throw new RangeError(`timer id ${id} is outside 0…${this.due.length - 1}`)
    // 0 means "none": keep a real time strictly positive
    const t = at > 0 ? at : 1
    if (this.due[id] === 0) this.pendingCount++
    this.due[id] = t
    const slot = Math.max(Math.floor(t / this.resolutionMs), this.processed + 1)
    this.buckets[slot % this.slots]!.push(id, t)
  }

  cancel(id: number): void {
    if (this.due[id] !== 0) {
      this.due[id] = 0
      this.pendingCount--
    }
  }

  /**
   * Fires, in time-slot order, every id due at or before `now`'s slot. `fire` may schedule again (the same or
   * other ids); what it schedules for a slot not yet visited in this call fires in this call too.
   */
  advance(now: number, fire: (id: number, due: number) => void): number {
    const target = Math.floor(now / this.resolutionMs)
    let fired = 0
    // after a long stall every slot is visited once, with `target` as the bound
    const first = Math.max(this.processed + 1, target - this.slots + 1)
    for (let s = first; s <= target; s++) {
      this.processed = s
      const i = s % this.slots
      const bucket = this.buckets[i]!
      if (bucket.length === 0) continue
      const keep: number[] = []
      this.buckets[i] = keep
      for (let k = 0; k < bucket.length; k += 2) {
        const id = bucket[k]!
        const due = bucket[k + 1]!
        if (this.due[id] !== due) continue // stale
        if (Math.floor(due / this.resolutionMs) > target) {
          keep.push(id, due) // a later round of the wheel
          continue
        }
        this.due[id] = 0
        this.pendingCount--
        fired++
        fire(id, due)
      }
    }
    if (this.processed < target) this.processed = target
    return fired
  }
}
