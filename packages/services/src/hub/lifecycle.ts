import type { StatusChange } from './hub'

const formatUtc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)

/**
 * The message body of a device going online or offline, as forwarding and server-side subscription hand it on (the
 * reference's lifecycle message on /as/mqtt/status/{productKey}/{deviceName}).
 */
export function lifecycleBody(c: StatusChange & { ip?: string | null }): string {
  return JSON.stringify({
    status: c.status === 'ONLINE' ? 'online' : 'offline',
    productKey: c.productKey,
    deviceName: c.deviceName,
    time: formatUtc(c.at.getTime()),
    utcTime: c.at.toISOString(),
    lastTime: formatUtc(c.at.getTime()),
    utcLastTime: c.at.toISOString(),
    clientIp: c.ip ?? '',
  })
}
