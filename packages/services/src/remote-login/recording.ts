// Session recording in asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then
// one `[seconds, "o", text]` line per output chunk and `[seconds, "r", "COLSxROWS"]` on resize. Only the output
// stream is recorded: keystrokes (passwords typed at prompts) never are.
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'

export interface CastHeader {
  version: 2
  width: number
  height: number
  timestamp: number
  title?: string
  env?: Record<string, string>
}

/** The header line of a recording. */
export const castHeader = (h: Omit<CastHeader, 'version'>): string => `${JSON.stringify({ version: 2, ...h })}\n`

/** One event line; `t` in seconds since the start. */
export const castEvent = (t: number, kind: 'o' | 'r' | 'm', data: string): string =>
  `${JSON.stringify([Math.round(t * 1e6) / 1e6, kind, data])}\n`

/** Parses a recording (for tests and the player): header and events; malformed lines are an error. */
export function parseCast(text: string): { header: CastHeader; events: [number, string, string][] } {
  const lines = text.split('\n').filter((l) => l.length > 0)
  if (!lines.length) throw new Error('empty recording')
  const header = JSON.parse(lines[0] as string) as CastHeader
  if (header.version !== 2) throw new Error('not an asciicast v2 recording')
  const events = lines.slice(1).map((l, i) => {
    const e = JSON.parse(l) as unknown
    if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'number' || typeof e[1] !== 'string')
      throw new Error(`event ${i + 1} is malformed`)
    return e as [number, string, string]
  })
  return { header, events }
}

/** Where recordings live: DATA_DIR/recordings/ssh/<yyyy-mm-dd>/<sessionId>.cast (relative to DATA_DIR in the row). */
export const recordingRelPath = (sessionId: string, at: Date) =>
  path.join('recordings', 'ssh', at.toISOString().slice(0, 10), `${sessionId}.cast`)

/** Appends a session's output to its recording; UTF-8 sequences split across chunks are kept whole. */
export class CastRecorder {
  private out: WriteStream | null = null
  private readonly decoder = new StringDecoder('utf8')
  private readonly started = Date.now()
  bytes = 0

  static async open(file: string, header: Omit<CastHeader, 'version' | 'timestamp'>): Promise<CastRecorder> {
    await mkdir(path.dirname(file), { recursive: true })
    const r = new CastRecorder()
    r.out = createWriteStream(file, { flags: 'w', mode: 0o600 })
    r.out.on('error', () => {
      r.out = null
    })
    r.out.write(castHeader({ ...header, timestamp: Math.floor(r.started / 1000) }))
    return r
  }

  private get t() {
    return (Date.now() - this.started) / 1000
  }

  output(chunk: Buffer) {
    this.bytes += chunk.length
    const text = this.decoder.write(chunk)
    if (text) this.out?.write(castEvent(this.t, 'o', text))
  }

  resize(cols: number, rows: number) {
    this.out?.write(castEvent(this.t, 'r', `${cols}x${rows}`))
  }

  close(): Promise<void> {
    const rest = this.decoder.end()
    if (rest) this.out?.write(castEvent(this.t, 'o', rest))
    const out = this.out
    this.out = null
    return new Promise((resolve) => (out ? out.end(() => resolve()) : resolve()))
  }
}
