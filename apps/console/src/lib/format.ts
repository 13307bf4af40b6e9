import dayjs from 'dayjs'

/** `2026-11-24 05:36:22` in the browser's time zone, or the placeholder for nothing. */
export function formatTime(value: Date | string | number | null | undefined, placeholder = '-'): string {
  if (value === null || value === undefined || value === '') return placeholder
  const d = dayjs(value)
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : placeholder
}

/** `2026-11-24 05:36:22.123` for logs, where milliseconds tell messages apart. */
export function formatTimeMs(value: Date | string | number | null | undefined, placeholder = '-'): string {
  if (value === null || value === undefined || value === '') return placeholder
  const d = dayjs(value)
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss.SSS') : placeholder
}

/** A property or parameter value as short text: strings as they are, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}
