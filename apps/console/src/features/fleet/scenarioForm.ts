import {
  FLEET_MAX_DEVICES,
  type TFleetScenario,
  type TFleetScenarioInput,
  type TGenerator,
  ZFleetScenario,
} from '@iotops/device-sdk/scenario'
import { type DataType, qualifyIdentifier, type ThingModel } from '@/lib/alink'

export type { TFleetScenario, TFleetScenarioInput }
export { FLEET_MAX_DEVICES, ZFleetScenario }

/** Generator kinds the settings form offers; `off` leaves the property out of the posts. */
export const FORM_KINDS = ['off', 'constant', 'random', 'sine', 'randomWalk', 'enum', 'bool'] as const
export type FormKind = (typeof FORM_KINDS)[number]

/** One property row of the settings form. */
export interface PropertyRow {
  identifier: string
  kind: FormKind | 'replay'
  min?: number
  max?: number
  decimals?: number
  periodSeconds?: number
  step?: number
  value?: string
  /** comma-separated */
  values?: string
  trueRatio?: number
}

export interface ScenarioFormValues {
  name: string
  count: number
  deviceNamePrefix: string
  intervalSeconds: number
  jitterPercent: number
  qos: 0 | 1
  rampUpPerSecond: number
  churnPerHour: number
  otaEnabled: boolean
  otaVersion: string
  otaSuccessPercent: number
  props: PropertyRow[]
  events: { identifier: string; probability: number }[]
}

/** Properties and events of every module, identifiers qualified as devices post them (`module:id` off default). */
export function modelFeatures(model: ThingModel | undefined) {
  const q = qualifyIdentifier
  const props: { identifier: string; name: string; dataType: DataType }[] = []
  const events: { identifier: string; name: string; params: { identifier: string; dataType: DataType }[] }[] = []
  for (const m of model?.modules ?? []) {
    for (const p of m.properties)
      props.push({ identifier: q(m.identifier, p.identifier), name: p.name, dataType: p.dataType })
    for (const e of m.events)
      events.push({ identifier: q(m.identifier, e.identifier), name: e.name, params: e.outputData })
  }
  return { props, events }
}

/** A sensible generator for a data type: random within its range, both booleans, any enum value. */
export function defaultGenerator(dt: DataType): TGenerator | null {
  switch (dt.type) {
    case 'int':
      return { kind: 'random', min: dt.specs.min, max: dt.specs.max, decimals: 0 }
    case 'float':
    case 'double':
      return { kind: 'random', min: dt.specs.min, max: dt.specs.max, decimals: 2 }
    case 'bool':
      return { kind: 'bool', trueRatio: 0.5 }
    case 'enum':
      return { kind: 'enum', values: Object.keys(dt.specs).map(Number) }
    case 'text':
      return { kind: 'constant', value: 'simulated' }
    default:
      return null
  }
}

/** A new scenario for a product: every scalar property generated, no events, defaults elsewhere. */
export function newScenario(model: ThingModel | undefined): TFleetScenario {
  const properties: Record<string, TGenerator> = {}
  for (const p of modelFeatures(model).props) {
    const g = defaultGenerator(p.dataType)
    if (g) properties[p.identifier] = g
  }
  return ZFleetScenario.parse({ count: 10, intervalMs: 5000, properties })
}

export function toFormValues(s: TFleetScenario, model: ThingModel | undefined): ScenarioFormValues {
  const { props, events } = modelFeatures(model)
  return {
    name: s.name ?? '',
    count: s.count,
    deviceNamePrefix: s.deviceNamePrefix,
    intervalSeconds: s.intervalMs / 1000,
    jitterPercent: Math.round(s.jitter * 100),
    qos: s.qos,
    rampUpPerSecond: s.rampUpPerSecond,
    churnPerHour: s.churn.disconnectsPerDevicePerHour,
    otaEnabled: s.ota.enabled,
    otaVersion: s.ota.version,
    otaSuccessPercent: Math.round(s.ota.successRatio * 100),
    props: props.map((p) => {
      const g = s.properties[p.identifier]
      if (!g) return { identifier: p.identifier, kind: 'off' }
      switch (g.kind) {
        case 'constant':
          return { identifier: p.identifier, kind: g.kind, value: String(g.value) }
        case 'enum':
          return { identifier: p.identifier, kind: g.kind, values: g.values.join(', ') }
        case 'bool':
          return { identifier: p.identifier, kind: g.kind, trueRatio: g.trueRatio }
        case 'replay':
          return { identifier: p.identifier, kind: 'replay' }
        default:
          return { identifier: p.identifier, ...g }
      }
    }),
    events: events.map((e) => ({
      identifier: e.identifier,
      probability: s.events.find((x) => x.identifier === e.identifier)?.probability ?? 0,
    })),
  }
}

const num = (v: string) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v.trim())

/**
 * The scenario document of the form's values, on top of `base` so what the form does not show (replay CSVs,
 * event parameters, reconnect delays, OTA details) is kept. Not validated: ZFleetScenario does that.
 */
export function fromFormValues(v: ScenarioFormValues, base: TFleetScenario, model: ThingModel | undefined) {
  const features = modelFeatures(model)
  const properties: Record<string, unknown> = {}
  for (const row of v.props ?? []) {
    if (row.kind === 'off') continue
    if (row.kind === 'replay') {
      properties[row.identifier] = base.properties[row.identifier]
      continue
    }
    const { identifier, kind } = row
    properties[identifier] =
      kind === 'constant'
        ? { kind, value: num(row.value ?? '') }
        : kind === 'enum'
          ? {
              kind,
              values: (row.values ?? '')
                .split(',')
                .filter((x) => x.trim() !== '')
                .map(num),
            }
          : kind === 'bool'
            ? { kind, trueRatio: row.trueRatio ?? 0.5 }
            : kind === 'sine'
              ? { kind, min: row.min, max: row.max, periodSeconds: row.periodSeconds ?? 60, decimals: row.decimals }
              : kind === 'randomWalk'
                ? { kind, min: row.min, max: row.max, step: row.step ?? 1, decimals: row.decimals }
                : { kind, min: row.min, max: row.max, decimals: row.decimals }
  }
  const events = (v.events ?? [])
    .filter((e) => e.probability > 0)
    .map((e) => {
      const kept = base.events.find((x) => x.identifier === e.identifier)
      const def = features.events.find((x) => x.identifier === e.identifier)
      const params: Record<string, TGenerator> = {}
      for (const p of def?.params ?? []) {
        const g = defaultGenerator(p.dataType)
        if (g) params[p.identifier] = g
      }
      return { identifier: e.identifier, probability: e.probability, params: kept?.params ?? params }
    })
  return {
    ...base,
    name: v.name,
    count: v.count,
    deviceNamePrefix: v.deviceNamePrefix,
    intervalMs: Math.round(v.intervalSeconds * 1000),
    jitter: v.jitterPercent / 100,
    qos: v.qos,
    rampUpPerSecond: v.rampUpPerSecond,
    properties,
    events,
    churn: { ...base.churn, disconnectsPerDevicePerHour: v.churnPerHour },
    ota: { ...base.ota, enabled: v.otaEnabled, version: v.otaVersion, successRatio: v.otaSuccessPercent / 100 },
  }
}

/** The first problem zod finds, as `path: message`. */
export function scenarioIssue(doc: unknown): string | null {
  const r = ZFleetScenario.safeParse(doc)
  if (r.success) return null
  const i = r.error.issues[0]!
  return i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message
}
