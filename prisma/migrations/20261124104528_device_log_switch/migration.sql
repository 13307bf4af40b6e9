-- AlterTable
ALTER TABLE "device" ADD COLUMN     "log_upload" BOOLEAN NOT NULL DEFAULT false;
