import { describe, expect, it } from 'vitest'
import { checkDownload, configureOtaDownloads, parseRange, signedFileUrl } from './download'

const FILE = { id: '0b6f3f1e-8d1c-4d4e-9a57-0c1f2a3b4c5d', name: 'app v2.bin' }
configureOtaDownloads({ secret: 'test-secret', baseUrl: 'http://iot.example.com/' })

const check = (url: string, now: number) => {
  const u = new URL(url)
  return checkDownload(u.pathname, u.searchParams, now)
}

describe('signed package links (ref §8: valid 24 h)', () => {
  const now = Date.UTC(2026, 0, 1)
  const url = signedFileUrl(FILE, now)
  it('point at this server with Expires 24 h ahead', () => {
    expect(url.startsWith(`http://iot.example.com/ota/files/${FILE.id}/app%20v2.bin?Expires=`)).toBe(true)
    expect(new URL(url).searchParams.get('Expires')).toBe(String(now / 1000 + 86_400))
  })
  it('are accepted until they expire, then AccessDenied', () => {
    expect(check(url, now + 86_399_000)).toEqual({ ok: true, fileId: FILE.id, fileName: FILE.name })
    expect(check(url, now + 86_401_000)).toMatchObject({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired.',
    })
  })
  it('a changed expiry, path or signature is SignatureDoesNotMatch', () => {
    const later = url.replace(/Expires=\d+/, `Expires=${now / 1000 + 999_999}`)
    expect(check(later, now)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
    expect(check(url.replace('app%20v2.bin', 'other.bin'), now)).toMatchObject({ code: 'SignatureDoesNotMatch' })
    const u = new URL(url)
    u.searchParams.set('Signature', `${u.searchParams.get('Signature')!.slice(0, -2)}AA`)
    expect(check(u.toString(), now)).toMatchObject({ code: 'SignatureDoesNotMatch' })
  })
  it('another secret signs differently', () => {
    configureOtaDownloads({ secret: 'other', baseUrl: 'http://iot.example.com' })
    expect(check(url, now)).toMatchObject({ code: 'SignatureDoesNotMatch' })
    configureOtaDownloads({ secret: 'test-secret', baseUrl: 'http://iot.example.com' })
  })
  it('an unsigned link is AccessDenied', () => {
    expect(check(url.split('?')[0]!, now)).toMatchObject({ status: 403, code: 'AccessDenied' })
  })
})

describe('Range headers', () => {
  it('parses one range of the three forms, clamped to the size', () => {
    expect(parseRange(undefined, 100)).toBeNull()
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 })
  })
  it('refuses what cannot be satisfied', () => {
    expect(parseRange('bytes=100-', 100)).toBe('bad')
    expect(parseRange('bytes=9-3', 100)).toBe('bad')
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('bad')
    expect(parseRange('items=0-1', 100)).toBe('bad')
  })
})
