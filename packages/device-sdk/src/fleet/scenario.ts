/**
 * Fleet-simulation scenarios: what N virtual devices of a product do (issue 4). Pure (zod only, no node:
 * imports): the console's simulator forms import this module through `@iotops/device-sdk/scenario`.
 *
 * A scenario says how many devices connect and how fast (`rampUpPerSecond`), how often each posts its
 * properties (`intervalMs` ± `jitter`), where each property value comes from (a generator), which events fire
 * with which probability per tick, how often devices drop their connection (`churn`), and how they take part
 * in OTA upgrades (`ota`).
 */
import { z } from 'zod'

export const FLEET_MAX_DEVICES = 10_000
/** Device names are `<prefix><00001>`: the prefix leaves room for 5 digits within the 32-character limit. */
export const FLEET_NAME_DIGITS = 5

const IDENTIFIER = /^([A-Za-z0-9_]{1,30}:)?[A-Za-z0-9_]{1,50}$/
const identifier = (what: string) =>
  z.string().regex(IDENTIFIER, `${what} must be 1–50 letters, digits or _ (module:identifier in a custom module)`)

// ───────────────────────────── generators ─────────────────────────────

const finite = (what: string) => z.number({ message: `${what} must be a number` }).finite(`${what} must be finite`)
const decimals = z
  .number()
  .int('decimals must be a whole number')
  .min(0, 'decimals must be 0–6')
  .max(6, 'decimals must be 0–6')
  .optional()

const minMax = <T extends { min: number; max: number }>(v: T) => v.min <= v.max
const minMaxError = { message: 'min must not be greater than max', path: ['max'] }

export const ZConstantGenerator = z.object({
  kind: z.literal('constant'),
  /** booleans are sent as 1/0, the Alink form of a bool property */
  value: z.union([z.number().finite(), z.string().max(2048), z.boolean()], {
    message: 'a constant is a number, a string or a boolean',
  }),
})
export const ZRandomGenerator = z
  .object({
    kind: z.literal('random'),
    min: finite('min'),
    max: finite('max'),
    /** decimal places of the value (0 = whole numbers, for int properties); default 2 */
    decimals,
  })
  .refine(minMax, minMaxError)
export const ZSineGenerator = z
  .object({
    kind: z.literal('sine'),
    min: finite('min'),
    max: finite('max'),
    periodSeconds: z.number().positive('periodSeconds must be greater than 0').max(31_536_000),
    /** start each device at a random point of the wave instead of all in step */
    randomPhase: z.boolean().optional(),
    decimals,
  })
  .refine(minMax, minMaxError)
export const ZRandomWalkGenerator = z
  .object({
    kind: z.literal('randomWalk'),
    min: finite('min'),
    max: finite('max'),
    /** the largest change from one tick to the next */
    step: z.number().positive('step must be greater than 0'),
    /** first value; default: random in [min, max] per device */
    start: finite('start').optional(),
    decimals,
  })
  .refine(minMax, minMaxError)
  .refine((g) => g.start === undefined || (g.start >= g.min && g.start <= g.max), {
    message: 'start must be within [min, max]',
    path: ['start'],
  })
export const ZReplayGenerator = z
  .object({
    kind: z.literal('replay'),
    /** CSV text: a header row of identifiers, then one row per tick; the rows loop */
    csv: z.string().max(1_000_000, 'the CSV may have at most 1,000,000 characters'),
    /** the CSV column to read; default: the identifier of the property (or event parameter) */
    column: z.string().min(1).max(50).optional(),
  })
  .refine((g) => parseCsv(g.csv).rows.length > 0, {
    message: 'the CSV needs a header row of identifiers and at least one data row',
    path: ['csv'],
  })
export const ZEnumGenerator = z.object({
  kind: z.literal('enum'),
  /** one is picked at random each tick (for enum properties: the numeric keys) */
  values: z
    .array(z.union([z.number().finite(), z.string().max(2048)]))
    .min(1, 'give at least one value')
    .max(1000, 'at most 1000 values'),
})
export const ZBoolGenerator = z.object({
  kind: z.literal('bool'),
  /** share of ticks that send 1 (true); the rest send 0 */
  trueRatio: z.number().min(0, 'trueRatio must be 0–1').max(1, 'trueRatio must be 0–1'),
})

export const ZGenerator = z.discriminatedUnion(
  'kind',
  [
    ZConstantGenerator,
    ZRandomGenerator,
    ZSineGenerator,
    ZRandomWalkGenerator,
    ZReplayGenerator,
    ZEnumGenerator,
    ZBoolGenerator,
  ],
  { message: 'kind must be one of constant, random, sine, randomWalk, replay, enum, bool' },
)
export type TGenerator = z.infer<typeof ZGenerator>
export type GeneratorKind = TGenerator['kind']
export const GENERATOR_KINDS: readonly GeneratorKind[] = [
  'constant',
  'random',
  'sine',
  'randomWalk',
  'replay',
  'enum',
  'bool',
]

// ───────────────────────────── scenario ─────────────────────────────

export const ZFleetEvent = z.object({
  identifier: identifier('the event identifier'),
  /** chance that a device posts this event on a tick, 0–1 */
  probability: z.number().min(0, 'probability must be 0–1').max(1, 'probability must be 0–1'),
  /** output parameters of the event, each from a generator */
  params: z.record(z.string(), ZGenerator).default({}),
})
export type TFleetEvent = z.infer<typeof ZFleetEvent>

export const ZFleetChurn = z.object({
  /** random connection drops per device per hour (0 = none); each drop is a socket reset, not a DISCONNECT */
  disconnectsPerDevicePerHour: z
    .number()
    .min(0, 'disconnectsPerDevicePerHour must be 0–3600')
    .max(3600, 'disconnectsPerDevicePerHour must be 0–3600')
    .default(0),
  /** a dropped device reconnects after a random delay in [min, max] ms */
  reconnectAfterMs: z
    .object({
      min: z.number().int().min(0, 'reconnectAfterMs.min must be ≥ 0').max(3_600_000).default(1000),
      max: z.number().int().min(0, 'reconnectAfterMs.max must be ≥ 0').max(3_600_000).default(10_000),
    })
    .refine(minMax, minMaxError)
    .prefault({}),
})
export type TFleetChurn = z.infer<typeof ZFleetChurn>

/** Progress `step` codes of a failed upgrade, as the reference documents them. */
export const OTA_FAIL_STEPS = {
  '-1': 'upgrade failed',
  '-2': 'download failed',
  '-3': 'verification failed',
  '-4': 'flash failed',
} as const
export type OtaFailStep = -1 | -2 | -3 | -4

export const ZFleetOta = z.object({
  enabled: z.boolean().default(false),
  /** the firmware version each device reports after connecting */
  version: z
    .string()
    .min(1, 'version must have 1–64 characters')
    .max(64, 'version must have 1–64 characters')
    .default('1.0.0'),
  /** OTA module name; omitted = the default module (the whole firmware) */
  module: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'module: 1–64 letters, digits, _ . or -')
    .optional(),
  /** false: upgrade notices are ignored (devices that never upgrade) */
  acceptUpgrades: z.boolean().default(true),
  /** share of upgrades that succeed, 0–1; the others report `failStep` */
  successRatio: z.number().min(0, 'successRatio must be 0–1').max(1, 'successRatio must be 0–1').default(1),
  /** progress reports of a successful upgrade (e.g. 5 → 20, 40, 60, 80, 100) */
  steps: z.number().int().min(1, 'steps must be 1–20').max(20, 'steps must be 1–20').default(5),
  /** delay between progress reports; the reference recommends at most one report per 3 s */
  stepDelayMs: z.number().int().min(0).max(600_000, 'stepDelayMs must be at most 600000').default(3000),
  /** step code of a failure: -1 upgrade failed, -2 download failed, -3 verification failed, -4 flash failed */
  failStep: z
    .union([z.literal(-1), z.literal(-2), z.literal(-3), z.literal(-4)], {
      message: 'failStep must be -1, -2, -3 or -4',
    })
    .default(-1),
  /** download the firmware from the notice's URL and check its size and sign (off: pretend) */
  verifyFirmware: z.boolean().default(false),
})
export type TFleetOta = z.infer<typeof ZFleetOta>

export const ZFleetScenario = z
  .object({
    name: z.string().trim().min(1).max(64, 'a scenario name has at most 64 characters').optional(),
    description: z.string().max(500).optional(),
    count: z
      .number({ message: 'count must be a number' })
      .int('count must be a whole number')
      .min(1, `count must be 1–${FLEET_MAX_DEVICES}`)
      .max(FLEET_MAX_DEVICES, `count must be 1–${FLEET_MAX_DEVICES}`)
      .default(10),
    deviceNamePrefix: z
      .string()
      .regex(
        /^[A-Za-z0-9_\-@.:]{1,27}$/,
        'deviceNamePrefix must have 1–27 letters, digits or _ - @ . : (device names are <prefix><5 digits>)',
      )
      .default('sim_'),
    intervalMs: z
      .number()
      .int('intervalMs must be a whole number')
      .min(1000, 'intervalMs must be at least 1000 (one message per second per device)')
      .max(86_400_000, 'intervalMs must be at most 86400000 (one day)')
      .default(5000),
    /** each interval varies by up to ± jitter × intervalMs */
    jitter: z.number().min(0, 'jitter must be 0–1').max(1, 'jitter must be 0–1').default(0.1),
    qos: z.union([z.literal(0), z.literal(1)], { message: 'qos must be 0 or 1' }).default(1),
    /** new connections per second while the fleet starts */
    rampUpPerSecond: z
      .number()
      .int()
      .min(1, 'rampUpPerSecond must be 1–5000')
      .max(5000, 'rampUpPerSecond must be 1–5000')
      .default(100),
    /**
     * Devices post only once the whole fleet is connected (or the ramp-up time + 30 s has passed): connections
     * first, then message load. Off: each device starts posting as soon as it is connected.
     */
    postAfterRampUp: z.boolean().default(false),
    properties: z.record(z.string(), ZGenerator).default({}),
    events: z.array(ZFleetEvent).max(50, 'at most 50 events').default([]),
    churn: ZFleetChurn.prefault({}),
    ota: ZFleetOta.prefault({}),
    /** a `_reply` later than this counts as a timeout */
    replyTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** QoS 1 messages a device may have unacknowledged; a tick beyond that is skipped (and counted) */
    maxInflight: z.number().int().min(1).max(100).default(2),
    /**
     * CONNACK must arrive within this; a busy node answers late, and giving up early only adds retries to its
     * load (each abandoned CONNECT is still authenticated)
     */
    connectTimeoutMs: z
      .number()
      .int()
      .min(1000, 'connectTimeoutMs must be 1000–300000')
      .max(300_000, 'connectTimeoutMs must be 1000–300000')
      .default(30_000),
    keepaliveSeconds: z
      .number()
      .int()
      .min(30, 'keepaliveSeconds must be 30–1200')
      .max(1200, 'keepaliveSeconds must be 30–1200')
      .default(60),
  })
  .superRefine((s, ctx) => {
    // record keys are checked here: zod's own key error only says "Invalid key in record"
    const checkId = (id: string, what: string, path: (string | number)[]) => {
      if (!IDENTIFIER.test(id))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${what} "${id}" must be 1–50 letters, digits or _ (module:identifier in a custom module)`,
        })
    }
    for (const id of Object.keys(s.properties)) checkId(id, 'the property identifier', ['properties', id])
    s.events.forEach((e, i) => {
      for (const id of Object.keys(e.params)) checkId(id, 'the parameter identifier', ['events', i, 'params', id])
    })
    const checkReplay = (gen: TGenerator, id: string, path: (string | number)[]) => {
      if (gen.kind !== 'replay') return
      const column = gen.column ?? id
      const { header } = parseCsv(gen.csv)
      if (!header.includes(column))
        ctx.addIssue({
          code: 'custom',
          path: [...path, gen.column ? 'column' : 'csv'],
          message: `the CSV has no column "${column}" (columns: ${header.join(', ') || 'none'})`,
        })
    }
    for (const [id, gen] of Object.entries(s.properties)) checkReplay(gen, id, ['properties', id])
    s.events.forEach((e, i) => {
      for (const [id, gen] of Object.entries(e.params)) checkReplay(gen, id, ['events', i, 'params', id])
    })
    const seen = new Set<string>()
    s.events.forEach((e, i) => {
      if (seen.has(e.identifier))
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'identifier'],
          message: `the event ${e.identifier} is listed twice`,
        })
      seen.add(e.identifier)
    })
  })
export type TFleetScenario = z.infer<typeof ZFleetScenario>
/** What a form or a JSON file may give: every field with a default is optional. */
export type TFleetScenarioInput = z.input<typeof ZFleetScenario>

/** The name of the i-th (0-based) device of a scenario: `<prefix>00001`, `<prefix>00002`, … */
export function fleetDeviceName(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(FLEET_NAME_DIGITS, '0')}`
}

/** Chance that a connected device drops its connection on one tick. */
export function churnProbabilityPerTick(s: Pick<TFleetScenario, 'churn' | 'intervalMs'>): number {
  return Math.min(1, (s.churn.disconnectsPerDevicePerHour * s.intervalMs) / 3_600_000)
}

// ───────────────────────────── values ─────────────────────────────

/** A source of uniform random numbers in [0, 1); injected for deterministic tests. */
export type RandomSource = () => number

/** A small seeded PRNG (mulberry32) for reproducible runs and tests. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Per-device state of one generator: the random walk's current value, the sine's phase, the replay column. */
export interface GeneratorState {
  value: number
  phase: number
  column: string
}

export type GeneratorValue = number | string

/**
 * The state a device starts with for `gen`. `identifier` is the property (or event parameter) the generator
 * feeds: a replay without `column` reads the column of that name.
 */
export function initGeneratorState(gen: TGenerator, identifier: string, random: RandomSource = Math.random) {
  const st: GeneratorState = { value: 0, phase: 0, column: identifier }
  switch (gen.kind) {
    case 'randomWalk':
      st.value = gen.start ?? gen.min + random() * (gen.max - gen.min)
      break
    case 'sine':
      if (gen.randomPhase) st.phase = random() * 2 * Math.PI
      break
    case 'replay':
      st.column = gen.column ?? identifier
      break
  }
  return st
}

const round = (v: number, places: number | undefined) => {
  const f = 10 ** (places ?? 2)
  return Math.round(v * f) / f
}
const clamp = (v: number, min: number, max: number) => Math.min(Math.max(v, min), max)

/**
 * The value a generator yields on `tick` (0, 1, 2, … per device) at `now` (epoch ms). Random choices come from
 * `random`; with a seeded source the sequence is reproducible. `undefined`: no value on this tick (an empty
 * replay cell), the property is left out of the post.
 */
export function generatorValue(
  gen: TGenerator,
  state: GeneratorState,
  tick: number,
  now: number,
  random: RandomSource = Math.random,
): GeneratorValue | undefined {
  switch (gen.kind) {
    case 'constant':
      return typeof gen.value === 'boolean' ? (gen.value ? 1 : 0) : gen.value
    case 'random':
      return clamp(round(gen.min + random() * (gen.max - gen.min), gen.decimals), gen.min, gen.max)
    case 'sine': {
      const x = (2 * Math.PI * (now / 1000)) / gen.periodSeconds + state.phase
      const v = gen.min + ((gen.max - gen.min) * (1 + Math.sin(x))) / 2
      return clamp(round(v, gen.decimals), gen.min, gen.max)
    }
    case 'randomWalk': {
      state.value = clamp(state.value + (random() * 2 - 1) * gen.step, gen.min, gen.max)
      return clamp(round(state.value, gen.decimals), gen.min, gen.max)
    }
    case 'replay': {
      const table = parseCsv(gen.csv)
      const col = table.header.indexOf(state.column)
      if (col === -1 || table.rows.length === 0) return undefined
      return table.rows[tick % table.rows.length]![col]
    }
    case 'enum':
      return gen.values[Math.min(gen.values.length - 1, Math.floor(random() * gen.values.length))]
    case 'bool':
      return random() < gen.trueRatio ? 1 : 0
  }
}

// ───────────────────────────── CSV ─────────────────────────────

export interface CsvTable {
  header: string[]
  /** cells as numbers where they look like numbers, `undefined` where empty */
  rows: (GeneratorValue | undefined)[][]
}

const csvCache = new Map<string, CsvTable>()
const CSV_CACHE_MAX = 64

/**
 * Parses CSV text (comma-separated, `"…"` quoting with `""` for a quote, CRLF or LF). Memoised by text: every
 * device of a fleet replays the same parsed table.
 */
export function parseCsv(text: string): CsvTable {
  const hit = csvCache.get(text)
  if (hit) return hit
  const lines = splitCsv(text).filter((r) => r.some((c) => c.trim() !== ''))
  const header = (lines[0] ?? []).map((h) => h.trim())
  const rows = lines.slice(1).map((r) => header.map((_, i) => cell(r[i])))
  const table = { header, rows }
  if (csvCache.size >= CSV_CACHE_MAX) csvCache.delete(csvCache.keys().next().value!)
  csvCache.set(text, table)
  return table
}

function cell(raw: string | undefined): GeneratorValue | undefined {
  if (raw === undefined) return undefined
  const t = raw.trim()
  if (t === '') return undefined
  if (t === 'true') return 1
  if (t === 'false') return 0
  const n = Number(t)
  return Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? n : raw
}

function splitCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}
