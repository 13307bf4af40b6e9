/** Where a JSON text stops being valid JSON: 1-based line and column of the first offending character. */
export interface JsonErrorAt {
  line: number
  column: number
}

/**
 * Finds the first syntax error of a JSON text (null when it parses), by the JSON grammar rather than from the
 * browser's parse message, whose wording and detail differ between browsers and are in English only.
 */
export function jsonErrorAt(text: string): JsonErrorAt | null {
  let i = 0
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const fail = (): never => {
    throw i
  }
  const literal = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail()
      i++
    }
  }
  const string = () => {
    i++ // the opening quote
    for (;;) {
      const c = text[i]
      if (c === undefined || c < ' ') fail()
      if (c === '"') return void i++
      if (c === '\\') {
        i++
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k
              fail()
            }
          }
          i += 5
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++
        else fail()
      } else i++
    }
  }
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (!m) fail()
    i += m![0].length
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    }
    if (c === '"') string()
    else if (c === 't') literal('true')
    else if (c === 'f') literal('false')
    else if (c === 'n') literal('null')
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number()
    else fail()
  }
  try {
    value()
    ws()
    if (i < text.length) fail()
    return null
  } catch (at) {
    if (typeof at !== 'number') throw at
    const before = text.slice(0, at).split('\n')
    return { line: before.length, column: before[before.length - 1]!.length + 1 }
  }
}
