// pnpm iotops <command> — operator tasks against the node's database (the embedded one in DATA_DIR, shared
// with a running node, or DATABASE_URL).
import { parseArgs } from 'node:util'
import { createDb, type Db, ensurePartitions, migrate, startEmbeddedPostgres } from '@iotops/db'
import { auth, devices, products, SYSTEM_ACTOR } from '@iotops/services'
import { ZCreateApiKeyInput, ZCreateUserInput } from '@iotops/services/schemas'
import { ZodError } from 'zod'
import { DEMO_TSL } from './demo'
import { loadConfig } from './env'
import { FLEET_USAGE, runFleetCli } from './fleet-cli'

const USAGE = `usage: pnpm iotops <command>
  admin create --email E --password P [--name N]   create an admin user
  apikey create --name N [--role ADMIN|OPERATOR|VIEWER]   create an API key (printed once, on the last line)
  demo seed                                         a demo product with a thing model and 3 devices
  migrate                                           apply database migrations
${FLEET_USAGE}`

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const pg = config.DATABASE_URL ? null : await startEmbeddedPostgres(config.dataDir)
  const db = createDb(config.DATABASE_URL ?? pg!.url, { max: 2 })
  try {
    await migrate(db.pool)
    await ensurePartitions(db.pool)
    return await fn(db)
  } finally {
    await db.close()
    await pg?.stop()
  }
}

const CLI_ACTOR = { ...SYSTEM_ACTOR, name: 'cli' }

async function main(argv: string[]) {
  const [cmd, sub, ...rest] = argv
  if (cmd === 'fleet') {
    process.exit(await runFleetCli(sub, rest, { config: loadConfig(), withDb, actor: CLI_ACTOR }))
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
    },
    allowPositionals: false,
  })
  switch (`${cmd} ${sub ?? ''}`.trim()) {
    case 'admin create': {
      const input = ZCreateUserInput.parse({
        email: values.email,
        password: values.password,
        name: values.name ?? 'Administrator',
        role: 'ADMIN',
      })
      const u = await withDb((db) => auth.createUser(db, CLI_ACTOR, input))
      console.log(`created admin ${u.email}`)
      return
    }
    case 'apikey create': {
      const input = ZCreateApiKeyInput.parse({ name: values.name, role: values.role ?? 'OPERATOR' })
      const k = await withDb((db) => auth.createApiKey(db, CLI_ACTOR, input))
      console.log(`created API key "${k.name}" (${k.role}); it is shown once — store it now:`)
      console.log(k.key)
      return
    }
    case 'demo seed': {
      await withDb(async (db) => {
        const existing = await db.prisma.product.findUnique({ where: { name: 'Demo_Thermostat' } })
        const productKey =
          existing?.productKey ??
          (
            await products.createProduct(db, CLI_ACTOR, {
              name: 'Demo_Thermostat',
              nodeType: 'DIRECT',
              dataFormat: 'ALINK_JSON',
              description: 'demo product',
            })
          ).productKey
        await products.importThingModel(db, CLI_ACTOR, { productKey, tsl: JSON.stringify(DEMO_TSL) })
        console.log(`product Demo_Thermostat: ProductKey ${productKey}`)
        for (const n of ['thermostat_01', 'thermostat_02', 'thermostat_03']) {
          const have = await db.prisma.device.findUnique({
            where: { productKey_deviceName: { productKey, deviceName: n } },
          })
          const d = have ?? (await devices.createDevice(db, CLI_ACTOR, { productKey, deviceName: n }))
          console.log(`device ${n}: DeviceSecret ${d.deviceSecret}`)
        }
      })
      return
    }
    case 'migrate': {
      await withDb(async () => {})
      console.log('migrations applied')
      return
    }
    default:
      console.error(USAGE)
      process.exit(2)
  }
}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof ZodError)
    console.error(e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'))
  else console.error((e as Error).message)
  process.exit(1)
})
