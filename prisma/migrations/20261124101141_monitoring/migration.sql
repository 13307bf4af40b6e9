-- AlterTable
ALTER TABLE "device" ADD COLUMN     "city" TEXT,
ADD COLUMN     "geo_source" TEXT,
ADD COLUMN     "province" TEXT;

-- CreateTable
CREATE TABLE "daily_rank" (
    "day" DATE NOT NULL,
    "metric" TEXT NOT NULL,
    "product_key" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "daily_rank_pkey" PRIMARY KEY ("day","metric","product_key","subject")
);

-- CreateTable
CREATE TABLE "monitor_card" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "kind" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "product_key" TEXT,
    "device_name" TEXT,
    "aggregations" TEXT[],
    "granularity" INTEGER NOT NULL DEFAULT 1,
    "threshold" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "monitor_card_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_group" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "webhook_url" TEXT,
    "dingtalk_url" TEXT,
    "dingtalk_secret" TEXT,
    "console" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_group_member" (
    "group_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,

    CONSTRAINT "contact_group_member_pkey" PRIMARY KEY ("group_id","contact_id")
);

-- CreateTable
CREATE TABLE "alarm_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "metric" TEXT NOT NULL DEFAULT '',
    "product_key" TEXT,
    "operator" TEXT NOT NULL DEFAULT '>=',
    "threshold" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "periods" INTEGER NOT NULL DEFAULT 1,
    "granularity" INTEGER NOT NULL DEFAULT 1,
    "effective_from" TEXT NOT NULL DEFAULT '00:00',
    "effective_to" TEXT NOT NULL DEFAULT '23:59',
    "silence_seconds" INTEGER NOT NULL DEFAULT 86400,
    "level" TEXT NOT NULL DEFAULT 'WARNING',
    "no_data_alert" BOOLEAN NOT NULL DEFAULT false,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "contact_group_ids" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alarm_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alarm_state" (
    "rule_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'OK',
    "streak" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "since" TIMESTAMPTZ(3),
    "last_notified_at" TIMESTAMPTZ(3),
    "evaluated_to" TIMESTAMPTZ(3),
    "last_value" DOUBLE PRECISION,

    CONSTRAINT "alarm_state_pkey" PRIMARY KEY ("rule_id","product_key")
);

-- CreateTable
CREATE TABLE "alarm_history" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rule_id" UUID,
    "rule_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "product_key" TEXT,
    "value" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "duration" INTEGER,
    "resource" TEXT,
    "message" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "alarm_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "alarm_id" UUID,
    "group_id" UUID,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_network_status" (
    "id" BIGSERIAL NOT NULL,
    "device_id" UUID NOT NULL,
    "reported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "collected_at" TIMESTAMPTZ(3),
    "network" TEXT NOT NULL DEFAULT 'wifi',
    "rssi" DOUBLE PRECISION,
    "snr" DOUBLE PRECISION,
    "per" DOUBLE PRECISION,
    "errors" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "device_network_status_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "daily_rank_metric_day_value_idx" ON "daily_rank"("metric", "day", "value");

-- CreateIndex
CREATE INDEX "monitor_card_user_id_position_idx" ON "monitor_card"("user_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "contact_name_key" ON "contact"("name");

-- CreateIndex
CREATE UNIQUE INDEX "contact_group_name_key" ON "contact_group"("name");

-- CreateIndex
CREATE UNIQUE INDEX "alarm_rule_name_key" ON "alarm_rule"("name");

-- CreateIndex
CREATE INDEX "alarm_history_at_idx" ON "alarm_history"("at");

-- CreateIndex
CREATE INDEX "alarm_history_rule_id_at_idx" ON "alarm_history"("rule_id", "at");

-- CreateIndex
CREATE INDEX "notification_status_channel_next_at_idx" ON "notification"("status", "channel", "next_at");

-- CreateIndex
CREATE INDEX "notification_channel_created_at_idx" ON "notification"("channel", "created_at");

-- CreateIndex
CREATE INDEX "device_network_status_device_id_reported_at_idx" ON "device_network_status"("device_id", "reported_at");

-- AddForeignKey
ALTER TABLE "monitor_card" ADD CONSTRAINT "monitor_card_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_group_member" ADD CONSTRAINT "contact_group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "contact_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_group_member" ADD CONSTRAINT "contact_group_member_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alarm_state" ADD CONSTRAINT "alarm_state_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alarm_rule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable (partitioned by day, written by hand: Prisma cannot express partitioning)
CREATE TABLE "property_metric" (
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "product_key" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "property_metric_pkey" PRIMARY KEY ("product_key", "identifier", "device_name", "ts")
) PARTITION BY RANGE ("ts");
