import { describe, expect, it } from 'vitest'
import {
  otaFileExtension,
  otaFileNameProblem,
  ZCreateFirmwareInput,
  ZCreateOtaModuleInput,
  ZCreateUploadInput,
  ZFirmwareName,
  ZOtaVersion,
} from './schema'

const UPLOAD = '0b6f3f1e-8d1c-4d4e-9a57-0c1f2a3b4c5d'
const base = { name: 'fw-1', productKey: 'a1pk', destVersion: '2.0.0', files: [{ uploadId: UPLOAD }] }
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => i.message)

describe('OTA package inputs (ref §8.2.1)', () => {
  it('accepts package names of CJK, Latin, Japanese letters and digits, with - _ ( )', () => {
    for (const n of ['固件升级(v2)', 'fw_2-0', 'ファームウェア_1', '2024パッケージ', 'a'.repeat(40)])
      expect(ZFirmwareName.safeParse(n).success, n).toBe(true)
  })
  it('refuses names that start with a symbol, hold other characters or pass 40 characters', () => {
    for (const n of ['-fw', '(fw)', 'fw 2', 'fw.2', 'a'.repeat(41), ''])
      expect(ZFirmwareName.safeParse(n).success, n).toBe(false)
  })
  it('versions are 1–64 letters, digits, . - _', () => {
    expect(ZOtaVersion.safeParse('V1.2.3-rc_1').success).toBe(true)
    expect(messages(ZOtaVersion.safeParse('1.0 beta'))).toEqual([
      'a version may contain only letters, digits and . - _',
    ])
    expect(ZOtaVersion.safeParse('1'.repeat(65)).success).toBe(false)
  })
  it('a differential package needs its source version, different from the target', () => {
    expect(messages(ZCreateFirmwareInput.safeParse({ ...base, type: 'DIFF' }))).toEqual([
      'a differential package needs the version it applies to (srcVersion)',
    ])
    expect(ZCreateFirmwareInput.safeParse({ ...base, type: 'DIFF', srcVersion: '2.0.0' }).success).toBe(false)
    expect(ZCreateFirmwareInput.safeParse({ ...base, type: 'DIFF', srcVersion: '1.0.0' }).success).toBe(true)
  })
  it('defaults: full package, MD5, default module, no verification', () => {
    const v = ZCreateFirmwareInput.parse(base)
    expect(v).toMatchObject({ type: 'FULL', signMethod: 'MD5', module: 'default', needVerify: false, secure: false })
  })
  it('at most 20 files, each upload once; description ≤ 1024, custom info ≤ 4096', () => {
    const files = Array.from({ length: 21 }, (_, i) => ({
      uploadId: UPLOAD.replace(/5d$/, String(i).padStart(2, '0')),
    }))
    expect(messages(ZCreateFirmwareInput.safeParse({ ...base, files }))).toEqual(['a package holds at most 20 files'])
    expect(messages(ZCreateFirmwareInput.safeParse({ ...base, files: [base.files[0], base.files[0]] }))).toEqual([
      'the same upload is listed twice',
    ])
    expect(ZCreateFirmwareInput.safeParse({ ...base, description: 'x'.repeat(1025) }).success).toBe(false)
    expect(ZCreateFirmwareInput.safeParse({ ...base, udi: 'x'.repeat(4096) }).success).toBe(true)
    expect(ZCreateFirmwareInput.safeParse({ ...base, udi: 'x'.repeat(4097) }).success).toBe(false)
  })
})

describe('package file names', () => {
  it('knows the allowed extensions, the longest first', () => {
    expect(otaFileExtension('rootfs.TAR.GZ')).toBe('.tar.gz')
    expect(otaFileExtension('a.tar.xz')).toBe('.tar.xz')
    expect(otaFileExtension('app.apk')).toBe('.apk')
    expect(otaFileExtension('update.exe')).toBeNull()
    expect(otaFileExtension('.bin')).toBeNull()
  })
  it('refuses other extensions, names over 32 characters and path characters', () => {
    expect(otaFileNameProblem('update.exe')).toMatch(/not an upgrade package: use one of \.bin/)
    expect(otaFileNameProblem(`${'a'.repeat(29)}.bin`)).toMatch(/longer than 32 characters/)
    expect(otaFileNameProblem(`${'a'.repeat(28)}.bin`)).toBeNull()
    expect(otaFileNameProblem('../x.bin')).toMatch(/slashes/)
  })
  it('uploads: package files ≤ 2000 MB with an allowed extension; device lists as .csv', () => {
    expect(ZCreateUploadInput.safeParse({ fileName: 'fw.bin', size: 2000 * 1024 * 1024 }).success).toBe(true)
    expect(messages(ZCreateUploadInput.safeParse({ fileName: 'fw.bin', size: 2000 * 1024 * 1024 + 1 }))).toEqual([
      'a package file is at most 2000 MB',
    ])
    expect(messages(ZCreateUploadInput.safeParse({ fileName: 'fw.bin', size: 0 }))).toEqual(['the file is empty'])
    expect(ZCreateUploadInput.safeParse({ fileName: 'devices.csv', size: 100 }).success).toBe(true)
    expect(ZCreateUploadInput.safeParse({ fileName: 'fw.rar', size: 100 }).success).toBe(false)
  })
})

describe('OTA modules', () => {
  it('names of letters, digits . - _ (1–64); aliases 4–64; descriptions ≤ 100', () => {
    const ok = { productKey: 'a1pk', name: 'wifi.driver_2-0', alias: 'WiFi', description: '驱'.repeat(100) }
    expect(ZCreateOtaModuleInput.safeParse(ok).success).toBe(true)
    expect(ZCreateOtaModuleInput.safeParse({ ...ok, name: 'wifi driver' }).success).toBe(false)
    expect(messages(ZCreateOtaModuleInput.safeParse({ ...ok, alias: 'abc' }))).toEqual([
      'a module alias has 4–64 characters',
    ])
    expect(ZCreateOtaModuleInput.safeParse({ ...ok, description: 'x'.repeat(101) }).success).toBe(false)
  })
})
