export { toCsv } from '@iotops/services/schemas'

/** Starts a download of text made in the browser. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8') {
  // the BOM makes spreadsheet programs read UTF-8 (CJK names) correctly
  const blob = new Blob([type.startsWith('text/csv') ? '\ufeff' : '', text], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** Starts a download of objects as newline-delimited JSON (one object a line; dates as ISO 8601). */
export function downloadNdjson(filename: string, objects: readonly object[]) {
  downloadText(filename, objects.map((o) => `${JSON.stringify(o)}\n`).join(''), 'application/x-ndjson;charset=utf-8')
}

/**
 * Device names from pasted text or an uploaded CSV: the first column of each line, trimmed, without blank lines,
 * a `DeviceName` header line, or duplicates.
 */
export function parseNameList(text: string): string[] {
  const seen = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const first =
      line
        .split(/[,;\t]/)[0]
        ?.trim()
        .replace(/^"(.*)"$/, '$1') ?? ''
    if (!first || first.toLowerCase() === 'devicename') continue
    seen.add(first)
  }
  return [...seen]
}
