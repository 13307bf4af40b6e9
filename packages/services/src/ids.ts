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
/** 32 hex characters; randomUUID draws from a pooled entropy buffer, cheap on the per-message path */
export const newTraceId = () => randomUUID().replaceAll('-', '')
