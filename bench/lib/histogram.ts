/**
 * A log-bucketed latency histogram (1 % relative precision, 1 µs … ~10 min) that merges across processes.
 * Values are recorded in milliseconds.
 */
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
const BUCKETS = Math.ceil(Math.log(600_000_000) / LOG_GROWTH) + 1 // µs up to 10 min

export class Histogram {
  readonly counts: Uint32Array
  count = 0
  sum = 0
  max = 0

  constructor(counts?: ArrayLike<number>) {
    this.counts = new Uint32Array(BUCKETS)
    if (counts) {
      for (let i = 0; i < BUCKETS; i++) {
        const c = counts[i] ?? 0
        this.counts[i] = c
        this.count += c
      }
    }
  }

  record(ms: number) {
    const us = Math.max(1, ms * 1000)
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(us) / LOG_GROWTH))
    this.counts[i]!++
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
  }

  merge(o: Histogram) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += o.counts[i]!
    this.count += o.count
    this.sum += o.sum
    this.max = Math.max(this.max, o.max)
  }

  /** The value (ms) below which `q` (0…1) of the samples fall; the bucket's upper bound. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN
    const target = Math.ceil(q * this.count)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!
      if (seen >= target) return Math.min(GROWTH ** (i + 1) / 1000, this.max)
    }
    return this.max
  }

  get mean(): number {
    return this.count ? this.sum / this.count : Number.NaN
  }

  /** A compact form for IPC: only the non-empty buckets. */
  toJSON(): SerializedHistogram {
    const buckets: [number, number][] = []
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]!])
    return { buckets, count: this.count, sum: this.sum, max: this.max }
  }

  static from(s: SerializedHistogram): Histogram {
    const h = new Histogram()
    for (const [i, c] of s.buckets) h.counts[i] = c
    h.count = s.count
    h.sum = s.sum
    h.max = s.max
    return h
  }
}

export interface SerializedHistogram {
  buckets: [number, number][]
  count: number
  sum: number
  max: number
}
