/**
 * The push schedule a rate setting produces, for the wizard's live explanation (ref §8.2.3 "可变速率", worked
 * example: base 50, factor 2, max 10,000, raise every 1,000 pushed devices → 50, 100, 200 … 6,400, then 10,000
 * because 12,800 is above the maximum).
 */

export interface VariableRate {
  base: number
  factor: number
  max: number
  threshold: number
}

export interface RateStep {
  /** devices per minute */
  rate: number
  /** pushed (or succeeded) devices when this rate starts */
  from: number
  /** when the next raise happens; undefined for the last step (the rate stays) */
  until?: number
  /** the raised rate was above the maximum and was capped */
  capped: boolean
}

/**
 * The rates the variable schedule goes through: each `threshold` devices the rate is multiplied by `factor` (rounded
 * down), until it reaches `max`, where it stays. At most `limit` steps are listed.
 */
export function variableSchedule({ base, factor, max, threshold }: VariableRate, limit = 12): RateStep[] {
  const steps: RateStep[] = []
  if (!(base > 0) || !(factor > 1) || !(max > 0) || !(threshold > 0)) return steps
  // the same arithmetic as the server's rate (services/ota/rate.ts ratePerMinute): base × factor^n, rounded down
  const at = (n: number) => Math.max(base, Math.min(max, Math.floor(base * factor ** n + 1e-9)))
  for (let n = 0; n < limit; n++) {
    const rate = at(n)
    const from = n * threshold
    if (rate >= max) {
      steps.push({ rate: max, from, capped: Math.floor(base * factor ** n + 1e-9) > max })
      break
    }
    steps.push({ rate, from, until: from + threshold, capped: false })
  }
  return steps
}

/** Minutes a constant rate needs for `devices` pushes (rounded up). */
export function constantMinutes(devices: number, perMinute: number): number {
  if (!(perMinute > 0) || devices <= 0) return 0
  return Math.ceil(devices / perMinute)
}
