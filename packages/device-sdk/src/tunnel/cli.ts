// iotops-agent: the device-side tunnel agent as a program a Linux device runs.
//   iotops-agent --product-key PK --device-name DN --device-secret SECRET --mqtt mqtt://host:1883 \
//     [--service _SSH=127.0.0.1:22]… [--reconnect-ms 1000] [--remote-login]
// Secrets can come from the environment instead (IOTOPS_DEVICE_SECRET), so they stay out of `ps`.
import { parseArgs } from 'node:util'
import { Device } from '../device'
import { type AgentEvent, DEFAULT_SERVICES, type LocalService, parseServiceMapping, TunnelAgent } from './agent'

const USAGE = `usage: iotops-agent --product-key PK --device-name DN --device-secret SECRET --mqtt mqtt://host:port
                    [--service NAME=host:port]... [--reconnect-ms 1000] [--remote-login]
  --service   maps a session's service_type to a local TCP service (default _SSH=127.0.0.1:22); repeat for more
  --remote-login  device-initiated remote login: ask for the SSH channel on start and renew it daily, so remote
                  login keeps working while MQTT is down
  the device secret may be given as IOTOPS_DEVICE_SECRET instead of --device-secret`

export async function main(argv: string[], env: { IOTOPS_DEVICE_SECRET?: string } = {}): Promise<number> {
  let values: Record<string, string | string[] | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        'product-key': { type: 'string' },
        'device-name': { type: 'string' },
        'device-secret': { type: 'string' },
        mqtt: { type: 'string' },
        service: { type: 'string', multiple: true },
        'reconnect-ms': { type: 'string' },
        'remote-login': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const productKey = values['product-key'] as string | undefined
  const deviceName = values['device-name'] as string | undefined
  const deviceSecret = (values['device-secret'] as string | undefined) ?? env.IOTOPS_DEVICE_SECRET
  const url = values.mqtt as string | undefined
  if (!productKey || !deviceName || !deviceSecret || !url) {
    console.error(
      `missing ${[!productKey && '--product-key', !deviceName && '--device-name', !deviceSecret && '--device-secret', !url && '--mqtt'].filter(Boolean).join(', ')}\n${USAGE}`,
    )
    return 2
  }
  let services: Record<string, LocalService> = DEFAULT_SERVICES
  try {
    const list = (values.service as string[] | undefined) ?? []
    if (list.length) services = Object.fromEntries(list.map(parseServiceMapping))
  } catch (e) {
    console.error((e as Error).message)
    return 2
  }
  const reconnectPeriod = Number(values['reconnect-ms'] ?? 1000)
  const log = (msg: string, fields: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }))

  const device = await Device.connect({ url, productKey, deviceName, deviceSecret, reconnectPeriod })
  device.client.on('reconnect', () => log('mqtt reconnecting'))
  device.client.on('connect', () => log('mqtt connected'))
  const agent = new TunnelAgent(device, {
    services,
    reconnectDelayMs: reconnectPeriod,
    remoteLogin: values['remote-login'] === true,
  })
  agent.on('event', (e: AgentEvent) => log(e.type, { ...e, type: undefined }))
  await agent.start()
  log('agent ready', { productKey, deviceName, services: Object.keys(services) })

  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  log('stopping')
  await agent.stop()
  await device.client.endAsync()
  return 0
}
