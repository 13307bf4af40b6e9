import PROVINCES from './data/provinces.json' with { type: 'json' }

/** Where a device is: official full names (浙江省, 杭州市); city null when only the province is known. */
export interface Region {
  province: string
  city: string | null
}

export interface ProvinceInfo {
  adcode: string
  name: string
  short: string
  municipality?: boolean
}

export const provinces: readonly ProvinceInfo[] = PROVINCES

/**
 * The official full name of a Chinese province-level region from any of its spellings (浙江, 浙江省, 上海, 广西,
 * 广西壮族自治区…); other names (countries) are returned unchanged.
 */
export function normalizeProvince(name: string): string {
  const n = name.trim()
  const p = PROVINCES.find((x) => n === x.name || n === x.short || n.startsWith(x.short))
  return p ? p.name : n
}

/** Municipalities and SARs are their own city (北京市 → 北京市). */
export function normalizeCity(province: string, city: string | null | undefined): string | null {
  const p = PROVINCES.find((x) => x.name === province)
  if (p?.municipality) return p.name
  const c = city?.trim()
  return c ? c : null
}
