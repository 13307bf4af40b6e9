-- CreateTable
CREATE TABLE "forward_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "sql" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "product_key" TEXT NOT NULL,
    "data_type" TEXT NOT NULL DEFAULT 'JSON',
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "forward_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forward_destination" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "is_error" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "forward_destination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forward_dead_letter" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rule_id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "trace_id" TEXT,
    "payload" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "replayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "forward_dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consumer_group" (
    "id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "server_subscription" (
    "id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "message_types" TEXT[],
    "group_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "server_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "forward_rule_name_key" ON "forward_rule"("name");

-- CreateIndex
CREATE INDEX "forward_rule_product_key_idx" ON "forward_rule"("product_key");

-- CreateIndex
CREATE INDEX "forward_destination_rule_id_idx" ON "forward_destination"("rule_id");

-- CreateIndex
CREATE INDEX "forward_dead_letter_rule_id_at_idx" ON "forward_dead_letter"("rule_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "consumer_group_group_id_key" ON "consumer_group"("group_id");

-- CreateIndex
CREATE UNIQUE INDEX "consumer_group_name_key" ON "consumer_group"("name");

-- CreateIndex
CREATE UNIQUE INDEX "server_subscription_product_key_key" ON "server_subscription"("product_key");

-- AddForeignKey
ALTER TABLE "forward_destination" ADD CONSTRAINT "forward_destination_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "forward_rule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
