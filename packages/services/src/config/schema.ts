import { REMOTE_CONFIG_MAX_BYTES, REMOTE_CONFIG_QUERY_MAX_LENGTH } from '@iotops/alink/limits'
import { z } from 'zod'
import { ZProductKey } from '../products/schema'

// Pure zod: remote configuration (ref §9) and its targets. Nothing here may import I/O.

/**
 * Where a configuration applies. The reference has one configuration per product; we add two narrower targets.
 * Precedence for a device (the most specific wins): a device QUERY it matches > a GROUP it belongs to > the PRODUCT.
 * When several queries (or groups) match, the one saved most recently wins.
 */
export const CONFIG_SCOPES = ['PRODUCT', 'GROUP', 'QUERY'] as const
export type TConfigScope = (typeof CONFIG_SCOPES)[number]

/** UTF-8 size of a configuration text (what the 64 KB limit counts; works in the browser too). */
export const configBytes = (text: string) => new TextEncoder().encode(text).length

/** Why a configuration text cannot be saved, or null: JSON object/array, not empty, ≤ 64 KB. */
export function configProblem(text: string): { kind: 'empty' | 'tooLarge' | 'json'; message: string } | null {
  if (!text.trim()) return { kind: 'empty', message: 'the configuration is empty: write a JSON document' }
  const size = configBytes(text)
  if (size > REMOTE_CONFIG_MAX_BYTES)
    return {
      kind: 'tooLarge',
      message: `the configuration is ${size} bytes; the limit is ${REMOTE_CONFIG_MAX_BYTES} bytes (64 KB)`,
    }
  try {
    JSON.parse(text)
  } catch (e) {
    return { kind: 'json', message: `the configuration is not valid JSON: ${(e as Error).message}` }
  }
  return null
}

/** One clause of a device query: `deviceName=<pattern>` (`*` matches any characters) or `tag.<key>=<value>`. */
export type QueryClause = { field: 'deviceName'; pattern: string } | { field: 'tag'; key: string; value: string }

/**
 * Parses a device query: clauses joined by `&`, all of which must hold, e.g. `deviceName=sensor-*&tag.floor=3`.
 * Returns the clauses and the normalized text, or the problem.
 */
export function parseDeviceQuery(
  text: string,
): { ok: true; clauses: QueryClause[]; normalized: string } | { ok: false; message: string } {
  const t = text.trim()
  if (!t) return { ok: false, message: 'the device query is empty: e.g. deviceName=sensor-* or tag.floor=3' }
  if (t.length > REMOTE_CONFIG_QUERY_MAX_LENGTH)
    return { ok: false, message: `the device query is longer than ${REMOTE_CONFIG_QUERY_MAX_LENGTH} characters` }
  const clauses: QueryClause[] = []
  for (const part of t.split('&')) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(part)
    if (!m?.[2]) return { ok: false, message: `"${part.trim()}" is not a clause: write deviceName=… or tag.<key>=…` }
    const [, field, value] = m as unknown as [string, string, string]
    if (field === 'deviceName') {
      if (!/^[A-Za-z0-9_\-@.:*]{1,64}$/.test(value))
        return { ok: false, message: `deviceName=${value}: use device-name characters and * only` }
      clauses.push({ field: 'deviceName', pattern: value })
    } else if (field.startsWith('tag.') && /^[A-Za-z][A-Za-z0-9_]{1,29}$/.test(field.slice(4))) {
      clauses.push({ field: 'tag', key: field.slice(4), value })
    } else {
      return { ok: false, message: `unknown field "${field}": use deviceName or tag.<key>` }
    }
  }
  const normalized = clauses
    .map((c) => (c.field === 'deviceName' ? `deviceName=${c.pattern}` : `tag.${c.key}=${c.value}`))
    .join('&')
  return { ok: true, clauses, normalized }
}

/** Does a device match the query's clauses (all of them)? */
export function matchesQuery(
  clauses: QueryClause[],
  device: { deviceName: string; tags: Record<string, string> },
): boolean {
  return clauses.every((c) => {
    if (c.field === 'tag') return device.tags[c.key] === c.value
    const re = new RegExp(`^${c.pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`)
    return re.test(device.deviceName)
  })
}

export const ZConfigTarget = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('PRODUCT') }),
  z.object({ scope: z.literal('GROUP'), target: z.string().uuid('choose a device group') }),
  z.object({
    scope: z.literal('QUERY'),
    target: z.string().superRefine((v, ctx) => {
      const r = parseDeviceQuery(v)
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message })
    }),
  }),
])
export type TConfigTarget = z.infer<typeof ZConfigTarget>

export const ZConfigProductInput = z.object({ productKey: ZProductKey })

export const ZConfigTargetInput = z.object({ productKey: ZProductKey, target: ZConfigTarget })
export type TConfigTargetInput = z.infer<typeof ZConfigTargetInput>

export const ZSetConfigEnabledInput = z.object({ productKey: ZProductKey, enabled: z.boolean() })

export const ZSaveConfigInput = z.object({
  productKey: ZProductKey,
  target: ZConfigTarget,
  content: z.string().superRefine((v, ctx) => {
    const p = configProblem(v)
    if (p) ctx.addIssue({ code: 'custom', message: p.message })
  }),
})
export type TSaveConfigInput = z.infer<typeof ZSaveConfigInput>

export const ZPushConfigInput = z.object({
  productKey: ZProductKey,
  target: ZConfigTarget,
  /** the console's confirmation dialog was accepted */
  confirm: z.literal(true, { error: 'confirm the batch update' }),
})
export type TPushConfigInput = z.infer<typeof ZPushConfigInput>

export const ZConfigVersionInput = z.object({ configId: z.string().min(1).max(64) })
