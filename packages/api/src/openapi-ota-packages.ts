// OpenAPI actions for OTA modules and upgrade packages (ref §8.2.1 相关API), merged into the action table of
// openapi.ts. Parameter and field names follow the reference's OpenAPI.
import { AppError, otaDownload, otaFirmware, otaModules, otaUpload } from '@iotops/services'
import { type Action, bool, num, type Params, required, str } from './openapi-params'

/** ListOTAFirmware / QueryOTAFirmware Status: -1 no verification needed, 0 unverified, 1 verified, 2 verifying, 3 failed */
const STATUS_OUT = { NO_VERIFY: -1, UNVERIFIED: 0, VERIFIED: 1, VERIFYING: 2, VERIFY_FAILED: 3 } as const
const STATUS_IN: Record<string, keyof typeof STATUS_OUT> = {
  '-1': 'NO_VERIFY',
  '0': 'UNVERIFIED',
  '1': 'VERIFIED',
  '2': 'VERIFYING',
  '3': 'VERIFY_FAILED',
}
const TYPE_OUT = { FULL: 0, DIFF: 1 } as const

/** An upload named by its id or by the FirmwareUrl GenerateOTAUploadURL returned (…/api/ota/uploads/<id>). */
function uploadIdOf(v: string, k: string) {
  const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(v.trim())
  if (!m) throw new AppError('BAD_REQUEST', `${k} must be the FirmwareUrl (or UploadId) GenerateOTAUploadURL returned`)
  return m[1]!.toLowerCase()
}

/** MultiFiles as a JSON array (or its string) of {Url, SignValue?}, or flattened MultiFiles.N.Url. */
function multiFiles(p: Params): { Url?: unknown; SignValue?: unknown }[] {
  const v = p.MultiFiles
  if (Array.isArray(v)) return v as { Url?: unknown }[]
  if (typeof v === 'string' && v.trim()) {
    try {
      const a = JSON.parse(v)
      if (Array.isArray(a)) return a
    } catch {
      // fall through
    }
    throw new AppError('BAD_REQUEST', 'MultiFiles must be a JSON array of {"Url": …}')
  }
  const flat: { Url?: unknown; SignValue?: unknown }[] = []
  for (const [k, val] of Object.entries(p)) {
    const m = /^MultiFiles\.(\d+)\.(Url|SignValue)$/.exec(k)
    if (!m) continue
    const i = Number(m[1]) - 1
    flat[i] = { ...flat[i], [m[2]!]: val }
  }
  return flat.filter(Boolean)
}

const firmwareInfo = (f: otaFirmware.FirmwareListItem & { files?: otaFirmware.FirmwareFileView[] }) => ({
  FirmwareId: f.firmwareId,
  FirmwareName: f.name,
  ProductKey: f.productKey,
  ProductName: f.productName,
  ModuleName: f.module,
  Type: TYPE_OUT[f.type],
  SrcVersion: f.srcVersion ?? undefined,
  DestVersion: f.destVersion,
  SignMethod: f.signMethod,
  FirmwareSign: f.files?.[0]?.sign,
  FirmwareSize: f.size,
  FirmwareUrl: f.files?.[0]?.url,
  FirmwareDesc: f.description ?? undefined,
  Udi: f.udi ?? undefined,
  NeedToVerify: f.needVerify,
  Status: STATUS_OUT[f.status],
  UtcCreate: f.createdAt.toISOString(),
  UtcModified: f.updatedAt.toISOString(),
})

export const OTA_PACKAGE_ACTIONS: Record<string, Action> = {
  CreateOTAModule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await otaModules.createModule(d.db, actor, {
        productKey: str(p, 'ProductKey') ?? '',
        name: str(p, 'ModuleName') ?? '',
        alias: str(p, 'AliasName'),
        description: str(p, 'Desc'),
      })
      return undefined
    },
  },
  UpdateOTAModule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await otaModules.updateModule(d.db, actor, {
        productKey: str(p, 'ProductKey') ?? '',
        name: str(p, 'ModuleName') ?? '',
        alias: str(p, 'AliasName'),
        description: str(p, 'Desc'),
      })
      return undefined
    },
  },
  DeleteOTAModule: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await otaModules.deleteModule(d.db, actor, {
        productKey: str(p, 'ProductKey') ?? '',
        name: str(p, 'ModuleName') ?? '',
      })
      return undefined
    },
  },
  ListOTAModuleByProduct: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const list = await otaModules.listModules(d.db, required(p, 'ProductKey'))
      return list.map((m) => ({
        ProductKey: m.productKey,
        ModuleName: m.name,
        AliasName: m.alias ?? undefined,
        Desc: m.description ?? undefined,
        GmtCreate: m.createdAt?.toISOString(),
      }))
    },
  },
  /**
   * Starts a resumable upload (our counterpart of the reference's OSS form upload): PUT the bytes to FirmwareUrl
   * with ?offset=N (≤ ChunkSize each, same API key), then pass FirmwareUrl to CreateOTAFirmware.
   */
  GenerateOTAUploadURL: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const suffix = str(p, 'FileSuffix')
      const fileName = str(p, 'FileName') ?? (suffix ? `firmware.${suffix.replace(/^\./, '')}` : undefined)
      if (!fileName) throw new AppError('BAD_REQUEST', 'FileName is required (e.g. "app-2.0.bin")')
      const size = num(p, 'FileSize')
      const u = await otaUpload.createUpload(d.db, actor, otaUpload.parseCreateUpload({ fileName, size }))
      const base = otaDownload.otaBaseUrl()
      return {
        UploadId: u.uploadId,
        FirmwareUrl: `${base}/api/ota/uploads/${u.uploadId}`,
        Host: base,
        Key: `staging/${u.uploadId}`,
        ChunkSize: u.chunkSize,
        FileName: u.fileName,
        FileSize: u.size,
        ObjectStorage: 'LOCAL',
        UtcExpire: u.expiresAt.toISOString(),
      }
    },
  },
  CreateOTAFirmware: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      const type = num(p, 'Type') ?? 0
      if (type !== 0 && type !== 1)
        throw new AppError('BAD_REQUEST', 'Type must be 0 (full package) or 1 (differential)')
      const files: { uploadId: string; sign?: string }[] = []
      const single = str(p, 'FirmwareUrl')
      if (single) files.push({ uploadId: uploadIdOf(single, 'FirmwareUrl'), sign: str(p, 'FirmwareSign') })
      for (const [i, f] of multiFiles(p).entries()) {
        const url = f.Url === undefined ? '' : String(f.Url)
        files.push({
          uploadId: uploadIdOf(url, `MultiFiles.${i + 1}.Url`),
          sign: f.SignValue === undefined ? undefined : String(f.SignValue),
        })
      }
      if (!files.length) throw new AppError('BAD_REQUEST', 'give FirmwareUrl or MultiFiles (from GenerateOTAUploadURL)')
      const f = await otaFirmware.createFirmware(d.db, actor, {
        name: str(p, 'FirmwareName') ?? '',
        productKey: str(p, 'ProductKey') ?? '',
        module: str(p, 'ModuleName') ?? undefined,
        type: type === 1 ? 'DIFF' : 'FULL',
        srcVersion: str(p, 'SrcVersion'),
        destVersion: str(p, 'DestVersion') ?? '',
        signMethod: (str(p, 'SignMethod')?.toUpperCase() as 'MD5' | 'SHA256' | undefined) ?? 'MD5',
        needVerify: bool(p, 'NeedToVerify') ?? false,
        description: str(p, 'FirmwareDesc'),
        udi: str(p, 'Udi'),
        secure: bool(p, 'NeedSecure') ?? false,
        files,
      })
      return { FirmwareId: f.firmwareId, UtcCreate: f.createdAt.toISOString() }
    },
  },
  UpdateOTAFirmware: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await otaFirmware.updateFirmware(d.db, actor, {
        id: required(p, 'FirmwareId'),
        name: str(p, 'FirmwareName'),
        description: str(p, 'FirmwareDesc'),
        udi: str(p, 'FirmwareUdi'),
      })
      return undefined
    },
  },
  DeleteOTAFirmware: {
    role: 'OPERATOR',
    async run(d, actor, p) {
      await otaFirmware.deleteFirmware(d.db, actor, required(p, 'FirmwareId'))
      return undefined
    },
  },
  ListOTAFirmware: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const status = str(p, 'Status')
      if (status !== undefined && !STATUS_IN[status])
        throw new AppError('BAD_REQUEST', 'Status must be -1, 0, 1, 2 or 3')
      const r = await otaFirmware.listFirmware(d.db, {
        productKey: str(p, 'ProductKey'),
        module: str(p, 'ModuleName'),
        destVersion: str(p, 'DestVersion'),
        status: status === undefined ? undefined : STATUS_IN[status],
        page: num(p, 'CurrentPage') ?? 1,
        pageSize: num(p, 'PageSize') ?? 10,
      })
      return {
        CurrentPage: r.page,
        PageSize: r.pageSize,
        PageCount: Math.ceil(r.total / r.pageSize),
        Total: r.total,
        FirmwareInfo: { SimpleFirmwareInfo: r.items.map((f) => firmwareInfo(f)) },
      }
    },
  },
  QueryOTAFirmware: {
    role: 'VIEWER',
    async run(d, _a, p) {
      const f = await otaFirmware.firmwareDetail(d.db, required(p, 'FirmwareId'))
      return {
        FirmwareInfo: {
          ...firmwareInfo(f),
          MultiFiles: f.files.map((x) => ({
            Name: x.name,
            Size: x.size,
            Url: x.url,
            SignValue: x.sign,
            FileMd5: x.md5,
            DigestSign: x.digestSign ?? undefined,
          })),
        },
      }
    },
  },
}
