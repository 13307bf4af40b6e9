-- AlterTable
ALTER TABLE "consumer_group" ADD COLUMN     "token_hash" TEXT;

-- CreateTable
CREATE TABLE "subscription_message" (
    "id" BIGSERIAL NOT NULL,
    "group_id" TEXT NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "message_type" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "trace_id" TEXT NOT NULL,
    "message_id" TEXT,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "delivery_count" INTEGER NOT NULL DEFAULT 0,
    "delivered_at" TIMESTAMPTZ(3),
    "ack_deadline" TIMESTAMPTZ(3),

    CONSTRAINT "subscription_message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subscription_message_group_next_idx" ON "subscription_message"("group_id", "id");

-- CreateIndex
CREATE INDEX "subscription_message_ts_idx" ON "subscription_message"("ts");
