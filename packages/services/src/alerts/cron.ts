// Pure: five-field cron expressions (minute hour day-of-month month day-of-week) and wall-clock parts in a
// time zone. Used by the scene engine's schedule triggers and time-window conditions, and by the console's form.

export interface CronSpec {
  minutes: Set<number>
  hours: Set<number>
  days: Set<number>
  months: Set<number>
  weekdays: Set<number>
  /** day-of-month / day-of-week given (not `*`): when both are, a day matching either counts (as in Vixie cron) */
  dayRestricted: boolean
  weekdayRestricted: boolean
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, base: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, base: 0 },
] as const

function parseField(text: string, f: (typeof FIELDS)[number]): Set<number> | string {
  const out = new Set<number>()
  const names = 'names' in f ? f.names : undefined
  const base = 'base' in f ? f.base : 0
  const num = (s: string): number | null => {
    if (/^\d+$/.test(s)) return Number(s)
    const i = names?.indexOf(s.toUpperCase() as never) ?? -1
    return i >= 0 ? i + base : null
  }
  for (const part of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part)
    if (!m) return `the ${f.name} field "${text}" is not valid`
    const step = m[2] !== undefined ? Number(m[2]) : 1
    if (step < 1) return `the ${f.name} field has a step of 0`
    let lo: number
    let hi: number
    if (m[1] === '*') {
      lo = f.min
      hi = f.name === 'day of week' ? 6 : f.max
    } else {
      const [a, b] = m[1]!.split('-')
      const x = num(a!)
      const y = b !== undefined ? num(b) : m[2] !== undefined ? f.max : x
      if (x === null || y === null) return `the ${f.name} field "${text}" is not valid`
      lo = x
      hi = y
    }
    if (lo < f.min || hi > f.max) return `the ${f.name} field allows ${f.min}–${f.max}`
    if (lo > hi) return `the ${f.name} range ${lo}-${hi} runs backwards`
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v)
  }
  return out
}

/** Parses `m h dom mon dow`; names (JAN, MON) and 7 for Sunday are accepted. */
export function parseCron(expr: string): { ok: true; spec: CronSpec } | { ok: false; error: string } {
  const parts = expr.trim().split(/\s+/)
  if (parts.length !== 5 || parts[0] === '')
    return { ok: false, error: 'a cron expression has five fields: minute hour day-of-month month day-of-week' }
  const sets: Set<number>[] = []
  for (let i = 0; i < 5; i++) {
    const r = parseField(parts[i]!, FIELDS[i]!)
    if (typeof r === 'string') return { ok: false, error: r }
    sets.push(r)
  }
  return {
    ok: true,
    spec: {
      minutes: sets[0]!,
      hours: sets[1]!,
      days: sets[2]!,
      months: sets[3]!,
      weekdays: sets[4]!,
      dayRestricted: parts[2] !== '*',
      weekdayRestricted: parts[4] !== '*',
    },
  }
}

export interface WallClock {
  minute: number
  hour: number
  day: number
  month: number
  /** 0 = Sunday */
  weekday: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock time of an instant in an IANA time zone. */
export function wallClock(at: Date | number, timeZone = 'UTC'): WallClock {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]))
  return {
    minute: Number(p.minute),
    hour: Number(p.hour) % 24,
    day: Number(p.day),
    month: Number(p.month),
    weekday: DAYS.indexOf(String(p.weekday).toUpperCase().slice(0, 3)),
  }
}

export function cronMatches(spec: CronSpec, c: WallClock): boolean {
  if (!spec.minutes.has(c.minute) || !spec.hours.has(c.hour) || !spec.months.has(c.month)) return false
  const dom = spec.days.has(c.day)
  const dow = spec.weekdays.has(c.weekday)
  if (spec.dayRestricted && spec.weekdayRestricted) return dom || dow
  return dom && dow
}

/** The next `n` minutes (as epoch ms, after `from`) the expression fires, looking at most a year ahead. */
export function nextRuns(expr: string, from: number, timeZone = 'UTC', n = 5): number[] {
  const r = parseCron(expr)
  if (!r.ok) return []
  const out: number[] = []
  let t = Math.floor(from / 60_000) * 60_000 + 60_000
  const end = from + 366 * 86_400_000
  while (t < end && out.length < n) {
    if (cronMatches(r.spec, wallClock(t, timeZone))) out.push(t)
    t += 60_000
  }
  return out
}

/** Whether an instant is inside a time window: `days` (0 = Sunday; empty = every day) and HH:mm from/to. */
export function inTimeWindow(
  w: { days: number[]; from: string; to: string; timezone: string },
  at: Date | number,
): boolean {
  const c = wallClock(at, w.timezone)
  const minutes = c.hour * 60 + c.minute
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5))
  const from = toMin(w.from)
  const to = toMin(w.to)
  if (from <= to) {
    if (w.days.length && !w.days.includes(c.weekday)) return false
    return minutes >= from && minutes <= to
  }
  // spans midnight: the part after midnight belongs to the previous day's window
  if (minutes >= from) return !w.days.length || w.days.includes(c.weekday)
  if (minutes <= to) return !w.days.length || w.days.includes((c.weekday + 6) % 7)
  return false
}
