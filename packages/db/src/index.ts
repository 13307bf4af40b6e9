export { createDb, type Db, type PrismaClient, type Tx } from './client'
export {
  DUMP_TABLES,
  type DumpTable,
  dropExpiredDumpPartitions,
  ensureDumpPartition,
  listDumpPartitions,
} from './dump'
export { assertTraversableForPostgres, type EmbeddedDb, freePort, startEmbeddedPostgres } from './embedded'
export { Prisma } from './generated/prisma/client'
export * from './generated/prisma/enums'
export { MIGRATIONS_DIR, migrate, readMigrations } from './migrate'
export {
  DEFAULT_RETENTION_DAYS,
  dropExpiredPartitions,
  ensurePartition,
  ensurePartitions,
  listPartitions,
  PARTITIONED_TABLES,
  type PartitionedTable,
} from './partitions'
export { BatchWriter, type BatchWriterOptions, type Column } from './writers'
