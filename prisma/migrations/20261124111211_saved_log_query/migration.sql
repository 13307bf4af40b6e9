-- CreateTable
CREATE TABLE "saved_log_query" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "chart" JSONB NOT NULL DEFAULT '{}',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_log_query_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "saved_log_query_name_key" ON "saved_log_query"("name");
