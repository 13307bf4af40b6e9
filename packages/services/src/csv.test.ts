import { describe, expect, it } from 'vitest'
import { toCsv } from './csv'

describe('toCsv', () => {
  it('quotes what needs it, doubles quotes, ends every line with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n')
  })
  it('keeps spreadsheet programs from running a field as a formula', () => {
    expect(toCsv(['v'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)'], ['ok']])).toBe(
      'v\r\n"\'=HYPERLINK(""x"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\nok\r\n',
    )
  })
  it('leaves numbers as they are (a negative number is no formula)', () => {
    expect(toCsv(['n'], [[-3], [1.5]])).toBe('n\r\n-3\r\n1.5\r\n')
  })
  it('writes dates as ISO 8601', () => {
    expect(toCsv(['t'], [[new Date(Date.UTC(2026, 10, 24, 1, 2, 3))]])).toBe('t\r\n2026-11-24T01:02:03.000Z\r\n')
  })
})
