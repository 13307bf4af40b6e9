import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { freePort } from '@iotops/db'
import { otaStore } from '@iotops/services'
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { seedSensorProduct, signInHttp, startTestNode } from './testing'

// OTA packages in an S3-compatible bucket (OTA_S3_URL), against s3rver (a fake S3 server in Node) standing in for
// MinIO/S3. s3rver parses but does not check V4 signatures: the signer is checked against AWS's published
// examples in packages/services/src/ota/store.test.ts.

let s3: { close(): Promise<void> }
let s3Port: number
let dir: string
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'iotops-s3-'))
  s3Port = await freePort()
  const server = new S3rver({ port: s3Port, address: '127.0.0.1', silent: true, directory: path.join(dir, 's3') })
  await server.run()
  s3 = server
})
afterAll(async () => {
  await s3?.close()
  await fs.rm(dir, { recursive: true, force: true })
})

const url = (secret = 'S3RVER', bucket = 'ota-packages') => `http://S3RVER:${secret}@127.0.0.1:${s3Port}/${bucket}/pkgs`
const all = async (r: Readable) => {
  const parts: Buffer[] = []
  for await (const c of r) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

describe('[OTA] S3-compatible package store', () => {
  it('creates the bucket, streams objects in and out (with ranges), stats and deletes them', async () => {
    const store = new otaStore.S3Store(url())
    await store.ensureBucket()
    await store.ensureBucket()
    const bytes = randomBytes(300_000)
    const key = 'files/0b6f3f1e-8d1c-4d4e-9a57-0c1f2a3b4c5d/app (v2).tar.gz'
    expect(await store.put(key, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), bytes.length)).toEqual({
      size: bytes.length,
    })
    expect(await store.stat(key)).toEqual({ size: bytes.length })
    expect((await all(await store.get(key))).equals(bytes)).toBe(true)
    expect((await all(await store.get(key, { start: 10, end: 19 }))).equals(bytes.subarray(10, 20))).toBe(true)
    await store.delete(key)
    expect(await store.stat(key)).toBeNull()
  })

  it('a missing object: stat says null, get fails with the store’s error code', async () => {
    const store = new otaStore.S3Store(url())
    expect(await store.stat('files/none/a.bin')).toBeNull()
    await expect(store.get('files/none/a.bin')).rejects.toThrow(/HTTP 404 NoSuchKey/)
  })

  describe('a node with OTA_S3_URL', () => {
    let node: RunningNode
    beforeAll(async () => {
      node = await startTestNode({ DATA_DIR: path.join(dir, 'node'), OTA_S3_URL: url('S3RVER', 'node-bucket') })
    })
    afterAll(() => node?.close())

    it('keeps package files in the bucket and serves them through signed links', async () => {
      const s = await signInHttp(node)
      const pk = (await seedSensorProduct(node, 0)).productKey
      const base = `http://127.0.0.1:${node.httpPort}`
      const hdr = { cookie: s.cookie, 'x-iotops-csrf': '1' }
      const bytes = randomBytes(50_000)
      const up = (await (
        await fetch(`${base}/api/ota/uploads`, {
          method: 'POST',
          headers: { ...hdr, 'content-type': 'application/json' },
          body: JSON.stringify({ fileName: 's3.bin', size: bytes.length }),
        })
      ).json()) as { uploadId: string }
      await fetch(`${base}/api/ota/uploads/${up.uploadId}?offset=0`, {
        method: 'PUT',
        headers: hdr,
        body: new Uint8Array(bytes),
      })
      const fw = await s.call<{ files: { id: string; url: string; md5: string }[] }>(
        'ota.createFirmware',
        { name: `s3_${Date.now()}`, productKey: pk, destVersion: '1.0.1', files: [{ uploadId: up.uploadId }] },
        'mutation',
      )
      expect(fw.error).toBeUndefined()
      const file = fw.data!.files[0]!
      expect(file.md5).toBe(createHash('md5').update(bytes).digest('hex'))
      // in the bucket, not on the node's disk
      const inBucket = await new otaStore.S3Store(url('S3RVER', 'node-bucket')).stat(`files/${file.id}/s3.bin`)
      expect(inBucket).toEqual({ size: bytes.length })
      expect(await fs.readdir(path.join(dir, 'node', 'ota', 'files')).catch(() => [])).toEqual([])

      const dl = await fetch(file.url)
      expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true)
      const part = await fetch(file.url, { headers: { range: 'bytes=-100' } })
      expect(part.status).toBe(206)
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(-100))).toBe(true)
    })
  })
})
