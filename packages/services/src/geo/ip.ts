import { createRequire } from 'node:module'
import { isIP } from 'node:net'
import { normalizeCity, normalizeProvince, type Region } from './regions'

interface Ip2RegionResult {
  country: string
  province: string
  city: string
  isp: string
}
interface Ip2Region {
  search(ip: string): Ip2RegionResult | null
}

let searcher: Ip2Region | null = null
/** The offline IP database (npm `ip2region`: its .db files ship in the package; ~11 MB, read once, on first use). */
function db(): Ip2Region {
  if (!searcher) {
    const require = createRequire(import.meta.url)
    const IP2Region = (require('ip2region') as { default: new (o?: object) => Ip2Region }).default
    searcher = new IP2Region()
  }
  return searcher
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything that is not an IP address → null. */
export function cleanIp(ip: string | null | undefined): string | null {
  if (!ip) return null
  const s = ip.trim().replace(/^::ffff:/i, '')
  return isIP(s) ? s : null
}

/** Addresses that say nothing about where a device is: private, loopback, link-local, CGNAT, unspecified. */
export function isNonPublicIp(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number]
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    )
  }
  const v = ip.toLowerCase()
  return v === '::' || v === '::1' || /^f[cd]/.test(v) || /^fe[89ab]/.test(v)
}

/**
 * Region of a connection's remote address from the offline IP database. Chinese addresses give the official
 * province and city names; other countries give the country as the province (no city). Non-public addresses and
 * addresses the database does not know → null (shown as "unknown").
 */
export function regionOfIp(ip: string | null | undefined): Region | null {
  const clean = cleanIp(ip)
  if (!clean || isNonPublicIp(clean)) return null
  let r: Ip2RegionResult | null
  try {
    r = db().search(clean)
  } catch {
    return null
  }
  if (!r) return null
  if (r.country === '中国' && r.province) {
    const province = normalizeProvince(r.province)
    return { province, city: normalizeCity(province, r.city) }
  }
  if (r.country && r.country !== '中国' && r.country !== '0') return { province: r.country, city: null }
  return null
}
