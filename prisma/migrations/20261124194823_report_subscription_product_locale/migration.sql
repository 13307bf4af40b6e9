-- AlterTable
ALTER TABLE "report_subscription" ADD COLUMN     "locale" TEXT,
ADD COLUMN     "product_key" TEXT;

-- run_log is looked up by trace and message id with equality only: hash indexes are smaller than btrees on these
-- random ids and cost ingest less (measured with bench/logs.ts: see docs/PERFORMANCE.md)
DROP INDEX "run_log_trace_idx";
DROP INDEX "run_log_message_idx";
CREATE INDEX "run_log_trace_idx" ON "run_log" USING HASH ("trace_id");
CREATE INDEX "run_log_message_idx" ON "run_log" USING HASH ("message_id") WHERE "message_id" IS NOT NULL;
