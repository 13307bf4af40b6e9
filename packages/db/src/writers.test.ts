import { describe, expect, it } from 'vitest'
import { copyText } from './writers'

describe("COPY's text format", () => {
  it('escapes what would end a field or a row, and the escape character itself', () => {
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e')
    expect(copyText('{"Content":"{\\"t\\":1}"}')).toBe('{"Content":"{\\\\"t\\\\":1}"}')
    expect(copyText('plain 温度 ✓')).toBe('plain 温度 ✓')
  })

  it('writes null as \\N, so the text "\\N" stays text', () => {
    expect(copyText(null)).toBe('\\N')
    expect(copyText(undefined)).toBe('\\N')
    expect(copyText('\\N')).toBe('\\\\N')
  })

  it('writes dates in UTC, numbers, booleans, buffers and JSON', () => {
    expect(copyText(new Date(Date.UTC(2026, 10, 24, 1, 2, 3, 4)))).toBe('2026-11-24T01:02:03.004Z')
    expect(copyText(new Date(Number.NaN))).toBe('invalid date')
    expect(copyText(6306)).toBe('6306')
    expect(copyText(10n)).toBe('10')
    expect(copyText(false)).toBe('f')
    expect(copyText(Buffer.from([0, 255]))).toBe('\\\\x00ff')
    expect(copyText({ a: 'x\ty', n: [1] })).toBe('{"a":"x\\\\ty","n":[1]}')
  })
})
