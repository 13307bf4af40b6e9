import { defineConfig } from 'prisma/config'

// Partitioned, high-volume tables: created by hand-written SQL in prisma/migrations (Prisma cannot express
// partitioning), still modelled in schema.prisma. Keep this list and PARTITIONED_TABLES + DUMP_TABLES in packages/db in step.
export const EXTERNAL_TABLES = [
  'run_log',
  'device_log',
  'property_history',
  'event_history',
  'metric_point',
  'property_metric',
  'run_log_dump',
  'device_log_dump',
]

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { externalTables: true },
  tables: { external: EXTERNAL_TABLES.map((t) => `public.${t}`) },
})
