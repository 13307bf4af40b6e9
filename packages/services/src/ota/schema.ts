import {
  OTA_CUSTOM_INFO_MAX_LENGTH,
  OTA_DESCRIPTION_MAX_LENGTH,
  OTA_MAX_FILES,
  OTA_MAX_TOTAL_BYTES,
} from '@iotops/alink/limits'
import { z } from 'zod'
import { ZPage } from '../paging'
import { ZProductKey } from '../products/schema'

// Pure zod: OTA modules, packages ("firmware") and package uploads (ref §8.2.1). Nothing here may import I/O.

/** ref §8.1: the file types a package may hold (longest first so `.tar.gz` wins over `.gz`). */
export const OTA_FILE_EXTENSIONS = [
  '.tar.gz',
  '.tar.xz',
  '.gzip',
  '.pack',
  '.bin',
  '.dav',
  '.tar',
  '.zip',
  '.apk',
  '.gz',
] as const
/** ref §8.2.1: a file name inside a package is at most 32 characters. */
export const OTA_FILE_NAME_MAX_LENGTH = 32
/** ref §8.1: at most 500 packages per account (installation). */
export const OTA_MAX_PACKAGES = 500
/** Bytes per upload request (PUT …?offset=N); the last chunk may be shorter. */
export const OTA_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024
/** An unfinished (or unused) upload is swept this long after it was started. */
export const OTA_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000
/** Device lists for targeted batches (a CSV of device names) go through the same uploads. */
export const OTA_DEVICE_LIST_EXTENSION = '.csv'
export const OTA_DEVICE_LIST_MAX_BYTES = 64 * 1024 * 1024

export const FIRMWARE_TYPES = ['FULL', 'DIFF'] as const
export type FirmwareType = (typeof FIRMWARE_TYPES)[number]
export const SIGN_METHODS = ['MD5', 'SHA256'] as const
export type SignMethod = (typeof SIGN_METHODS)[number]
/** ota_firmware.status */
export const FIRMWARE_STATUSES = ['NO_VERIFY', 'UNVERIFIED', 'VERIFYING', 'VERIFIED', 'VERIFY_FAILED'] as const
export type FirmwareStatus = (typeof FIRMWARE_STATUSES)[number]
export const DEFAULT_MODULE = 'default'

/** The allowed extension a file name ends with (case-insensitive), or null. */
export function otaFileExtension(name: string): string | null {
  const lower = name.toLowerCase()
  return OTA_FILE_EXTENSIONS.find((e) => lower.endsWith(e) && lower.length > e.length) ?? null
}

const EXT_LIST = '.bin .dav .tar .gz .zip .gzip .apk .tar.gz .tar.xz .pack'
const fileNameMessage = (name: string): string | null => {
  if (name.length === 0) return 'a file needs a name'
  if (name.length > OTA_FILE_NAME_MAX_LENGTH)
    return `the file name "${name}" is longer than ${OTA_FILE_NAME_MAX_LENGTH} characters; rename the file`
  if (/[/\\]/.test(name) || [...name].some((c) => c.charCodeAt(0) < 32))
    return `the file name "${name}" may not contain slashes or control characters`
  if (!otaFileExtension(name)) return `the file "${name}" is not an upgrade package: use one of ${EXT_LIST}`
  return null
}
/** Why a package file name is refused (null when it is fine): ≤ 32 characters, an allowed extension. */
export const otaFileNameProblem = fileNameMessage

/** A package file's name (ref §8.2.1: ≤ 32 characters, one of the allowed extensions). */
export const ZOtaFileName = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const m = fileNameMessage(v)
    if (m) ctx.addIssue({ code: 'custom', message: m })
  })

/**
 * ref §8.2.1 package name: 1–40 characters of Chinese, Latin or Japanese letters, digits, `-`, `_`, `(`, `)`,
 * starting with a letter or digit.
 */
export const FIRMWARE_NAME_RE =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ーA-Za-z0-9][\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ーA-Za-z0-9_()-]{0,39}$/u
export const ZFirmwareName = z
  .string()
  .trim()
  .min(1, 'a package name has 1–40 characters')
  .max(40, 'a package name has 1–40 characters')
  .regex(
    FIRMWARE_NAME_RE,
    'a package name starts with a Chinese, Latin or Japanese letter or a digit, and may also contain - _ ( )',
  )

/** ref §8.2.1 version: 1–64 letters, digits, `.`, `-`, `_`. */
export const ZOtaVersion = z
  .string()
  .trim()
  .min(1, 'a version has 1–64 characters')
  .max(64, 'a version has 1–64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'a version may contain only letters, digits and . - _')

/** ref §8.2.1 module name: 1–64 letters, digits, `.`, `-`, `_`; unique in the product, fixed once created. */
export const ZOtaModuleName = z
  .string()
  .trim()
  .min(1, 'a module name has 1–64 characters')
  .max(64, 'a module name has 1–64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'a module name may contain only letters, digits and . - _')
/** ref §8.2.1 module alias: 4–64 letters, digits, `.`, `-`, `_`. */
export const ZOtaModuleAlias = z
  .string()
  .trim()
  .min(4, 'a module alias has 4–64 characters')
  .max(64, 'a module alias has 4–64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'a module alias may contain only letters, digits and . - _')
/** ref §8.2.1 module description: ≤ 100 characters (a CJK character counts as one). */
export const ZOtaModuleDescription = z.string().max(100, 'a module description has at most 100 characters')

export const ZOtaModulesInput = z.object({ productKey: ZProductKey })
export type TOtaModulesInput = z.infer<typeof ZOtaModulesInput>
export const ZCreateOtaModuleInput = z.object({
  productKey: ZProductKey,
  name: ZOtaModuleName,
  alias: ZOtaModuleAlias.optional(),
  description: ZOtaModuleDescription.optional(),
})
export type TCreateOtaModuleInput = z.infer<typeof ZCreateOtaModuleInput>
/** Alias and description are editable (`null` clears them); the name is fixed. */
export const ZUpdateOtaModuleInput = z.object({
  productKey: ZProductKey,
  name: ZOtaModuleName,
  alias: ZOtaModuleAlias.nullable().optional(),
  description: ZOtaModuleDescription.nullable().optional(),
})
export type TUpdateOtaModuleInput = z.infer<typeof ZUpdateOtaModuleInput>
export const ZDeleteOtaModuleInput = z.object({ productKey: ZProductKey, name: ZOtaModuleName })
export type TDeleteOtaModuleInput = z.infer<typeof ZDeleteOtaModuleInput>

export const ZFirmwareDescription = z
  .string()
  .max(OTA_DESCRIPTION_MAX_LENGTH, `a package description has at most ${OTA_DESCRIPTION_MAX_LENGTH} characters`)
export const ZFirmwareUdi = z
  .string()
  .max(
    OTA_CUSTOM_INFO_MAX_LENGTH,
    `the custom information pushed to devices has at most ${OTA_CUSTOM_INFO_MAX_LENGTH} characters`,
  )

export const ZUploadId = z.string().uuid('an upload id is the id returned when the upload was started')

export const ZCreateFirmwareInput = z
  .object({
    name: ZFirmwareName,
    productKey: ZProductKey,
    module: ZOtaModuleName.default(DEFAULT_MODULE),
    type: z.enum(FIRMWARE_TYPES).default('FULL'),
    srcVersion: ZOtaVersion.optional(),
    destVersion: ZOtaVersion,
    signMethod: z.enum(SIGN_METHODS).default('MD5'),
    needVerify: z.boolean().default(false),
    description: ZFirmwareDescription.optional(),
    udi: ZFirmwareUdi.optional(),
    secure: z.boolean().default(false),
    files: z
      .array(
        z.object({
          uploadId: ZUploadId,
          /** the digest the uploader computed (by signMethod, hex): the package is refused when the bytes differ */
          sign: z
            .string()
            .trim()
            .regex(/^[0-9a-fA-F]{32}([0-9a-fA-F]{32})?$/, 'a file signature is a hex MD5 or SHA-256 digest')
            .optional(),
        }),
      )
      .min(1, 'upload at least one file')
      .max(OTA_MAX_FILES, `a package holds at most ${OTA_MAX_FILES} files`),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'DIFF' && !v.srcVersion)
      ctx.addIssue({
        code: 'custom',
        path: ['srcVersion'],
        message: 'a differential package needs the version it applies to (srcVersion)',
      })
    if (v.type === 'DIFF' && v.srcVersion && v.srcVersion === v.destVersion)
      ctx.addIssue({ code: 'custom', path: ['srcVersion'], message: 'srcVersion and destVersion must differ' })
    const ids = v.files.map((f) => f.uploadId)
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'the same upload is listed twice' })
  })
export type TCreateFirmwareInput = z.input<typeof ZCreateFirmwareInput>
export type TCreateFirmwareParsed = z.output<typeof ZCreateFirmwareInput>

/** A package by its id (the row id or the public FirmwareId). */
export const ZFirmwareRef = z.object({ id: z.string().trim().min(1, 'give the package id').max(64) })
export type TFirmwareRef = z.infer<typeof ZFirmwareRef>

/** ref §8.2.1: name, description and custom information stay editable. */
export const ZUpdateFirmwareInput = ZFirmwareRef.extend({
  name: ZFirmwareName.optional(),
  description: ZFirmwareDescription.nullable().optional(),
  udi: ZFirmwareUdi.nullable().optional(),
})
export type TUpdateFirmwareInput = z.infer<typeof ZUpdateFirmwareInput>

export const ZListFirmwareInput = ZPage.extend({
  productKey: ZProductKey.optional(),
  module: ZOtaModuleName.optional(),
  /** part of the package name */
  name: z.string().trim().max(40).optional(),
  destVersion: ZOtaVersion.optional(),
  status: z.enum(FIRMWARE_STATUSES).optional(),
})
export type TListFirmwareInput = z.infer<typeof ZListFirmwareInput>

export const ZOtaSignKeyInput = z.object({ productKey: ZProductKey })
export type TOtaSignKeyInput = z.infer<typeof ZOtaSignKeyInput>
export const ZOtaVersionsInput = z.object({ productKey: ZProductKey, module: ZOtaModuleName.default(DEFAULT_MODULE) })
export type TOtaVersionsInput = z.input<typeof ZOtaVersionsInput>

/** POST /api/ota/uploads: a package file (≤ 2000 MB, allowed extension) or a device list (.csv). */
export const ZCreateUploadInput = z
  .object({
    fileName: z.string().trim().min(1, 'give the file name').max(255, 'a file name has at most 255 characters'),
    size: z
      .number({ message: 'give the file size in bytes' })
      .int('the size is a whole number of bytes')
      .min(1, 'the file is empty'),
  })
  .superRefine((v, ctx) => {
    if (v.fileName.toLowerCase().endsWith(OTA_DEVICE_LIST_EXTENSION)) {
      if (v.size > OTA_DEVICE_LIST_MAX_BYTES)
        ctx.addIssue({ code: 'custom', path: ['size'], message: 'a device list is at most 64 MB' })
      return
    }
    const m = fileNameMessage(v.fileName)
    if (m) ctx.addIssue({ code: 'custom', path: ['fileName'], message: m })
    if (v.size > OTA_MAX_TOTAL_BYTES)
      ctx.addIssue({ code: 'custom', path: ['size'], message: 'a package file is at most 2000 MB' })
  })
export type TCreateUploadInput = z.infer<typeof ZCreateUploadInput>
