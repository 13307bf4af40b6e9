-- AlterTable
ALTER TABLE "device" ADD COLUMN     "protocol" TEXT;
