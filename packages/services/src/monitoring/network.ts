import type { Db } from '@iotops/db'
import { deviceNotFound } from '../errors'
import { skipTake, type TPage } from '../paging'

/** One error kind a Wi-Fi device counted, from `err_stats` ("type,code,count;…", hexadecimal as devices send it). */
export interface NetworkError {
  type: string
  code: string
  count: number
}

export interface NetworkStatus {
  collectedAt: Date | null
  rssi: number | null
  snr: number | null
  /** packet loss, per mille */
  per: number | null
  errors: NetworkError[]
}

const num = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null

/**
 * The params of `thing.diag.post`: `{ p: { wifi: { rssi, snr, per, err_stats } }, time? }` — `time` (ms since the
 * epoch, here or in `p`) is when the device collected the figures; without it there is no collect time.
 */
export function parseNetworkStatus(
  params: unknown,
): { ok: true; status: NetworkStatus } | { ok: false; message: string } {
  const p = (
    params as { p?: { wifi?: Record<string, unknown>; time?: unknown; _time?: unknown }; time?: unknown } | null
  )?.p
  const wifi = p?.wifi
  if (!wifi || typeof wifi !== 'object')
    return { ok: false, message: 'params.p.wifi is required: {rssi, snr, per, err_stats}' }
  const rssi = num(wifi.rssi)
  const snr = num(wifi.snr)
  const per = num(wifi.per)
  if (wifi.rssi !== undefined && rssi === null)
    return { ok: false, message: 'params.p.wifi.rssi must be a number (dBm)' }
  if (wifi.snr !== undefined && snr === null) return { ok: false, message: 'params.p.wifi.snr must be a number (dB)' }
  if (wifi.per !== undefined && (per === null || per < 0 || per > 1000))
    return { ok: false, message: 'params.p.wifi.per must be a packet loss of 0–1000 per mille' }
  const errors: NetworkError[] = []
  if (wifi.err_stats !== undefined && wifi.err_stats !== '') {
    if (typeof wifi.err_stats !== 'string') return { ok: false, message: 'params.p.wifi.err_stats must be a string' }
    for (const item of wifi.err_stats.split(';').filter(Boolean)) {
      const [type, code, count] = item.split(',').map((x) => x.trim())
      const n = count !== undefined ? Number.parseInt(count, 16) : Number.NaN
      if (!type || !code || !Number.isFinite(n))
        return { ok: false, message: `params.p.wifi.err_stats: "${item}" is not "type,code,count"` }
      errors.push({ type, code, count: n })
    }
  }
  const t = num((params as { time?: unknown }).time ?? p?.time ?? p?._time)
  return { ok: true, status: { collectedAt: t !== null ? new Date(t) : null, rssi, snr, per, errors } }
}

export async function storeNetworkStatus(db: Db, deviceId: string, s: NetworkStatus, at: Date) {
  await db.prisma.deviceNetworkStatus.create({
    data: {
      deviceId,
      reportedAt: at,
      collectedAt: s.collectedAt,
      rssi: s.rssi,
      snr: s.snr,
      per: s.per,
      errors: s.errors as unknown as object,
    },
  })
}

/** A device's network status reports, newest first. */
export async function listNetworkStatus(
  db: Db,
  q: { productKey: string; deviceName: string; from: Date; to: Date } & TPage,
) {
  const d = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: q.productKey, deviceName: q.deviceName } },
  })
  if (!d) throw deviceNotFound(q)
  const where = { deviceId: d.id, reportedAt: { gte: q.from, lt: q.to } }
  const [rows, total] = await Promise.all([
    db.prisma.deviceNetworkStatus.findMany({ where, orderBy: { reportedAt: 'desc' }, ...skipTake(q) }),
    db.prisma.deviceNetworkStatus.count({ where }),
  ])
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      reportedAt: r.reportedAt,
      collectedAt: r.collectedAt,
      network: r.network,
      rssi: r.rssi,
      snr: r.snr,
      per: r.per,
      errors: r.errors as unknown as NetworkError[],
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  }
}
