-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'OPERATOR', 'VIEWER');

-- CreateEnum
CREATE TYPE "NodeType" AS ENUM ('DIRECT', 'GATEWAY', 'SUB_DEVICE');

-- CreateEnum
CREATE TYPE "DataFormat" AS ENUM ('ALINK_JSON', 'CUSTOM');

-- CreateEnum
CREATE TYPE "TopicOperation" AS ENUM ('PUB', 'SUB', 'ALL');

-- CreateEnum
CREATE TYPE "DeviceStatus" AS ENUM ('UNACTIVE', 'ONLINE', 'OFFLINE');

-- CreateTable
CREATE TABLE "user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "locale" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'OPERATOR',
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "detail" JSONB,
    "ip" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "product" (
    "id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "node_type" "NodeType" NOT NULL DEFAULT 'DIRECT',
    "data_format" "DataFormat" NOT NULL DEFAULT 'ALINK_JSON',
    "description" TEXT,
    "thing_model" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topic_class" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "suffix" TEXT NOT NULL,
    "operation" "TopicOperation" NOT NULL,
    "description" TEXT,

    CONSTRAINT "topic_class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device" (
    "id" UUID NOT NULL,
    "iot_id" TEXT NOT NULL,
    "product_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "device_secret" TEXT NOT NULL,
    "nickname" TEXT,
    "status" "DeviceStatus" NOT NULL DEFAULT 'UNACTIVE',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "activated_at" TIMESTAMPTZ(3),
    "last_online_at" TIMESTAMPTZ(3),
    "last_offline_at" TIMESTAMPTZ(3),
    "ip" TEXT,
    "client_id" TEXT,
    "gateway_id" UUID,
    "firmware" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_property" (
    "device_id" UUID NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "device_property_pkey" PRIMARY KEY ("device_id","identifier")
);

-- CreateTable
CREATE TABLE "desired_property" (
    "device_id" UUID NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "desired_property_pkey" PRIMARY KEY ("device_id","identifier")
);

-- CreateTable
CREATE TABLE "device_shadow" (
    "device_id" UUID NOT NULL,
    "reported" JSONB NOT NULL DEFAULT '{}',
    "desired" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "device_shadow_pkey" PRIMARY KEY ("device_id")
);

-- CreateTable
CREATE TABLE "device_tag" (
    "device_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "device_tag_pkey" PRIMARY KEY ("device_id","key")
);

-- CreateTable
CREATE TABLE "device_group" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_group_member" (
    "group_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,

    CONSTRAINT "device_group_member_pkey" PRIMARY KEY ("group_id","device_id")
);

-- CreateTable
CREATE TABLE "service_call" (
    "id" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "device_id" UUID NOT NULL,
    "identifier" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "code" INTEGER,
    "output" JSONB,
    "message" TEXT,
    "replied_at" TIMESTAMPTZ(3),

    CONSTRAINT "service_call_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "session"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");

-- CreateIndex
CREATE INDEX "audit_log_ts_idx" ON "audit_log"("ts");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "product_product_key_key" ON "product"("product_key");

-- CreateIndex
CREATE UNIQUE INDEX "product_name_key" ON "product"("name");

-- CreateIndex
CREATE UNIQUE INDEX "topic_class_product_id_suffix_key" ON "topic_class"("product_id", "suffix");

-- CreateIndex
CREATE UNIQUE INDEX "device_iot_id_key" ON "device"("iot_id");

-- CreateIndex
CREATE INDEX "device_product_id_status_idx" ON "device"("product_id", "status");

-- CreateIndex
CREATE INDEX "device_gateway_id_idx" ON "device"("gateway_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_product_key_device_name_key" ON "device"("product_key", "device_name");

-- CreateIndex
CREATE UNIQUE INDEX "device_group_name_key" ON "device_group"("name");

-- CreateIndex
CREATE INDEX "device_group_member_device_id_idx" ON "device_group_member"("device_id");

-- CreateIndex
CREATE INDEX "service_call_device_id_ts_idx" ON "service_call"("device_id", "ts");

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_class" ADD CONSTRAINT "topic_class_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device" ADD CONSTRAINT "device_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "device"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_property" ADD CONSTRAINT "device_property_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "desired_property" ADD CONSTRAINT "desired_property_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_shadow" ADD CONSTRAINT "device_shadow_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_tag" ADD CONSTRAINT "device_tag_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_group_member" ADD CONSTRAINT "device_group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "device_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_group_member" ADD CONSTRAINT "device_group_member_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ───────────── Partitioned high-volume tables (hand-written: Prisma cannot express partitioning) ─────────────
-- Daily RANGE partitions on ts are created ahead of time by packages/db/src/partitions.ts, and retention drops them.

CREATE TABLE "run_log" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "product_key" TEXT,
    "device_name" TEXT,
    "trace_id" TEXT NOT NULL,
    "message_id" TEXT,
    "biz_type" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce("device_name", '') || ' ' || "operation" || ' ' || "content")) STORED,
    CONSTRAINT "run_log_pkey" PRIMARY KEY ("ts", "id")
) PARTITION BY RANGE ("ts");
CREATE INDEX "run_log_device_ts_idx" ON "run_log" ("product_key", "device_name", "ts" DESC);
CREATE INDEX "run_log_trace_idx" ON "run_log" ("trace_id");
CREATE INDEX "run_log_message_idx" ON "run_log" ("message_id") WHERE "message_id" IS NOT NULL;
CREATE INDEX "run_log_ts_idx" ON "run_log" ("ts" DESC);
CREATE INDEX "run_log_search_idx" ON "run_log" USING GIN ("search");

CREATE TABLE "device_log" (
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
    CONSTRAINT "device_log_pkey" PRIMARY KEY ("ts", "id")
) PARTITION BY RANGE ("ts");
CREATE INDEX "device_log_device_ts_idx" ON "device_log" ("product_key", "device_name", "ts" DESC);

CREATE TABLE "property_history" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "device_id" UUID NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "num" DOUBLE PRECISION,
    CONSTRAINT "property_history_pkey" PRIMARY KEY ("device_id", "identifier", "ts")
) PARTITION BY RANGE ("ts");

CREATE TABLE "event_history" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "device_id" UUID NOT NULL,
    "identifier" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    CONSTRAINT "event_history_pkey" PRIMARY KEY ("ts", "id")
) PARTITION BY RANGE ("ts");
CREATE INDEX "event_history_device_ts_idx" ON "event_history" ("device_id", "ts" DESC);

CREATE TABLE "metric_point" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "product_key" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "metric_point_pkey" PRIMARY KEY ("metric", "product_key", "ts")
) PARTITION BY RANGE ("ts");
