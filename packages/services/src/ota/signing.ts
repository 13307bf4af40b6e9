import { createHash, createSign, generateKeyPair, type Hash, type Sign } from 'node:crypto'
import { promisify } from 'node:util'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { requireProduct } from '../products/service'
import type { SignMethod } from './schema'

// Secure upgrades (ref §8.2.1 安全升级): each product has an RSA-2048 key pair. A secure package's files carry
// `digestsign` = base64 RSASSA-PKCS1-v1_5 signature with SHA-256 over the file's bytes (i.e. of its SHA-256
// digest); a device verifies it with the product's public key. The private key is generated here, stored in
// ota_sign_key and never returned by any API.

const genKeyPair = promisify(generateKeyPair)

export interface SignKeyView {
  productKey: string
  /** PEM (SPKI); null when the product has no key yet */
  publicKey: string | null
  algorithm: 'RSA-2048 / SHA256withRSA'
  createdAt: Date | null
}

export async function signKey(db: Db, productKey: string): Promise<SignKeyView> {
  await requireProduct(db, productKey)
  const k = await db.prisma.otaSignKey.findUnique({ where: { productKey } })
  return {
    productKey,
    publicKey: k?.publicKey ?? null,
    algorithm: 'RSA-2048 / SHA256withRSA',
    createdAt: k?.createdAt ?? null,
  }
}

/**
 * The product's key pair, created on first use. A key is never replaced: devices in the field hold its public
 * half, so asking again returns the same key.
 */
export async function ensureSignKey(db: Db, actor: Actor, productKey: string): Promise<SignKeyView> {
  await requireProduct(db, productKey)
  const existing = await db.prisma.otaSignKey.findUnique({ where: { productKey } })
  if (!existing) {
    const { publicKey, privateKey } = await genKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    })
    await db.prisma.$transaction(async (tx) => {
      // two first uses racing: the first insert wins, the other keeps it
      const r = await tx.otaSignKey.createMany({ data: [{ productKey, publicKey, privateKey }], skipDuplicates: true })
      if (r.count === 1) await audit(tx, actor, 'CreateOTASignKey', { type: 'product', id: productKey })
    })
  }
  return signKey(db, productKey)
}

/** The private key (PEM) for signing on this server; null when the product has none. */
export async function privateSignKey(db: Db, productKey: string): Promise<string | null> {
  return (await db.prisma.otaSignKey.findUnique({ where: { productKey } }))?.privateKey ?? null
}

/** Digests of one pass over a file: md5 always, the package's sign method, and digestsign for secure packages. */
export class FileDigests {
  private readonly md5: Hash = createHash('md5')
  private readonly sha256: Hash | null
  private readonly signer: Sign | null
  size = 0

  constructor(
    method: SignMethod,
    private readonly privateKeyPem: string | null,
  ) {
    this.sha256 = method === 'SHA256' ? createHash('sha256') : null
    this.signer = privateKeyPem ? createSign('sha256') : null
  }

  update(chunk: Buffer) {
    this.size += chunk.length
    this.md5.update(chunk)
    this.sha256?.update(chunk)
    this.signer?.update(chunk)
  }

  digest(): { md5: string; sign: string; digestSign: string | null } {
    const md5 = this.md5.digest('hex')
    return {
      md5,
      sign: this.sha256 ? this.sha256.digest('hex') : md5,
      digestSign: this.signer && this.privateKeyPem ? this.signer.sign(this.privateKeyPem, 'base64') : null,
    }
  }
}
