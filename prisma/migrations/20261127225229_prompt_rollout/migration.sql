-- AlterTable
ALTER TABLE "experiments" ADD COLUMN     "guardrails" JSONB,
ADD COLUMN     "shipped_variant_id" UUID;

-- AlterTable
ALTER TABLE "variants" ADD COLUMN     "canary_percent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "canary_schedule" JSONB,
ADD COLUMN     "canary_started_at" TIMESTAMPTZ(3),
ADD COLUMN     "canary_step" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "canary_step_started_at" TIMESTAMPTZ(3),
ADD COLUMN     "canary_version_id" UUID;

-- CreateIndex
CREATE INDEX "messages_prompt_version_id_created_at_idx" ON "messages"("prompt_version_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "variants_canary_version_id_key" ON "variants"("canary_version_id");

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_shipped_variant_id_fkey" FOREIGN KEY ("shipped_variant_id") REFERENCES "variants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "variants" ADD CONSTRAINT "variants_canary_version_id_fkey" FOREIGN KEY ("canary_version_id") REFERENCES "prompt_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
