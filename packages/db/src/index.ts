export { createDb, type Db, type PrismaClient, type Tx } from './client'
export { startEmbeddedPostgres, assertTraversableForPostgres, freePort, type EmbeddedDb } from './embedded'
export { migrate, readMigrations, MIGRATIONS_DIR } from './migrate'
export {
  PARTITIONED_TABLES,
  DEFAULT_RETENTION_DAYS,
  ensurePartition,
  ensurePartitions,
  dropExpiredPartitions,
  listPartitions,
  type PartitionedTable,
} from './partitions'
export { BatchWriter, type Column } from './writers'
export { Prisma } from './generated/prisma/client'
export * from './generated/prisma/enums'
