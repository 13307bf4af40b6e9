import { loadConfig } from './env'
import { startNode } from './node'

// `npm start` / `pnpm dev` entry: one node; SIGINT/SIGTERM stop it gracefully (accepted messages are stored first).
let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (e) {
  console.error((e as Error).message)
  process.exit(2)
}
const node = await startNode(config).catch((e: Error) => {
  console.error(`IoT Ops could not start: ${e.message}`)
  process.exit(1)
})
if (node.bootstrap) {
  const b = node.bootstrap
  console.log(
    b.generated
      ? `\nFirst start: created the admin ${b.email} with the one-time password\n\n    ${b.password}\n\nSign in and change it; it is not shown again.\n`
      : `\nFirst start: created the admin ${b.email} (password from ADMIN_PASSWORD).\n`,
  )
}
const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST
console.log(
  `IoT Ops console: http://${host}:${node.httpPort}   MQTT: mqtt://${host}:${node.mqttPort} (WebSocket: ws://${host}:${node.httpPort}/mqtt)`,
)

let stopping = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return
    stopping = true
    node.log.info({ signal: sig }, 'stopping: draining the device pipeline')
    const force = setTimeout(() => process.exit(1), 30_000)
    force.unref()
    node.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
