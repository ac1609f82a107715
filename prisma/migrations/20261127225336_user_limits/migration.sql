-- CreateEnum
CREATE TYPE "RateLimitAlgorithm" AS ENUM ('fixed_window', 'sliding_window');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "daily_token_budget" INTEGER,
ADD COLUMN     "rate_limit_algorithm" "RateLimitAlgorithm" NOT NULL DEFAULT 'fixed_window';
