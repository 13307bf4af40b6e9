import type { TFunction } from '@/i18n/I18nProvider'
import { formatTimeMs } from '@/lib/format'
import { isBizType } from './query'

/** A business type as the reference shows it: the localized name with the English one, e.g. `上行消息 (uplink)`. */
export function bizTypeLabel(t: TFunction, bizType: string): string {
  return isBizType(bizType) ? `${t(`logs.bizTypes.${bizType}`)} (${bizType})` : bizType
}

/** JSON text inside JSON (the run log's `Content` is the message as sent) parsed too, so it prints as a tree. */
function expand(value: unknown): unknown {
  if (typeof value === 'string') {
    const s = value.trim()
    if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'))) {
      try {
        return expand(JSON.parse(s))
      } catch {
        return value
      }
    }
    return value
  }
  if (Array.isArray(value)) return value.map(expand)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]))
  return value
}

/** The content pretty-printed when it is JSON, else as it is. */
export function prettyContent(content: string): string {
  try {
    return JSON.stringify(expand(JSON.parse(content)), null, 2)
  } catch {
    return content
  }
}

/** The content on one line, JSON text inside JSON unescaped (`{"Content":{"id":"1",…}}`), for narrow log lists. */
export function compactContent(content: string): string {
  try {
    return JSON.stringify(expand(JSON.parse(content)))
  } catch {
    return content
  }
}

/** A log time to the millisecond, on one line. */
export function TimeCell({ value }: { value: Date | string | null | undefined }) {
  return (
    <span className="mono" style={{ whiteSpace: 'nowrap' }}>
      {formatTimeMs(value)}
    </span>
  )
}
