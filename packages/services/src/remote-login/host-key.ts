// The device's SSH host key, trusted on first use: the first successful remote login records the fingerprint the
// device's sshd presented; later logins refuse a different key (a re-installed device, or someone in between) until
// an administrator forgets the recorded one. Kept in the `setting` table (key → JSON) under `ssh-host-key:<device id>`
// — no schema change; a device that is deleted and created again gets a new id, so a new first use.
import { createHash } from 'node:crypto'
import type { Db } from '@iotops/db'
import { audit } from '../audit'
import type { Actor } from '../context'
import { AppError } from '../errors'
import type { DeviceHub } from '../hub/hub'
import { recordTunnel } from '../tunnel/service'
import type { TRemoteLoginRef } from './schema'

export interface KnownHostKey {
  /** OpenSSH's form: `SHA256:` + unpadded base64 of the key blob's sha256 (what `ssh-keygen -lf` prints) */
  fingerprint: string
  /** e.g. `ssh-ed25519` */
  algorithm: string
  firstSeenAt: string
  /** who logged in when it was recorded */
  firstSeenBy: string
}

const settingKey = (deviceId: string) => `ssh-host-key:${deviceId}`

/** The fingerprint of a host key blob (SSH wire format), as OpenSSH prints it. */
export const hostKeyFingerprint = (key: Buffer): string =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`

/** The algorithm name at the start of a host key blob (a uint32 length, then the name). */
export function hostKeyAlgorithm(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const n = key.readUInt32BE(0)
  return n > 0 && n <= 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : 'unknown'
}

function parse(value: unknown): KnownHostKey | null {
  const v = value as Partial<KnownHostKey> | null
  return v && typeof v.fingerprint === 'string'
    ? {
        fingerprint: v.fingerprint,
        algorithm: String(v.algorithm ?? 'unknown'),
        firstSeenAt: String(v.firstSeenAt ?? ''),
        firstSeenBy: String(v.firstSeenBy ?? ''),
      }
    : null
}

export async function knownHostKey(db: Db, deviceId: string): Promise<KnownHostKey | null> {
  const row = await db.prisma.setting.findUnique({ where: { key: settingKey(deviceId) } })
  return row ? parse(row.value) : null
}

/** Records the key of a first login; an already recorded key is kept (the first one wins). */
export async function rememberHostKey(db: Db, deviceId: string, key: Omit<KnownHostKey, 'firstSeenAt'>) {
  const value = { ...key, firstSeenAt: new Date().toISOString() }
  await db.prisma.setting.createMany({ data: [{ key: settingKey(deviceId), value }], skipDuplicates: true })
}

/** The message of a refused login: both fingerprints and what to do. */
export function hostKeyChangedMessage(known: KnownHostKey, presented: string): string {
  return (
    `the device's SSH host key has changed: ${known.fingerprint} (${known.algorithm}) was recorded at the first ` +
    `login, the device now presents ${presented}. This happens when the device was re-installed — or when someone ` +
    `sits in between. If the change is expected, an administrator can forget the recorded key (Remote login → ` +
    `Host key), and the next login records the new one.`
  )
}

async function deviceOf(db: Db, ref: TRemoteLoginRef) {
  const device = await db.prisma.device.findUnique({
    where: { productKey_deviceName: { productKey: ref.productKey, deviceName: ref.deviceName } },
  })
  if (!device) throw new AppError('NOT_FOUND', `the device ${ref.productKey}/${ref.deviceName} does not exist`)
  return device
}

/** The recorded host key of a device, or null before its first login. */
export async function deviceHostKey(db: Db, ref: TRemoteLoginRef): Promise<KnownHostKey | null> {
  return knownHostKey(db, (await deviceOf(db, ref)).id)
}

/** Forgets a device's recorded host key (admins): the next login records the key the device presents then. */
export async function forgetHostKey(
  db: Db,
  hub: DeviceHub,
  actor: Actor,
  ref: TRemoteLoginRef,
): Promise<{ forgotten: boolean }> {
  const device = await deviceOf(db, ref)
  const forgotten = await db.prisma.$transaction(async (tx) => {
    const row = await tx.setting.findUnique({ where: { key: settingKey(device.id) } })
    if (!row) return false
    await tx.setting.delete({ where: { key: settingKey(device.id) } })
    await audit(
      tx,
      actor,
      'remoteLogin.forgetHostKey',
      { type: 'device', id: `${device.productKey}/${device.deviceName}` },
      { fingerprint: parse(row.value)?.fingerprint ?? null },
    )
    return true
  })
  if (!forgotten) throw new AppError('PRECONDITION_FAILED', 'no host key is recorded for this device')
  await recordTunnel(hub, device, 'ForgetSshHostKey', 200, { caller: actor.name })
  return { forgotten }
}
