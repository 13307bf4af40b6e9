import { randomBytes, randomInt, randomUUID } from 'node:crypto'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export function randomAlnum(n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)]
  return s
}
/** 11 characters, as the reference's ProductKeys are. */
export const newProductKey = () => `a1${randomAlnum(9)}`
/** 32 hex characters (128 bits). */
export const newDeviceSecret = () => randomBytes(16).toString('hex')
export const newIotId = () => `${randomAlnum(20)}000100`
export const newDeviceName = () => randomAlnum(20)
/**
 * 32 hex characters: the time in ms (12) then 80 random bits, so new trace ids sort after older ones and the run
 * log's trace-id index grows at its end (random ids cost ingest ~40 % at 10M rows: docs/PERFORMANCE.md). randomUUID
 * draws from a pooled entropy buffer, cheap on the per-message path.
 */
export const newTraceId = () => Date.now().toString(16).padStart(12, '0') + randomUUID().replaceAll('-', '').slice(12)
