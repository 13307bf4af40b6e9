// Prisma's npm-shipped wasm schema engine, driven through the pg driver adapter: the only way to diff and
// generate migrations offline (the native engine cannot be downloaded here). Used by `pnpm db:migration`
// and by schema.int.test.ts. Adapted from shared/recipes/prisma-migrate-wasm.mjs.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { DUMP_TABLES } from './dump'
import { MIGRATIONS_DIR } from './migrate'
import { PARTITIONED_TABLES } from './partitions'

const require = createRequire(import.meta.url)
export const SCHEMA_PATH = path.resolve(MIGRATIONS_DIR, '../schema.prisma')

// biome-ignore lint/suspicious/noExplicitAny: the wasm glue is untyped
type Engine = any

async function loadSchemaEngine() {
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
  const glue = await import(gluePath)
  const mod = new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')))
  const inst = new WebAssembly.Instance(mod, { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(inst.exports)
  ;(inst.exports as { __wbindgen_start: () => void }).__wbindgen_start()
  return glue.SchemaEngine
}

/**
 * adapter-pg rejects the internal "char" type (OID 18) that the engine reads from pg_catalog (e.g.
 * pg_constraint.contype). While the engine runs, let such columns through as the Character column type the
 * engine expects. Patched on the adapter's prototype because the adapter also opens its own shadow-database pool.
 */
async function patchCharType(factory: PrismaPg): Promise<() => void> {
  const probe = await factory.connect()
  let proto = Object.getPrototypeOf(probe)
  while (proto && !Object.hasOwn(proto, 'queryRaw')) proto = Object.getPrototypeOf(proto)
  await probe.dispose()
  const origQueryRaw = proto.queryRaw
  const origPerformIO = proto.performIO
  // biome-ignore lint/suspicious/noExplicitAny: internal adapter shapes
  proto.queryRaw = async function (this: any, query: unknown) {
    let charCols: number[] = []
    const self = Object.create(this)
    self.performIO = async (q: unknown) => {
      const r = await origPerformIO.call(this, q)
      charCols = r.fields.flatMap((f: { dataTypeID: number }, i: number) => {
        if (f.dataTypeID !== 18) return []
        f.dataTypeID = 25
        return [i]
      })
      return r
    }
    const res = await origQueryRaw.call(self, query)
    for (const i of charCols) res.columnTypes[i] = ColumnTypeEnum.Character
    return res
  }
  return () => {
    proto.queryRaw = origQueryRaw
  }
}

function migrationsList(dir = MIGRATIONS_DIR) {
  const dirs = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : []
  const lockPath = path.join(dir, 'migration_lock.toml')
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((d) => {
      const f = path.join(dir, d, 'migration.sql')
      return {
        path: d,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(f)
            ? { tag: 'ok', value: fs.readFileSync(f, 'utf8') }
            : { tag: 'error', value: 'missing' },
        },
      }
    }),
  }
}

export const FILTERS = {
  externalTables: [...PARTITIONED_TABLES, ...DUMP_TABLES].map((t) => `public.${t}`),
  externalEnums: [] as string[],
}

export async function withSchemaEngine<T>(
  url: string,
  fn: (engine: Engine, files: { path: string; content: string }[]) => Promise<T>,
) {
  const SchemaEngine = await loadSchemaEngine()
  const pool = new pg.Pool({ connectionString: url })
  const factory = new PrismaPg(pool)
  const unpatch = await patchCharType(factory)
  const adapter = bindMigrationAwareSqlAdapterFactory(factory)
  const files = [{ path: SCHEMA_PATH, content: fs.readFileSync(SCHEMA_PATH, 'utf8') }]
  const engine = await SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, () => {}, adapter)
  try {
    return await fn(engine, files)
  } finally {
    engine.free?.()
    await pool.end()
    unpatch()
  }
}

/** SQL that would take a database built by the migrations to schema.prisma; '' when they agree. */
export async function diffMigrationsToSchema(url: string, dir = MIGRATIONS_DIR): Promise<string> {
  return withSchemaEngine(url, async (engine, files) => {
    const r = await engine.diff({
      from: { tag: 'migrations', ...migrationsList(dir) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: FILTERS,
    })
    return r.exitCode === 2 ? String(r.stdout ?? '') : ''
  })
}
