-- CreateTable
CREATE TABLE "scene_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "triggers" JSONB NOT NULL DEFAULT '[]',
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_run_at" TIMESTAMPTZ(3),

    CONSTRAINT "scene_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scene_run" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trigger" JSONB NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "passed" BOOLEAN NOT NULL,
    "actions" JSONB NOT NULL DEFAULT '[]',
    "ok" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "scene_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "level" INTEGER NOT NULL,
    "channels" TEXT[] DEFAULT ARRAY['center']::TEXT[],
    "contact_group_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "escalate_minutes" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "alert_rule_id" UUID,
    "rule_name" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "scene_rule_id" UUID,
    "product_key" TEXT,
    "device_name" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "dedupe_key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "first_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "assignee" TEXT,
    "ack_by" TEXT,
    "ack_at" TIMESTAMPTZ(3),
    "closed_by" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "remark" TEXT,
    "escalated_at" TIMESTAMPTZ(3),
    "inhibited" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_activity" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" TEXT,
    "action" TEXT NOT NULL,
    "remark" TEXT,

    CONSTRAINT "alert_activity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "scene_rule_name_key" ON "scene_rule"("name");

-- CreateIndex
CREATE INDEX "scene_run_rule_id_at_idx" ON "scene_run"("rule_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rule_name_key" ON "alert_rule"("name");

-- CreateIndex
CREATE INDEX "alert_status_last_at_idx" ON "alert"("status", "last_at");

-- CreateIndex
CREATE INDEX "alert_dedupe_key_status_idx" ON "alert"("dedupe_key", "status");

-- CreateIndex
CREATE INDEX "alert_activity_alert_id_at_idx" ON "alert_activity"("alert_id", "at");

-- AddForeignKey
ALTER TABLE "scene_run" ADD CONSTRAINT "scene_run_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "scene_rule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_activity" ADD CONSTRAINT "alert_activity_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
