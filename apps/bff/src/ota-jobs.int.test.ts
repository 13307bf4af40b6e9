// OTA batches end to end: real broker, real PostgreSQL, real devices (device-sdk) downloading from this node.
// Static batches with mixed versions and a failing device, offline devices, timeouts, retries, conflicts, dynamic
// matching, firmware/get, MQTT download, verification and the abort threshold.
import { createHash, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { computeSign } from '@iotops/alink'
import { Device, DeviceOta, type DeviceOtaOptions, type OtaUpgrade } from '@iotops/device-sdk'
import { devices as deviceService, otaAnalysis, otaJobs, otaStore, otaUpload, products } from '@iotops/services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningNode } from './node'
import { callOpenApi, createApiKey, eventually, seedSensorProduct, startTestNode, TEST_ACTOR } from './testing'

let node: RunningNode
let url: string
const open: Device[] = []

beforeAll(async () => {
  node = await startTestNode({ DEVICE_CONNECT_QPM: '1000' })
  url = `mqtt://127.0.0.1:${node.mqttPort}`
})
afterAll(async () => {
  await Promise.all(open.map((d) => d.close(true).catch(() => {})))
  await node?.close()
})

type Triple = { productKey: string; deviceName: string; deviceSecret: string }

async function product(n: number) {
  const p = await seedSensorProduct(node, n)
  return { productKey: p.productKey, devices: p.devices as Triple[] }
}

/** A package stored the way the package service stores one (file in the package store, digests computed). */
async function firmware(
  productKey: string,
  destVersion: string,
  o: { needVerify?: boolean; bytes?: Buffer; signMethod?: 'MD5' | 'SHA256'; module?: string; udi?: string } = {},
) {
  const bytes = o.bytes ?? Buffer.from(`firmware ${destVersion} ${randomUUID()}`.repeat(50))
  const id = randomUUID()
  const fileId = randomUUID()
  const name = `fw-${destVersion}.bin`
  const storageKey = `files/${fileId}/${name}`
  await otaStore.otaStorage().store.put(storageKey, Readable.from([bytes]))
  const md5 = createHash('md5').update(bytes).digest('hex')
  const method = o.signMethod ?? 'MD5'
  await node.db.prisma.otaFirmware.create({
    data: {
      id,
      firmwareId: `fw${randomUUID().replaceAll('-', '').slice(0, 18)}`,
      name: `pkg_${randomUUID().slice(0, 8)}`,
      productKey,
      module: o.module ?? 'default',
      destVersion,
      signMethod: method,
      needVerify: !!o.needVerify,
      status: o.needVerify ? 'UNVERIFIED' : 'NO_VERIFY',
      udi: o.udi,
      files: {
        create: [
          {
            id: fileId,
            name,
            size: BigInt(bytes.length),
            md5,
            sign: method === 'MD5' ? md5 : createHash('sha256').update(bytes).digest('hex'),
            storageKey,
          },
        ],
      },
    },
  })
  return { id, bytes }
}

async function connect(t: Triple, version?: string, opts: DeviceOtaOptions = {}) {
  const d = await Device.connect({ url, ...t })
  open.push(d)
  const ota = await DeviceOta.attach(d, opts)
  if (version) {
    await ota.reportVersion(version)
    await eventually(async () => {
      const r = await node.db.prisma.device.findFirst({ where: { productKey: t.productKey, deviceName: t.deviceName } })
      return (r?.firmware as Record<string, string>)?.default === version
    })
  }
  return { d, ota }
}

const notices = (ota: DeviceOta) => {
  const seen: OtaUpgrade[] = []
  ota.on('upgrade', (u: OtaUpgrade) => seen.push(u))
  return seen
}

const task = (jobId: string, deviceName: string) =>
  node.db.prisma.otaTask.findFirstOrThrow({ where: { job: { jobId }, deviceName } })
const job = (jobId: string) => node.db.prisma.otaJob.findUniqueOrThrow({ where: { jobId } })

describe('OTA batches through the real broker', () => {
  it('upgrades a static batch: source-version filter, QUEUED → NOTIFIED → IN_PROGRESS → SUCCEEDED, a failing download, the run log', async () => {
    const { productKey, devices } = await product(4)
    const fw = await firmware(productKey, '2.0', { udi: '{"ota_notice":"camera driver"}' })
    const [a, b, c, bad] = devices as [Triple, Triple, Triple, Triple]
    const A = await connect(a, '1.0')
    const B = await connect(b, '1.0')
    await connect(c, '0.9')
    const BAD = await connect(bad, '1.0', { fetch: async () => Promise.reject(new Error('network unreachable')) })
    A.ota.on('upgrade', (u: OtaUpgrade) => void A.ota.upgrade(u).catch(() => {}))
    const bNotices = notices(B.ota)
    BAD.ota.on('upgrade', (u: OtaUpgrade) => void BAD.ota.upgrade(u).catch(() => {}))

    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      srcVersions: ['1.0'],
      tags: [{ key: 'channel', value: 'beta' }],
    })
    // the device at 0.9 is not in the batch
    expect(j.total).toBe(3)
    expect(j.status).toBe('IN_PROGRESS')

    // B: told of the upgrade (NOTIFIED), reports progress (IN_PROGRESS), then the new version (SUCCEEDED)
    const u = await eventually(async () => bNotices[0], 8000)
    expect(u).toMatchObject({ version: '2.0', module: 'default', signMethod: 'MD5' })
    expect(u.raw.url).toMatch(/\/ota\/files\/.+Expires=.+Signature=/)
    expect(u.raw).toMatchObject({ size: fw.bytes.length, md5: createHash('md5').update(fw.bytes).digest('hex') })
    expect(u.extData).toEqual({ channel: 'beta', _package_udi: '{"ota_notice":"camera driver"}' })
    expect(u.raw.module).toBeUndefined()
    expect((await task(j.jobId, b.deviceName)).status).toBe('NOTIFIED')
    await B.ota.reportProgress(50, 'half way')
    await eventually(async () => (await task(j.jobId, b.deviceName)).status === 'IN_PROGRESS')
    expect(await task(j.jobId, b.deviceName)).toMatchObject({ progress: 50, progressDesc: 'half way' })
    const files = await B.ota.download(u)
    expect(Buffer.compare(files[0]!, fw.bytes)).toBe(0)
    await B.ota.reportVersion('2.0')

    await eventually(async () => (await job(j.jobId)).status === 'COMPLETED', 10_000)
    expect(await task(j.jobId, a.deviceName)).toMatchObject({ status: 'SUCCEEDED', srcVersion: '1.0', progress: 100 })
    expect(await task(j.jobId, b.deviceName)).toMatchObject({ status: 'SUCCEEDED' })
    expect(await task(j.jobId, bad.deviceName)).toMatchObject({ status: 'FAILED', failReason: 'download' })
    const detail = await otaJobs.jobDetail(node.db, j.jobId)
    expect(detail.counts).toEqual({ SUCCEEDED: 2, FAILED: 1 })
    expect(detail.failures).toEqual({ download: 1 })
    const dev = await node.db.prisma.device.findFirstOrThrow({ where: { productKey, deviceName: a.deviceName } })
    expect(dev.firmware).toEqual({ default: '2.0' })
    // the run log has the pushes and progress reports
    const { rows } = await node.db.pool.query<{ operation: string; n: string }>(
      `SELECT operation, count(*) AS n FROM run_log WHERE product_key = $1 AND biz_type = 'OTA' GROUP BY operation`,
      [productKey],
    )
    const ops = Object.fromEntries(rows.map((r) => [r.operation, Number(r.n)]))
    expect(ops.OTAFirmwarePush).toBe(3)
    expect(ops.OTAProgressReport).toBeGreaterThanOrEqual(4)
    // data analysis: the module's version distribution and the package's success rate by source version
    const dist = await otaAnalysis.distribution(node.db, { productKey, module: 'default' })
    expect(dist.versions).toEqual([
      { version: '2.0', devices: 2, percent: 50 },
      { version: '0.9', devices: 1, percent: 25 },
      { version: '1.0', devices: 1, percent: 25 },
    ])
    expect(dist.devices.total).toBe(4)
    const only = await otaAnalysis.distribution(node.db, { productKey, module: 'default', version: '0.9' })
    expect(only.devices.items).toEqual([{ deviceName: c.deviceName, version: '0.9' }])
    const an = await otaAnalysis.analysis(node.db, { firmwareId: fw.id, jobId: j.jobId })
    expect(an).toMatchObject({ destVersion: '2.0', succeeded: 2, failed: 1, successRate: 66.67 })
    expect(an.sources).toEqual([
      { srcVersion: '1.0', upgrades: 3, percent: 100, succeeded: 2, failed: 1, successRate: 66.67, failureRate: 33.33 },
    ])
    expect(an.failureReasons).toEqual([{ reason: 'download', count: 1, percent: 100 }])
  }, 30_000)

  it('keeps an offline device QUEUED (OFFLINE) and pushes when it connects', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '5.0')
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id })
    expect(j.counts).toEqual({ QUEUED: 1 })
    expect(j.queued).toEqual({ OFFLINE: 1 })
    await new Promise((r) => setTimeout(r, 1500))
    expect((await task(j.jobId, devices[0]!.deviceName)).status).toBe('QUEUED')
    const D = await connect(devices[0]!)
    const seen = notices(D.ota)
    await eventually(async () => seen[0], 8000)
    expect((await task(j.jobId, devices[0]!.deviceName)).status).toBe('NOTIFIED')
  }, 20_000)

  it('fails a task that does not finish within the timeout (from the first progress report), without retrying it', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '6.0')
    const D = await connect(devices[0]!, '5.0')
    const seen = notices(D.ota)
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      timeoutMinutes: 30,
      retryInterval: 0,
      maxRetries: 2,
    })
    await eventually(async () => seen[0], 8000)
    await D.ota.reportProgress(10)
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).status === 'IN_PROGRESS')
    // 31 minutes later…
    await node.db.pool.query(
      `UPDATE ota_task SET first_progress_at = now() - interval '31 minutes' WHERE job_id = $1`,
      [j.id],
    )
    const t = await eventually(async () => {
      const x = await task(j.jobId, devices[0]!.deviceName)
      return x.status === 'FAILED' && x
    }, 5000)
    expect(t).toMatchObject({ failReason: 'timeout', retries: 0, nextRetryAt: null })
    await new Promise((r) => setTimeout(r, 1500))
    expect(seen).toHaveLength(1)
  }, 20_000)

  it('retries a failed upgrade (status shown unchanged) and succeeds on the retry', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '7.0')
    const D = await connect(devices[0]!, '6.0')
    let attempts = 0
    D.ota.on('upgrade', (u: OtaUpgrade) => {
      attempts++
      if (attempts === 1) void D.ota.reportProgress(-3, 'md5 mismatch')
      else void D.ota.upgrade(u).catch(() => {})
    })
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id, retryInterval: 0, maxRetries: 1 })
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).status === 'SUCCEEDED', 10_000)
    expect(attempts).toBe(2)
    expect(await task(j.jobId, devices[0]!.deviceName)).toMatchObject({ retries: 1, failReason: null })
  }, 20_000)

  it('settles conflicts: a device in a running upgrade fails a new batch (conflict) unless it overwrites', async () => {
    const { productKey, devices } = await product(1)
    const dn = devices[0]!.deviceName
    const first = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '8.0')).id,
    })
    const second = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '8.1')).id,
    })
    expect(await task(second.jobId, dn)).toMatchObject({ status: 'FAILED', failReason: 'conflict' })
    expect((await task(first.jobId, dn)).status).toBe('QUEUED')
    const third = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '8.2')).id,
      overwrite: true,
    })
    expect((await task(third.jobId, dn)).status).toBe('QUEUED')
    expect((await task(first.jobId, dn)).status).toBe('CANCELED')
    // another module with multi-module upgrades runs beside it
    const mod = await node.db.prisma.otaModule.create({ data: { productKey, name: 'MCU' } })
    const fourth = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '1.1', { module: mod.name })).id,
      multiModule: true,
    })
    expect((await task(fourth.jobId, dn)).status).toBe('QUEUED')
  }, 20_000)

  it('matches a dynamic batch when a device later reports a source version', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '9.0')
    const D = await connect(devices[0]!, '8.8')
    const seen = notices(D.ota)
    const j = await otaJobs.createDynamicJob(node.db, TEST_ACTOR, { firmwareId: fw.id, srcVersions: ['8.9'] })
    expect(j.total).toBe(0)
    await expect(
      otaJobs.createDynamicJob(node.db, TEST_ACTOR, { firmwareId: fw.id, srcVersions: ['8.7'] }),
    ).rejects.toThrow(/already has a dynamic batch/)
    await D.ota.reportVersion('8.9')
    const u = await eventually(async () => seen[0], 8000)
    expect(u.version).toBe('9.0')
    expect(await task(j.jobId, devices[0]!.deviceName)).toMatchObject({ status: 'NOTIFIED', srcVersion: '8.9' })
    await D.ota.upgrade(u)
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).status === 'SUCCEEDED')
    // dynamic batches keep running until canceled
    expect((await job(j.jobId)).status).toBe('IN_PROGRESS')
  }, 20_000)

  it('answers thing/ota/firmware/get with the pending upgrade (no cloud push) or empty data, and downloads over MQTT', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '10.0', {
      bytes: Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)),
    })
    const D = await connect(devices[0]!, '9.0', { blockSize: 1024 })
    expect(await D.ota.requestFirmware()).toBeNull()
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      push: false,
      downloadProtocol: 'MQTT',
    })
    await new Promise((r) => setTimeout(r, 1200))
    expect((await task(j.jobId, devices[0]!.deviceName)).status).toBe('QUEUED')
    const u = await D.ota.requestFirmware()
    expect(u).toMatchObject({ version: '10.0', dProtocol: 'mqtt', streamFileId: 1 })
    expect(u!.raw.url).toBeUndefined()
    expect((await task(j.jobId, devices[0]!.deviceName)).status).toBe('NOTIFIED')
    const files = await D.ota.download(u!)
    expect(Buffer.compare(files[0]!, fw.bytes)).toBe(0)
    await D.ota.upgrade(u!)
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).status === 'SUCCEEDED')
  }, 20_000)

  it('verifies a package on test devices before batches may use it', async () => {
    const { productKey, devices } = await product(2)
    const fw = await firmware(productKey, '11.0', { needVerify: true })
    await expect(otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id })).rejects.toThrow(
      /must be verified/,
    )
    const D = await connect(devices[0]!, '10.0')
    D.ota.on('upgrade', (u: OtaUpgrade) => void D.ota.upgrade(u))
    const j = await otaJobs.createVerifyJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      deviceNames: [devices[0]!.deviceName],
      timeoutMinutes: 10,
    })
    expect((await node.db.prisma.otaFirmware.findUniqueOrThrow({ where: { id: fw.id } })).status).toBe('VERIFYING')
    await expect(otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id })).rejects.toThrow(/being verified/)
    await eventually(async () => (await job(j.jobId)).status === 'COMPLETED', 10_000)
    expect((await node.db.prisma.otaFirmware.findUniqueOrThrow({ where: { id: fw.id } })).status).toBe('VERIFIED')
    const s = await otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id })
    expect(s.total).toBe(1)
  }, 20_000)

  it('aborts a batch once failures pass the threshold, canceling what was not pushed', async () => {
    const { productKey, devices } = await product(5)
    const fw = await firmware(productKey, '12.0')
    for (const t of devices) {
      const D = await connect(t, '11.0')
      D.ota.on('upgrade', () => void D.ota.reportProgress(-4, 'flash write error'))
    }
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      rate: { mode: 'CONSTANT', perMinute: 60 },
      policy: { abort: { percent: 50, minExecuted: 2, reasons: [] }, rollback: true },
    })
    const done = await eventually(async () => {
      const x = await job(j.jobId)
      return x.status === 'ABORTED' && x
    }, 15_000)
    expect(done.reason).toMatch(
      /aborted: \d of \d executed upgrades failed, the limit is 50%; rollback: no device had upgraded/,
    )
    const detail = await otaJobs.jobDetail(node.db, j.jobId)
    expect(detail.failures.flash).toBeGreaterThanOrEqual(2)
    expect(detail.counts.CANCELED).toBeGreaterThanOrEqual(1)
    expect(detail.counts.SUCCEEDED ?? 0).toBe(0)
  }, 25_000)

  it('refuses contradictory or impossible batches with specific errors', async () => {
    const { productKey } = await product(1)
    const fw = await firmware(productKey, '13.0')
    await expect(
      otaJobs.createStaticJob(node.db, TEST_ACTOR, {
        firmwareId: fw.id,
        scope: 'SPECIFIC',
        deviceNames: ['no_such_dev'],
      }),
    ).rejects.toThrow(/not devices of product/)
    await expect(
      otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id, srcVersions: ['13.0'] }),
    ).rejects.toThrow(/may not include the package's own version/)
    await expect(otaJobs.createDynamicJob(node.db, TEST_ACTOR, { firmwareId: fw.id })).rejects.toThrow(
      /needs the source versions/,
    )
  })

  it('logs a malformed progress report with 1004, and fails an upgrade that reports an unexpected version', async () => {
    const { productKey, devices } = await product(1)
    const fw = await firmware(productKey, '14.0')
    const D = await connect(devices[0]!, '13.0')
    const seen = notices(D.ota)
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id })
    await eventually(async () => seen[0], 8000)
    await D.d.publish(
      `/ota/device/progress/${productKey}/${devices[0]!.deviceName}`,
      JSON.stringify({ id: '1', params: { step: '101', desc: 'x' } }),
      1,
    )
    const bad = await eventually(async () => {
      const r = await node.db.pool.query<{ code: number; content: string }>(
        `SELECT code, content FROM run_log WHERE product_key = $1 AND operation = 'OTAProgressReport' AND code = 1004`,
        [productKey],
      )
      return r.rows[0]
    })
    expect(bad.content).toMatch(/out of range/)
    await D.ota.reportProgress(30)
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).status === 'IN_PROGRESS')
    await D.ota.reportVersion('13.5')
    await eventually(async () => (await task(j.jobId, devices[0]!.deviceName)).failReason === 'version')
    expect((await task(j.jobId, devices[0]!.deviceName)).status).toBe('FAILED')
  }, 20_000)

  it('rolls out in waves: a breached gate pauses the batch, resume goes on with the next wave', async () => {
    const { productKey, devices } = await product(2)
    const fw = await firmware(productKey, '15.0')
    let n = 0
    for (const t of devices) {
      const D = await connect(t, '14.0')
      // the first device told fails, the second succeeds
      D.ota.on('upgrade', (u: OtaUpgrade) => {
        if (n++ === 0) void D.ota.reportProgress(-1, 'boot loop')
        else void D.ota.upgrade(u)
      })
    }
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      policy: { waves: [{ percent: 50, successAtLeast: 100, onBreach: 'PAUSE' }, { percent: 100 }] },
    })
    const paused = await eventually(async () => {
      const x = await job(j.jobId)
      return x.status === 'PAUSED' && x
    }, 10_000)
    expect(paused.reason).toMatch(/wave 1 \(50%\): success 0.0% is below 100%/)
    const detail = await otaJobs.jobDetail(node.db, j.jobId)
    expect(detail.counts).toEqual({ FAILED: 1, QUEUED: 1 })
    await otaJobs.resumeJob(node.db, TEST_ACTOR, { id: j.jobId })
    await eventually(async () => (await job(j.jobId)).status === 'COMPLETED', 10_000)
    expect((await otaJobs.jobDetail(node.db, j.jobId)).counts).toEqual({ FAILED: 1, SUCCEEDED: 1 })
  }, 25_000)

  it('serves the batch actions over the HTTP API (CreateOTAStaticUpgradeJob, QueryOTAJob, ListOTATaskByJob, CancelOTATaskByJob)', async () => {
    const key = await createApiKey(node)
    const call = async (action: string, params: object) => (await callOpenApi(node, action, params, key)).body
    const { productKey, devices } = await product(2)
    const fw = await firmware(productKey, '16.0')
    const { firmwareId } = await node.db.prisma.otaFirmware.findUniqueOrThrow({ where: { id: fw.id } })
    const created = await call('CreateOTAStaticUpgradeJob', {
      ProductKey: productKey,
      FirmwareId: firmwareId,
      TargetSelection: 'SPECIFIC',
      'TargetDeviceName.1': devices[0]!.deviceName,
      'TargetDeviceName.2': devices[1]!.deviceName,
      MaximumPerMinute: 100,
      RetryInterval: 10,
      RetryCount: 2,
      TimeoutInMinutes: 60,
      'Tag.1.Key': 'site',
      'Tag.1.Value': 'north',
    })
    expect(created).toMatchObject({ Success: true, Data: { JobStatus: 'IN_PROGRESS', TaskCount: 2 } })
    const q = await call('QueryOTAJob', { JobId: created.Data.JobId })
    expect(q.Data).toMatchObject({
      FirmwareId: firmwareId,
      TargetSelection: 'SPECIFIC',
      RetryInterval: 10,
      RetryCount: 2,
      MaximumPerMinute: 100,
      Tags: { OtaTagDTO: [{ Key: 'site', Value: 'north' }] },
    })
    const tasks = await call('ListOTATaskByJob', { JobId: created.Data.JobId })
    expect(tasks.Data.Total).toBe(2)
    expect(tasks.Data.Data.SimpleOTATaskInfo[0]).toMatchObject({ TaskStatus: 'QUEUED', DestVersion: '16.0' })
    const bad = await call('CreateOTAStaticUpgradeJob', {
      ProductKey: productKey,
      FirmwareId: firmwareId,
      RetryInterval: 60,
      RetryCount: 1,
      TimeoutInMinutes: 60,
    })
    expect(bad).toMatchObject({ Success: false, Code: 'InvalidParameter' })
    expect(bad.ErrorMessage).toMatch(/shorter than the upgrade timeout/)
    const canceled = await call('CancelOTATaskByJob', { JobId: created.Data.JobId, CancelQueuedTask: true })
    expect(canceled.Data).toEqual({ CanceledCount: 2 })
  }, 20_000)

  it('upgrades a sub-device through its gateway (sub-device topics on the gateway connection)', async () => {
    const gwp = await products.createProduct(node.db, TEST_ACTOR, {
      name: `OtaGw_${Date.now()}`,
      nodeType: 'GATEWAY',
      dataFormat: 'ALINK_JSON',
    })
    const gwDev = await deviceService.createDevice(node.db, TEST_ACTOR, { productKey: gwp.productKey })
    const { productKey, devices: subs } = await product(1)
    const sub = subs[0]!
    const gw = await Device.connect({ url, ...gwDev })
    open.push(gw)
    const ask = async (topic: string, method: string, params: unknown) => {
      await gw.client.subscribeAsync(`${topic}_reply`)
      const id = String(Math.floor(Math.random() * 1e9))
      const reply = new Promise<{ code: number }>((resolve) => {
        const on = (t: string, p: Buffer) => {
          if (t !== `${topic}_reply`) return
          const body = JSON.parse(p.toString())
          if (body.id === id) {
            gw.client.off('message', on)
            resolve(body)
          }
        }
        gw.client.on('message', on)
      })
      await gw.client.publishAsync(topic, JSON.stringify({ id, version: '1.0', params, method }), { qos: 1 })
      return reply
    }
    const p = {
      clientId: `${productKey}&${sub.deviceName}`,
      deviceName: sub.deviceName,
      productKey,
      timestamp: String(Date.now()),
    }
    const signed = { ...p, signMethod: 'hmacSha256', sign: computeSign(p, sub.deviceSecret, 'hmacsha256') }
    expect(
      (await ask(`/sys/${gwDev.productKey}/${gwDev.deviceName}/thing/topo/add`, 'thing.topo.add', [signed])).code,
    ).toBe(200)
    expect(
      (await ask(`/ext/session/${gwDev.productKey}/${gwDev.deviceName}/combine/login`, 'combine.login', signed)).code,
    ).toBe(200)
    const seen: { data?: { version?: string; url?: string } }[] = []
    await gw.client.subscribeAsync(`/ota/device/upgrade/${productKey}/${sub.deviceName}`, { qos: 1 })
    gw.client.on('message', (t: string, b: Buffer) => {
      if (t === `/ota/device/upgrade/${productKey}/${sub.deviceName}`) seen.push(JSON.parse(b.toString()))
    })
    const say = (kind: 'inform' | 'progress', params: object) =>
      gw.client.publishAsync(
        `/ota/device/${kind}/${productKey}/${sub.deviceName}`,
        JSON.stringify({ id: '1', params }),
        {
          qos: 1,
        },
      )
    await say('inform', { version: '1.0' })
    const fw = await firmware(productKey, '2.0')
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id, srcVersions: ['1.0'] })
    expect(j.total).toBe(1)
    const notice = await eventually(async () => seen[0], 8000)
    expect(notice.data?.version).toBe('2.0')
    await say('progress', { step: '60', desc: 'flashing the sub-device' })
    await eventually(async () => (await task(j.jobId, sub.deviceName)).status === 'IN_PROGRESS')
    await say('inform', { version: '2.0' })
    await eventually(async () => (await task(j.jobId, sub.deviceName)).status === 'SUCCEEDED')
  }, 20_000)

  it('waits for app confirmation (CONFIRM → ConfirmOTATask → pushed), starts a scheduled batch at its time, edits and cancels', async () => {
    const { productKey, devices } = await product(2)
    const D = await connect(devices[0]!, '16.0')
    const seen = notices(D.ota)
    const confirmJob = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '17.0')).id,
      scope: 'SPECIFIC',
      deviceNames: [devices[0]!.deviceName],
      needConfirm: true,
    })
    expect(confirmJob.counts).toEqual({ CONFIRM: 1 })
    await new Promise((r) => setTimeout(r, 1200))
    expect(seen).toHaveLength(0)
    const t = await task(confirmJob.jobId, devices[0]!.deviceName)
    expect(await otaJobs.confirmTasks(node.db, TEST_ACTOR, { taskIds: [t.taskId] })).toEqual({ confirmed: 1 })
    await eventually(async () => seen[0], 8000)
    // the rate's value changes, its mode does not
    await otaJobs.updateJob(node.db, TEST_ACTOR, { id: confirmJob.jobId, rate: { mode: 'CONSTANT', perMinute: 50 } })
    await expect(
      otaJobs.updateJob(node.db, TEST_ACTOR, {
        id: confirmJob.jobId,
        rate: { mode: 'VARIABLE', base: 10, factor: 2, max: 100, threshold: 10, by: 'PUSHED' },
      }),
    ).rejects.toThrow(/rate mode .* cannot change/)
    await expect(otaJobs.updateJob(node.db, TEST_ACTOR, { id: confirmJob.jobId, srcVersions: ['1'] })).rejects.toThrow(
      /only on dynamic batches/,
    )

    // scheduled: PLANNED with SCHEDULED tasks until the start time
    const start = new Date(Date.now() + 10 * 60_000)
    const planned = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '18.0')).id,
      scope: 'SPECIFIC',
      deviceNames: [devices[1]!.deviceName],
      scheduleStart: start,
    })
    expect(planned).toMatchObject({ status: 'PLANNED', queued: { SCHEDULED: 1 } })
    await node.db.pool.query(`UPDATE ota_job SET schedule_start = now() WHERE id = $1`, [planned.id])
    await eventually(async () => (await job(planned.jobId)).status === 'IN_PROGRESS')
    await eventually(async () => (await otaJobs.jobDetail(node.db, planned.jobId)).queued.OFFLINE === 1)
    await otaJobs.cancelJob(node.db, TEST_ACTOR, { id: planned.jobId })
    expect(await otaJobs.jobDetail(node.db, planned.jobId)).toMatchObject({
      status: 'CANCELED',
      counts: { CANCELED: 1 },
    })

    // a dynamic batch: new source versions bring in the devices at them now; cancel stops only the strategy
    const dyn = await otaJobs.createDynamicJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '19.0')).id,
      srcVersions: ['0.1'],
    })
    expect(dyn.total).toBe(0)
    const upd = await otaJobs.updateJob(node.db, TEST_ACTOR, { id: dyn.jobId, srcVersions: ['0.1', '16.0'] })
    expect(upd.total).toBe(1)
    expect(upd.counts).toEqual({ FAILED: 1 })
    expect(upd.failures).toEqual({ conflict: 1 })
    const canceled = await otaJobs.cancelJob(node.db, TEST_ACTOR, { id: dyn.jobId })
    expect(canceled.status).toBe('CANCELED')
  }, 25_000)

  it('targets the devices of an uploaded CSV list, after checking it (invalid names and invalid.csv)', async () => {
    const { productKey, devices } = await product(3)
    const upload = async (text: string) => {
      const bytes = Buffer.from(text)
      const u = await otaUpload.createUpload(node.db, TEST_ACTOR, { fileName: 'devices.csv', size: bytes.length })
      await otaUpload.writeChunk(node.db, u.uploadId, 0, Readable.from([bytes]), bytes.length)
      return u.uploadId
    }
    const names = devices.map((d) => d.deviceName)
    const bad = await upload(`deviceName\n${names[0]}\nno_such_device\n${names[0]}\n`)
    expect(await otaJobs.checkDeviceList(node.db, { productKey, uploadId: bad })).toEqual({
      total: 3,
      valid: 1,
      invalid: 2,
      invalidSample: ['no_such_device', names[0]],
    })
    const key = await createApiKey(node, 'VIEWER')
    const res = await fetch(
      `http://127.0.0.1:${node.httpPort}/api/ota/device-lists/${bad}/invalid.csv?productKey=${productKey}`,
      { headers: { authorization: `Bearer ${key}` } },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/csv/)
    expect(await res.text()).toBe(
      `deviceName,reason\r\nno_such_device,not a device of product ${productKey}\r\n${names[0]},listed more than once\r\n`,
    )
    const fw = await firmware(productKey, '20.0')
    await expect(
      otaJobs.createStaticJob(node.db, TEST_ACTOR, { firmwareId: fw.id, scope: 'SPECIFIC', deviceListUploadId: bad }),
    ).rejects.toThrow(/the device list has 2 invalid name\(s\)/)
    const good = await upload(`${names[1]}\r\n${names[2]}\r\n`)
    const j = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      scope: 'SPECIFIC',
      deviceListUploadId: good,
    })
    expect(j.total).toBe(2)
  }, 20_000)

  it('stores a burst of progress steps in group writes (last step wins), and lists a package’s devices across batches with CSV export and reported regions', async () => {
    const { productKey, devices } = await product(3)
    const [a, b, c] = devices as [Triple, Triple, Triple]
    await node.db.pool.query(
      `UPDATE device SET province = 'Zhejiang', city = CASE WHEN device_name = $2 THEN 'Ningbo' ELSE 'Hangzhou' END
       WHERE product_key = $1 AND device_name <> $3`,
      [productKey, a.deviceName, c.deviceName],
    )
    expect(await otaJobs.reportedRegions(node.db, { productKey })).toEqual([
      { kind: 'province', name: 'Zhejiang', province: null, devices: 2 },
      { kind: 'city', name: 'Hangzhou', province: 'Zhejiang', devices: 1 },
      { kind: 'city', name: 'Ningbo', province: 'Zhejiang', devices: 1 },
    ])
    // a device reports 20 steps without waiting: every one is acknowledged once stored, the task shows the last
    const { d } = await connect(a, '1.0')
    const fw = await firmware(productKey, '30.0')
    const first = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      scope: 'REGION',
      region: 'Ningbo',
    })
    expect(first.total).toBe(1)
    await eventually(async () => (await task(first.jobId, a.deviceName)).status === 'NOTIFIED')
    const topic = `/ota/device/progress/${productKey}/${a.deviceName}`
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        d.publish(topic, JSON.stringify({ id: String(i), params: { step: String((i + 1) * 4), desc: `s${i}` } }), 1),
      ),
    )
    expect(await task(first.jobId, a.deviceName)).toMatchObject({
      status: 'IN_PROGRESS',
      progress: 80,
      progressDesc: 's19',
    })
    await eventually(async () => {
      const { rows } = await node.db.pool.query(
        `SELECT 1 FROM run_log WHERE product_key = $1 AND operation = 'OTAProgressReport' AND code = 200
           AND content NOT LIKE '%no upgrade%'`,
        [productKey],
      )
      return rows.length === 20
    })
    const stats = node.hub.pipeline.ota.progressStats()
    expect(stats.writes).toBeLessThanOrEqual(stats.tasks)
    // a second batch of the package over the rest: the package's device list spans both
    const second = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: fw.id,
      scope: 'SPECIFIC',
      deviceNames: [b.deviceName, c.deviceName],
      push: false,
    })
    expect(second.total).toBe(2)
    const all = await otaJobs.listPackageTasks(node.db, { firmwareId: fw.id, pageSize: 10 })
    expect(all.total).toBe(3)
    expect(all.counts).toEqual({ IN_PROGRESS: 1, QUEUED: 2 })
    expect(new Set(all.items.map((t) => t.jobId))).toEqual(new Set([first.jobId, second.jobId]))
    expect(all.items.find((t) => t.deviceName === a.deviceName)).toMatchObject({ jobType: 'STATIC', progress: 80 })
    const queued = await otaJobs.listPackageTasks(node.db, { firmwareId: fw.id, status: 'QUEUED', pageSize: 1 })
    expect(queued).toMatchObject({ total: 2, page: 1, pageSize: 1 })
    expect(queued.items).toHaveLength(1)
    const one = await otaJobs.listPackageTasks(node.db, { firmwareId: fw.id, deviceName: b.deviceName })
    expect(one.items.map((t) => t.deviceName)).toEqual([b.deviceName])
    const key = await createApiKey(node, 'VIEWER')
    const csv = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${node.httpPort}/api/ota/packages/${fw.id}/devices.csv${q}`, {
        headers: { authorization: `Bearer ${key}` },
      })
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
    }
    const full = await csv('')
    expect(full.status).toBe(200)
    expect(full.type).toMatch(/text\/csv/)
    const lines = full.text.trim().split('\r\n')
    expect(lines[0]).toMatch(/^DeviceName,ProductKey,JobId,JobType,Module,SrcVersion,DestVersion,Status,/)
    expect(lines).toHaveLength(4)
    expect(lines.find((l) => l.startsWith(`${a.deviceName},`))).toContain(
      `,${first.jobId},STATIC,default,1.0,30.0,IN_PROGRESS,`,
    )
    const filtered = await csv(`?status=QUEUED&deviceName=${encodeURIComponent(c.deviceName)}`)
    expect(filtered.text.trim().split('\r\n')).toHaveLength(2)
    expect((await csv('?status=BOGUS')).status).toBe(400)
    expect((await fetch(`http://127.0.0.1:${node.httpPort}/api/ota/packages/${fw.id}/devices.csv`)).status).toBe(401)
    await expect(otaJobs.listPackageTasks(node.db, { firmwareId: 'fwnosuch' })).rejects.toThrow(
      /upgrade package fwnosuch/,
    )
  }, 30_000)

  it('creates a batch whose device is mid-upgrade elsewhere as a conflict even with overwrite (only pending tasks are replaced)', async () => {
    const { productKey, devices } = await product(2)
    const [a, b] = devices as [Triple, Triple]
    const running = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '40.0')).id,
    })
    await node.db.prisma.otaTask.updateMany({
      where: { job: { jobId: running.jobId }, deviceName: a.deviceName },
      data: { status: 'IN_PROGRESS' },
    })
    const next = await otaJobs.createStaticJob(node.db, TEST_ACTOR, {
      firmwareId: (await firmware(productKey, '41.0')).id,
      overwrite: true,
    })
    expect(await task(next.jobId, a.deviceName)).toMatchObject({ status: 'FAILED', failReason: 'conflict' })
    expect(await task(next.jobId, b.deviceName)).toMatchObject({ status: 'QUEUED', failReason: null })
    expect((await task(running.jobId, a.deviceName)).status).toBe('IN_PROGRESS')
    expect((await task(running.jobId, b.deviceName)).status).toBe('CANCELED')
    expect(next.counts).toEqual({ FAILED: 1, QUEUED: 1 })
  }, 20_000)
})
