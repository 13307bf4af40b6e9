import { describe, expect, it } from 'vitest'
import { jsonErrorAt } from './json-error'

describe('jsonErrorAt', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const ok of [
      '{}',
      '[]',
      ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ',
      '"s"',
      '0',
      '{"a":{"b":[]}}',
    ])
      expect(jsonErrorAt(ok), ok).toBeNull()
  })

  it('points at the first offending character, by line and column', () => {
    expect(jsonErrorAt('{\n  "a": 1,\n}')).toEqual({ line: 3, column: 1 })
    expect(jsonErrorAt('{"a" 1}')).toEqual({ line: 1, column: 6 })
    expect(jsonErrorAt('{"a": tru}')).toEqual({ line: 1, column: 10 })
    expect(jsonErrorAt("{'a': 1}")).toEqual({ line: 1, column: 2 })
    expect(jsonErrorAt('[1, 2')).toEqual({ line: 1, column: 6 })
    expect(jsonErrorAt('{} x')).toEqual({ line: 1, column: 4 })
    expect(jsonErrorAt('"\\q"')).toEqual({ line: 1, column: 3 })
    expect(jsonErrorAt('"\\u12x4"')).toEqual({ line: 1, column: 6 })
    expect(jsonErrorAt('01')).toEqual({ line: 1, column: 2 })
  })

  it('agrees with JSON.parse on what is invalid', () => {
    for (const bad of ['', '{', '[,]', '{"a":1,}', 'NaN', '"a\tb"', '{"a":1}}', '[1 2]']) {
      expect(() => JSON.parse(bad), bad).toThrow()
      expect(jsonErrorAt(bad), bad).not.toBeNull()
    }
  })
})
