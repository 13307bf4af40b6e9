import nodeCrypto from 'node:crypto'

/**
 * In the browser `node:crypto` is the bundler's crypto-browserify stand-in, which has no `randomInt`; `@iotops/alink`
 * calls it while loading (its message-id seed). Give the stand-in one from the Web Crypto API. On the server the real
 * module already has it and nothing changes. Remove once alink no longer touches node:crypto at load time.
 */
const c = nodeCrypto as unknown as Record<string, unknown>
if (typeof c.randomInt !== 'function') {
  c.randomInt = (min: number, max?: number): number => {
    const [lo, hi] = max === undefined ? [0, min] : [min, max]
    const buf = new Uint32Array(1)
    globalThis.crypto.getRandomValues(buf)
    return lo + (buf[0]! % (hi - lo))
  }
}
