-- CreateTable
CREATE TABLE "sim_scenario" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "product_id" UUID NOT NULL,
    "config" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sim_scenario_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sim_scenario_name_key" ON "sim_scenario"("name");

-- CreateIndex
CREATE INDEX "sim_scenario_product_id_idx" ON "sim_scenario"("product_id");

-- AddForeignKey
ALTER TABLE "sim_scenario" ADD CONSTRAINT "sim_scenario_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
