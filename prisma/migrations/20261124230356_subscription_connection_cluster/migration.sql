-- CreateTable
CREATE TABLE "subscription_connection" (
    "id" UUID NOT NULL,
    "group_id" TEXT NOT NULL,
    "node" UUID NOT NULL,
    "ip" TEXT,
    "inflight" INTEGER NOT NULL DEFAULT 0,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription_ack" (
    "id" BIGSERIAL NOT NULL,
    "group_id" TEXT NOT NULL,
    "acked" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_ack_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subscription_connection_group_id_seen_at_idx" ON "subscription_connection"("group_id", "seen_at");

-- CreateIndex
CREATE INDEX "subscription_ack_ts_idx" ON "subscription_ack"("ts");

-- AddForeignKey
ALTER TABLE "subscription_connection" ADD CONSTRAINT "subscription_connection_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "consumer_group"("group_id") ON DELETE CASCADE ON UPDATE CASCADE;
