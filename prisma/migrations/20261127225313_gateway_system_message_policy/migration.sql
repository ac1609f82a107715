-- CreateEnum
CREATE TYPE "SystemMessagePolicy" AS ENUM ('replace', 'prepend');

-- AlterTable
ALTER TABLE "experiments" ADD COLUMN     "system_message_policy" "SystemMessagePolicy" NOT NULL DEFAULT 'replace';

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "assignment_unit" TEXT;
