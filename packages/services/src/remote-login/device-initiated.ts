// Device-initiated remote login: the device asks for its SSH channel itself on
// /sys/{pk}/{dn}/secure_tunnel/proxy/request, the platform opens (or renews) the device's remote-login tunnel and
// answers on …/proxy/request_reply; the tunnel's device-side credentials reach the agent on the notify topic, as
// for any tunnel. Once the agent holds the tunnel's WebSocket, remote login works even while the device's business
// MQTT connection is down (the relay, not MQTT, carries the sessions). See docs/API.md.
import { topics } from '@iotops/alink'
import type { Db } from '@iotops/db'
import type { Logger } from 'pino'
import type { Actor } from '../context'
import type { DeviceHub } from '../hub/hub'
import { closeReplacedTunnels, createTunnel, TunnelLimitReached } from '../tunnel/service'
import {
  closeRemoteLoginTunnels,
  REMOTE_LOGIN_PURPOSE,
  REMOTE_LOGIN_TUNNEL_OPEN_MS,
  recordRemoteLogin,
} from './service'

const REQUEST = /^\/sys\/([^/]+)\/([^/]+)\/secure_tunnel\/proxy\/request$/

interface Accepted {
  productKey: string
  deviceName: string
  topic: string
  payload: Buffer
}

/** Listens for the devices' requests; returns the function that stops listening. */
export function listenDeviceRequests(db: Db, hub: DeviceHub, log: Logger): () => void {
  // one request at a time per device: two at once would each keep a new tunnel
  const queues = new Map<string, Promise<void>>()
  const onAccepted = (m: Accepted) => {
    if (!REQUEST.test(m.topic)) return
    const k = `${m.productKey}/${m.deviceName}`
    const next = (queues.get(k) ?? Promise.resolve())
      .then(() => answer(db, hub, m))
      .catch((e) => log.warn({ err: e }, 'device remote-login request failed'))
      .finally(() => {
        if (queues.get(k) === next) queues.delete(k)
      })
    queues.set(k, next)
  }
  hub.on('accepted', onAccepted)
  return () => hub.off('accepted', onAccepted)
}

async function answer(db: Db, hub: DeviceHub, m: Accepted) {
  let id = ''
  const reply = (code: number, data: Record<string, unknown>, message?: string) =>
    hub.publish(`${m.topic}_reply`, JSON.stringify({ id, code, data, ...(message ? { message } : {}) }), 0)
  let body: { id?: unknown; params?: { service_types?: unknown } }
  try {
    body = JSON.parse(m.payload.toString('utf8'))
  } catch {
    return reply(460, {}, 'the request is not JSON')
  }
  id = typeof body.id === 'string' || typeof body.id === 'number' ? String(body.id) : ''
  const types = body.params?.service_types
  if (types !== undefined && !(Array.isArray(types) && types.includes('_SSH')))
    return reply(460, {}, 'only the _SSH service is offered for remote login')
  const ref = { productKey: m.productKey, deviceName: m.deviceName }
  const actor: Actor = { type: 'system', id: null, name: `device:${m.productKey}/${m.deviceName}`, role: 'OPERATOR' }
  const device = await db.prisma.device.findUnique({ where: { productKey_deviceName: ref } })
  if (!device) return
  // a renewal replaces the device's earlier remote-login tunnels: the new one is opened first (so a failure leaves
  // the device its working channel); then the old ones close — at once, or when their live SSH sessions end
  const input = {
    ...ref,
    description: 'remote login (device)',
    purpose: REMOTE_LOGIN_PURPOSE,
    openMs: REMOTE_LOGIN_TUNNEL_OPEN_MS,
  }
  try {
    const t = await createTunnel(db, hub, actor, input).catch(async (e) => {
      if (!(e instanceof TunnelLimitReached)) throw e
      // at the per-device tunnel limit: make room with the old remote-login tunnels (ending their sessions), then
      // try once more
      const closed = await closeRemoteLoginTunnels(db, hub, actor, device.id, 'replaced').catch(() => [])
      if (!closed.length) throw e
      return createTunnel(db, hub, actor, input)
    })
    await closeReplacedTunnels(db, hub, actor, { deviceId: device.id }).catch(() => undefined)
    await recordRemoteLogin(hub, ref, 'OpenConsoleSsh', 200, { caller: actor.name, TunnelId: t.tunnelId })
    await reply(200, {
      tunnel_id: t.tunnelId,
      notify_topic: topics.tunnelNotify(m.productKey, m.deviceName),
      expire_time: t.expiresAt.getTime(),
    })
  } catch (e) {
    const message = (e as Error).message
    await recordRemoteLogin(hub, ref, 'OpenConsoleSsh', 500, { caller: actor.name, Message: message })
    await reply(500, {}, message)
  }
}
