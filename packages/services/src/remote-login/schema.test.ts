import { describe, expect, it } from 'vitest'
import { castEvent, castHeader, parseCast, recordingRelPath } from './recording'
import { ZSshCredentials, ZTerminalClientMessage } from './schema'

describe('asciicast v2', () => {
  it('writes a header and events that parse back, UTF-8 and escapes intact', () => {
    const text =
      castHeader({ width: 80, height: 24, timestamp: 1_700_000_000, env: { TERM: 'xterm-256color' } }) +
      castEvent(0.1234567, 'o', 'héllo 你好\r\n\u001b[31mred\u001b[0m') +
      castEvent(1.5, 'r', '120x40')
    const { header, events } = parseCast(text)
    expect(header).toEqual({
      version: 2,
      width: 80,
      height: 24,
      timestamp: 1_700_000_000,
      env: { TERM: 'xterm-256color' },
    })
    expect(events).toEqual([
      [0.123457, 'o', 'héllo 你好\r\n\u001b[31mred\u001b[0m'],
      [1.5, 'r', '120x40'],
    ])
  })

  it('refuses what is not a v2 recording', () => {
    expect(() => parseCast('{"version":1}\n')).toThrow(/v2/)
    expect(() => parseCast(`${castHeader({ width: 1, height: 1, timestamp: 0 })}[1,"o"]\n`)).toThrow(/malformed/)
  })

  it('files recordings by day and session id', () => {
    expect(recordingRelPath('abc', new Date('2026-11-24T10:00:00Z'))).toBe('recordings/ssh/2026-11-24/abc.cast')
  })
})

describe('terminal messages', () => {
  it('needs a user and a password or a key', () => {
    expect(ZSshCredentials.safeParse({ username: 'pi' }).success).toBe(false)
    expect(ZSshCredentials.safeParse({ username: 'pi', password: 'x' }).success).toBe(true)
    expect(ZSshCredentials.safeParse({ username: 'pi', privateKey: '-----BEGIN' }).success).toBe(true)
    expect(ZSshCredentials.safeParse({ username: 'a b', password: 'x' }).success).toBe(false)
  })

  it('accepts open / resize / watch and refuses absurd sizes', () => {
    const open = { type: 'open', productKey: 'pk', deviceName: 'd', credentials: { username: 'u', password: 'p' } }
    expect(ZTerminalClientMessage.safeParse({ ...open, cols: 80, rows: 24 }).success).toBe(true)
    expect(ZTerminalClientMessage.safeParse({ ...open, cols: 5000, rows: 24 }).success).toBe(false)
    expect(ZTerminalClientMessage.safeParse({ type: 'resize', cols: 100, rows: 30 }).success).toBe(true)
    expect(ZTerminalClientMessage.safeParse({ type: 'watch', sessionId: 'nope' }).success).toBe(false)
  })
})
