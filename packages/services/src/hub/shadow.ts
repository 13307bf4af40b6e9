import { newTraceId } from '../ids'
import { BizType, logContent } from '../runlog/writer'
import type { DeviceHub, DeviceSession } from './hub'

type State = Record<string, unknown>

/**
 * The device shadow [reference: device shadow topics]: `/shadow/update/{pk}/{dn}` with
 * `{method: update|get|delete, state: {reported|desired}, version}`, answered on `/shadow/get/{pk}/{dn}`.
 * A version not above the stored one is refused (errorcode 402, version conflict).
 */
export function createShadow(hub: DeviceHub) {
  async function update(s: DeviceSession, text: string, traceId: string) {
    const topic = `/shadow/get/${s.productKey}/${s.deviceName}`
    const send = async (payload: object, version: number | undefined, code: number) => {
      const body = JSON.stringify({
        method: 'reply',
        payload,
        ...(version !== undefined ? { version } : {}),
        timestamp: Math.floor(Date.now() / 1000),
      })
      await hub.publish(topic, body, 0)
      await hub.record({
        productKey: s.productKey,
        deviceName: s.deviceName,
        traceId: traceId ?? newTraceId(),
        messageId: null,
        bizType: BizType.DeviceShadow,
        operation: 'update',
        code,
        content: logContent({ Content: body }),
      })
    }
    const error = (errorcode: string, errormessage: string) =>
      send({ status: 'error', content: { errorcode, errormessage } }, undefined, Number(errorcode))
    let body: { method?: unknown; state?: { reported?: State; desired?: State }; version?: unknown }
    try {
      body = JSON.parse(text)
    } catch {
      return error('400', 'the payload is not JSON')
    }
    const cur = await hub.db.prisma.deviceShadow.findUnique({ where: { deviceId: s.deviceId } })
    const reported = (cur?.reported ?? {}) as State
    const desired = (cur?.desired ?? {}) as State
    const version = cur?.version ?? 0
    if (body.method === 'get') {
      return send({ status: 'success', state: { reported, desired } }, version, 200)
    }
    if (body.method !== 'update' && body.method !== 'delete')
      return error('400', 'method must be update, get or delete')
    const v = body.version === undefined ? version + 1 : Number(body.version)
    if (!Number.isInteger(v) || v <= version)
      return error('402', `version conflict: the shadow is at version ${version}`)
    const next = { reported: { ...reported }, desired: { ...desired } }
    for (const part of ['reported', 'desired'] as const) {
      const change = body.state?.[part]
      if (change && typeof change === 'object') {
        for (const [k, val] of Object.entries(change)) {
          // "null" (delete) or null removes an attribute
          if (body.method === 'delete' || val === null || val === 'null') delete next[part][k]
          else next[part][k] = val
        }
      }
    }
    await hub.db.prisma.deviceShadow.upsert({
      where: { deviceId: s.deviceId },
      create: { deviceId: s.deviceId, reported: next.reported as object, desired: next.desired as object, version: v },
      update: { reported: next.reported as object, desired: next.desired as object, version: v },
    })
    return send({ status: 'success' }, v, 200)
  }
  return { update }
}
