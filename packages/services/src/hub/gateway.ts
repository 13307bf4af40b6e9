import { Codes, verifySign } from '@iotops/alink'
import { newTraceId } from '../ids'
import { BizType, logContent } from '../runlog/writer'
import type { DeviceHub, DeviceSession } from './hub'

/** What a gateway sends to prove it holds a sub-device's secret (topo add, combine login). */
interface SubSign {
  productKey?: unknown
  deviceName?: unknown
  clientId?: unknown
  timestamp?: unknown
  signMethod?: unknown
  sign?: unknown
}

type Outcome = { code: number; message: string; data?: unknown }
const ok = (data: unknown = {}): Outcome => ({ code: 200, message: 'success', data })
const fail = (code: number, message: string): Outcome => ({ code, message })

/**
 * Gateways and sub-devices [reference: gateway topology and sub-device login]: a gateway adds sub-devices to
 * its topology with their signatures, logs them in and out over its own connection, and publishes on their
 * topics. Sub-devices go offline with 1913 when their gateway does.
 */
export function createGateway(hub: DeviceHub) {
  async function findSub(pk: unknown, dn: unknown) {
    if (typeof pk !== 'string' || typeof dn !== 'string') return null
    return hub.db.prisma.device.findUnique({ where: { productKey_deviceName: { productKey: pk, deviceName: dn } } })
  }

  function checkSign(p: SubSign, secret: string): boolean {
    const method = String(p.signMethod ?? 'hmacmd5').toLowerCase()
    if (method !== 'hmacmd5' && method !== 'hmacsha1' && method !== 'hmacsha256') return false
    const params: Record<string, string> = {
      clientId: String(p.clientId ?? ''),
      deviceName: String(p.deviceName ?? ''),
      productKey: String(p.productKey ?? ''),
    }
    if (p.timestamp !== undefined) params.timestamp = String(p.timestamp)
    return typeof p.sign === 'string' && verifySign(params, secret, method, p.sign)
  }

  /** /thing/topo/add: params is a list of signed sub-devices. All or nothing. */
  async function topoAdd(gw: DeviceSession, params: unknown): Promise<Outcome> {
    if (gw.nodeType !== 'GATEWAY') return fail(460, 'only devices of a gateway product can add sub-devices')
    if (!Array.isArray(params) || params.length === 0)
      return fail(460, 'params must be a non-empty list of sub-devices')
    const subs = []
    for (const p of params as SubSign[]) {
      const d = await findSub(p.productKey, p.deviceName)
      if (!d) return fail(Codes.DEVICE_NOT_EXIST, `sub-device ${p.productKey}/${p.deviceName} does not exist`)
      if (d.id === gw.deviceId) return fail(6402, 'a gateway cannot be its own sub-device')
      if (d.gatewayId && d.gatewayId !== gw.deviceId)
        return fail(6619, `${d.productKey}/${d.deviceName} belongs to another gateway`)
      if (!checkSign(p, d.deviceSecret)) return fail(401, `the signature of ${d.productKey}/${d.deviceName} is wrong`)
      subs.push(d)
    }
    await hub.db.prisma.device.updateMany({
      where: { id: { in: subs.map((s) => s.id) } },
      data: { gatewayId: gw.deviceId },
    })
    return ok(subs.map((s) => ({ productKey: s.productKey, deviceName: s.deviceName })))
  }

  async function topoDelete(gw: DeviceSession, params: unknown): Promise<Outcome> {
    if (!Array.isArray(params)) return fail(460, 'params must be a list of {productKey, deviceName}')
    const removed = []
    for (const p of params as SubSign[]) {
      const d = await findSub(p.productKey, p.deviceName)
      if (!d || d.gatewayId !== gw.deviceId)
        return fail(6401, `${p.productKey}/${p.deviceName} is not a sub-device of this gateway`)
      await hub.db.prisma.device.update({ where: { id: d.id }, data: { gatewayId: null } })
      const key = `${d.productKey}/${d.deviceName}`
      const sub = gw.subDevices.get(key)
      if (sub) {
        gw.subDevices.delete(key)
        await offline(gw, sub, 200)
      }
      removed.push({ productKey: d.productKey, deviceName: d.deviceName })
    }
    return ok(removed)
  }

  async function topoGet(gw: DeviceSession): Promise<Outcome> {
    const subs = await hub.db.prisma.device.findMany({
      where: { gatewayId: gw.deviceId },
      select: { productKey: true, deviceName: true },
    })
    return ok(subs)
  }

  /** /ext/session/{pk}/{dn}/combine/login: params is one signed sub-device in the gateway's topology. */
  async function login(gw: DeviceSession, params: unknown): Promise<Outcome> {
    const p = (params ?? {}) as SubSign
    const d = await findSub(p.productKey, p.deviceName)
    if (!d) return fail(Codes.DEVICE_NOT_EXIST, `sub-device ${p.productKey}/${p.deviceName} does not exist`)
    if (d.gatewayId !== gw.deviceId)
      return fail(6401, 'add the sub-device to the gateway topology (thing/topo/add) first')
    if (d.disabled) return fail(Codes.DEVICE_DISABLED, 'the sub-device is disabled')
    if (!checkSign(p, d.deviceSecret)) return fail(Codes.SIGN_ERROR, 'the sub-device signature is wrong')
    const sub = { deviceId: d.id, productKey: d.productKey, deviceName: d.deviceName }
    gw.subDevices.set(`${d.productKey}/${d.deviceName}`, sub)
    const at = new Date()
    await hub.state.online({ ...gw, deviceId: d.id, connId: `${gw.connId}|${d.productKey}/${d.deviceName}` }, at)
    await hub.record({
      ts: at,
      productKey: d.productKey,
      deviceName: d.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Device,
      operation: 'online',
      code: 200,
      content: logContent({ Content: `online through gateway ${gw.productKey}/${gw.deviceName}` }),
    })
    hub.emit('status', { ...sub, status: 'ONLINE', code: 200, at })
    return ok({ productKey: d.productKey, deviceName: d.deviceName })
  }

  async function logout(gw: DeviceSession, params: unknown): Promise<Outcome> {
    const p = (params ?? {}) as SubSign
    const key = `${p.productKey}/${p.deviceName}`
    const sub = gw.subDevices.get(key)
    if (!sub) return fail(520, 'the sub-device is not logged in through this gateway')
    gw.subDevices.delete(key)
    await offline(gw, sub, 200)
    return ok({ productKey: sub.productKey, deviceName: sub.deviceName })
  }

  /** A sub-device going offline: logout (200), its gateway went offline (1913) or it was removed. */
  async function offline(
    gw: DeviceSession,
    sub: { deviceId: string; productKey: string; deviceName: string },
    code: number,
  ) {
    const at = new Date()
    await hub.db.pool.query(
      `UPDATE device SET status = 'OFFLINE', last_offline_at = $2 WHERE id = $1 AND status = 'ONLINE'`,
      [sub.deviceId, at],
    )
    await hub.record({
      ts: at,
      productKey: sub.productKey,
      deviceName: sub.deviceName,
      traceId: newTraceId(),
      messageId: null,
      bizType: BizType.Device,
      operation: 'offline',
      code,
      content: logContent({
        Content:
          code === Codes.GATEWAY_OFFLINE_SUB
            ? `offline: gateway ${gw.productKey}/${gw.deviceName} went offline`
            : 'offline: logged out',
      }),
    })
    hub.emit('status', { ...sub, status: 'OFFLINE', code, at })
  }

  /** The session a message on a logged-in sub-device's topic belongs to. */
  function sessionFor(gw: DeviceSession, productKey: string, deviceName: string): DeviceSession | null {
    if (productKey === gw.productKey && deviceName === gw.deviceName) return gw
    const sub = gw.subDevices.get(`${productKey}/${deviceName}`)
    if (!sub) return null
    return { ...gw, deviceId: sub.deviceId, productKey, deviceName, nodeType: 'SUB_DEVICE', subDevices: new Map() }
  }

  return { topoAdd, topoDelete, topoGet, login, logout, offline, sessionFor }
}
export type Gateway = ReturnType<typeof createGateway>
