/**
 * What the browser bundle gets for `node:crypto`.
 *
 * `@iotops/alink` is shared with the server and imports `node:crypto` (message-id seed, device sign). The console
 * only uses its pure parts (error-code catalogue, TSL limits), but the modules are evaluated when the package is
 * imported, so the browser needs something for `randomInt` at load time. This keeps crypto-browserify out of the
 * bundle; signing is a server / device concern and fails loudly here. Wired up in next.config.ts.
 */

const unavailable = (name: string) => () => {
  throw new Error(`node:crypto ${name} is not available in the console (browser)`)
}

/** A uniform integer in [min, max) like node's, from the Web Crypto API. */
export function randomInt(min: number, max?: number): number {
  const [lo, hi] = max === undefined ? [0, min] : [min, max]
  const buf = new Uint32Array(1)
  globalThis.crypto.getRandomValues(buf)
  return lo + (buf[0]! % (hi - lo))
}

export const createHmac = unavailable('createHmac')
export const createHash = unavailable('createHash')
export const timingSafeEqual = unavailable('timingSafeEqual')

export default { randomInt, createHmac, createHash, timingSafeEqual }
