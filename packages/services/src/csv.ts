/**
 * RFC 4180 CSV (CRLF line ends): fields with a comma, quote or line break are quoted, quotes doubled; a text field
 * starting with = + - @ gets a leading ' so spreadsheet programs do not run it as a formula (device names and device
 * texts end up in these files). The one CSV writer of the server and the console.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v)
    const safe = typeof v === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
  }
  return [header, ...rows].map((r) => `${r.map(cell).join(',')}\r\n`).join('')
}
