-- Several values of one property may arrive within the same millisecond (devices post faster than the clock
-- ticks): property_history rows get their own id and the (device, identifier, ts) key becomes a plain index.
ALTER TABLE "property_history" DROP CONSTRAINT "property_history_pkey";
ALTER TABLE "property_history" ADD COLUMN "id" BIGSERIAL NOT NULL;
ALTER TABLE "property_history" ADD CONSTRAINT "property_history_pkey" PRIMARY KEY ("ts", "id");
CREATE INDEX "property_history_device_identifier_ts_idx" ON "property_history" ("device_id", "identifier", "ts" DESC);

-- The primary key (ts, id) already serves time-ordered scans of the run log.
DROP INDEX "run_log_ts_idx";
