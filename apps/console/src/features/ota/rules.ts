/**
 * The form checks of the OTA pages are the server's own input schemas and limits (pure zod, browser-safe): the dialogs
 * refuse what the server would refuse, and explain it with a message from the user's catalogue.
 */
export {
  OTA_CUSTOM_INFO_MAX_LENGTH,
  OTA_DESCRIPTION_MAX_LENGTH,
  OTA_MAX_FILES,
  OTA_MAX_PUSH_PER_MINUTE,
  OTA_MAX_TOTAL_BYTES,
  OTA_TIMEOUT_MINUTES,
} from '@iotops/alink/limits'
export {
  OTA_FILE_NAME_MAX_LENGTH,
  OTA_MAX_RETRIES,
  OTA_RATE_LIMITS,
  OTA_RETRY_INTERVALS,
  OTA_VERIFY_MAX_DEVICES,
  otaFileExtension,
  scheduleProblem,
  ZFirmwareDescription,
  ZFirmwareName,
  ZFirmwareUdi,
  ZOtaModuleAlias,
  ZOtaModuleDescription,
  ZOtaModuleName,
  ZOtaTag,
  ZOtaVersion,
} from '@iotops/services/schemas'

import { OTA_FILE_NAME_MAX_LENGTH, otaFileExtension } from '@iotops/services/schemas'

/** ref §8.2.1 accepted file types, as the file picker's filter and in messages. */
export const FILE_EXTENSIONS = ['.bin', '.dav', '.tar', '.gz', '.zip', '.gzip', '.apk', '.tar.gz', '.tar.xz', '.pack']

export type FileProblem = 'extension' | 'nameLength' | 'duplicateName' | 'tooMany' | 'tooLarge' | 'empty'

/** What is wrong with adding `file` to the package's files (ref §8.2.1: ≤ 20 files, ≤ 2000 MB, unique names ≤ 32). */
export function checkFile(
  file: { name: string; size: number },
  others: readonly { name: string; size: number }[],
  limits: { maxFiles: number; maxTotalBytes: number },
): FileProblem | undefined {
  if (!otaFileExtension(file.name)) return 'extension'
  if (file.name.length > OTA_FILE_NAME_MAX_LENGTH) return 'nameLength'
  if (file.size === 0) return 'empty'
  if (others.some((o) => o.name === file.name)) return 'duplicateName'
  if (others.length >= limits.maxFiles) return 'tooMany'
  if (others.reduce((s, o) => s + o.size, 0) + file.size > limits.maxTotalBytes) return 'tooLarge'
  return undefined
}
