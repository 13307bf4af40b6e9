-- CreateTable
CREATE TABLE "log_store_policy" (
    "product_key" TEXT NOT NULL,
    "run_log_dump" BOOLEAN NOT NULL DEFAULT false,
    "run_log_days" INTEGER,
    "device_log_dump" BOOLEAN NOT NULL DEFAULT false,
    "device_log_days" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "log_store_policy_pkey" PRIMARY KEY ("product_key")
);

-- Long-term log stores (hand-written: Prisma cannot express partitioning). LIST partitions per product, each
-- RANGE-partitioned by month (packages/db/src/dump.ts), so a product's retention drops whole months.
CREATE TABLE "run_log_dump" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT,
    "trace_id" TEXT NOT NULL,
    "message_id" TEXT,
    "biz_type" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce("device_name", '') || ' ' || "operation" || ' ' || "content")) STORED,
    CONSTRAINT "run_log_dump_pkey" PRIMARY KEY ("product_key", "ts", "id")
) PARTITION BY LIST ("product_key");
CREATE INDEX "run_log_dump_device_ts_idx" ON "run_log_dump" ("product_key", "device_name", "ts" DESC);
CREATE INDEX "run_log_dump_trace_idx" ON "run_log_dump" ("trace_id");
CREATE INDEX "run_log_dump_message_idx" ON "run_log_dump" ("message_id") WHERE "message_id" IS NOT NULL;
CREATE INDEX "run_log_dump_search_idx" ON "run_log_dump" USING GIN ("search");

CREATE TABLE "device_log_dump" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "utc_time" TIMESTAMPTZ(3),
    "level" TEXT NOT NULL,
    "module" TEXT NOT NULL,
    "code" TEXT,
    "trace_id" TEXT,
    "content" TEXT NOT NULL,
    CONSTRAINT "device_log_dump_pkey" PRIMARY KEY ("product_key", "ts", "id")
) PARTITION BY LIST ("product_key");
CREATE INDEX "device_log_dump_device_ts_idx" ON "device_log_dump" ("product_key", "device_name", "ts" DESC);
