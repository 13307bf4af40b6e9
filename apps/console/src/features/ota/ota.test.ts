import { describe, expect, it } from 'vitest'
import { topWithOther } from './chart'
import { constantMinutes, variableSchedule } from './schedule'
import { ChunkedUpload, overallPercent, UploadRefused } from './upload'

describe('variableSchedule', () => {
  it('follows the reference worked example: 50 → 100 → … → 6,400, then capped at 10,000', () => {
    const steps = variableSchedule({ base: 50, factor: 2, max: 10_000, threshold: 1000 })
    expect(steps.map((s) => s.rate)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 6400, 10_000])
    expect(steps.map((s) => s.from)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000])
    expect(steps.at(-1)).toEqual({ rate: 10_000, from: 8000, capped: true })
    expect(steps[0]?.until).toBe(1000)
  })

  it('rounds fractional factors down and stops at an exact maximum without a cap', () => {
    expect(
      variableSchedule({ base: 10, factor: 1.5, max: 1000, threshold: 100 })
        .map((s) => s.rate)
        .slice(0, 4),
    ).toEqual([10, 15, 22, 33])
    const steps = variableSchedule({ base: 10, factor: 1.5, max: 22, threshold: 100 })
    expect(steps.map((s) => s.rate)).toEqual([10, 15, 22])
    expect(steps.at(-1)?.capped).toBe(false)
  })

  it('returns nothing for an incomplete setting', () => {
    expect(variableSchedule({ base: 0, factor: 2, max: 10, threshold: 1 })).toEqual([])
    expect(variableSchedule({ base: 1, factor: 1, max: 10, threshold: 1 })).toEqual([])
  })

  it('constant rate duration', () => {
    expect(constantMinutes(1001, 100)).toBe(11)
    expect(constantMinutes(0, 100)).toBe(0)
  })
})

/** An in-memory stand-in for the node's upload endpoints, with failures to inject. */
function fakeServer(opts: { chunkSize: number; failPuts?: number[]; refuse?: string }) {
  let received = 0
  let size = 0
  let puts = 0
  const bytes: number[] = []
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const fetch = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET'
    if (method === 'POST') {
      if (opts.refuse) return json(400, { message: opts.refuse })
      size = (JSON.parse(String(init?.body)) as { size: number }).size
      return json(200, { uploadId: 'u1', chunkSize: opts.chunkSize })
    }
    if (method === 'GET') return json(200, { received, size })
    puts += 1
    if (opts.failPuts?.includes(puts)) throw new TypeError('network down')
    const offset = Number(new URL(url, 'http://x').searchParams.get('offset'))
    if (offset !== received) return json(409, { received })
    const chunk = new Uint8Array(await ((init?.body as Blob | undefined) ?? new Blob()).arrayBuffer())
    bytes.push(...chunk)
    received += chunk.length
    return json(200, { received, size })
  }
  return { fetch, bytes: () => bytes, puts: () => puts }
}

function file(n: number) {
  return Object.assign(new Blob([new Uint8Array(n).map((_, i) => i % 251)]), { name: 'fw.bin' })
}

describe('ChunkedUpload', () => {
  it('sends the file in chunks and reports what the server stored', async () => {
    const server = fakeServer({ chunkSize: 4 })
    const seen: number[] = []
    const up = new ChunkedUpload(file(10), { fetch: server.fetch, onChange: (s) => seen.push(s.received) })
    await expect(up.start()).resolves.toBe('u1')
    expect(server.bytes()).toEqual([...new Uint8Array(10).map((_, i) => i % 251)])
    expect(server.puts()).toBe(3)
    expect(up.current.state).toBe('done')
    expect(seen).toContain(4)
    expect(seen).toContain(8)
  })

  it('retries a failed chunk from the server offset', async () => {
    const server = fakeServer({ chunkSize: 4, failPuts: [2] })
    const up = new ChunkedUpload(file(10), { fetch: server.fetch, backoffMs: 1 })
    await up.start()
    expect(server.bytes().length).toBe(10)
  })

  it('stops as failed when a chunk keeps failing, and resume continues where the server is', async () => {
    const server = fakeServer({ chunkSize: 4, failPuts: [2, 3] })
    const up = new ChunkedUpload(file(10), { fetch: server.fetch, attempts: 2, backoffMs: 1 })
    await expect(up.start()).rejects.toThrow('network down')
    expect(up.current).toMatchObject({ state: 'failed', received: 4, error: 'network down' })
    await expect(up.resume()).resolves.toBe('u1')
    expect(server.bytes().length).toBe(10)
    expect(up.current.state).toBe('done')
  })

  it('shows the server message of a refused upload and does not retry it', async () => {
    const server = fakeServer({ chunkSize: 4, refuse: 'Only .bin … files are accepted' })
    const up = new ChunkedUpload(file(10), { fetch: server.fetch })
    await expect(up.start()).rejects.toBeInstanceOf(UploadRefused)
    expect(up.current).toMatchObject({ state: 'failed', error: 'Only .bin … files are accepted' })
  })

  it('cancel stops the upload', async () => {
    const server = fakeServer({ chunkSize: 2 })
    const up = new ChunkedUpload(file(10), {
      fetch: async (u, i) => {
        const r = await server.fetch(u, i)
        if (server.puts() === 2) up.cancel()
        if (i?.signal?.aborted) throw i.signal.reason
        return r
      },
    })
    await expect(up.start()).rejects.toThrow('canceled')
    expect(up.current.state).toBe('canceled')
    expect(server.bytes().length).toBeLessThan(10)
  })

  it('overall percent weighs files by size', () => {
    expect(overallPercent([])).toBe(0)
    expect(
      overallPercent([
        { received: 50, size: 100 },
        { received: 300, size: 300 },
      ]),
    ).toBe(87)
  })
})

describe('topWithOther', () => {
  const merge = (rest: readonly number[]) => rest.reduce((a, b) => a + b, 0)
  it('keeps up to n + 1 items as they are (no "other" of a single item)', () => {
    expect(topWithOther([5, 4, 3, 2, 1, 1], 5, merge)).toEqual([5, 4, 3, 2, 1, 1])
  })
  it('merges the rest past the top n', () => {
    expect(topWithOther([9, 8, 7, 6, 5, 4, 3], 5, merge)).toEqual([9, 8, 7, 6, 5, 7])
  })
})
