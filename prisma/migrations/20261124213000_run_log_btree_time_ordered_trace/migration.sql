-- Trace ids now start with the time (packages/services/src/ids.ts newTraceId), so a btree on trace_id grows at its
-- end. Measured at 10M rows it costs ingest far less than the hash indexes of the previous migration, whose random
-- buckets made every insert a cache miss (bench/logs.ts, docs/PERFORMANCE.md). Message ids stay btree too.
DROP INDEX "run_log_trace_idx";
DROP INDEX "run_log_message_idx";
CREATE INDEX "run_log_trace_idx" ON "run_log" ("trace_id");
CREATE INDEX "run_log_message_idx" ON "run_log" ("message_id") WHERE "message_id" IS NOT NULL;
