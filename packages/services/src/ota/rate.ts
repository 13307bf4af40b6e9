import type { TOtaRate } from './job-schema'

// Push rates of an upgrade batch (ref §8.2.3). Pure.

/**
 * Devices per minute once `count` devices have been pushed (or have succeeded, by the rate's `by`). A constant
 * rate never changes; a variable rate starts at `base` and is multiplied by `factor` each time another
 * `threshold` devices are reached, capped at `max` — the reference's worked example (base 50, factor 2,
 * threshold 1,000 pushed, max 10,000) gives 50 until 1,000, then 100, 200, … 6,400 until 8,000, then 10,000.
 */
export function ratePerMinute(rate: TOtaRate, count: number): number {
  if (rate.mode === 'CONSTANT') return rate.perMinute
  const steps = Math.floor(Math.max(0, count) / rate.threshold)
  // factor^steps overflows to Infinity for a long batch: the cap takes it
  const v = rate.base * rate.factor ** steps
  return Math.max(rate.base, Math.min(rate.max, Math.floor(v + 1e-9)))
}

/**
 * The push allowance of a batch as a token bucket: it fills at the rate (per minute, spread evenly) and holds at
 * most one tick's worth (at least one device), so extra ticks (a device coming online, a new batch) never push
 * faster than the rate.
 */
export function refill(tokens: number, perMinute: number, elapsedMs: number, tickMs: number): number {
  const cap = Math.max(1, (perMinute * tickMs) / 60_000)
  return Math.min(cap, tokens + (perMinute * Math.max(0, elapsedMs)) / 60_000)
}

/** Devices to push now: the whole tokens in the bucket, never more than what is left of the last 60 seconds' rate. */
export function pushBudget(perMinute: number, pushedLastMinute: number, tokens: number): number {
  return Math.max(0, Math.min(perMinute - pushedLastMinute, Math.floor(tokens + 1e-9)))
}

/**
 * The schedule a variable rate follows from 0 to `total` devices: `[{ from, perMinute }]`, one entry per change.
 * The console draws it; tests check it against the reference.
 */
export function rateSchedule(rate: TOtaRate, total: number): { from: number; perMinute: number }[] {
  const out: { from: number; perMinute: number }[] = [{ from: 0, perMinute: ratePerMinute(rate, 0) }]
  if (rate.mode === 'CONSTANT') return out
  for (let from = rate.threshold; from <= total; from += rate.threshold) {
    const r = ratePerMinute(rate, from)
    if (r !== out.at(-1)!.perMinute) out.push({ from, perMinute: r })
    if (r === rate.max) break
  }
  return out
}
