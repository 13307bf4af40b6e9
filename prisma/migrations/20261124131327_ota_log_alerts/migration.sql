-- AlterTable
ALTER TABLE "alarm_rule" ADD COLUMN     "query_id" UUID;

-- CreateTable
CREATE TABLE "report_subscription" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "reports" TEXT[],
    "range_minutes" INTEGER NOT NULL,
    "frequency" TEXT NOT NULL,
    "at" TEXT NOT NULL DEFAULT '09:00',
    "weekday" INTEGER,
    "contact_group_ids" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_sent_at" TIMESTAMPTZ(3),
    "next_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_module" (
    "id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "alias" TEXT,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ota_module_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_sign_key" (
    "product_key" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "private_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ota_sign_key_pkey" PRIMARY KEY ("product_key")
);

-- CreateTable
CREATE TABLE "ota_firmware" (
    "id" UUID NOT NULL,
    "firmware_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "product_key" TEXT NOT NULL,
    "module" TEXT NOT NULL DEFAULT 'default',
    "type" TEXT NOT NULL DEFAULT 'FULL',
    "src_version" TEXT,
    "dest_version" TEXT NOT NULL,
    "sign_method" TEXT NOT NULL DEFAULT 'MD5',
    "need_verify" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "description" TEXT,
    "udi" TEXT,
    "secure" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ota_firmware_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_file" (
    "id" UUID NOT NULL,
    "firmware_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sign" TEXT NOT NULL,
    "md5" TEXT NOT NULL,
    "digest_sign" TEXT,
    "storage_key" TEXT NOT NULL,
    "stream_id" BIGSERIAL NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ota_file_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_upload" (
    "id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "received" BIGINT NOT NULL DEFAULT 0,
    "storage_key" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ota_upload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_job" (
    "id" UUID NOT NULL,
    "job_id" TEXT NOT NULL,
    "firmware_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "module" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'ALL',
    "gray_percent" INTEGER,
    "group_id" UUID,
    "region" TEXT,
    "src_versions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "schedule_start" TIMESTAMPTZ(3),
    "schedule_end" TIMESTAMPTZ(3),
    "push" BOOLEAN NOT NULL DEFAULT true,
    "need_confirm" BOOLEAN NOT NULL DEFAULT false,
    "download_protocol" TEXT NOT NULL DEFAULT 'HTTPS',
    "timeout_minutes" INTEGER,
    "retry_interval" INTEGER,
    "max_retries" INTEGER NOT NULL DEFAULT 0,
    "rate" JSONB NOT NULL DEFAULT '{}',
    "multi_module" BOOLEAN NOT NULL DEFAULT false,
    "overwrite" BOOLEAN NOT NULL DEFAULT false,
    "only_new_reporters" BOOLEAN NOT NULL DEFAULT false,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "policy" JSONB NOT NULL DEFAULT '{}',
    "wave" INTEGER NOT NULL DEFAULT 0,
    "pushed" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "ota_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota_task" (
    "id" UUID NOT NULL,
    "task_id" TEXT NOT NULL,
    "job_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "module" TEXT NOT NULL,
    "src_version" TEXT,
    "dest_version" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "queued_reason" TEXT,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "progress_desc" TEXT,
    "fail_reason" TEXT,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "next_retry_at" TIMESTAMPTZ(3),
    "wave" INTEGER NOT NULL DEFAULT 0,
    "matches" INTEGER NOT NULL DEFAULT 1,
    "notified_at" TIMESTAMPTZ(3),
    "first_progress_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ota_task_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "report_subscription_name_key" ON "report_subscription"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ota_module_product_key_name_key" ON "ota_module"("product_key", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ota_firmware_firmware_id_key" ON "ota_firmware"("firmware_id");

-- CreateIndex
CREATE UNIQUE INDEX "ota_firmware_name_key" ON "ota_firmware"("name");

-- CreateIndex
CREATE INDEX "ota_firmware_product_key_module_idx" ON "ota_firmware"("product_key", "module");

-- CreateIndex
CREATE UNIQUE INDEX "ota_file_firmware_id_name_key" ON "ota_file"("firmware_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ota_file_stream_id_key" ON "ota_file"("stream_id");

-- CreateIndex
CREATE UNIQUE INDEX "ota_job_job_id_key" ON "ota_job"("job_id");

-- CreateIndex
CREATE INDEX "ota_job_firmware_id_idx" ON "ota_job"("firmware_id");

-- CreateIndex
CREATE INDEX "ota_job_status_idx" ON "ota_job"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ota_task_task_id_key" ON "ota_task"("task_id");

-- CreateIndex
CREATE INDEX "ota_task_job_id_status_idx" ON "ota_task"("job_id", "status");

-- CreateIndex
CREATE INDEX "ota_task_device_id_status_idx" ON "ota_task"("device_id", "status");

-- CreateIndex
CREATE INDEX "ota_task_status_next_retry_at_idx" ON "ota_task"("status", "next_retry_at");

-- CreateIndex
CREATE UNIQUE INDEX "ota_task_job_id_device_id_key" ON "ota_task"("job_id", "device_id");

-- AddForeignKey
ALTER TABLE "ota_file" ADD CONSTRAINT "ota_file_firmware_id_fkey" FOREIGN KEY ("firmware_id") REFERENCES "ota_firmware"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ota_job" ADD CONSTRAINT "ota_job_firmware_id_fkey" FOREIGN KEY ("firmware_id") REFERENCES "ota_firmware"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ota_task" ADD CONSTRAINT "ota_task_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "ota_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
