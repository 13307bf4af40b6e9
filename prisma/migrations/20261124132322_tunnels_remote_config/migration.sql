-- CreateTable
CREATE TABLE "tunnel" (
    "id" UUID NOT NULL,
    "tunnel_id" TEXT NOT NULL,
    "device_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "description" TEXT,
    "udi" TEXT,
    "device_token_hash" TEXT NOT NULL,
    "access_token_hash" TEXT NOT NULL,
    "device_connected_at" TIMESTAMPTZ(3),
    "access_connected_at" TIMESTAMPTZ(3),
    "rate_limit" INTEGER,
    "purpose" TEXT NOT NULL DEFAULT 'user',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "close_reason" TEXT,
    "delete_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tunnel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tunnel_session" (
    "id" UUID NOT NULL,
    "tunnel_id" UUID NOT NULL,
    "session_id" TEXT NOT NULL,
    "service_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),
    "release_code" INTEGER,
    "bytes_up" BIGINT NOT NULL DEFAULT 0,
    "bytes_down" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "tunnel_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ssh_session" (
    "id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "device_name" TEXT NOT NULL,
    "opened_by" TEXT NOT NULL,
    "ssh_user" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,
    "bytes_in" BIGINT NOT NULL DEFAULT 0,
    "bytes_out" BIGINT NOT NULL DEFAULT 0,
    "recording_path" TEXT,

    CONSTRAINT "ssh_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ssh_share" (
    "id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "ssh_share_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_config" (
    "product_key" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "current_id" TEXT,
    "last_push_at" TIMESTAMPTZ(3),
    "last_pushed_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_config_pkey" PRIMARY KEY ("product_key")
);

-- CreateTable
CREATE TABLE "config_version" (
    "id" UUID NOT NULL,
    "config_id" TEXT NOT NULL,
    "product_key" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'PRODUCT',
    "target" TEXT,
    "content" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sign" TEXT NOT NULL,
    "sign_method" TEXT NOT NULL DEFAULT 'Sha256',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "config_push" (
    "id" UUID NOT NULL,
    "product_key" TEXT NOT NULL,
    "config_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'PRODUCT',
    "target" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',

    CONSTRAINT "config_push_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "config_delivery" (
    "push_id" UUID NOT NULL,
    "device_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "pushed_at" TIMESTAMPTZ(3),
    "fetched_at" TIMESTAMPTZ(3),

    CONSTRAINT "config_delivery_pkey" PRIMARY KEY ("push_id","device_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tunnel_tunnel_id_key" ON "tunnel"("tunnel_id");

-- CreateIndex
CREATE INDEX "tunnel_device_id_status_idx" ON "tunnel"("device_id", "status");

-- CreateIndex
CREATE INDEX "tunnel_product_key_device_name_idx" ON "tunnel"("product_key", "device_name");

-- CreateIndex
CREATE UNIQUE INDEX "tunnel_session_tunnel_id_session_id_key" ON "tunnel_session"("tunnel_id", "session_id");

-- CreateIndex
CREATE INDEX "ssh_session_device_id_started_at_idx" ON "ssh_session"("device_id", "started_at");

-- CreateIndex
CREATE INDEX "ssh_session_started_at_idx" ON "ssh_session"("started_at");

-- CreateIndex
CREATE UNIQUE INDEX "ssh_share_token_hash_key" ON "ssh_share"("token_hash");

-- CreateIndex
CREATE INDEX "ssh_share_device_id_idx" ON "ssh_share"("device_id");

-- CreateIndex
CREATE UNIQUE INDEX "config_version_config_id_key" ON "config_version"("config_id");

-- CreateIndex
CREATE INDEX "config_version_product_key_scope_created_at_idx" ON "config_version"("product_key", "scope", "created_at");

-- CreateIndex
CREATE INDEX "config_push_product_key_created_at_idx" ON "config_push"("product_key", "created_at");

-- CreateIndex
CREATE INDEX "config_delivery_device_id_status_idx" ON "config_delivery"("device_id", "status");

-- AddForeignKey
ALTER TABLE "tunnel_session" ADD CONSTRAINT "tunnel_session_tunnel_id_fkey" FOREIGN KEY ("tunnel_id") REFERENCES "tunnel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "config_delivery" ADD CONSTRAINT "config_delivery_push_id_fkey" FOREIGN KEY ("push_id") REFERENCES "config_push"("id") ON DELETE CASCADE ON UPDATE CASCADE;
