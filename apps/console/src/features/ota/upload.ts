/**
 * Chunked, resumable upload of one package file through the node's upload endpoints:
 *
 *   POST /api/ota/uploads {fileName, size}            → {uploadId, chunkSize}
 *   PUT  /api/ota/uploads/{uploadId}?offset=N  (bytes) → {received, size}; wrong offset → 409 {received}
 *   GET  /api/ota/uploads/{uploadId}                   → {received, size}
 *
 * The file is sent one slice at a time (never read whole), so the progress is what the server has stored. A failed
 * chunk is retried a few times (asking the server where it stands first); if it keeps failing the upload stops in
 * the `failed` state and `resume()` continues from the server's offset. `cancel()` aborts the request in flight.
 */

export const UPLOAD_URL = '/api/ota/uploads'

export type UploadState = 'idle' | 'uploading' | 'failed' | 'done' | 'canceled'

export interface UploadSnapshot {
  state: UploadState
  received: number
  size: number
  uploadId?: string
  /** the server's message for a refused upload, or the network error */
  error?: string
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

export interface UploadOptions {
  fetch?: Fetch
  /** tries per chunk before the upload stops as failed (default 3) */
  attempts?: number
  /** delay before a retry in ms, multiplied by the attempt number (default 500) */
  backoffMs?: number
  onChange?: (snapshot: UploadSnapshot) => void
}

/** Something the server refused with a message: retrying the same request will not help. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
    this.name = 'UploadRefused'
  }
}

const HEADERS = { 'x-iotops-csrf': '1' }

async function messageOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '')
  try {
    const body = JSON.parse(text) as Record<string, unknown>
    const m = body.message ?? body.error ?? body.ErrorMessage
    if (typeof m === 'string' && m) return m
    if (m && typeof m === 'object' && typeof (m as { message?: unknown }).message === 'string')
      return (m as { message: string }).message
  } catch {
    // not JSON
  }
  return text.trim() || `HTTP ${res.status}`
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

export class ChunkedUpload {
  private snapshot: UploadSnapshot
  private controller: AbortController | null = null
  private chunkSize = 0
  private readonly fetch: Fetch
  private readonly attempts: number
  private readonly backoffMs: number

  constructor(
    readonly file: Blob & { name: string },
    private readonly options: UploadOptions = {},
  ) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.attempts = options.attempts ?? 3
    this.backoffMs = options.backoffMs ?? 500
    this.snapshot = { state: 'idle', received: 0, size: file.size }
  }

  get current(): UploadSnapshot {
    return this.snapshot
  }

  private set(patch: Partial<UploadSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch }
    this.options.onChange?.(this.snapshot)
  }

  /** Starts the upload (or resumes it after a failure); resolves with the upload id once every byte is stored. */
  async start(): Promise<string> {
    if (this.snapshot.state === 'uploading') throw new Error('already uploading')
    if (this.snapshot.state === 'done' && this.snapshot.uploadId) return this.snapshot.uploadId
    const controller = new AbortController()
    this.controller = controller
    this.set({ state: 'uploading', error: undefined })
    try {
      if (!this.snapshot.uploadId) await this.create(controller.signal)
      else await this.sync(controller.signal)
      await this.sendAll(controller.signal)
      this.set({ state: 'done' })
      return this.snapshot.uploadId as string
    } catch (error) {
      if (controller.signal.aborted) {
        this.set({ state: 'canceled' })
        throw new DOMException('canceled', 'AbortError')
      }
      this.set({ state: 'failed', error: error instanceof Error ? error.message : String(error) })
      throw error
    } finally {
      if (this.controller === controller) this.controller = null
    }
  }

  /** Continues a failed upload from what the server has. */
  resume(): Promise<string> {
    return this.start()
  }

  /** Stops the upload; the request in flight is aborted. */
  cancel() {
    if (this.controller) this.controller.abort()
    else if (this.snapshot.state !== 'done') this.set({ state: 'canceled' })
  }

  private async create(signal: AbortSignal) {
    const res = await this.fetch(UPLOAD_URL, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: this.file.name, size: this.file.size }),
      signal,
    })
    if (!res.ok) throw new UploadRefused(await messageOf(res), res.status)
    const body = (await res.json()) as { uploadId: string; chunkSize: number }
    this.chunkSize = body.chunkSize
    this.set({ uploadId: body.uploadId, received: 0 })
  }

  /** Asks the server how much it has (after a failure, or before resuming). */
  private async sync(signal: AbortSignal) {
    const res = await this.fetch(`${UPLOAD_URL}/${this.snapshot.uploadId}`, { headers: HEADERS, signal })
    if (!res.ok) throw new UploadRefused(await messageOf(res), res.status)
    const body = (await res.json()) as { received: number; chunkSize?: number }
    if (body.chunkSize) this.chunkSize = body.chunkSize
    this.set({ received: Number(body.received) })
  }

  private async sendAll(signal: AbortSignal) {
    // a resumed upload whose chunk size was never learnt (GET may not say): a safe size
    if (!this.chunkSize) this.chunkSize = 5 * 1024 * 1024
    let failures = 0
    while (this.snapshot.received < this.file.size) {
      const offset = this.snapshot.received
      const end = Math.min(offset + this.chunkSize, this.file.size)
      try {
        const res = await this.fetch(`${UPLOAD_URL}/${this.snapshot.uploadId}?offset=${offset}`, {
          method: 'PUT',
          headers: { ...HEADERS, 'content-type': 'application/octet-stream' },
          body: this.file.slice(offset, end),
          signal,
        })
        if (res.status === 409) {
          // the server has a different offset (e.g. a chunk whose answer was lost): continue from there
          const body = (await res.json()) as { received: number }
          this.set({ received: Number(body.received) })
          continue
        }
        if (res.status >= 400 && res.status < 500) throw new UploadRefused(await messageOf(res), res.status)
        if (!res.ok) throw new Error(await messageOf(res))
        const body = (await res.json()) as { received: number }
        this.set({ received: Number(body.received) })
        failures = 0
      } catch (error) {
        if (signal.aborted || error instanceof UploadRefused) throw error
        failures += 1
        if (failures >= this.attempts) throw error
        await sleep(this.backoffMs * failures, signal)
        await this.sync(signal).catch(() => {})
      }
    }
  }
}

/** Overall progress of several uploads in percent (0–100), by bytes. */
export function overallPercent(items: readonly { received: number; size: number }[]): number {
  const size = items.reduce((s, i) => s + i.size, 0)
  if (size === 0) return items.length ? 100 : 0
  return Math.floor((items.reduce((s, i) => s + Math.min(i.received, i.size), 0) / size) * 100)
}
