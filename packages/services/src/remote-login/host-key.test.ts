import { describe, expect, it } from 'vitest'
import { hostKeyAlgorithm, hostKeyChangedMessage, hostKeyFingerprint } from './host-key'

// an ed25519 public key and what `ssh-keygen -lf` prints for it
const BLOB = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIC0K/fpIakdXDxrbs3K2oVvmfWaWy0v8FZBRhoDkOqJp', 'base64')
const OPENSSH_FINGERPRINT = 'SHA256:QYhkxzmMOfm2iAZISHdbqfuqkQmLf+b7+NZbgDFleL0'

describe('SSH host key (trust on first use)', () => {
  it('fingerprints a key blob exactly as OpenSSH does', () => {
    expect(hostKeyFingerprint(BLOB)).toBe(OPENSSH_FINGERPRINT)
  })
  it('reads the algorithm from the blob, and does not trip over garbage', () => {
    expect(hostKeyAlgorithm(BLOB)).toBe('ssh-ed25519')
    expect(hostKeyAlgorithm(Buffer.from([0, 0]))).toBe('unknown')
    expect(hostKeyAlgorithm(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toBe('unknown')
  })
  it('names both fingerprints and the way out when the key changed', () => {
    const m = hostKeyChangedMessage(
      { fingerprint: OPENSSH_FINGERPRINT, algorithm: 'ssh-ed25519', firstSeenAt: '', firstSeenBy: 'a' },
      'SHA256:other',
    )
    expect(m).toContain(`${OPENSSH_FINGERPRINT} (ssh-ed25519) was recorded`)
    expect(m).toContain('now presents SHA256:other')
    expect(m).toMatch(/administrator can forget/)
  })
})
